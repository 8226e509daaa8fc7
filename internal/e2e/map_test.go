package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/place"
)

// mapBox is what the page measures of the province map.
type mapBox struct {
	Right, Width, ViewportWidth, MinFontPx float64
	Areas                                  int
}

const measureMap = `(() => {
  const s = document.querySelector('[data-testid=provmap]');
  const svg = s.querySelector('figure svg');
  const out = {Right: 0, Width: svg.getBoundingClientRect().width, ViewportWidth: document.documentElement.clientWidth,
    MinFontPx: 1000, Areas: svg.querySelectorAll('a[data-area] path').length};
  for (const e of s.querySelectorAll('*')) { out.Right = Math.max(out.Right, e.getBoundingClientRect().right); }
  for (const t of svg.querySelectorAll('text')) {
    out.MinFontPx = Math.min(out.MinFontPx, parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a);
  }
  return out;
})()`

// TestProvinceMapFitsPhonesAndOpensTheArea: on the dashboard and the
// catalogue, at desktop and phone widths, the map stays inside the page,
// its text is at least 12 px, and an area reached by keyboard opens the
// filtered list.
func TestProvinceMapFitsPhonesAndOpensTheArea(t *testing.T) {
	b := browser(t)
	p := apptest.Start(t, apptest.Config(t, t.TempDir()))
	// The map draws the former Khanh Hoa's districts; the former Ninh
	// Thuan's have no shapes yet.
	drawn := 0
	for _, code := range place.Locations {
		if place.ProvinceOf(code) == "khanh_hoa" {
			drawn++
		}
	}
	for _, w := range []int64{1366, 390, 320} {
		b.do("viewport", chromedp.EmulateViewport(w, 900))
		for _, page := range []string{"/vi/dashboard", "/en/dashboard?map=count", "/en/opportunities", "/vi/opportunities?map=count"} {
			b.do("open "+page, chromedp.Navigate(p.URL+page), chromedp.WaitVisible(chromedp.CSS(`[data-testid=provmap] figure svg`)))
			m := get(b, chromedp.Evaluate[mapBox](measureMap))
			if m.Areas != drawn || drawn != 9 {
				t.Errorf("%d px %s: %d areas drawn", w, page, m.Areas)
			}
			if m.Right > m.ViewportWidth+0.5 || m.Width < 200 {
				t.Errorf("%d px %s: map reaches %.0f px of %.0f (svg %.0f px wide)", w, page, m.Right, m.ViewportWidth, m.Width)
			}
			if m.MinFontPx < 12 {
				t.Errorf("%d px %s: map text at %.1f px", w, page, m.MinFontPx)
			}
		}
	}
	b.do("keyboard to Cam Ranh",
		chromedp.Navigate(p.URL+"/en/dashboard"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=provmap] figure svg`)),
		chromedp.Focus(chromedp.CSS(`[data-testid=provmap] svg a[data-area=cam_ranh]`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=result-count]`)),
	)
	if loc := b.location(); !strings.HasSuffix(loc, "/en/projects?location=cam_ranh") {
		t.Errorf("Cam Ranh's area opened %s", loc)
	}
}
