package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/country"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// size is a window size the checks run at.
type size struct {
	name string
	w, h int64
}

// sizes are a desktop and a phone (iPhone 12 to 14 in CSS pixels).
var sizes = []size{{"1366x900", 1366, 900}, {"390x844", 390, 844}}

// findings collects failures by kind, and within a kind groups the pages
// that show the same problem, so one run lists everything readably.
type findings struct {
	mu    sync.Mutex
	kinds map[string]map[string][]string // kind -> detail -> pages
}

// add records that page shows detail, a problem of kind.
func (f *findings) add(kind, page, detail string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.kinds == nil {
		f.kinds = map[string]map[string][]string{}
	}
	if f.kinds[kind] == nil {
		f.kinds[kind] = map[string][]string{}
	}
	for _, p := range f.kinds[kind][detail] {
		if p == page {
			return
		}
	}
	f.kinds[kind][detail] = append(f.kinds[kind][detail], page)
}

// report fails t once per kind, listing each problem and its pages.
func (f *findings) report(t *testing.T, kinds ...string) {
	t.Helper()
	for _, kind := range kinds {
		byDetail := f.kinds[kind]
		if len(byDetail) == 0 {
			continue
		}
		details := make([]string, 0, len(byDetail))
		for d := range byDetail {
			details = append(details, d)
		}
		sort.Strings(details)
		var b strings.Builder
		for _, d := range details {
			pages := byDetail[d]
			shown := pages
			if len(shown) > 6 {
				shown = shown[:6]
			}
			fmt.Fprintf(&b, "\n  - %s\n      on %s", d, strings.Join(shown, ", "))
			if len(pages) > len(shown) {
				fmt.Fprintf(&b, " and %d more", len(pages)-len(shown))
			}
		}
		t.Errorf("%s: %d distinct problems:%s", kind, len(details), b.String())
	}
}

// Kinds of findings, in the order they are reported.
const (
	kindAxe      = "axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa) violations"
	kindOverflow = "horizontal overflow"
	kindChart    = "chart text under 12 px"
	kindLang     = "text of the other language"
	kindBroken   = "links to pages that fail"
	kindFocus    = "focus not visible"
	kindSummary  = "error summary after a failed submit"
)

var allKinds = []string{kindAxe, kindOverflow, kindChart, kindLang, kindBroken, kindFocus, kindSummary}

// scripts are the page-side checks: testdata/checks.js and axe-core.
type scripts struct {
	checks, axe string
	names       []string
}

func loadScripts(t *testing.T) scripts {
	t.Helper()
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var names []string
	for _, l := range strings.Split(read("testdata/propernames.txt"), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			names = append(names, l)
		}
	}
	// The enquiry form lists every country by its English name, some
	// written with accents ("Côte d’Ivoire"): proper names, not Vietnamese.
	for _, c := range country.List("en") {
		names = append(names, c.Name)
	}
	// Longest first, so "Cam Hải Đông" goes before "Cam Hải".
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	return scripts{checks: read("testdata/checks.js"), axe: read("testdata/axe/axe.min.js"), names: names}
}

// pageResult is what __e2eChecks returns.
type pageResult struct {
	ScrollWidth    int      `json:"scrollWidth"`
	InnerWidth     int      `json:"innerWidth"`
	Overflow       []string `json:"overflow"`
	SmallChartText []string `json:"smallChartText"`
	OtherLang      []string `json:"otherLang"`
}

// axeViolation is one axe-core rule broken on a page.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
	resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
	nodes: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' '))})))`

// eval runs a script in the tab's page, with a timeout.
func eval[T any](b *tab, js string, opts ...chromedp.EvaluateOption) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
}

// checkPage runs every page check on the loaded page at both sizes,
// naming it page in the findings. The page's language is lang.
func (b *tab) checkPage(s scripts, f *findings, lang, page string) {
	b.t.Helper()
	for i, sz := range sizes {
		if i > 0 {
			b.do("resize", chromedp.EmulateViewport(sz.w, sz.h))
		}
		where := page + " @" + sz.name
		if _, err := eval[chromedp.Void](b, s.checks); err != nil {
			b.t.Fatalf("%s: load checks: %v", where, err)
		}
		names, _ := jsonString(s.names)
		r, err := eval[pageResult](b, fmt.Sprintf("__e2eChecks(%q, %s)", lang, names))
		if err != nil {
			b.t.Fatalf("%s: checks: %v", where, err)
		}
		if r.ScrollWidth > r.InnerWidth {
			f.add(kindOverflow, where, fmt.Sprintf("@%s page %d px wide in a %d px window; widest: %s", sz.name, r.ScrollWidth, r.InnerWidth, strings.Join(r.Overflow, "; ")))
		}
		for _, c := range r.SmallChartText {
			f.add(kindChart, where, "@"+sz.name+" "+c)
		}
		for _, c := range r.OtherLang {
			f.add(kindLang, page, c)
		}
		if has, _ := eval[bool](b, `typeof axe === 'object'`); !has {
			if _, err := eval[chromedp.Void](b, s.axe); err != nil {
				b.t.Fatalf("%s: load axe-core: %v", where, err)
			}
		}
		vs, err := eval[[]axeViolation](b, axeRun, chromedp.EvalAwaitPromise)
		if err != nil {
			b.t.Fatalf("%s: axe.run: %v", where, err)
		}
		for _, v := range vs {
			nodes := v.Nodes
			more := ""
			if len(nodes) > 4 {
				more = fmt.Sprintf(" (+%d more)", len(nodes)-4)
				nodes = nodes[:4]
			}
			f.add(kindAxe, where, fmt.Sprintf("%s [%s] %s: %s%s", v.ID, v.Impact, v.Help, strings.Join(nodes, " | "), more))
		}
	}
	b.do("back to desktop size", chromedp.EmulateViewport(sizes[0].w, sizes[0].h))
}

// submitEmpty empties the text fields of the form matching sel, turns off
// the browser's own validation (to reach the server's error page, as a
// browser without it would) and submits it, waiting for the new page.
func (b *tab) submitEmpty(sel string) error {
	js := fmt.Sprintf(`(() => {
		const f = document.querySelector(%q);
		if (!f) return false;
		f.noValidate = true;
		for (const el of f.elements) {
			if (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT' && !['hidden', 'submit', 'button', 'checkbox', 'radio', 'file'].includes(el.type)) el.value = '';
		}
		window.__e2eOld = true;
		setTimeout(() => f.requestSubmit(), 0);
		return true;
	})()`, sel)
	ok, err := eval[bool](b, js)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no form %s", sel)
	}
	return b.waitNewPage()
}

// waitNewPage waits until the page marked with window.__e2eOld has been
// replaced by a loaded one.
func (b *tab) waitNewPage() error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		done, err := eval[bool](b, `window.__e2eOld === undefined && document.readyState === 'complete'`)
		if err == nil && done {
			return nil
		}
	}
	return fmt.Errorf("no new page within 30 s")
}

// checkFocusRing tabs through the first n focusable elements of the
// loaded page and records each that shows no outline or box shadow.
func (b *tab) checkFocusRing(s scripts, f *findings, page string, n int) {
	b.t.Helper()
	if _, err := eval[chromedp.Void](b, s.checks); err != nil {
		b.t.Fatalf("%s: load checks: %v", page, err)
	}
	type focus struct {
		Name  string `json:"name"`
		Shown bool   `json:"shown"`
		None  bool   `json:"none"`
	}
	// A headless tab is not focused: keys would reach no element.
	b.do("focus the page", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	}))
	for i := 1; i <= n; i++ {
		b.do("tab", chromedp.KeyEvent("\t"))
		r, err := eval[focus](b, `__e2eFocus()`)
		if err != nil {
			b.t.Fatalf("%s: focus: %v", page, err)
		}
		if r.None {
			break
		}
		if !r.Shown {
			f.add(kindFocus, page, fmt.Sprintf("Tab %d: %s has no outline or box-shadow when focused", i, r.Name))
		}
	}
}

// checkErrorSummary records what is wrong with the focus and error
// summary on the page shown after a failed submit, and its title, which
// must start with "Error:" ("Lỗi:" in Vietnamese).
func (b *tab) checkErrorSummary(s scripts, f *findings, lang, page string) {
	b.t.Helper()
	if _, err := eval[chromedp.Void](b, s.checks); err != nil {
		b.t.Fatalf("%s: load checks: %v", page, err)
	}
	r, err := eval[struct {
		Problems []string `json:"problems"`
		Title    string   `json:"title"`
	}](b, `__e2eErrorSummary()`)
	if err != nil {
		b.t.Fatalf("%s: error summary: %v", page, err)
	}
	for _, p := range r.Problems {
		f.add(kindSummary, page, p)
	}
	prefix := map[string]string{"vi": "Lỗi:", "en": "Error:"}[lang]
	if !strings.HasPrefix(r.Title, prefix) {
		f.add(kindSummary, page, fmt.Sprintf("title %q does not start with %q", r.Title, prefix))
	}
}

// jsonString encodes v as JSON for a script.
func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
