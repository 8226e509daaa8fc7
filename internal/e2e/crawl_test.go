package e2e

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

// maxPatterns caps the distinct route patterns checked per language.
const maxPatterns = 80

// crawlRole is who crawls: an e-mail to sign in with ("" for anonymous)
// and the pages the crawl starts from.
type crawlRole struct {
	name, email string
	starts      []string
}

// The agency officer sees the task force's pages with fewer rights: its
// pass found no new route pattern, so it is left out to keep the test short.
var crawlRoles = []crawlRole{
	{"anonymous", "", []string{"/"}},
	{"board", "board@demo.local", []string{"/board", "/"}},
	{"taskforce", "taskforce@demo.local", []string{"/staff/obstacles", "/"}},
	{"admin", "admin@demo.local", []string{"/admin", "/"}},
}

// emptySubmits are forms submitted empty, per role: the page, the form
// and whether the result must follow the error-summary pattern (focus on
// a summary linking to the fields).
var emptySubmits = map[string][]struct {
	page, form string
	summary    bool
}{
	"anonymous": {
		{"/login", `form[action*="/login"]`, true},
		{"/obstacles/new", `[data-testid=obstacle-form]`, true},
		{"/obstacles/track", `[data-testid=track-form]`, false},
		{"opportunity", `[data-testid=enquiry-form]`, true},
	},
	"board": {
		{"/board/projects/new", `[data-testid=project-form]`, false},
		{"/board/opportunities/new", `[data-testid=opp-form]`, false},
	},
	"admin": {
		{"/admin/users/new", `[data-testid=user-form]`, false},
	},
}

// router maps a path to the route pattern that serves it.
type router [][]string

func newRouter(p *apptest.Portal) router {
	var r router
	for _, rt := range p.Web.Routes() {
		if rt.Method == "GET" {
			r = append(r, strings.Split(rt.Path, "/"))
		}
	}
	return r
}

// pattern returns the registered pattern matching p with the fewest
// parameters, or p itself when none does.
func (r router) pattern(p string) string {
	segs := strings.Split(p, "/")
	best, bestParams := p, 1<<30
	for _, rt := range r {
		if len(rt) != len(segs) {
			continue
		}
		params, ok := 0, true
		for i, s := range rt {
			if strings.HasPrefix(s, ":") {
				params++
			} else if s != segs[i] {
				ok = false
				break
			}
		}
		if ok && params < bestParams {
			best, bestParams = strings.Join(rt, "/"), params
		}
	}
	return best
}

// crawlable reports whether a link's path is a page to crawl: under a
// language, not a download, a file or the language switch.
func crawlable(p string) bool {
	if !strings.HasPrefix(p, "/vi/") && !strings.HasPrefix(p, "/en/") && p != "/vi" && p != "/en" {
		return false
	}
	if strings.Contains(p, "/files/") || strings.HasSuffix(p, "/language") {
		return false
	}
	switch path.Ext(p) {
	case ".csv", ".xlsx", ".json", ".geojson", ".pdf", ".png", ".jpg", ".svg", ".zip", ".ods":
		return false
	}
	return true
}

// crawler is the state shared by the crawls of every role.
type crawler struct {
	t       *testing.T
	base    string
	s       scripts
	f       *findings
	routes  router
	checked map[string]bool // lang pattern -> checked
	count   map[string]int  // lang -> patterns checked
	oppURL  map[string]string
}

// TestCrawlEveryPage visits every page reachable by links from the home
// page and the staff homes, in both languages, as an anonymous visitor
// and each kind of officer, one page per route pattern, plus the pages
// shown after submitting forms empty and the filing and tracking
// journey, and checks each at a desktop and a phone size: axe-core
// (WCAG 2.1 A and AA), horizontal overflow, chart text size and text of
// the other language. It also tabs through key pages for a visible focus
// ring and checks the error summary after failed submits.
func TestCrawlEveryPage(t *testing.T) {
	b := browser(t)
	p := apptest.Start(t, apptest.Config(t, t.TempDir()))
	c := &crawler{t: t, base: p.URL, s: loadScripts(t), f: &findings{}, routes: newRouter(p),
		checked: map[string]bool{}, count: map[string]int{}, oppURL: map[string]string{}}

	for _, role := range crawlRoles {
		tb := b.isolated()
		if role.email != "" {
			tb.signInPatiently(p.URL, role.email, "demo-password-1")
		}
		for _, lang := range []string{"vi", "en"} {
			start, before := time.Now(), c.count[lang]
			c.crawl(tb, role, lang)
			t.Logf("%s %s: %d new patterns in %v", role.name, lang, c.count[lang]-before, time.Since(start).Round(time.Second))
			for _, e := range emptySubmits[role.name] {
				c.emptySubmit(tb, lang, e.page, e.form, e.summary)
			}
			if role.name == "anonymous" {
				c.fileAndTrack(tb, lang)
				for _, pg := range []string{"/", "/obstacles/new", "/login", "/projects", "/dashboard"} {
					tb.do("open "+pg, chromedp.Navigate(p.URL+"/"+lang+pg))
					tb.checkFocusRing(c.s, c.f, "/"+lang+pg, 15)
				}
			}
		}
	}
	t.Logf("checked %d patterns in vi, %d in en", c.count["vi"], c.count["en"])
	for _, lang := range []string{"vi", "en"} {
		if c.count[lang] < 15 {
			t.Errorf("the crawl reached only %d route patterns in %s", c.count[lang], lang)
		}
	}
	c.f.report(t, allKinds...)
}

// crawl visits, breadth first from the role's start pages in lang, every
// route pattern the role's links reach, checking those not yet checked.
func (c *crawler) crawl(b *tab, role crawlRole, lang string) {
	c.t.Helper()
	seen := map[string]bool{}
	var queue []string
	for _, s := range role.starts {
		queue = append(queue, "/"+lang+s)
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		pat := c.routes.pattern(strings.SplitN(u, "?", 2)[0])
		if seen[pat] {
			continue
		}
		seen[pat] = true
		resp, err := b.navigate(c.base + u)
		if err != nil {
			c.t.Fatalf("%s as %s: %v", u, role.name, err)
		}
		if resp >= 400 {
			c.f.add(kindBroken, u, fmt.Sprintf("HTTP %d as %s", resp, role.name))
			continue
		}
		if strings.HasSuffix(pat, "/opportunities/:code") {
			c.oppURL[lang] = u
		}
		key := lang + " " + pat
		if !c.checked[key] && c.count[lang] < maxPatterns {
			c.checked[key] = true
			c.count[lang]++
			b.checkPage(c.s, c.f, lang, u+" ("+pat+", "+role.name+")")
		}
		links, err := eval[[]string](b, `[...document.querySelectorAll('a[href]')].filter(a => a.origin === location.origin).map(a => a.pathname + a.search)`)
		if err != nil {
			c.t.Fatalf("%s: links: %v", u, err)
		}
		for _, l := range links {
			lp := strings.SplitN(l, "?", 2)[0]
			if crawlable(lp) && strings.HasPrefix(lp, "/"+lang) && !seen[c.routes.pattern(lp)] {
				queue = append(queue, l)
			}
		}
	}
}

// navigate opens u and returns the HTTP status of the document.
func (b *tab) navigate(u string) (int64, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(u))
	if err != nil {
		return 0, err
	}
	if resp == nil {
		return 0, fmt.Errorf("no response")
	}
	return resp.Status, nil
}

// emptySubmit opens page in lang, submits form empty and checks the
// resulting page; with summary, also the error-summary pattern.
func (c *crawler) emptySubmit(b *tab, lang, page, form string, summary bool) {
	c.t.Helper()
	u := "/" + lang + page
	if page == "opportunity" {
		if u = c.oppURL[lang]; u == "" {
			c.t.Errorf("%s: the crawl found no opportunity page to submit an empty enquiry on", lang)
			return
		}
	}
	if _, err := b.navigate(c.base + u); err != nil {
		c.t.Fatalf("%s: %v", u, err)
	}
	if err := b.submitEmpty(form); err != nil {
		c.t.Errorf("%s: submit %s empty: %v", u, form, err)
		return
	}
	name := u + " (" + form + " submitted empty)"
	if summary {
		b.checkErrorSummary(c.s, c.f, lang, name)
		// From the summary on through the fields marked invalid: their
		// focus ring must show too.
		b.checkFocusRing(c.s, c.f, name, 15)
	}
	b.checkPage(c.s, c.f, lang, name)
}

// fileAndTrack files an obstacle in lang, then opens it on the tracking
// page, checking the confirmation and the tracking page.
func (c *crawler) fileAndTrack(b *tab, lang string) {
	c.t.Helper()
	nine := map[string]string{"vi": "420765433", "en": "420765434"}[lang]
	d, ok := obstacle.TaxCheckDigit(nine)
	if !ok {
		c.t.Fatal("no check digit")
	}
	val := func(sel, v string) chromedp.Action[chromedp.Void] { return chromedp.SetValue(chromedp.CSS(sel), v) }
	b.do("file an obstacle in "+lang,
		chromedp.Navigate(c.base+"/"+lang+"/obstacles/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=obstacle-form]`)),
		val(`input[name=business_name]`, "Công ty TNHH Thủy Sản Cam Ranh"),
		val(`input[name=tax_code]`, fmt.Sprintf("%s%d", nine, d)),
		val(`input[name=contact_person]`, "Lê Thị Mai"),
		val(`input[name=email]`, "mai@camranh.example"),
		val(`input[name=phone]`, "0258 3854 321"),
		val(`select[name=category]`, "infrastructure"),
		val(`input[name=title]`, "Chậm giao đất cho dự án chế biến"),
		val(`textarea[name=description]`, "Dự án đã có quyết định chủ trương đầu tư nhưng chưa được giao đất sau 8 tháng."),
		chromedp.Click(chromedp.CSS(`[data-testid=obstacle-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=tracking-code]`)),
	)
	code, key := b.text(`[data-testid=tracking-code]`), b.text(`[data-testid=access-key]`)
	b.checkPage(c.s, c.f, lang, "/"+lang+"/obstacles/new (filed)")
	b.do("track it",
		chromedp.Navigate(c.base+"/"+lang+"/obstacles/track"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=track-form]`)),
		val(`input[name=tracking_code]`, code),
		val(`input[name=access_key]`, key),
		chromedp.Click(chromedp.CSS(`[data-testid=track-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=track-status]`)),
	)
	loc, _ := url.Parse(b.location())
	b.checkPage(c.s, c.f, lang, loc.Path+" (tracking "+code+")")
	// The tracking page remembers the report in this browser; forget it,
	// so the next language starts at the tracking form again.
	b.do("forget it", chromedp.Click(chromedp.CSS(`[data-testid=track-forget]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=track-form]`)))
}

// signInPatiently signs in in Vietnamese, trying up to three times with a
// minute each: on a loaded machine a sign-in can wait long for a
// password-hashing slot and be refused with 429.
func (b *tab) signInPatiently(base, email, password string) {
	b.t.Helper()
	var err error
	for try := 0; try < 3; try++ {
		ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
		err = chromedp.Do(ctx,
			chromedp.Navigate(base+"/vi/login"),
			chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
			chromedp.Click(chromedp.CSS(`[data-testid=login-submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=logout]`)),
		)
		cancel()
		if err == nil {
			return
		}
	}
	b.t.Fatalf("sign in as %s: %v", email, err)
}
