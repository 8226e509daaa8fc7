// Package media keeps the pictures and brochures the board attaches to an
// opportunity: the bytes in GridFS (bucket "media"), a small record of each
// file (its owner, kind, type, size, dimensions and alt text) in the
// collection "media". A file is checked by its content, never its name:
// images are JPEG, PNG or WebP within size and dimension limits, brochures
// are PDF. It knows nothing of HTTP.
package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig of JPEG images
	_ "image/png"  // DecodeConfig of PNG images
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/gridfs"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Kinds of file.
const (
	KindImage    = "image"
	KindBrochure = "brochure"
)

// Limits. Both sizes stay below the portal's default request body limit
// (12 MB), so an upload is refused by these checks with a field message,
// not by the server with a bare 413.
const (
	MaxImageSize    = 5 << 20  // bytes
	MaxBrochureSize = 10 << 20 // bytes
	MinImageSide    = 200      // pixels, each side
	MaxImageSide    = 8000     // pixels, each side
	MaxAltText      = 300      // characters
	MaxName         = 120      // characters of a file name
	// MaxPerOwner bounds the files of one opportunity.
	MaxPerOwner = 12
)

// Collection and bucket names.
const (
	Collection = "media"
	Bucket     = "media"
)

// Item is one stored file. ID is also the GridFS file id (hex). SHA256
// is the content's digest, the file's ETag.
type Item struct {
	ID          string         `json:"id" bson:"_id"`
	Owner       string         `json:"owner" bson:"owner"`
	Kind        string         `json:"kind" bson:"kind"`
	ContentType string         `json:"contentType" bson:"contentType"`
	Name        string         `json:"name" bson:"name"`
	Size        int64          `json:"size" bson:"size"`
	Width       int            `json:"width,omitempty" bson:"width,omitempty"`
	Height      int            `json:"height,omitempty" bson:"height,omitempty"`
	Alt         bilingual.Text `json:"alt" bson:"alt"`
	SHA256      string         `json:"sha256" bson:"sha256"`
	CreatedAt   time.Time      `json:"createdAt" bson:"createdAt"`
	CreatedBy   string         `json:"createdBy,omitempty" bson:"createdBy,omitempty"`
}

// IsImage reports whether the item is a picture.
func (it Item) IsImage() bool { return it.Kind == KindImage }

// KB is the size in kilobytes (1024 bytes), rounded up.
func (it Item) KB() int64 { return (it.Size + 1023) / 1024 }

// Upload is a file offered for an owner. Field is the form field it came
// in, named by any error about the file.
type Upload struct {
	Owner string
	Kind  string
	Name  string
	Data  []byte
	// Alt is required for images in both languages.
	Alt bilingual.Text
	By  string
}

// Field names of the upload form, used in errors.
const (
	FieldImage    = "image"
	FieldBrochure = "brochure"
	FieldAltVI    = "alt_vi"
	FieldAltEN    = "alt_en"
)

// Check validates an upload by its content and returns the item it would
// store (without ID and time). Errors name the form field.
func Check(u Upload) (*Item, error) {
	f := apperr.Fields{}
	it := &Item{Owner: u.Owner, Kind: u.Kind, Size: int64(len(u.Data)), CreatedBy: u.By}
	switch u.Kind {
	case KindImage:
		it.Alt = bilingual.Text{VI: strings.TrimSpace(u.Alt.VI), EN: strings.TrimSpace(u.Alt.EN)}
		checkAlt(f, FieldAltVI, it.Alt.VI)
		checkAlt(f, FieldAltEN, it.Alt.EN)
		switch {
		case len(u.Data) == 0:
			f.Add(FieldImage, "error.field.required")
		case len(u.Data) > MaxImageSize:
			f.Add(FieldImage, "media.error.image_size")
		default:
			ct, w, h, ok := sniffImage(u.Data)
			switch {
			case !ok:
				f.Add(FieldImage, "media.error.image_type")
			case w < MinImageSide || h < MinImageSide || w > MaxImageSide || h > MaxImageSide:
				f.Add(FieldImage, "media.error.image_dimensions")
			}
			it.ContentType, it.Width, it.Height = ct, w, h
		}
	case KindBrochure:
		switch {
		case len(u.Data) == 0:
			f.Add(FieldBrochure, "error.field.required")
		case len(u.Data) > MaxBrochureSize:
			f.Add(FieldBrochure, "media.error.brochure_size")
		case !isPDF(u.Data):
			f.Add(FieldBrochure, "media.error.brochure_type")
		}
		it.ContentType = "application/pdf"
	default:
		f.Add("kind", "error.field.invalid")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	it.Name = cleanName(u.Name, it.ContentType)
	sum := sha256.Sum256(u.Data)
	it.SHA256 = hex.EncodeToString(sum[:])
	return it, nil
}

func checkAlt(f apperr.Fields, name, s string) {
	switch {
	case s == "":
		f.Add(name, "error.field.required")
	case utf8.RuneCountInString(s) > MaxAltText:
		f.Add(name, "error.field.too_long")
	case !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		f.Add(name, "error.field.invalid")
	}
}

// isPDF checks the magic bytes and that the content sniffer agrees.
func isPDF(b []byte) bool {
	return bytes.HasPrefix(b, []byte("%PDF-")) && http.DetectContentType(b) == "application/pdf"
}

// sniffImage returns the type and dimensions of a JPEG, PNG or WebP image
// from its bytes; ok is false for anything else or an unreadable header.
func sniffImage(b []byte) (ct string, w, h int, ok bool) {
	ct = http.DetectContentType(b)
	switch ct {
	case "image/jpeg", "image/png":
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil || "image/"+format != ct {
			return "", 0, 0, false
		}
		return ct, cfg.Width, cfg.Height, true
	case "image/webp":
		w, h, ok = webpSize(b)
		return ct, w, h, ok
	}
	return "", 0, 0, false
}

// webpSize reads a WebP file's canvas size from its first chunk (lossy
// VP8, lossless VP8L or extended VP8X), without decoding the picture.
func webpSize(b []byte) (w, h int, ok bool) {
	if len(b) < 30 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return 0, 0, false
	}
	d := b[20:]
	switch string(b[12:16]) {
	case "VP8X":
		w = 1 + (int(d[4]) | int(d[5])<<8 | int(d[6])<<16)
		h = 1 + (int(d[7]) | int(d[8])<<8 | int(d[9])<<16)
		return w, h, true
	case "VP8L":
		if d[0] != 0x2f {
			return 0, 0, false
		}
		v := binary.LittleEndian.Uint32(d[1:5])
		return 1 + int(v&0x3fff), 1 + int(v>>14&0x3fff), true
	case "VP8 ":
		if d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a {
			return 0, 0, false
		}
		w = int(binary.LittleEndian.Uint16(d[6:8]) & 0x3fff)
		h = int(binary.LittleEndian.Uint16(d[8:10]) & 0x3fff)
		return w, h, w > 0 && h > 0
	}
	return 0, 0, false
}

var extOf = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf",
}

// cleanName keeps a safe display name: no directories, quotes or control
// characters, bounded length, and the extension of the sniffed type.
func cleanName(name, ct string) string {
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	stem := strings.TrimSpace(strings.TrimSuffix(name, path.Ext(name)))
	if stem == "" || stem == "." {
		stem = "file"
	}
	if r := []rune(stem); len(r) > MaxName-8 {
		stem = string(r[:MaxName-8])
	}
	return stem + extOf[ct]
}

// Store keeps media records and their bytes.
type Store struct {
	db  *mongo.Database
	c   *mongo.Collection
	now func() time.Time
}

// NewStore returns the store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{db: db, c: db.Collection(Collection), now: time.Now}
}

// EnsureIndexes creates the owner index that lists an owner's files.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	_, err := s.c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "owner", Value: 1}, {Key: "createdAt", Value: 1}}})
	return err
}

func (s *Store) bucket(ctx context.Context) (*gridfs.Bucket, error) {
	return mongodb.Bucket(ctx, s.db, Bucket)
}

// Add checks u and stores it: the bytes first, then the record that makes
// them visible, so a failure leaves at most an unlisted file, which is
// removed on the spot. An owner holds at most MaxPerOwner files.
func (s *Store) Add(ctx context.Context, u Upload) (*Item, error) {
	it, err := Check(u)
	if err != nil {
		return nil, err
	}
	n, err := s.c.CountDocuments(ctx, bson.D{{Key: "owner", Value: u.Owner}})
	if err != nil {
		return nil, apperr.Internal(err)
	}
	if n >= MaxPerOwner {
		field := FieldImage
		if u.Kind == KindBrochure {
			field = FieldBrochure
		}
		return nil, apperr.Fields{field: "media.error.too_many"}.Err()
	}
	b, err := s.bucket(ctx)
	if err != nil {
		return nil, apperr.Internal(err)
	}
	oid := primitive.NewObjectID()
	if err := b.UploadFromStreamWithID(oid, it.Name, bytes.NewReader(u.Data)); err != nil {
		return nil, apperr.Internal(fmt.Errorf("store media: %w", err))
	}
	it.ID = oid.Hex()
	it.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	if _, err := s.c.InsertOne(ctx, it); err != nil {
		_ = b.Delete(oid)
		return nil, apperr.Internal(fmt.Errorf("record media: %w", err))
	}
	return it, nil
}

// List returns an owner's files, oldest first.
func (s *Store) List(ctx context.Context, owner string) ([]Item, error) {
	return s.find(ctx, bson.D{{Key: "owner", Value: owner}})
}

// FirstImages returns, for each of owners that has a picture, its first.
func (s *Store) FirstImages(ctx context.Context, owners []string) (map[string]Item, error) {
	items, err := s.find(ctx, bson.D{{Key: "owner", Value: bson.D{{Key: "$in", Value: owners}}}, {Key: "kind", Value: KindImage}})
	if err != nil {
		return nil, err
	}
	out := map[string]Item{}
	for _, it := range items {
		if _, ok := out[it.Owner]; !ok {
			out[it.Owner] = it
		}
	}
	return out, nil
}

// ImageOwners returns the owners that have at least one picture.
func (s *Store) ImageOwners(ctx context.Context) ([]string, error) {
	vals, err := s.c.Distinct(ctx, "owner", bson.D{{Key: "kind", Value: KindImage}})
	if err != nil {
		return nil, apperr.Internal(err)
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

func (s *Store) find(ctx context.Context, filter bson.D) ([]Item, error) {
	cur, err := s.c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, apperr.Internal(err)
	}
	var out []Item
	if err := cur.All(ctx, &out); err != nil {
		return nil, apperr.Internal(err)
	}
	return out, nil
}

// Get returns the record of file id.
func (s *Store) Get(ctx context.Context, id string) (*Item, error) {
	var it Item
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&it)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, apperr.NotFound("media.error.not_found")
	}
	if err != nil {
		return nil, apperr.Internal(err)
	}
	return &it, nil
}

// Open returns the record and the bytes of file id.
func (s *Store) Open(ctx context.Context, id string) (*Item, []byte, error) {
	it, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	oid, err := primitive.ObjectIDFromHex(id)
	if err != nil {
		return nil, nil, apperr.NotFound("media.error.not_found")
	}
	b, err := s.bucket(ctx)
	if err != nil {
		return nil, nil, apperr.Internal(err)
	}
	var buf bytes.Buffer
	if _, err := b.DownloadToStream(oid, &buf); err != nil {
		if errors.Is(err, gridfs.ErrFileNotFound) {
			return nil, nil, apperr.NotFound("media.error.not_found")
		}
		return nil, nil, apperr.Internal(err)
	}
	return it, buf.Bytes(), nil
}

// Delete removes file id of owner: the record first (the file is no longer
// listed or served), then the bytes.
func (s *Store) Delete(ctx context.Context, owner, id string) error {
	res, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "owner", Value: owner}})
	if err != nil {
		return apperr.Internal(err)
	}
	if res.DeletedCount == 0 {
		return apperr.NotFound("media.error.not_found")
	}
	if oid, err := primitive.ObjectIDFromHex(id); err == nil {
		if b, err := s.bucket(ctx); err == nil {
			if err := b.Delete(oid); err != nil && !errors.Is(err, gridfs.ErrFileNotFound) {
				return apperr.Internal(err)
			}
		}
	}
	return nil
}
