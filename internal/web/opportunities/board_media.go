package opportunities

import (
	"io"
	"mime/multipart"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/media"
	"github.com/khanhhoa/investportal/internal/web"
)

// SetMedia gives the handlers the store of opportunities' pictures and
// brochures; without it the board's upload answers 404 and pages show no
// gallery.
func (s *Handlers) SetMedia(m *media.Store) { s.media = m }

// mediaView is an opportunity's files split for display.
type mediaView struct {
	Images, Brochures []media.Item
}

// Any reports whether there is anything to show.
func (v mediaView) Any() bool { return len(v.Images)+len(v.Brochures) > 0 }

func splitMedia(items []media.Item) mediaView {
	var v mediaView
	for _, it := range items {
		if it.IsImage() {
			v.Images = append(v.Images, it)
		} else {
			v.Brochures = append(v.Brochures, it)
		}
	}
	return v
}

// mediaOf lists an opportunity's files; a failure to read them leaves the
// page without its gallery rather than failing the page.
func (s *Handlers) mediaOf(c *fiber.Ctx, code string) mediaView {
	if s.media == nil {
		return mediaView{}
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	items, err := s.media.List(ctx, code)
	if err != nil {
		s.Log().Warn("list media", "opportunity", code, "err", err)
		return mediaView{}
	}
	return splitMedia(items)
}

// mediaForm is the board's upload form as typed and what is wrong with it.
type mediaForm struct {
	AltVI, AltEN string
	Errors       apperr.Fields
}

// boardAddMedia stores a picture (field image, with alt_vi and alt_en) or
// a brochure (field brochure) for the opportunity, chosen by kind.
func (s *Handlers) boardAddMedia(c *fiber.Ctx) error {
	o, h, err := s.loadForEdit(c)
	if err != nil {
		return err
	}
	if s.media == nil {
		return apperr.NotFound("error.not_found")
	}
	f := web.ReadForm(c, "kind", media.FieldAltVI, media.FieldAltEN)
	kind := f.V("kind")
	if kind != media.KindBrochure {
		kind = media.KindImage
	}
	u := media.Upload{Owner: o.Code, Kind: kind, Alt: bilingual.Text{VI: f.V(media.FieldAltVI), EN: f.V(media.FieldAltEN)}, By: web.ProjectActor(c).Email}
	field := media.FieldImage
	if kind == media.KindBrochure {
		field = media.FieldBrochure
		u.Alt = bilingual.Text{}
	}
	u.Name, u.Data, err = uploadedFile(c, field, kind)
	if err == nil {
		ctx, cancel := web.DBContext(c)
		defer cancel()
		_, err = s.media.Add(ctx, u)
	}
	if err != nil {
		e := apperr.As(err)
		if e.Code != apperr.CodeInvalid {
			return err
		}
		d := editFormData{Form: formOf(o, web.Lang(c)), O: o, History: h,
			Upload: mediaForm{AltVI: u.Alt.VI, AltEN: u.Alt.EN, Errors: e.Fields}}
		d.Form.Message = "oppweb.board.fix_fields"
		return s.renderEditForm(c, fiber.StatusBadRequest, d)
	}
	s.Flash(c, "home.media.added")
	return c.Redirect("/"+web.Lang(c)+"/board/opportunities/"+o.Code+"/edit#media", fiber.StatusSeeOther)
}

// uploadedFile reads the one file of a multipart field, at most the
// kind's limit and a byte (so that a larger file is named as too large).
func uploadedFile(c *fiber.Ctx, field, kind string) (string, []byte, error) {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return "", nil, apperr.Fields{field: "error.field.required"}.Err()
	}
	mf, err := c.MultipartForm()
	if err != nil {
		return "", nil, apperr.Fields{field: "error.field.required"}.Err()
	}
	var fh *multipart.FileHeader
	for _, h := range mf.File[field] {
		if h.Size > 0 {
			fh = h
			break
		}
	}
	if fh == nil {
		return "", nil, apperr.Fields{field: "error.field.required"}.Err()
	}
	limit := int64(media.MaxImageSize)
	if kind == media.KindBrochure {
		limit = media.MaxBrochureSize
	}
	r, err := fh.Open()
	if err != nil {
		return "", nil, apperr.Internal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return "", nil, apperr.Internal(err)
	}
	return fh.Filename, b, nil
}

// boardDeleteMedia removes one file of the opportunity.
func (s *Handlers) boardDeleteMedia(c *fiber.Ctx) error {
	o, _, err := s.loadForEdit(c)
	if err != nil {
		return err
	}
	if s.media == nil {
		return apperr.NotFound("error.not_found")
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if err := s.media.Delete(ctx, o.Code, c.Params("file")); err != nil {
		return err
	}
	s.Flash(c, "home.media.removed")
	return c.Redirect("/"+web.Lang(c)+"/board/opportunities/"+o.Code+"/edit#media", fiber.StatusSeeOther)
}
