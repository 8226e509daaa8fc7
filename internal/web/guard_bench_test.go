package web_test

import (
	"testing"

	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// BenchmarkListPage measures whole requests through the middleware chain:
// the project list as a page and in the API (database reads and
// rendering), and /healthz (the chain alone), where any per-request cost
// of the guards shows most.
func BenchmarkListPage(b *testing.B) {
	srv, _ := sitetest.ProjectsSite(b)
	for _, path := range []string{"/en/projects?sector=tourism&page=2", "/api/v1/projects?kind=fdi&per_page=50", "/healthz"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				sitetest.GetOK(b, srv, path)
			}
		})
	}
}
