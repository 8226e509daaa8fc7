// Package webtest holds what the web packages' tests share. It imports no
// web package, so that a package's own (internal) tests may use it.
package webtest

import (
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/locales"
	"github.com/valyala/fasthttp"
)

var (
	fuzzApp = fiber.New()
	// Bundle is the message bundle, loaded once.
	Bundle = sync.OnceValue(func() *i18n.Bundle {
		b, err := i18n.Load(locales.FS, nil)
		if err != nil {
			panic(err)
		}
		return b
	})
)

// Ctx returns a Fiber context for a POST with the given URI, content
// type and body, released when the test ends: for fuzzing a parser
// without a server.
func Ctx(t *testing.T, uri, contentType string, body []byte) *fiber.Ctx {
	fc := &fasthttp.RequestCtx{}
	fc.Request.Header.SetMethod(fiber.MethodPost)
	fc.Request.SetRequestURI(uri)
	if contentType != "" {
		fc.Request.Header.SetContentType(contentType)
	}
	fc.Request.SetBody(body)
	c := fuzzApp.AcquireCtx(fc)
	t.Cleanup(func() { fuzzApp.ReleaseCtx(c) })
	return c
}

// CheckInvalid fails unless err is an invalid-input error that names at
// least one field, each field among allowed (nil allows any) and each
// message in both languages.
func CheckInvalid(t *testing.T, err error, allowed []string) {
	t.Helper()
	e := apperr.As(err)
	if e.Code != apperr.CodeInvalid {
		t.Fatalf("error is %s, want invalid: %v", e.Code, err)
	}
	if len(e.Fields) == 0 {
		t.Fatalf("invalid error names no field: %v", err)
	}
	b := Bundle()
	for field, id := range e.Fields {
		if field == "" {
			t.Fatalf("empty field name in %v", err)
		}
		if allowed != nil && !slices.Contains(allowed, field) {
			t.Fatalf("field %q is not one of %v", field, allowed)
		}
		for _, lang := range i18n.Languages {
			if !b.Has(lang, id) {
				t.Fatalf("field %q: message %q missing in %s", field, id, lang)
			}
		}
	}
}

// NoOverflowOffset fails if (page-1)*perPage, the number of items a list
// skips, overflows.
func NoOverflowOffset(t *testing.T, name string, page, perPage int) {
	t.Helper()
	if page < 1 || perPage < 1 {
		t.Fatalf("%s: page %d, per_page %d accepted", name, page, perPage)
	}
	if page-1 > math.MaxInt64/perPage {
		t.Fatalf("%s: page %d × per_page %d overflows the offset", name, page, perPage)
	}
}
