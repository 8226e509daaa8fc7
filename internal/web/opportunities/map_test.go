package opportunities_test

import (
	"context"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/place"
)

// TestCatalogueMapLinksToTheFilteredCatalogue: the catalogue shows the
// same map as the dashboard (the same figures, one read model), but each
// area opens the catalogue filtered to it; the measure toggle keeps the
// reader's filters.
func TestCatalogueMapLinksToTheFilteredCatalogue(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	ctx := context.Background()
	for _, lang := range []string{"vi", "en"} {
		cat := e.Get("/" + lang + "/opportunities?sector=tourism")
		dash := e.Get("/" + lang + "/dashboard")
		if cat.Status != 200 || dash.Status != 200 {
			t.Fatalf("%s: status %d / %d", lang, cat.Status, dash.Status)
		}
		cd, dd := cat.Doc(t), dash.Doc(t)
		// The map draws the former districts of the former Khánh Hòa.
		var drawn []string
		for _, code := range place.Locations {
			if place.ProvinceOf(code) == "khanh_hoa" {
				drawn = append(drawn, code)
			}
		}
		areas := cd.Find("[data-testid=provmap] svg a[data-area]")
		if areas.Length() != len(drawn) {
			t.Fatalf("%s: %d areas on the catalogue map", lang, areas.Length())
		}
		for _, code := range drawn {
			a := cd.Find(`[data-testid=provmap] svg a[data-area="` + code + `"]`)
			if href := a.AttrOr("href", ""); href != "/"+lang+"/opportunities?location="+code {
				t.Errorf("%s %s: links to %q", lang, code, href)
			}
			onDash := dd.Find(`[data-testid=provmap] svg a[data-area="` + code + `"]`)
			if a.AttrOr("aria-label", "") != onDash.AttrOr("aria-label", "-") || a.AttrOr("data-class", "") != onDash.AttrOr("data-class", "-") {
				t.Errorf("%s %s: catalogue says %q, dashboard %q", lang, code, a.AttrOr("aria-label", ""), onDash.AttrOr("aria-label", ""))
			}
		}
		count := cd.Find(`[data-testid=provmap] .provmap-toggle a[data-measure=count]`).AttrOr("href", "")
		if !strings.Contains(count, "sector=tourism") || !strings.Contains(count, "map=count") {
			t.Errorf("%s: the toggle %q drops the filters", lang, count)
		}
		if r := e.Get("/" + lang + "/opportunities?sector=tourism&map=count"); r.Status != 200 ||
			r.Doc(t).Find(`[data-testid=provmap] .provmap-toggle a[aria-current]`).AttrOr("data-measure", "") != "count" {
			t.Errorf("%s: the count map does not show as chosen (status %d)", lang, r.Status)
		}
	}
	// Following an area's link lists only that area's opportunities.
	d := e.Get("/en/opportunities?location=van_ninh").Doc(t)
	codes := oppCodes(d)
	if len(codes) == 0 {
		t.Fatal("no opportunity in Vạn Ninh")
	}
	for _, c := range codes {
		o, err := e.opps.Get(ctx, c)
		if err != nil || o.Location != "van_ninh" {
			t.Errorf("%s listed under Vạn Ninh (%v)", c, err)
		}
	}
	if r := e.Get("/en/opportunities?map=nope"); r.Status != 400 || r.Doc(t).Find("[data-testid=provmap]").Length() != 0 || r.Doc(t).Find("[data-testid=filter-error]").Length() != 1 {
		t.Errorf("an unknown measure: status %d, want 400 with the filter error", r.Status)
	}
}
