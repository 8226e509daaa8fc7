package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/locales"
)

// cacheServer is a core server with two cached pages on /en: /plain
// (rendered as "render N", N counting renders) and /login (the real
// sign-in page, which holds an anti-forgery token).
type cacheServer struct {
	srv     *Server
	pc      *PageCache
	rev     atomic.Int64
	renders atomic.Int64
}

func newCacheServer(t *testing.T, maxEntries, maxBytes int) *cacheServer {
	t.Helper()
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{Log: slog.New(slog.DiscardHandler), I18n: b, BaseURL: "http://portal.test", BodyLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	cs := &cacheServer{srv: srv, pc: NewPageCache(maxEntries, maxBytes, []string{"kind", "page"})}
	rev := func() (int64, error) { return cs.rev.Load(), nil }
	g := srv.LangGroup("en")
	srv.Handle(g, fiber.MethodGet, "/plain", Public, func(c *fiber.Ctx) error {
		return srv.Cached(c, cs.pc, rev, func() error {
			n := cs.renders.Add(1)
			p := srv.NewPage(c, "login.title") // sets the cookie and takes the flash, as every page does
			if c.Query("kind") == "bad" {
				c.Status(fiber.StatusBadRequest)
			}
			if p.Flash != "" {
				c.Locals(localNoStore, true) // as Render does
			}
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			c.Set("Content-Language", "en")
			return c.SendString(fmt.Sprintf("render %d %s", n, c.Query("page")))
		})
	})
	srv.Handle(g, fiber.MethodGet, "/login", Public, func(c *fiber.Ctx) error {
		return srv.Cached(c, cs.pc, rev, func() error {
			cs.renders.Add(1)
			p := srv.NewPage(c, "login.title")
			p.Data = loginData{}
			return srv.Render(c, "login", p)
		})
	})
	srv.Finish()
	return cs
}

func (cs *cacheServer) get(t *testing.T, path string, cookies ...*http.Cookie) (int, string, http.Header) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := cs.srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header
}

func TestPageCacheServesAnonymousPagesUntilTheRevisionMoves(t *testing.T) {
	t.Parallel()
	cs := newCacheServer(t, 100, 1<<20)
	_, first, h1 := cs.get(t, "/en/plain?kind=fdi")
	status, again, h2 := cs.get(t, "/en/plain?kind=fdi")
	if status != 200 || first != "render 1 " || again != first {
		t.Fatalf("second visit: %d %q, first %q", status, again, first)
	}
	// A hit answers with what a render would: type, language and the
	// visitor's own anti-forgery cookie.
	for _, h := range []http.Header{h1, h2} {
		if !strings.HasPrefix(h.Get("Set-Cookie"), "csrf=") || h.Get("Content-Language") != "en" || !strings.HasPrefix(h.Get("Content-Type"), "text/") {
			t.Errorf("headers %v", h)
		}
	}
	if h1.Get("Set-Cookie") == h2.Get("Set-Cookie") {
		t.Error("two visitors got the same anti-forgery cookie")
	}
	// Another query is another page; the same query in another order too
	// (the page shows its own address in its links).
	if _, b, _ := cs.get(t, "/en/plain?kind=domestic"); b != "render 2 " {
		t.Errorf("other query: %q", b)
	}
	if _, b, _ := cs.get(t, "/en/plain?page=2&kind=fdi"); b != "render 3 2" {
		t.Errorf("other order: %q", b)
	}
	cs.rev.Add(1)
	if _, b, _ := cs.get(t, "/en/plain?kind=fdi"); b != "render 4 " {
		t.Errorf("after a change of the data: %q", b)
	}
	if n, _ := cs.pc.Len(); n != 1 {
		t.Errorf("older revisions kept: %d entries", n)
	}
	if _, b, _ := cs.get(t, "/en/plain?kind=fdi"); b != "render 4 " {
		t.Errorf("new revision not cached: %q", b)
	}
}

func TestPageCacheKeepsOnlyWhatEveryVisitorMaySee(t *testing.T) {
	t.Parallel()
	cs := newCacheServer(t, 100, 1<<20)
	for _, c := range []struct {
		name, path string
		cookie     *http.Cookie
	}{
		{"unknown parameter", "/en/plain?utm_source=x", nil},
		{"query too long", "/en/plain?kind=" + strings.Repeat("a", MaxCachedQuery), nil},
		{"error answer", "/en/plain?kind=bad", nil},
		{"flash waiting", "/en/plain", &http.Cookie{Name: flashCookie, Value: "login.welcome"}},
		{"anti-forgery token on the page", "/en/login", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var cookies []*http.Cookie
			if c.cookie != nil {
				cookies = append(cookies, c.cookie)
			}
			before := cs.renders.Load()
			_, b1, _ := cs.get(t, c.path, cookies...)
			_, b2, _ := cs.get(t, c.path, cookies...)
			if got := cs.renders.Load() - before; got != 2 {
				t.Errorf("rendered %d times for two visits, want 2", got)
			}
			if c.path == "/en/login" && (!strings.Contains(b1, `name="_csrf"`) || b1 == b2) {
				t.Errorf("sign-in page: no token, or the same token twice:\n%s", b1)
			}
		})
	}
	if n, _ := cs.pc.Len(); n != 0 {
		t.Errorf("%d pages kept", n)
	}
}

func TestPageCacheStaysWithinItsBounds(t *testing.T) {
	t.Parallel()
	// Each body is "render N P" with a four-digit page: about 17 bytes,
	// plus its key ("en /en/plain?page=NNNN", 22 bytes).
	cs := newCacheServer(t, 8, 200)
	for i := range 50 {
		cs.get(t, fmt.Sprintf("/en/plain?page=%d", 1000+i))
		n, size := cs.pc.Len()
		if n > 8 || size > 200 {
			t.Fatalf("after %d pages: %d entries, %d bytes", i+1, n, size)
		}
	}
	if n, _ := cs.pc.Len(); n == 0 {
		t.Error("a full cache took no new page")
	}
	// The page just rendered is served from the cache.
	before := cs.renders.Load()
	cs.get(t, "/en/plain?page=1049")
	if cs.renders.Load() != before {
		t.Error("the newest page was not kept")
	}
	// A page larger than the whole cache is never kept.
	big := NewPageCache(8, 10, nil)
	big.put(1, "k", []byte("more than ten bytes"))
	if n, _ := big.Len(); n != 0 {
		t.Error("kept a page larger than the cache")
	}
	// A page of an older revision than the cache holds is dropped.
	big.put(3, "a", []byte("x"))
	big.put(2, "b", []byte("y"))
	if _, ok := big.get(2, "b"); ok {
		t.Error("kept a page of an older revision")
	}
	if _, ok := big.get(3, "a"); !ok {
		t.Error("lost the current revision's page")
	}
}
