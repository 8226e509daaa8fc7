package obstacles

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"mime/multipart"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/web"
)

// obstacleFormKeys are the filing form's fields; their names are the
// field names the domain's errors use.
var obstacleFormKeys = []string{"business_name", "tax_code", "contact_person", "email", "phone", "lang", "project_code", "category", "title", "description", "form_token"}

// obstacleFormData is the filing form's content.
type obstacleFormData struct {
	Form       map[string]string
	Errors     map[string]string
	Categories []obstacle.Category
	Languages  []string
	MaxMB      int
	MaxFiles   int
	BodyMB     int
	// Dropped are the names of the files chosen for a submit that failed:
	// a browser cannot send a file input back, so the page names them and
	// asks for them again beside the file field.
	Dropped []string
}

// obstacleFiledData is the confirmation shown once after filing.
type obstacleFiledData struct {
	Obstacle   obstacle.Obstacle
	AccessKey  string
	FileErrors []string
	// Mail is the receipt's state (mailSent, mailQueued, mailFailed): the
	// page says what happened to the e-mail.
	Mail string
}

func (s *Handlers) obstacleFormData(c *fiber.Ctx, form map[string]string, errs map[string]string) obstacleFormData {
	return obstacleFormData{
		Form: form, Errors: errs, Categories: obstacle.Categories, Languages: i18n.Languages,
		MaxMB: obstacle.MaxFileSize >> 20, MaxFiles: obstacle.MaxAttachments,
		BodyMB: s.App().Config().BodyLimit >> 20,
	}
}

func (s *Handlers) obstacleForm(c *fiber.Ctx) error {
	p := s.NewPage(c, "obstweb.new.title")
	p.Nav = "obstacles"
	form := map[string]string{"lang": p.Lang, "form_token": web.RandomToken()}
	if code := strings.TrimSpace(c.Query("project")); len(code) <= 32 {
		form["project_code"] = code
	}
	p.Data = s.obstacleFormData(c, form, nil)
	return s.Render(c, "obstacles/new", p)
}

// submissionOf builds a submission from the form's fields.
func submissionOf(form map[string]string, idem string) obstacle.Submission {
	return obstacle.Submission{
		Filer: obstacle.Filer{
			BusinessName: form["business_name"], TaxCode: form["tax_code"], ContactPerson: form["contact_person"],
			Email: form["email"], Phone: form["phone"], Lang: form["lang"],
		},
		ProjectCode: strings.ToUpper(strings.TrimSpace(form["project_code"])), Category: obstacle.Category(form["category"]),
		Title: form["title"], Description: form["description"], IdempotencyKey: idem,
	}
}

// precheck validates a submission and its files before anything is
// stored, so that a refused file leaves no half-filed obstacle behind.
func precheck(sub obstacle.Submission, files []*multipart.FileHeader) error {
	f := apperr.Fields{}
	o := obstacle.Obstacle{Filer: sub.Filer, ProjectCode: sub.ProjectCode, Category: sub.Category, Title: sub.Title, Description: sub.Description}
	if err := o.Validate(); err != nil {
		for k, v := range apperr.As(err).Fields {
			f.Add(k, v)
		}
	}
	if err := checkUploads(files, 0); err != nil {
		for k, v := range apperr.As(err).Fields {
			f.Add(k, v)
		}
	}
	return f.Err()
}

// uploadedFiles returns the files of a multipart request's field, leaving
// out the empty part a browser sends when no file was chosen.
func uploadedFiles(c *fiber.Ctx, field string) ([]*multipart.FileHeader, error) {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return nil, nil
	}
	mf, err := c.MultipartForm()
	if err != nil {
		return nil, apperr.New(apperr.CodeInvalid, "error.invalid")
	}
	var out []*multipart.FileHeader
	for _, fh := range mf.File[field] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		out = append(out, fh)
	}
	return out, nil
}

// addedFiles reads the files posted to add to an obstacle that has
// attached ones already. When none may be added (none sent, too many, too
// large, ...) it returns no files and the reasons by field for the form,
// and sets the answer's status to 400.
func addedFiles(c *fiber.Ctx, attached int) ([]*multipart.FileHeader, map[string]string, error) {
	files, err := uploadedFiles(c, "files")
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		c.Status(fiber.StatusBadRequest)
		return nil, map[string]string{"file": "error.field.required"}, nil
	}
	if err := checkUploads(files, attached); err != nil {
		if e := apperr.As(err); e.Code == apperr.CodeInvalid {
			c.Status(fiber.StatusBadRequest)
			return nil, e.Fields, nil
		}
		return nil, nil, err
	}
	return files, nil, nil
}

// checkUploads refuses too many files, too large ones and any that is not
// a PDF, JPEG or PNG by its content (the name plays no part).
func checkUploads(files []*multipart.FileHeader, already int) error {
	if len(files) == 0 {
		return nil
	}
	if already+len(files) > obstacle.MaxAttachments {
		return apperr.Fields{"file": "obstweb.error.file_count"}.Err()
	}
	for _, fh := range files {
		if id := obstacle.TextProblem(fh.Filename, false); id != "" {
			return apperr.Fields{"file": id}.Err()
		}
		if fh.Size > obstacle.MaxFileSize {
			return apperr.Fields{"file": "obstweb.error.file_size"}.Err()
		}
		f, err := fh.Open()
		if err != nil {
			return apperr.Internal(err)
		}
		head := make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		_ = f.Close()
		if _, ok := obstacle.SniffContentType(head[:n]); !ok {
			return apperr.Fields{"file": "obstacle.error.file_type"}.Err()
		}
	}
	return nil
}

// filesDigest is the digest of the uploaded files (their names and
// contents) that an idempotency key is bound to with the fields.
func filesDigest(files []*multipart.FileHeader) (string, error) {
	names := make([]string, 0, len(files))
	sums := make([][32]byte, 0, len(files))
	for _, fh := range files {
		f, err := fh.Open()
		if err != nil {
			return "", apperr.Internal(err)
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		_ = f.Close()
		if err != nil {
			return "", apperr.Internal(err)
		}
		var sum [32]byte
		h.Sum(sum[:0])
		names = append(names, fh.Filename)
		sums = append(sums, sum)
	}
	return obstacle.FilesDigest(names, sums), nil
}

// fileMessage rewrites the domain's file errors, whose messages need
// numbers a field message cannot carry, to messages that state them.
func fileMessage(err error) error {
	e := apperr.As(err)
	if e.Code != apperr.CodeInvalid || e.Fields["file"] == "" {
		return err
	}
	switch e.Fields["file"] {
	case "obstacle.error.file_size":
		return apperr.Fields{"file": "obstweb.error.file_size"}.Err()
	case "obstacle.error.file_count":
		return apperr.Fields{"file": "obstweb.error.file_count"}.Err()
	}
	return err
}

// attachAll stores the files on the obstacle as actor and returns the
// obstacle as it then is, and the names of files that were refused.
func (s *Handlers) attachAll(ctx context.Context, o obstacle.Obstacle, files []*multipart.FileHeader, actor obstacle.Actor) (obstacle.Obstacle, []string, error) {
	var failed []string
	for _, fh := range files {
		f, err := fh.Open()
		if err != nil {
			return o, failed, apperr.Internal(err)
		}
		n, _, err := s.obstacles.AddAttachment(ctx, o.ID, fh.Filename, f, actor, s.Now())
		_ = f.Close()
		if err != nil {
			if apperr.As(err).Code == apperr.CodeInternal {
				return o, failed, err
			}
			failed = append(failed, fh.Filename)
			continue
		}
		o = n
	}
	return o, failed, nil
}

// Mail states of a receipt, for the confirmation page to say what happened
// rather than "we have e-mailed you" while the mail sits in the outbox.
const (
	mailSent   = "sent"   // handed to the mail server
	mailQueued = "queued" // kept in the outbox: no mail server configured
	mailFailed = "failed" // the mail server refused it
)

// mailState is the state of a receipt just written: sendErr is what the
// mailer returned.
func (s *Handlers) mailState(sendErr error) string {
	switch {
	case !s.mail.Delivers():
		return mailQueued
	case sendErr != nil:
		return mailFailed
	}
	return mailSent
}

// fileObstacle files a submission with its files: the obstacle is made
// (or found again under the same idempotency key), the files of a new one
// stored and the receipt with the access key e-mailed; mail is the
// receipt's state (a repeat reports the first one as sent or queued).
// created is false for a repeated submission.
func (s *Handlers) fileObstacle(c *fiber.Ctx, sub obstacle.Submission, files []*multipart.FileHeader) (o obstacle.Obstacle, key string, failed []string, created bool, mail string, err error) {
	if err = precheck(sub, files); err != nil {
		return
	}
	if sub.FilesDigest, err = filesDigest(files); err != nil {
		return
	}
	if err = s.Limit(c, obstacleFileLimit); err != nil {
		return
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	sub.SendsReceipt = true
	filed, err := s.obstacles.Create(ctx, sub, s.Now())
	if err != nil {
		return
	}
	o, key, created = filed.Obstacle, filed.AccessKey, filed.Created
	if !created {
		mail = s.mailState(nil)
		return
	}
	o, failed, err = s.attachAll(ctx, o, files, obstacle.FilerActor)
	if err != nil {
		return
	}
	nerr := s.notifier().Filed(ctx, o, key)
	if nerr != nil {
		s.Log().ErrorContext(ctx, "obstacle receipt e-mail failed", "tracking", o.TrackingCode, "err", nerr)
	}
	s.tellOfficers(ctx, o, obstacle.ActSubmit, obstacle.FilerActor)
	mail = s.mailState(nerr)
	return
}

func (s *Handlers) obstacleFile(c *fiber.Ctx) error {
	// Read as sent: the content is bound to the form's token byte for
	// byte (a resubmission must hash the same), and shown back as typed.
	form := web.NewForm().ReadRaw(c, obstacleFormKeys...).Values
	files, err := uploadedFiles(c, "files")
	if err != nil {
		return err
	}
	idem := strings.TrimSpace(form["form_token"])
	if idem == "" {
		// A form without its one-time token (an old page) still files,
		// but gets a fresh token so a second click is caught.
		form["form_token"] = web.RandomToken()
	}
	o, key, failed, _, mail, err := s.fileObstacle(c, submissionOf(form, idem), files)
	if err != nil {
		status := fiber.StatusBadRequest
		e := apperr.As(fileMessage(err))
		if obstacle.IsKeyReused(err) {
			// This form's token filed other content before (the page was
			// kept and changed): say so, show nothing of that filing, and
			// renew the token so that sending again files anew.
			status = fiber.StatusUnprocessableEntity
			e = apperr.As(apperr.Fields{"form": "obstweb.error.form_reused"}.Err())
			form["form_token"] = web.RandomToken()
		}
		if e.Code != apperr.CodeInvalid {
			return err
		}
		p := s.NewPage(c, "obstweb.new.title")
		p.Nav = "obstacles"
		errs := e.Fields
		if len(errs) == 0 {
			errs = map[string]string{"form": e.MessageID}
		}
		p.ErrorsFrom(errs, "#obstacle-form",
			"business_name", "obstacle.field.business_name", "tax_code", "obstacle.field.tax_code",
			"contact_person", "obstacle.field.contact_person", "email", "obstacle.field.email",
			"phone", "obstacle.field.phone", "lang", "obstacle.field.lang",
			"project_code", "obstacle.field.project_code", "category", "obstacle.field.category",
			"title", "obstacle.field.title", "description", "obstacle.field.description",
			"file", "obstweb.new.files")
		fd := s.obstacleFormData(c, form, errs)
		for _, fh := range files {
			fd.Dropped = append(fd.Dropped, fh.Filename)
		}
		p.Data = fd
		c.Status(status)
		return s.Render(c, "obstacles/new", p)
	}
	p := s.NewPage(c, "obstweb.filed.title")
	p.Nav = "obstacles"
	p.Data = obstacleFiledData{Obstacle: o, AccessKey: key, FileErrors: failed, Mail: mail}
	// The key is shown once: this page must not be stored anywhere.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.Render(c, "obstacles/filed", p)
}

// errNoTracking is the one answer to a wrong tracking code or key.
func errNoTracking() error { return apperr.NotFound("obstacle.error.not_found") }

// isNotFound reports whether err is a not-found application error.
func isNotFound(err error) bool { return errors.Is(err, apperr.ErrNotFound) }
