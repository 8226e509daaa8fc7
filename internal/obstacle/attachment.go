package obstacle

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/gridfs"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Attachment limits.
const (
	MaxFileSize    = 10 << 20 // bytes per file
	MaxAttachments = 5        // files per obstacle
	maxFileName    = 120      // characters
)

// Accepted content types and the extension each is stored with.
var allowedTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
}

var (
	magicPDF  = []byte("%PDF-")
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
)

// SniffContentType returns the content type of a file from its first bytes
// if it is one the portal accepts (PDF, JPEG, PNG): http.DetectContentType
// and the format's magic bytes must agree. The file's name plays no part,
// so an executable renamed .pdf is refused.
func SniffContentType(head []byte) (string, bool) {
	ct := http.DetectContentType(head)
	switch {
	case ct == "application/pdf" && bytes.HasPrefix(head, magicPDF):
	case ct == "image/png" && bytes.HasPrefix(head, magicPNG):
	case ct == "image/jpeg" && bytes.HasPrefix(head, magicJPEG):
	default:
		return "", false
	}
	return ct, true
}

// cleanFileName keeps a safe display name: no directories or control
// characters, limited length, and the extension of the sniffed type.
func cleanFileName(name, contentType string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == "/" {
		name = ""
	}
	ext := allowedTypes[contentType]
	cur := strings.ToLower(path.Ext(name))
	okExt := cur == ext || (ext == ".jpg" && cur == ".jpeg")
	if !okExt {
		name = strings.TrimSuffix(name, path.Ext(name)) + ext
		cur = ext
	}
	stem := strings.TrimSpace(strings.TrimSuffix(name, path.Ext(name)))
	if stem == "" {
		stem = "file"
	}
	for utf8.RuneCountInString(stem)+len(cur) > maxFileName {
		_, size := utf8.DecodeLastRuneInString(stem)
		stem = stem[:len(stem)-size]
	}
	// Shortening may end the stem on a space: trim again, so that cleaning
	// a clean name changes nothing.
	stem = strings.TrimSpace(stem)
	return stem + cur
}

func fileErr(msgID string) error {
	e := apperr.Fields{"file": msgID}.Err().(*apperr.Error)
	e.Data = map[string]any{"MaxMB": MaxFileSize >> 20, "Max": MaxAttachments}
	return e
}

func (s *Store) bucket(ctx context.Context) (*gridfs.Bucket, error) {
	return mongodb.Bucket(ctx, s.db, AttachmentsBucket)
}

// canAttach reports whether actor may add files to o.
func canAttach(o *Obstacle, actor Actor) bool {
	switch o.Status {
	case Rejected, Merged, Closed:
		return false
	}
	switch actor.Role {
	case RoleFiler, RoleTaskforce, RoleAdmin:
		return true
	case RoleAgency:
		return o.HasAgency(actor.Agency)
	}
	return false
}

// AddAttachment stores a file for the obstacle id in GridFS and records it
// on the obstacle with a timeline event. The content decides: only PDF,
// JPEG and PNG are accepted (field "file", obstacle.error.file_type), at
// most MaxFileSize bytes (obstacle.error.file_size) and MaxAttachments
// files per obstacle (obstacle.error.file_count); a name with control
// characters is refused (MsgControlChars). The file is read into
// memory, at most MaxFileSize+1 bytes.
func (s *Store) AddAttachment(ctx context.Context, id, name string, r io.Reader, actor Actor, now time.Time) (Obstacle, Attachment, error) {
	now = now.UTC().Truncate(time.Millisecond)
	o, err := s.Get(ctx, id)
	if err != nil {
		return Obstacle{}, Attachment{}, err
	}
	if !canAttach(&o, actor) {
		return Obstacle{}, Attachment{}, apperr.Forbidden()
	}
	if id := TextProblem(name, false); id != "" {
		return Obstacle{}, Attachment{}, apperr.Fields{"file": id}.Err()
	}
	if len(o.Attachments) >= MaxAttachments {
		return Obstacle{}, Attachment{}, fileErr("obstacle.error.file_count")
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return Obstacle{}, Attachment{}, apperr.Internal(err)
	}
	if len(data) > MaxFileSize {
		return Obstacle{}, Attachment{}, fileErr("obstacle.error.file_size")
	}
	ct, ok := SniffContentType(data)
	if !ok {
		return Obstacle{}, Attachment{}, fileErr("obstacle.error.file_type")
	}
	att := Attachment{Name: cleanFileName(name, ct), ContentType: ct, Size: int64(len(data)), UploadedAt: now, UploadedBy: actor.ID}

	b, err := s.bucket(ctx)
	if err != nil {
		return Obstacle{}, Attachment{}, apperr.Internal(err)
	}
	fid, err := b.UploadFromStream(att.Name, bytes.NewReader(data),
		options.GridFSUpload().SetMetadata(bson.M{"obstacleId": id, "contentType": ct}))
	if err != nil {
		return Obstacle{}, Attachment{}, apperr.Internal(err)
	}
	att.FileID = fid.Hex()

	// Record it on the obstacle; re-check on the obstacle as it then is.
	o, err = s.retry(ctx, id, func(o Obstacle) (Obstacle, Event, []bson.E, error) {
		if !canAttach(&o, actor) {
			return o, Event{}, nil, apperr.Forbidden()
		}
		if len(o.Attachments) >= MaxAttachments {
			return o, Event{}, nil, fileErr("obstacle.error.file_count")
		}
		n := o
		n.Attachments = append(append([]Attachment(nil), o.Attachments...), att)
		ev := NewEvent(now, actor, ActAttach, o.Status, o.Status, att.Name, actor.Role == RoleFiler)
		return n, ev, []bson.E{{Key: "attachments", Value: att}}, nil
	})
	if err == nil {
		return o, att, nil
	}
	// Not recorded: do not leave the file behind.
	if derr := b.DeleteContext(ctx, fid); derr != nil {
		s.opts.Logger.ErrorContext(ctx, "obstacle attachment clean-up failed", "file", att.FileID, "err", derr)
	}
	return Obstacle{}, Attachment{}, err
}

// OpenAttachment opens a file of the obstacle id for reading; the caller
// closes it. A file id that is not among the obstacle's attachments is not
// found, so one obstacle's access never reaches another's files.
func (s *Store) OpenAttachment(ctx context.Context, id, fileID string) (Attachment, io.ReadCloser, error) {
	o, err := s.Get(ctx, id)
	if err != nil {
		return Attachment{}, nil, err
	}
	var att Attachment
	found := false
	for _, a := range o.Attachments {
		if a.FileID == fileID {
			att, found = a, true
			break
		}
	}
	notFound := apperr.NotFound("obstacle.error.file_not_found")
	if !found {
		return Attachment{}, nil, notFound
	}
	oid, err := primitive.ObjectIDFromHex(fileID)
	if err != nil {
		return Attachment{}, nil, notFound
	}
	b, err := s.bucket(ctx)
	if err != nil {
		return Attachment{}, nil, apperr.Internal(err)
	}
	ds, err := b.OpenDownloadStream(oid)
	if errors.Is(err, gridfs.ErrFileNotFound) {
		return Attachment{}, nil, notFound
	}
	if err != nil {
		return Attachment{}, nil, apperr.Internal(err)
	}
	return att, ds, nil
}
