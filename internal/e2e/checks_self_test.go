package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// selfTestPages are small pages with known problems (and look-alikes
// that are not problems), to show that each check of the crawl finds
// what it must and only that.
var selfTestPages = map[string]string{
	"en": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad page</title></head><body><main>
<h1>Bad page</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p id="vi-unmarked">Giá trị đầu tư</p>
<p lang="vi">Giá trị đầu tư đã đăng ký</p>
<p>Khánh Hòa and Nha Trang are places.</p>
<pre>const đ = 1</pre>
<p>Mail lê@example.com or see https://example.com/đ</p>
<div id="wide" style="width:2000px">wide</div>
<div style="overflow-x:auto"><div style="width:3000px">scrolls in its own box</div></div>
<figure class="chart"><svg viewBox="0 0 1000 100" width="300" height="30"><text x="0" y="50" font-size="12">Tiny label</text></svg></figure>
<figure class="chart"><svg viewBox="0 0 100 100" width="100" height="100"><text x="0" y="50" font-size="14">Big label</text></svg></figure>
<a href="#a">shows a ring</a> <a href="#b" style="outline:none">no ring</a>
</main></body></html>`,
	"vi": `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trang thử</title></head><body><main>
<h1>Trang thử</h1>
<p id="en-unmarked">The value of the project is high</p>
<p lang="en">The value of the project is high</p>
<p>Giá trị của dự án là cao</p>
<p>Dự án ABC Resort</p>
<code>the value of x</code>
<div class="error-summary" role="alert" tabindex="-1"><a href="#name">Nhập tên</a> <a href="#nowhere">Sai</a></div>
<label for="name">Tên</label><input id="name">
</main></body></html>`,
}

// TestChecksFindKnownProblems runs the crawl's checks on the pages above.
func TestChecksFindKnownProblems(t *testing.T) {
	b := browser(t)
	s := loadScripts(t)
	f := &findings{}
	for _, lang := range []string{"en", "vi"} {
		b.do("open "+lang, chromedp.EmulateViewport(sizes[0].w, sizes[0].h),
			chromedp.Navigate("data:text/html;charset=utf-8,"+url.PathEscape(selfTestPages[lang])))
		b.checkPage(s, f, lang, lang)
		if lang == "en" {
			b.checkFocusRing(s, f, "en", 15)
		}
	}
	// The summary exists but focus is elsewhere, then on it.
	b.checkErrorSummary(s, f, "vi", "vi unfocused")
	b.do("focus the summary", chromedp.Evaluate[chromedp.Void](`document.querySelector('.error-summary').focus()`))
	b.checkErrorSummary(s, f, "vi", "vi focused")

	all := func(kind string) string {
		var b strings.Builder
		for d, pages := range f.kinds[kind] {
			b.WriteString(d + " ON " + strings.Join(pages, ",") + "\n")
		}
		return b.String()
	}
	for _, c := range []struct {
		kind      string
		want, not []string
	}{
		{kindAxe, []string{"image-alt"}, nil},
		{kindOverflow, []string{"div#wide", "1366x900", "390x844"}, []string{"3000"}},
		{kindChart, []string{"Tiny label", "3.6 px"}, []string{"Big label"}},
		{kindLang, []string{"p#vi-unmarked", "p#en-unmarked"}, []string{"đã đăng ký", "Khánh", "const", "lê@", "Giá trị của", "ABC Resort", "the value of x"}},
		{kindFocus, []string{`"no ring"`}, []string{`"shows a ring"`}},
		{kindSummary, []string{"focus is on body", "#nowhere", `"Trang thử" does not start with "Lỗi:"`}, []string{"#name"}},
	} {
		got := all(c.kind)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: no finding with %q in:\n%s", c.kind, w, got)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: a false finding with %q in:\n%s", c.kind, n, got)
			}
		}
	}
	if got := all(kindSummary); strings.Count(got, "#nowhere") != 1 || !strings.Contains(got, "vi focused") {
		t.Errorf("the focused summary's bad link is not reported once, on the focused page:\n%s", got)
	}
}
