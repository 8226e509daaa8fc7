package app_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/mongo"
	"github.com/khanhhoa/investportal/internal/mongo/mongotest"
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
	if !errors.Is(err, mongo.ErrAddrInUse) || !strings.Contains(err.Error(), "MONGO_EMBEDDED_ADDR") {
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
