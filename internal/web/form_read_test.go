package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/web"
)

// TestReadFormStyles posts the same form url-encoded and multipart and
// checks the one reader: ReadForm trims, ReadRaw keeps every byte (an
// obstacle filing's content is bound to its key as sent), ReadLists keeps
// every non-empty value of a multi-value field, trimmed.
func TestReadFormStyles(t *testing.T) {
	t.Parallel()
	app := fiber.New(fiber.Config{Immutable: true})
	app.Post("/", func(c *fiber.Ctx) error {
		f := web.ReadForm(c, "name").ReadRaw(c, "password").ReadLists(c, "ids")
		return c.JSON(map[string]any{"name": f.V("name"), "password": f.V("password"), "ids": f.List("ids"), "has": f.Has("ids", "b")})
	})
	fields := [][2]string{{"name", "  Lan  "}, {"password", " secret "}, {"ids", " a "}, {"ids", ""}, {"ids", "b"}}

	urlBody := url.Values{}
	for _, kv := range fields {
		urlBody.Add(kv[0], kv[1])
	}
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	for _, kv := range fields {
		_ = w.WriteField(kv[0], kv[1])
	}
	_ = w.Close()

	for _, c := range []struct {
		name, ctype, body string
	}{
		{"URLEncoded", fiber.MIMEApplicationForm, urlBody.Encode()},
		{"Multipart", w.FormDataContentType(), mp.String()},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(fiber.MethodPost, "/", strings.NewReader(c.body))
			req.Header.Set(fiber.HeaderContentType, c.ctype)
			res, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Name, Password string
				IDs            []string
				Has            bool
			}
			if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if got.Name != "Lan" || got.Password != " secret " || strings.Join(got.IDs, ",") != "a,b" || !got.Has {
				t.Errorf("read %+v", got)
			}
		})
	}
}
