package projects_test

import (
	"context"
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
	b.Run("cached", func(b *testing.B) {
		sitetest.GetOK(b, srv, page)
		b.ReportAllocs()
		for b.Loop() {
			sitetest.GetOK(b, srv, page)
		}
	})
	b.Run("rendered", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sitetest.GetOK(b, srv, page+"&ref=bench")
		}
	})
}
