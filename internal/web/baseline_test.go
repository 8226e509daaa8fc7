package web_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/locales"
)

func baselineServer(t *testing.T, file string) *web.Server {
	t.Helper()
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Deps{Log: slog.New(slog.DiscardHandler), I18n: b, BaseURL: "http://portal.test", BodyLimit: 1 << 20, BaselineFile: file})
	if err != nil {
		t.Fatal(err)
	}
	srv.Finish()
	return srv
}

func getRaw(t *testing.T, srv *web.Server, target string) (int, []byte, http.Header) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.URL.Path, req.URL.RawPath, req.RequestURI = target, "", target // as sent, without cleaning
	res, err := srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body, res.Header
}

func TestBaselineIsOffByDefault(t *testing.T) {
	t.Parallel()
	srv := baselineServer(t, "")
	if status, _, _ := getRaw(t, srv, web.BaselinePath); status != http.StatusNotFound {
		t.Errorf("no LOADGEN_BASELINE_FILE: %s answered %d, want 404", web.BaselinePath, status)
	}
}

func TestBaselineServesTheFileLikeAStaticAsset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "page.html")
	srv := baselineServer(t, file)
	// Not written yet: 404, and the file is read once it is there.
	if status, _, _ := getRaw(t, srv, web.BaselinePath); status != http.StatusNotFound {
		t.Fatalf("missing file: %d, want 404", status)
	}
	page := []byte("<!doctype html><title>list</title>" + strings.Repeat("<tr><td>row</td></tr>", 500))
	if err := os.WriteFile(file, page, 0o600); err != nil {
		t.Fatal(err)
	}
	status, body, h := getRaw(t, srv, web.BaselinePath)
	if status != 200 || !bytes.Equal(body, page) {
		t.Fatalf("baseline: %d, %d bytes, want 200 and the file's %d bytes", status, len(body), len(page))
	}
	// The same answer as the site's own assets: static caching and the
	// security headers of every response.
	_, _, css := getRaw(t, srv, "/static/app.css")
	for _, k := range []string{"Cache-Control", "X-Content-Type-Options", "Content-Security-Policy", "X-Frame-Options"} {
		if h.Get(k) == "" || h.Get(k) != css.Get(k) {
			t.Errorf("%s: baseline %q, app.css %q", k, h.Get(k), css.Get(k))
		}
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Errorf("content type %q", h.Get("Content-Type"))
	}
	// Read once: a later change of the file is not seen (as with the
	// embedded assets, a restart takes it).
	if err := os.WriteFile(file, []byte("changed"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, body, _ := getRaw(t, srv, web.BaselinePath); !bytes.Equal(body, page) {
		t.Error("the baseline changed under a running portal")
	}
	// The setting opens that one name and nothing else of the disk.
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/static/secret.txt", "/static/page.html", "/static/../secret.txt", "/static/%2e%2e/secret.txt",
		"/static/loadgen-baseline.html/../secret.txt", "/static/..%2fsecret.txt", "/static/" + file} {
		status, body, _ := getRaw(t, srv, p)
		if status == 200 || bytes.Contains(body, []byte("secret")) {
			t.Errorf("%s: %d %q", p, status, body)
		}
	}
	// The embedded assets are still served.
	if status, _, _ := getRaw(t, srv, "/static/app.css"); status != 200 {
		t.Errorf("app.css: %d", status)
	}
}

func TestBaselineRefusesAnOversizedFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "big.html")
	if err := os.WriteFile(file, make([]byte, 8<<20+1), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := baselineServer(t, file)
	if status, _, _ := getRaw(t, srv, web.BaselinePath); status != http.StatusNotFound {
		t.Errorf("file over 8 MiB: %d, want 404", status)
	}
}
