package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

func TestRootRedirectsByCookieThenAcceptLanguage(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	cases := []struct{ cookie, accept, want string }{
		{"", "", "/vi/"},
		{"", "en-GB,en;q=0.9", "/en/"},
		{"vi", "en-GB,en;q=0.9", "/vi/"},
		{"en", "vi", "/en/"},
		{"xx", "en", "/en/"},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if c.cookie != "" {
			req.AddCookie(&http.Cookie{Name: "lang", Value: c.cookie})
		}
		req.Header.Set("Accept-Language", c.accept)
		r := e.Do(req)
		if r.Status != http.StatusFound || r.Header.Get("Location") != c.want {
			t.Errorf("cookie %q accept %q: %d %q, want %q", c.cookie, c.accept, r.Status, r.Header.Get("Location"), c.want)
		}
	}
}

func TestLanguageSwitchKeepsThePage(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	d := e.Get("/en/projects/FDI-0003?x=1").Doc(t)
	href, ok := d.Find("[data-testid=lang-switch]").Attr("href")
	if !ok {
		t.Fatal("no language switch")
	}
	r := e.Get(href)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/vi/projects/FDI-0003?x=1" {
		t.Fatalf("switch: %d %q", r.Status, r.Header.Get("Location"))
	}
	if !strings.Contains(r.Header.Get("Set-Cookie"), "lang=vi") {
		t.Errorf("switch did not remember the language: %q", r.Header.Get("Set-Cookie"))
	}
	// An address elsewhere is refused: the switch is no open redirect.
	for _, to := range []string{"//evil.example/x", "https://evil.example/", "/\\evil"} {
		r := e.Get("/vi/language?to=" + to)
		if loc := r.Header.Get("Location"); loc != "/vi/" {
			t.Errorf("to=%q redirected to %q", to, loc)
		}
	}
}

func TestOperationalEndpoints(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	if r := e.Get("/healthz"); r.Status != 200 {
		t.Errorf("healthz %d", r.Status)
	}
	if r := e.Get("/readyz"); r.Status != 200 {
		t.Errorf("readyz %d", r.Status)
	}
	r := e.Get("/vi/", "X-Request-ID", "test-request-0001")
	if r.Header.Get("X-Request-ID") != "test-request-0001" {
		t.Errorf("request id not kept: %q", r.Header.Get("X-Request-ID"))
	}
	if r := e.Get("/en/dashboard", "Accept-Encoding", "gzip"); r.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("pages are not compressed: %q", r.Header.Get("Content-Encoding"))
	}
	if r := e.Get("/static/app.css"); r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "css") {
		t.Errorf("static css: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if r := e.Get("/swagger/index.html"); r.Status != 200 || !strings.Contains(r.Body, "swagger") {
		t.Errorf("swagger ui: %d", r.Status)
	}
	if r := e.Get("/swagger/doc.json"); r.Status != 200 || !strings.Contains(r.Body, "/projects/stats") {
		t.Errorf("swagger doc: %d", r.Status)
	}
}
