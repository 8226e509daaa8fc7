package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/metrics"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// gzipOf compresses b once.
func gzipOf(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return buf.Bytes()
}

// bomb returns n zero bytes gzipped twice, without holding the n bytes.
func bomb(t testing.TB, n int) []byte {
	var inner bytes.Buffer
	w, _ := gzip.NewWriterLevel(&inner, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for i := 0; i < n>>20; i++ {
		w.Write(zeros)
	}
	w.Close()
	return gzipOf(t, inner.Bytes())
}

// TestCompressedRequestBodiesAreRefused: a compressed request body is
// refused with 415 before anything reads it, so a small body that expands
// to 256 MiB costs the server nothing.
func TestCompressedRequestBodiesAreRefused(t *testing.T) {
	e := sitetest.New(t)
	api := bomb(t, 256<<20)
	t.Logf("doubly gzipped body: %d bytes, expands to 256 MiB", len(api))
	form, ct := sitetest.MultipartBody(t, map[string]string{"email": strings.Repeat("a", 64<<20), "_csrf": "x"}, nil)
	multi := gzipOf(t, form.Bytes())
	t.Logf("gzipped multipart body: %d bytes, expands to %d", len(multi), form.Len())
	form = nil

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	req := httptest.NewRequest(http.MethodPost, "/api/v1/obstacles", bytes.NewReader(api))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip, gzip")
	req.Header.Set("Accept-Language", "en")
	r := e.Do(req)
	if r.Status != http.StatusUnsupportedMediaType || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("API bomb: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	var p web.Problem
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil || p.Status != 415 || p.Detail == "" || strings.Contains(p.Detail, "request.") {
		t.Errorf("API bomb problem: %s", r.Body)
	}

	// Anonymous, to a staff route: CSRF would read the form first.
	req = httptest.NewRequest(http.MethodPost, "/vi/admin/users", bytes.NewReader(multi))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Content-Encoding", "gzip")
	r = e.Do(req)
	if r.Status != http.StatusUnsupportedMediaType || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("multipart bomb: %d %s", r.Status, r.Header.Get("Content-Type"))
	} else if d := r.Doc(t); d.Find("html").AttrOr("lang", "") != "vi" || !strings.Contains(d.Find("main").Text(), "nén") {
		t.Errorf("multipart bomb page not in Vietnamese: %q", sitetest.Text(d, "main"))
	}

	runtime.ReadMemStats(&after)
	grew := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated across both requests: %d KiB (heap in use %d → %d KiB)", grew>>10, before.HeapInuse>>10, after.HeapInuse>>10)
	if grew > 4<<20 {
		t.Errorf("the two requests allocated %d MiB: a body was decompressed", grew>>20)
	}

	// Every coding is refused, the identity coding is not.
	for _, enc := range []string{"gzip", "deflate", "br", "x-gzip", "compress", "zstd", "whatever", "identity, gzip"} {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/obstacles", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", enc)
		if r := e.Do(req); r.Status != http.StatusUnsupportedMediaType {
			t.Errorf("Content-Encoding %q: %d", enc, r.Status)
		}
	}
	req = httptest.NewRequest(http.MethodPost, "/api/v1/obstacles", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "identity")
	if r := e.Do(req); r.Status == http.StatusUnsupportedMediaType || r.Status >= 500 {
		t.Errorf("identity: %d", r.Status)
	}
}

// TestMetricsSurviveManyMixedRequests: labels must not share Fiber's
// reused buffers, or /metrics fails after some thousand requests.
func TestMetricsSurviveManyMixedRequests(t *testing.T) {
	e := sitetest.New(t)
	m := metrics.New(metrics.Options{Token: "metrics-token-1"})
	deps := e.Deps
	deps.Metrics = m
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}
	paths := []string{"/vi/", "/en/projects", "/api/v1/projects", "/api/v1/projects/DA-0001", "/healthz", "/static/app.css", "/en/login"}
	rnd := rand.New(rand.NewSource(1))
	n := 10_000
	if testing.Short() {
		n = 2_000
	}
	for i := 0; i < n; i++ {
		method := methods[rnd.Intn(len(methods))]
		path := paths[rnd.Intn(len(paths))]
		if rnd.Intn(2) == 0 {
			path = fmt.Sprintf("/%x/%s", rnd.Int63(), strings.Repeat("z", rnd.Intn(40)))
		}
		res, err := srv.App().Test(httptest.NewRequest(method, path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer metrics-token-1")
	res, err := srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("/metrics after %d requests: %d %s", n, res.StatusCode, body[:min(len(body), 500)])
	}
	known := map[string]bool{}
	for _, m := range methods {
		known[m] = true
	}
	routes := map[string]bool{"unmatched": true}
	for _, r := range srv.App().GetRoutes(false) {
		routes[r.Path] = true
	}
	seen := 0
	for _, m := range regexp.MustCompile(`portal_http_requests_total\{method="([^"]*)",route="([^"]*)"`).FindAllStringSubmatch(string(body), -1) {
		seen++
		if !utf8.ValidString(m[1]) || !known[m[1]] {
			t.Errorf("method label %q", m[1])
		}
		if !utf8.ValidString(m[2]) || !routes[m[2]] {
			t.Errorf("route label %q", m[2])
		}
	}
	if seen == 0 {
		t.Error("no request series")
	}
}

// hostileQueryValues are query values a careless parser answers with 500.
var hostileQueryValues = []string{"%ff%fe", "%c3%28", "%00", "a%01b", "%7f", "%c2%85", "99999999999999999999999", "9223372036854775807", "-9223372036854775808", "100000", "-1", "0"}

// TestHostileQueryTextIsRefused sends bad text and absurd numbers in
// every query parameter of every GET route: never a 5xx; bad text and
// numbers past any page are 400 naming the parameter.
func TestHostileQueryTextIsRefused(t *testing.T) {
	e := sitetest.NewObstacles(t, false)
	admin := e.As(account.RoleAdmin)
	taskforce := e.As(account.RoleTaskForce)
	checked := 0
	for _, rt := range e.Srv.Routes() {
		if rt.Method != http.MethodGet || strings.HasSuffix(rt.Path, "/language") {
			continue
		}
		c := admin
		if len(rt.Access.Roles) > 0 && !hasRole(rt.Access.Roles, account.RoleAdmin) {
			c = taskforce
		}
		path := fillParams(rt.Path)
		for _, param := range []string{"q", "page", "per_page", "status", "sort"} {
			for _, v := range hostileQueryValues {
				r := c.Get(path + "?" + param + "=" + v)
				checked++
				if r.Status >= 500 {
					t.Errorf("GET %s?%s=%s: %d", path, param, v, r.Status)
					continue
				}
				mustRefuse := strings.Contains(v, "%") || (param == "page" || param == "per_page") && len(v) > 12
				if !mustRefuse {
					continue
				}
				if r.Status != http.StatusBadRequest {
					t.Errorf("GET %s?%s=%s: %d, want 400", path, param, v, r.Status)
				} else if !strings.Contains(r.Body, param) {
					t.Errorf("GET %s?%s=%s: the answer does not name %s", path, param, v, param)
				}
			}
		}
	}
	// A bad parameter name is refused too.
	if r := admin.Get("/api/v1/obstacles?%ff=1"); r.Status != 400 {
		t.Errorf("bad parameter name: %d", r.Status)
	}
	t.Logf("%d hostile requests", checked)
}

// TestAPIProblemNamesTheBadQueryParameter checks the problem+json shape.
func TestAPIProblemNamesTheBadQueryParameter(t *testing.T) {
	e := sitetest.New(t)
	r := e.Get("/api/v1/projects?sector=x&q=%c3%28", "Accept-Language", "vi")
	var p web.Problem
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil || r.Status != 400 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if len(p.Errors) != 1 || p.Errors[0].Field != "q" || p.Errors[0].Message == "" || strings.HasPrefix(p.Errors[0].Message, "request.") {
		t.Errorf("problem: %s", r.Body)
	}
}

// TestHeadAnswersLikeGet: HEAD on every GET route answers as GET would,
// without a body.
func TestHeadAnswersLikeGet(t *testing.T) {
	e := sitetest.NewObstacles(t, false)
	admin := e.As(account.RoleAdmin)
	for _, rt := range e.Srv.Routes() {
		if rt.Method != http.MethodGet || !(rt.Access.Public || hasRole(rt.Access.Roles, account.RoleAdmin) || len(rt.Access.Roles) == 0) {
			continue
		}
		path := fillParams(rt.Path)
		get := admin.Get(path)
		head := admin.Send(http.MethodHead, path, nil)
		if head.Status != get.Status || head.Body != "" {
			t.Errorf("HEAD %s: %d with %d bytes; GET %d", path, head.Status, len(head.Body), get.Status)
		}
		if head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: Content-Type %q, GET %q", path, head.Header.Get("Content-Type"), get.Header.Get("Content-Type"))
		}
	}
}

// TestHTTPSAddsHSTSAndSecureLanguageCookie: behind an https BASE_URL,
// browsers are told to stay on https and the language cookie is Secure.
func TestHTTPSAddsHSTSAndSecureLanguageCookie(t *testing.T) {
	e := sitetest.New(t)
	if r := e.Get("/en/"); r.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS on plain http: %q", r.Header.Get("Strict-Transport-Security"))
	}
	deps := e.Deps
	deps.BaseURL, deps.SecureCookies = "https://portal.test", true
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	e.Srv = srv
	for _, p := range []string{"/en/", "/api/v1/projects", "/static/app.css", "/en/no-such-page"} {
		if got := e.Get(p).Header.Get("Strict-Transport-Security"); got != "max-age=31536000; includeSubDomains" {
			t.Errorf("%s: HSTS %q", p, got)
		}
	}
	r := e.Get("/vi/language?to=/projects")
	var lang *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "lang" {
			lang = c
		}
	}
	if lang == nil || !lang.Secure || !lang.HttpOnly {
		t.Errorf("lang cookie: %+v", lang)
	}
}

// TestUnquotedIfMatchIsRefused: RFC 9110 entity tags are quoted; an
// unquoted one is a malformed header, refused with 400 before any write.
func TestUnquotedIfMatchIsRefused(t *testing.T) {
	e := sitetest.New(t)
	board := e.APIAs(account.RoleBoard)
	path := "/api/v1/projects/DA-0001"
	etag := e.Get(path).Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) {
		t.Fatalf("ETag %q", etag)
	}
	patch := map[string]any{"jobs": 77}
	for _, bad := range []string{strings.Trim(etag, `"`), `"` + strings.Trim(etag, `"`), `W/` + strings.Trim(etag, `"`), "a b"} {
		r := board.Call(http.MethodPatch, path, patch, "If-Match", bad, "Accept-Language", "en")
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "If-Match") {
			t.Errorf("If-Match %s: %d %s", bad, r.Status, r.Body)
		}
	}
	if h := e.History("DA-0001"); len(h) != 0 {
		t.Errorf("a refused request wrote history: %v", h)
	}
	if r := board.Call(http.MethodPatch, path, patch, "If-Match", etag); r.Status != 200 {
		t.Errorf("quoted If-Match: %d %s", r.Status, r.Body)
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// loggedIP serves deps on a real loopback listener, sends one request with
// the X-Forwarded-For value and returns the client address the request log
// recorded (the address rate limits count).
func loggedIP(t *testing.T, deps web.Deps, xff string) string {
	t.Helper()
	var logs syncBuffer
	deps.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.App().Listener(ln)
	defer srv.App().Shutdown()
	req, _ := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+"/healthz", nil)
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var line struct {
		IP string `json:"ip"`
	}
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, `"msg":"request"`) {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatal(err)
			}
		}
	}
	return line.IP
}

// TestClientAddressBehindProxies: X-Forwarded-For counts only when the
// peer is a trusted proxy, and then the client is the address nearest to
// it that is not itself a trusted proxy (the left part can be forged).
func TestClientAddressBehindProxies(t *testing.T) {
	e := sitetest.New(t)
	if got := loggedIP(t, e.Deps, "203.0.113.7"); got != "127.0.0.1" {
		t.Errorf("no trusted proxies: a spoofed header made the client %q", got)
	}
	deps := e.Deps
	deps.TrustedProxies = []string{"127.0.0.1"}
	for xff, want := range map[string]string{
		"203.0.113.7":                "203.0.113.7",
		"198.51.100.1, 203.0.113.7":  "203.0.113.7",
		"198.51.100.1,203.0.113.7 ":  "203.0.113.7",
		"garbage, 203.0.113.7":       "203.0.113.7",
		"":                           "127.0.0.1",
		"203.0.113.7, not-an-ip":     "127.0.0.1",
		"2001:db8::1":                "2001:db8::1",
		"198.51.100.1, 127.0.0.1":    "198.51.100.1",
		"127.0.0.1":                  "127.0.0.1",
		"198.51.100.1, 203.0.113.7x": "127.0.0.1",
	} {
		if got := loggedIP(t, deps, xff); got != want {
			t.Errorf("trusted 127.0.0.1, X-Forwarded-For %q: client %q, want %q", xff, got, want)
		}
	}
	deps.TrustedProxies = []string{"127.0.0.1", "203.0.113.0/24"}
	if got := loggedIP(t, deps, "198.51.100.1, 203.0.113.7"); got != "198.51.100.1" {
		t.Errorf("two trusted hops: client %q", got)
	}
	deps.TrustedProxies = []string{"10.0.0.0/8"}
	if got := loggedIP(t, deps, "203.0.113.7"); got != "127.0.0.1" {
		t.Errorf("untrusted peer: client %q", got)
	}
	_ = url.Values{}
	_ = time.Second
}
