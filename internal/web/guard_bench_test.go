package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/locales"
	"github.com/khanhhoa/investportal/seed"
)

// BenchmarkListPage measures whole requests through the middleware chain:
// the project list as a page and in the API (database reads and
// rendering), and /healthz (the chain alone), where any per-request cost
// of the guards shows most.
func BenchmarkListPage(b *testing.B) {
	db := mongotest.MustOpenDB(b)
	ps := project.NewStore(db)
	if err := ps.InsertMissing(context.Background(), seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), nil); err != nil {
		b.Fatal(err)
	}
	bundle, err := i18n.Load(locales.FS, nil)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := site.New(web.Deps{Log: slog.New(slog.DiscardHandler), I18n: bundle, DB: mongotest.Server(b), Projects: ps,
		BaseURL: "http://portal.test", BodyLimit: 4 << 20})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/en/projects?sector=tourism&page=2", "/api/v1/projects?kind=fdi&per_page=50", "/healthz"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				res, err := srv.App().Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
				if err != nil || res.StatusCode != 200 {
					b.Fatalf("%v %v", res.StatusCode, err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		})
	}
}
