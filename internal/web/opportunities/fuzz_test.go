package opportunities

// Fuzz target for the catalogue's and site search's query strings; seed
// corpus in testdata/fuzz/FuzzListQuery/ (the same as the core's).

import (
	"slices"
	"testing"

	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/search"
	"github.com/khanhhoa/investportal/internal/web/webtest"
)

var (
	listQueryKeys = []string{"q", "sector", "location", "form", "band", "status", "sort", "page", "per_page"}
	siteQueryKeys = []string{"q", "type", "page", "per_page"}
)

// FuzzListQuery checks the opportunity catalogue's and site search's
// query-string parsers with any query string: no panic; a refusal is
// "invalid" naming only the list's own parameters; what is accepted is in
// range (pages from 1, page sizes bounded, offsets that do not overflow).
func FuzzListQuery(f *testing.F) {
	f.Fuzz(func(t *testing.T, query string) {
		uri := "/api/v1/projects?" + query

		oq, err := parseListQuery(webtest.Ctx(t, uri, "", nil))
		if err != nil {
			webtest.CheckInvalid(t, err, listQueryKeys)
		} else {
			webtest.NoOverflowOffset(t, "opportunities", oq.Page, oq.PerPage)
			if oq.PerPage > opportunity.MaxPerPage {
				t.Fatalf("opportunities: per_page %d accepted", oq.PerPage)
			}
			for _, k := range facetKeys {
				for _, v := range oq.Sel[k.Param] {
					if !slices.Contains(k.Values, v) {
						t.Fatalf("opportunities: %s=%q accepted", k.Param, v)
					}
				}
			}
		}

		sq, err := parseSiteQuery(webtest.Ctx(t, uri, "", nil))
		if err != nil {
			webtest.CheckInvalid(t, err, siteQueryKeys)
		} else {
			webtest.NoOverflowOffset(t, "search", sq.Page, sq.PerPage)
			if sq.PerPage > search.MaxPerPage {
				t.Fatalf("search: per_page %d accepted", sq.PerPage)
			}
		}

	})
}
