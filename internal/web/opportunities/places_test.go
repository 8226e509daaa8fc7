package opportunities_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestCatalogueByCurrentUnit: the catalogue filters by current unit and
// former province, counts them as facets, finds an opportunity by its old
// or new place name with or without diacritics, refuses an unknown unit,
// and shows the place as the current unit, formerly its district.
func TestCatalogueByCurrentUnit(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	codes := func(path string) []string {
		t.Helper()
		r := e.Get(path)
		if r.Status != 200 {
			t.Fatalf("%s: %d", path, r.Status)
		}
		var out []string
		r.Doc(t).Find("[data-testid=opp-link]").Each(func(_ int, s *goquery.Selection) {
			out = append(out, strings.TrimPrefix(s.AttrOr("href", ""), "/en/opportunities/"))
		})
		return out
	}
	byUnit := codes("/en/opportunities?unit=dong_ninh_hoa")
	if len(byUnit) == 0 {
		t.Fatal("no opportunity in Dong Ninh Hoa Ward")
	}
	for _, c := range byUnit {
		if !strings.Contains(sitetest.Text(e.Get("/en/opportunities/"+c).Doc(t), "main"), "Dong Ninh Hoa Ward (formerly Ninh Hoa Town)") {
			t.Errorf("%s: place not shown as unit, formerly district", c)
		}
	}
	d := e.Get("/vi/opportunities").Doc(t)
	if d.Find("[data-testid=facet-unit-dong_ninh_hoa]").Length() != 1 || !strings.Contains(sitetest.Text(d, "[data-testid=facet-unit-dong_ninh_hoa]"), "Phường Đông Ninh Hòa") {
		t.Errorf("unit facet: %q", sitetest.Text(d, "[data-testid=facet-unit]"))
	}
	if n := len(codes("/en/opportunities?province=ninh_thuan")); n != 0 {
		t.Errorf("province=ninh_thuan: %d demo opportunities, want 0 (all in the former Khanh Hoa)", n)
	}
	if n, all := len(codes("/en/opportunities?province=khanh_hoa&per_page=100")), len(codes("/en/opportunities?per_page=100")); n != all {
		t.Errorf("province=khanh_hoa: %d of %d", n, all)
	}
	for _, q := range []string{"Đông Ninh Hòa", "dong ninh hoa"} {
		got := codes("/en/opportunities?per_page=100&q=" + strings.ReplaceAll(q, " ", "+"))
		for _, c := range byUnit {
			if !strings.Contains(strings.Join(got, " "), c) {
				t.Errorf("q=%s: %v lacks %s", q, got, c)
			}
		}
	}
	if r := e.Get("/en/opportunities?unit=atlantis"); r.Status != http.StatusBadRequest {
		t.Errorf("unit=atlantis: %d", r.Status)
	}
}
