// Package apptest starts the whole portal for end-to-end and browser tests:
// the embedded database in a temporary folder, the demo data and the web
// server on a free port, stopped when the test ends.
package apptest

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
)

// Portal is a running portal.
type Portal struct {
	*app.App
	// URL is the server's base address, such as http://127.0.0.1:41234.
	URL string
}

// Config returns settings for a test portal in dir.
func Config(tb testing.TB, dir string) config.Config {
	tb.Helper()
	cfg := config.Default()
	cfg.Port = 0
	cfg.Host = "127.0.0.1"
	cfg.DataDir = dir
	cfg.MongoEmbeddedAddr = mongotest.FreeAddr(tb)
	cfg.DemoPassword = "demo-password-1"
	cfg.LogLevel = "warn"
	return cfg
}

// Start runs a portal with cfg until the test ends.
func Start(tb testing.TB, cfg config.Config) *Portal {
	tb.Helper()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	opts := app.Options{Command: "portal serve (test " + tb.Name() + ")", Serve: true}
	a, err := app.OpenWith(ctx, cfg, log, opts)
	for try := 0; errors.Is(err, mongodb.ErrAddrInUse) && try < 3; try++ {
		// FreeAddr's port was free when chosen, but the kernel may have
		// handed it to another test's outgoing connection since: take another.
		cfg.MongoEmbeddedAddr = mongotest.FreeAddr(tb)
		a, err = app.OpenWith(ctx, cfg, log, opts)
	}
	if err != nil {
		cancel()
		tb.Fatalf("open portal: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	p := &Portal{App: a, URL: "http://" + a.Addr()}
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Errorf("portal stopped with: %v", err)
			}
		case <-time.After(30 * time.Second):
			tb.Error("portal did not stop within 30 s")
		}
	})
	return p
}

// Chromium returns the path of a Chromium binary. With none installed the
// test is skipped, unless REQUIRE_BROWSER=1 (as in CI), where it fails.
func Chromium(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("REQUIRE_BROWSER") == "1" {
		tb.Fatal("REQUIRE_BROWSER=1 but no Chromium was found: install Debian's chromium package (apt-get install -y chromium)")
	}
	tb.Skip("browser test skipped: no Chromium found (apt-get install -y chromium to run it; REQUIRE_BROWSER=1 makes this a failure)")
	return ""
}
