package projects_test

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

// BenchmarkProjectListPage measures whole requests for the English project
// list with 20 rows and two filters (loadgen's baseline page) at demo
// scale, through every middleware: as an anonymous visitor gets it (from
// the page cache once rendered), rendered every time (a parameter the
// page does not know keeps it out of the cache: the cost of a miss, as
// after every edit).
func BenchmarkProjectListPage(b *testing.B) {
	db := mongotest.MustOpenDB(b)
	ps := project.NewStore(db)
	ctx := context.Background()
	if err := ps.InsertMissing(ctx, seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), nil); err != nil {
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
	stop := ps.Start(ctx)
	b.Cleanup(stop)
	const page = "/en/projects?kind=domestic&sector=tourism&per_page=20"
	get := func(b *testing.B, path string) {
		res, err := srv.App().Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("%v %v", res.StatusCode, err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	b.Run("cached", func(b *testing.B) {
		get(b, page)
		b.ReportAllocs()
		for b.Loop() {
			get(b, page)
		}
	})
	b.Run("rendered", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			get(b, page+"&ref=bench")
		}
	})
}
