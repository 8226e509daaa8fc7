package app_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/seed"
)

func TestStartsSeedsAndServes(t *testing.T) {
	start := time.Now()
	p := apptest.Start(t, apptest.Config(t, t.TempDir()))
	res, err := http.Get(p.URL + "/en/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	t.Logf("empty data directory to first answer: %s", time.Since(start))
	if res.StatusCode != 200 || !strings.Contains(string(body), "US$3.9 billion") {
		t.Fatalf("home: %d", res.StatusCode)
	}
}

// TestRestartKeepsAcknowledgedWrites writes through the store, stops the
// portal the way SIGTERM does and starts it again on the same data.
func TestRestartKeepsAcknowledgedWrites(t *testing.T) {
	dir := t.TempDir()
	cfg := apptest.Config(t, dir)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)

	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	p := seed.Projects(1, time.Now())[0]
	p.Code = "RESTART-1"
	if err := a.Projects.Create(ctx, &p, time.Now()); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	time.Sleep(100 * time.Millisecond)
	stop()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}

	b, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got, err := b.Projects.Get(ctx, "RESTART-1")
	if err != nil || got.Name.VI != p.Name.VI {
		t.Fatalf("after restart: %+v, %v", got, err)
	}
	st, err := b.Projects.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The demo was not loaded twice: 623 + the one written above.
	if n := st.Kind(project.Domestic).Count + st.Kind(project.FDI).Count; n != 736 {
		t.Errorf("%d projects after restart, want 736", n)
	}
}

func TestEmbeddedAddressTakenIsAClearError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg := apptest.Config(t, t.TempDir())
	cfg.MongoEmbeddedAddr = l.Addr().String()
	_, err = app.Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if !errors.Is(err, mongodb.ErrAddrInUse) || !strings.Contains(err.Error(), "MONGO_EMBEDDED_ADDR") {
		t.Fatalf("err = %v", err)
	}
}

// TestOversizedBodyIsRefused announces a body over BODY_LIMIT; the server
// must refuse it from the headers alone, before reading it.
func TestOversizedBodyIsRefused(t *testing.T) {
	cfg := apptest.Config(t, t.TempDir())
	cfg.BodyLimit = 1 << 20
	p := apptest.Start(t, cfg)
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := "POST /api/v1/projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", res.StatusCode)
	}
}

// TestStartsWhileSearchEngineIsDown: with Meilisearch unreachable the
// portal still starts, and the catalogue answers from MongoDB with a
// notice that results may be incomplete.
func TestStartsWhileSearchEngineIsDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	cfg := apptest.Config(t, t.TempDir())
	cfg.MeiliURL = "http://" + addr
	p := apptest.Start(t, cfg)
	res, err := http.Get(p.URL + "/en/opportunities?q=wind")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "incomplete") {
		t.Fatalf("catalogue with the engine down: %d", res.StatusCode)
	}
}

// TestMetricsOnTheirOwnListener: METRICS_ADDR serves request, database and
// search metrics, and the public listener does not serve /metrics.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	cfg := apptest.Config(t, t.TempDir())
	cfg.MetricsAddr = mongotest.FreeAddr(t)
	p := apptest.Start(t, cfg)
	for _, path := range []string{"/en/", "/en/projects/DA-0001", "/en/opportunities?q=wind"} {
		res, err := http.Get(p.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if res, err := http.Get(p.URL + "/metrics"); err != nil || res.StatusCode == 200 {
		t.Fatalf("public /metrics: %v %v", res, err)
	}
	var body string
	for range 50 { // the listener starts just after the web server
		res, err := http.Get("http://" + cfg.MetricsAddr + "/metrics")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body = string(b)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{`portal_http_requests_total{`, `route="/en/projects/:code"`, "portal_db_command_duration_seconds", "portal_search_call_duration_seconds"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "DA-0001") {
		t.Error("metrics carry a raw path")
	}
}

// TestSecondOpenOnSameDataDirFailsAtOnce: a second process on a DATA_DIR
// in use (a second serve, or reindex beside a running portal) fails at once
// naming the holder, instead of blocking for ever on the index file; once
// the first one closes, the directory is free again.
func TestSecondOpenOnSameDataDirFailsAtOnce(t *testing.T) {
	dir := t.TempDir()
	cfg := apptest.Config(t, dir)
	cfg.Demo = false
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	second := cfg
	second.MongoEmbeddedAddr = mongotest.FreeAddr(t) // not the port: the directory
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		b, err := app.Open(ctx, second, log)
		if err == nil {
			b.Close()
		}
		done <- err
	}()
	select {
	case err = <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("a second Open on the same DATA_DIR still blocks after 15 s")
	}
	took := time.Since(start)
	if err == nil {
		t.Fatal("a second Open on the same DATA_DIR succeeded")
	}
	msg := err.Error()
	for _, want := range []string{"DATA_DIR " + dir + " is in use by process " + strconv.Itoa(os.Getpid()) + " (", ", started ", "Stop that process first"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if took > 2*time.Second {
		t.Errorf("refused after %s, want at once", took)
	}

	a.Close()
	b, err := app.Open(ctx, second, log)
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	b.Close()
}

// TestBaseURLFollowsTheListenAddress: with BASE_URL unset and PORT 0, the
// links carry the port actually bound, not localhost:8080.
func TestBaseURLFollowsTheListenAddress(t *testing.T) {
	p := apptest.Start(t, apptest.Config(t, t.TempDir())) // BASE_URL unset
	if p.Config.BaseURL != p.URL {
		t.Errorf("BaseURL %q, serving on %q", p.Config.BaseURL, p.URL)
	}
	res, err := http.Get(p.URL + "/en/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := `hreflang="vi" href="` + p.URL + `/vi/"`; !strings.Contains(string(body), want) {
		t.Errorf("page lacks %s", want)
	}
}

// TestStartLogShowsAddressAndURL: the start log names both the bound
// address and the URL derived from it.
func TestStartLogShowsAddressAndURL(t *testing.T) {
	cfg := apptest.Config(t, t.TempDir())
	cfg.BaseURL = ""
	cfg.Demo = false
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, stop := context.WithCancel(context.Background())
	a, err := app.OpenWith(ctx, cfg, log, app.Options{Serve: true})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	addr := a.Addr()
	for i := 0; i < 100 && !strings.Contains(logs.String(), "portal listening"); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := "addr=" + addr + " url=http://" + addr + " url_from=\"listen address (BASE_URL unset)\""
	if !strings.Contains(logs.String(), want) {
		t.Errorf("log lacks %s:\n%s", want, logs.String())
	}
}

// TestEmbeddedSearchWithMongoWarns: MONGO_URI without MEILI_URL needs the
// explicit opt-in, and then the log says loudly what it means.
func TestEmbeddedSearchWithMongoWarns(t *testing.T) {
	cfg := apptest.Config(t, t.TempDir())
	cfg.Demo = false
	cfg.MongoURI = mongotest.Server(t).URI
	cfg.MongoDatabase = "warn_" + strconv.Itoa(os.Getpid())
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if _, err := app.Open(context.Background(), cfg, log); err == nil || !strings.Contains(err.Error(), "SEARCH_EMBEDDED_WITH_MONGO") {
		t.Fatalf("without the opt-in: %v", err)
	}
	cfg.SearchEmbeddedWithMongo = true
	a, err := app.Open(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = a.DB.Database.Drop(context.Background())
		a.Close()
	}()
	if s := logs.String(); !strings.Contains(s, "level=WARN") || !strings.Contains(s, "other portal processes on the same database will not see its index") {
		t.Errorf("no warning in the log:\n%s", s)
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDamagedSearchIndexIsAnError: an index that cannot be opened (here a
// damaged one; in the field also one still locked after the timeout) gives
// an error naming it, not a crash while cleaning up.
func TestDamagedSearchIndexIsAnError(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(dir+"/search", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/search/index_meta.json", []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := apptest.Config(t, dir)
	cfg.Demo = false
	_, err := app.Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "bleve index") {
		t.Fatalf("err = %v", err)
	}
}
