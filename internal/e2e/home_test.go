package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/khanhhoa/investportal/internal/app/apptest"
)

// homeLayout is where the home page's parts sit in the viewport.
type homeLayout struct {
	ScrollWidth, ViewWidth float64
	// Tops and Bottoms of the first featured opportunity (with its picture
	// loaded), the domestic figure, the first newest project and the
	// report-an-obstacle link; -1 when missing.
	Tops, Bottoms []float64
	ImageLoaded   bool
}

const homeLayoutJS = `(() => {
  const sels = ['[data-testid=featured-opportunity]', '[data-testid=figure-domestic]', '[data-testid=newest-project]', '[data-testid=cta-obstacle]'];
  const r = s => { const e = document.querySelector(s); return e ? e.getBoundingClientRect() : null; };
  const img = document.querySelector('[data-testid=featured-image]');
  return {
    ScrollWidth: document.documentElement.scrollWidth, ViewWidth: window.innerWidth,
    Tops: sels.map(s => r(s) ? r(s).top : -1), Bottoms: sels.map(s => r(s) ? r(s).bottom : -1),
    ImageLoaded: !!img && img.complete && img.naturalWidth > 0,
  };
})()`

// TestHomeAboveTheFold: at 1366×900 the home page shows a featured
// opportunity with its picture, the key figures, the newest projects and
// the way to report an obstacle without scrolling; at 390 and 320 px wide
// nothing makes the page scroll sideways.
func TestHomeAboveTheFold(t *testing.T) {
	b := browser(t)
	p := apptest.Start(t, apptest.Config(t, t.TempDir()))
	for _, c := range []struct {
		w, h      int64
		lang      string
		aboveFold bool
	}{{1366, 900, "en", true}, {1366, 900, "vi", true}, {390, 844, "en", false}, {390, 844, "vi", false}, {320, 800, "vi", false}} {
		name := fmt.Sprintf("%s %dx%d", c.lang, c.w, c.h)
		b.do(name, chromedp.EmulateViewport(c.w, c.h), chromedp.Navigate(p.URL+"/"+c.lang+"/"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=featured-image]`)))
		l := get(b, chromedp.Evaluate[homeLayout](homeLayoutJS))
		if l.ScrollWidth > l.ViewWidth {
			t.Errorf("%s: page is %v px wide in a %v px viewport", name, l.ScrollWidth, l.ViewWidth)
		}
		if !l.ImageLoaded {
			t.Errorf("%s: the featured picture did not load", name)
		}
		for i, part := range []string{"featured opportunity", "domestic figure", "newest project", "report an obstacle"} {
			if l.Tops[i] < 0 {
				t.Errorf("%s: no %s", name, part)
			} else if c.aboveFold && l.Bottoms[i] > float64(c.h) {
				t.Errorf("%s: %s ends at %v px, below the fold", name, part, l.Bottoms[i])
			}
		}
	}
}
