package app_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/app/apptest"
)

// TestReadyzWaitsForTheReadModel: /readyz answers 503 while the projects
// read model is not loaded, the opportunity catalogue not loaded or the
// search index not checked, and 200 once all are.
func TestReadyzWaitsForTheReadModel(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config(t, t.TempDir())
	cfg.Demo = false // seeding would load the read model at once
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	readyz := func() int {
		res, err := a.Web.App().Test(httptest.NewRequest("GET", "/readyz", nil), 10_000)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode
	}
	if code := readyz(); code != 503 {
		t.Fatalf("/readyz before the read model is loaded: %d, want 503", code)
	}
	stop := a.Projects.Start(context.Background())
	defer stop()
	for !a.Projects.Ready() {
		time.Sleep(20 * time.Millisecond)
	}
	if code := readyz(); code != 503 {
		t.Fatalf("/readyz before the opportunity catalogue is loaded: %d, want 503", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer a.Opportunities.Start(ctx)()
	for !a.Opportunities.Warmed() {
		time.Sleep(20 * time.Millisecond)
	}
	if a.Indexer != nil {
		if code := readyz(); code != 503 {
			t.Fatalf("/readyz before the search index is checked: %d, want 503", code)
		}
		go a.Indexer.Run(ctx)
	}
	deadline := time.Now().Add(10 * time.Second)
	for readyz() != 200 {
		if time.Now().After(deadline) {
			t.Fatal("/readyz never answered 200 after the read model loaded")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
