package site

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/media"
	"github.com/khanhhoa/investportal/internal/web"
)

// mediaFiles serves the opportunities' pictures and brochures at
// /media/:id, one address for both languages.
type mediaFiles struct {
	*web.Server
	media *media.Store
}

// serve sends a stored file with its sniffed type, its digest as a strong
// ETag (a new upload gets a new id, so an id's bytes never change), and a
// sandbox policy so that a file can never run as a page.
func (m *mediaFiles) serve(c *fiber.Ctx) error {
	if m.media == nil {
		return apperr.NotFound("media.error.not_found")
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	it, err := m.media.Get(ctx, c.Params("file"))
	if err != nil {
		return err
	}
	etag := `"` + it.SHA256 + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagMatches(inm, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	it, data, err := m.media.Open(ctx, it.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, it.ContentType)
	disp := "inline"
	if !it.IsImage() {
		disp = "attachment"
	}
	c.Set(fiber.HeaderContentDisposition, disp+`; filename="`+asciiName(it.Name)+`"; filename*=UTF-8''`+url.PathEscape(it.Name))
	return c.Send(data)
}

// etagMatches reports whether an If-None-Match list names etag (or *).
func etagMatches(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// asciiName is the name for clients that ignore filename*.
func asciiName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, s)
}
