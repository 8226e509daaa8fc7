package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestZZDebug(t *testing.T) {
	base := os.Getenv("UI_DEBUG_URL")
	if base == "" {
		t.Skip()
	}
	b := browser(t)
	for _, spec := range strings.Split(os.Getenv("UI_DEBUG_PAGES"), ",") {
		parts := strings.SplitN(spec, "@", 2)
		var w int64 = 320
		if parts[1] == "390" {
			w = 390
		} else if parts[1] == "1366" {
			w = 1366
		}
		b.do("open", chromedp.EmulateViewport(w, 800), chromedp.Navigate(base+parts[0]), chromedp.WaitReady(chromedp.CSS("footer")))
		js := `(() => { const W = window.innerWidth; const out = [];
		document.querySelectorAll('body *').forEach(el => { const r = el.getBoundingClientRect(); if (r.right > W + 1 && r.width > 0) out.push(el.tagName + '.' + el.className + '#' + el.id + ' right=' + Math.round(r.right) + ' w=' + Math.round(r.width) + ' ' + (el.textContent||'').trim().slice(0,40)); });
		const tops = ['header','.sitesearch','h1','.lead','form.filters','.facets','[data-testid=result-count]','[data-testid=opp-card]'].map(s => { const e = document.querySelector(s); return s + ':' + (e ? Math.round(e.getBoundingClientRect().top + scrollY) + '+' + Math.round(e.getBoundingClientRect().height) : '-'); });
		return out.slice(0, 15).concat(tops); })()`
		t.Log(spec, strings.Join(get(b, chromedp.Evaluate[[]string](js)), "\n"))
	}
}

func TestZZFocus(t *testing.T) {
	base := os.Getenv("UI_DEBUG_URL")
	if base == "" {
		t.Skip()
	}
	b := browser(t)
	b.do("fail", chromedp.Navigate(base+"/en/login"),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), "nobody@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), "not the password"),
		chromedp.Click(chromedp.CSS(`[data-testid=login-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-error-summary]`)))
	for i := 0; i < 3; i++ {
		t.Log(get(b, chromedp.Evaluate[string](`document.readyState + ' ' + document.activeElement.tagName + '.' + document.activeElement.className + ' ' + location.href`)))
		b.do("sleep", chromedp.Sleep(500*1e6))
	}
}
