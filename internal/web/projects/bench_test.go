package projects_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// BenchmarkProjectListPage measures whole requests for the English project
// list with 20 rows and two filters (loadgen's baseline page) at demo
// scale, through every middleware: as an anonymous visitor gets it (from
// the page cache once rendered), rendered every time (a parameter the
// page does not know keeps it out of the cache: the cost of a miss, as
// after every edit).
func BenchmarkProjectListPage(b *testing.B) {
	srv, ps := sitetest.ProjectsSite(b)
	stop := ps.Start(context.Background())
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
