package metrics_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/metrics"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/search"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d", rec.Code)
	}
	return rec.Body.String()
}

func TestRequestsAndGauges(t *testing.T) {
	m := metrics.New(metrics.Options{})
	m.ObserveRequest("GET", "/en/projects/:code", 200, 30*time.Millisecond)
	m.ObserveRequest("GET", "/en/projects/:code", 200, 70*time.Millisecond)
	m.ObserveRequest("GET", "/en/projects/:code", 404, time.Millisecond)
	m.GaugeFunc("obstacles_overdue", "Open obstacles past their deadline.", func() float64 { return 7 })
	m.GaugeFunc("obstacles_overdue", "registered twice", func() float64 { return 8 })
	out := scrape(t, m)
	for _, want := range []string{
		`portal_http_requests_total{method="GET",route="/en/projects/:code",status="200"} 2`,
		`portal_http_requests_total{method="GET",route="/en/projects/:code",status="404"} 1`,
		`portal_http_request_duration_seconds_count{method="GET",route="/en/projects/:code"} 3`,
		`portal_http_request_duration_seconds_bucket{method="GET",route="/en/projects/:code",le="0.05"} 2`,
		"portal_obstacles_overdue 7",
		"go_goroutines",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

func TestAuthorized(t *testing.T) {
	if metrics.New(metrics.Options{}).Authorized("Bearer ") {
		t.Error("no token configured, yet a caller was let in")
	}
	m := metrics.New(metrics.Options{Token: "s3cret-token"})
	for h, want := range map[string]bool{"Bearer s3cret-token": true, "Bearer wrong": false, "s3cret-token": false, "": false} {
		if got := m.Authorized(h); got != want {
			t.Errorf("Authorized(%q) = %v", h, got)
		}
	}
}

func TestDatabaseAndSearchLatency(t *testing.T) {
	ctx := context.Background()
	m := metrics.New(metrics.Options{})
	srv := mongotest.Server(t)
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(srv.URI).SetMonitor(m.CommandMonitor(nil, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	db := client.Database(mongotest.MustOpenDB(t).Name())
	if _, err := db.Collection("c").InsertOne(ctx, bson.D{{Key: "a", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	_ = db.Collection("c").FindOne(ctx, bson.D{{Key: "nope", Value: bson.D{{Key: "$bad", Value: 1}}}}).Err()

	eng, err := search.NewBleve(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	e := metrics.InstrumentSearch(eng, m)
	if err := e.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Count(ctx); err != nil {
		t.Fatal(err)
	}
	out := scrape(t, m)
	for _, want := range []string{
		`portal_db_command_duration_seconds_count{command="insert",outcome="ok"} 1`,
		`portal_db_command_duration_seconds_count{command="find",outcome="error"} 1`,
		`portal_search_call_duration_seconds_count{operation="count",outcome="ok"} 1`,
		`portal_search_call_duration_seconds_count{operation="setup",outcome="ok"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

// TestSlowCommandLog: a command slower than the threshold is logged with
// its collection and filter field names, never the values it filters on.
func TestSlowCommandLog(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	m := metrics.New(metrics.Options{})
	srv := mongotest.Server(t)
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(srv.URI).SetMonitor(m.CommandMonitor(log, time.Nanosecond)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	c := client.Database(mongotest.MustOpenDB(t).Name()).Collection("obstacles")
	_ = c.FindOne(ctx, bson.D{{Key: "status", Value: "secret-value"}, {Key: "dueAt", Value: bson.D{{Key: "$lt", Value: 5}}}}).Err()
	got := out.String()
	if !strings.Contains(got, `msg="slow database command" command=find collection=obstacles filter={status,dueAt}`) {
		t.Errorf("no slow find logged with its shape:\n%s", got)
	}
	if strings.Contains(got, "secret-value") {
		t.Errorf("the log holds a filter value:\n%s", got)
	}

	out.Reset()
	quiet := metrics.New(metrics.Options{})
	client2, err := mongo.Connect(ctx, options.Client().ApplyURI(srv.URI).SetMonitor(quiet.CommandMonitor(log, time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	defer client2.Disconnect(ctx)
	_ = client2.Database(c.Database().Name()).Collection("obstacles").FindOne(ctx, bson.D{}).Err()
	if strings.Contains(out.String(), "slow database command") {
		t.Errorf("a fast command was logged as slow:\n%s", out.String())
	}
}

func TestServeOnSeparateListener(t *testing.T) {
	m := metrics.New(metrics.Options{})
	m.ObserveRequest("GET", "/healthz", 200, time.Millisecond)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, ln) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `route="/healthz"`) {
		t.Errorf("separate listener: %d %.200s", res.StatusCode, body)
	}
	// The profiler lives on the private listener only.
	res, err = http.Get("http://" + ln.Addr().String() + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "heap profile") {
		t.Errorf("pprof on the metrics listener: %d %.200s", res.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after cancel: %v", err)
	}
}
