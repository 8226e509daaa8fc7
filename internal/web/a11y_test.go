package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// checkFieldLinks checks that every link of the error summary goes to an
// element of the page, and that every field marked invalid names an
// existing message in aria-describedby.
func checkFieldLinks(t *testing.T, d *goquery.Document) {
	t.Helper()
	d.Find(".error-summary a").Each(func(_ int, a *goquery.Selection) {
		href := a.AttrOr("href", "")
		if !strings.HasPrefix(href, "#") || d.Find(`[id="`+href[1:]+`"]`).Length() != 1 {
			t.Errorf("summary link %q (%q) goes to no element", href, a.Text())
		}
	})
	d.Find("[aria-invalid=true]").Each(func(_ int, f *goquery.Selection) {
		by := f.AttrOr("aria-describedby", "")
		if by == "" || d.Find(`[id="`+by+`"]`).Length() != 1 || strings.TrimSpace(d.Find(`[id="`+by+`"]`).Text()) == "" {
			t.Errorf("invalid field %q is described by %q, which is not a message on the page", f.AttrOr("name", ""), by)
		}
	})
}

func TestErrorSummaryOnFailedLogin(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	for _, c := range []struct{ lang, prefix, heading string }{
		{"en", "Error: ", "There is a problem"},
		{"vi", "Lỗi: ", "Có vấn đề cần sửa"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			cl := e.Anonymous()
			blank := cl.Get("/" + c.lang + "/login").Doc(t)
			if blank.Find(".error-summary").Length() != 0 || strings.HasPrefix(blank.Find("title").Text(), c.prefix) {
				t.Fatalf("an unsent form shows an error: title %q", blank.Find("title").Text())
			}
			r := cl.Send(http.MethodPost, "/"+c.lang+"/login", url.Values{
				"_csrf": {cl.CSRF()}, "email": {"nobody-" + c.lang + "@example.com"}, "password": {"wrong password"}})
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("status %d", r.Status)
			}
			d := r.Doc(t)
			if title := d.Find("title").Text(); !strings.HasPrefix(title, c.prefix) {
				t.Errorf("title %q does not start with %q", title, c.prefix)
			}
			box := d.Find("[data-error-summary]")
			if box.Length() != 1 || box.AttrOr("tabindex", "") != "-1" || box.AttrOr("role", "") != "alert" {
				t.Fatalf("no focusable error summary: %d", box.Length())
			}
			if h := strings.TrimSpace(box.Find("h2").Text()); h != c.heading {
				t.Errorf("summary heading %q, want %q", h, c.heading)
			}
			// The summary sits before the form, and links to the e-mail field.
			link := box.Find("a")
			msg := sitetest.Text(d, "[data-testid=login-error]")
			if link.Length() != 1 || link.AttrOr("href", "") != "#f-email" || strings.TrimSpace(link.Text()) != msg || msg == "" {
				t.Errorf("summary link %q %q, message %q", link.AttrOr("href", ""), link.Text(), msg)
			}
			form := d.Find("form#login-form")
			if !strings.HasSuffix(form.AttrOr("action", ""), "#login-form") {
				t.Errorf("form action %q does not bring the reader back to the form", form.AttrOr("action", ""))
			}
			if d.Find("#f-email[aria-invalid=true]").Length() != 1 || d.Find(`label[for=f-email]`).Length() != 1 {
				t.Error("the e-mail field is not marked invalid or has no label")
			}
			checkFieldLinks(t, d)
		})
	}
}

func TestErrorSummaryOnBadProjectFilter(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	for _, c := range []struct{ lang, prefix, stage, capital string }{
		{"en", "Error: ", "Stage", "Capital from (VND billion)"},
		{"vi", "Lỗi: ", "Giai đoạn", "Vốn từ (tỷ đồng)"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			r := e.Get("/" + c.lang + "/projects?capital_min=abc&stage=dreaming&page=0")
			if r.Status != http.StatusBadRequest {
				t.Fatalf("status %d", r.Status)
			}
			d := r.Doc(t)
			if title := d.Find("title").Text(); !strings.HasPrefix(title, c.prefix) {
				t.Errorf("title %q does not start with %q", title, c.prefix)
			}
			var hrefs, texts []string
			d.Find("[data-error-summary] a").Each(func(_ int, a *goquery.Selection) {
				hrefs = append(hrefs, a.AttrOr("href", ""))
				texts = append(texts, strings.TrimSpace(a.Text()))
			})
			// Fields in the order they stand in the form; the page number,
			// which has no field, links to the form.
			want := []string{"#f-stage", "#f-capital_min", "#project-filters"}
			if strings.Join(hrefs, " ") != strings.Join(want, " ") {
				t.Fatalf("summary links %v, want %v", hrefs, want)
			}
			if !strings.HasPrefix(texts[0], c.stage+": ") || !strings.HasPrefix(texts[1], c.capital+": ") {
				t.Errorf("summary lines do not name their fields: %q", texts)
			}
			for _, f := range []string{"stage", "capital_min"} {
				el := d.Find("#f-" + f)
				if el.AttrOr("aria-invalid", "") != "true" || el.AttrOr("aria-describedby", "") != "err-"+f {
					t.Errorf("%s is not tied to its message", f)
				}
			}
			if d.Find("#f-kind").AttrOr("aria-invalid", "") != "" {
				t.Error("a valid field is marked invalid")
			}
			if !strings.HasSuffix(d.Find("#project-filters").AttrOr("action", ""), "#project-filters") {
				t.Error("the filter form is not anchored")
			}
			checkFieldLinks(t, d)
		})
	}
	// A good filter shows no summary and a plain title.
	d := e.Get("/en/projects?stage=operating").Doc(t)
	if d.Find(".error-summary").Length() != 0 || strings.HasPrefix(d.Find("title").Text(), "Error") {
		t.Error("a good filter shows an error summary")
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

// chartFontRule finds the font sizes the stylesheet gives chart text.
var chartFontRule = regexp.MustCompile(`(\.(?:chart|bar|bars|legend|note)[^{]*)\{[^}]*font-size:([0-9.]+)(rem|em|px)`)

func TestChartsAreLegibleAndHaveTables(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	// Chart text is sized in the page's units and never below 12 px (a
	// root of 16 px): charts are HTML, not a scaled SVG.
	css := e.Get("/static/app.css").Body
	rules := chartFontRule.FindAllStringSubmatch(css, -1)
	if len(rules) < 3 {
		t.Fatalf("found %d chart font rules in app.css", len(rules))
	}
	for _, m := range rules {
		v, _ := strconv.ParseFloat(m[2], 64)
		if m[3] != "px" {
			v *= 16
		}
		if v < 12 {
			t.Errorf("%s: font-size %s%s is %.1f px, under 12", m[1], m[2], m[3], v)
		}
	}
	// The obstacle statistics need the demo obstacles to draw bars.
	obs := sitetest.NewObstacles(t, true)
	for _, c := range []struct {
		env  *sitetest.Env
		path string
	}{{e, "/en/dashboard"}, {e, "/vi/dashboard"}, {obs, "/en/obstacles/stats"}, {obs, "/vi/obstacles/stats"}} {
		t.Run(c.path, func(t *testing.T) {
			d := c.env.Get(c.path).Doc(t)
			charts := d.Find("figure.chart")
			if charts.Length() == 0 {
				t.Fatal("no charts")
			}
			charts.Each(func(i int, ch *goquery.Selection) {
				if ch.Find("svg, [style*=font-size]").Length() != 0 {
					t.Errorf("chart %d is drawn in SVG or sets its own font size", i)
				}
				tab := ch.Find("table")
				caption := strings.TrimSpace(tab.Find("caption").Text())
				if tab.Length() != 1 || caption == "" || caption != strings.TrimSpace(ch.Find("figcaption").Text()) {
					t.Fatalf("chart %d: table %d, caption %q", i, tab.Length(), caption)
				}
				cols := tab.Find(`thead th[scope=col]`).Length()
				if cols < 2 || tab.Find("thead th").Length() != cols {
					t.Errorf("%s: %d column headers", caption, cols)
				}
				rows := tab.Find("tbody tr")
				bars := ch.Find(".bar-row")
				if rows.Length() == 0 || rows.Length() != bars.Length() {
					t.Errorf("%s: %d table rows, %d bar rows", caption, rows.Length(), bars.Length())
				}
				rows.Each(func(j int, tr *goquery.Selection) {
					th := tr.Find(`th[scope=row]`)
					bar := bars.Eq(j)
					if th.Length() != 1 || tr.Find("td").Length() != cols-1 {
						t.Errorf("%s row %d: %d row headers, %d cells for %d columns", caption, j, th.Length(), tr.Find("td").Length(), cols)
					}
					// The label is shown whole and every value is printed by its bar.
					if strings.TrimSpace(bar.Find(".bar-label").Text()) != strings.TrimSpace(th.Text()) {
						t.Errorf("%s row %d: bar label %q, table %q", caption, j, bar.Find(".bar-label").Text(), th.Text())
					}
					tr.Find("td").Each(func(k int, td *goquery.Selection) {
						if v := strings.TrimSpace(bar.Find(".bar-value").Eq(k).Text()); v == "" || v != strings.TrimSpace(td.Text()) {
							t.Errorf("%s row %d value %d: bar shows %q, table %q", caption, j, k, v, td.Text())
						}
					})
				})
			})
		})
	}
}

func TestAccessibilityStatement(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	for _, c := range []struct{ lang, heading, date string }{
		{"en", "Accessibility statement", "2 Dec 2026"},
		{"vi", "Tuyên bố về khả năng tiếp cận", "02/12/2026"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			home := e.Get("/" + c.lang + "/").Doc(t)
			href := home.Find("footer [data-testid=a11y-link]").AttrOr("href", "")
			if href != "/"+c.lang+"/accessibility" {
				t.Fatalf("footer link %q", href)
			}
			r := e.Get(href)
			if r.Status != http.StatusOK || r.Header.Get("Content-Language") != c.lang {
				t.Fatalf("status %d, language %q", r.Status, r.Header.Get("Content-Language"))
			}
			d := r.Doc(t)
			if h := strings.TrimSpace(d.Find("h1").Text()); h != c.heading {
				t.Errorf("heading %q", h)
			}
			if !strings.Contains(sitetest.Text(d, "[data-testid=a11y-standard]"), "WCAG) 2.1") {
				t.Errorf("no standard: %q", sitetest.Text(d, "[data-testid=a11y-standard]"))
			}
			if !strings.Contains(sitetest.Text(d, "[data-testid=a11y-contact]"), "@") {
				t.Error("no contact address")
			}
			if !strings.Contains(sitetest.Text(d, "[data-testid=a11y-date]"), c.date) {
				t.Errorf("date %q, want %q", sitetest.Text(d, "[data-testid=a11y-date]"), c.date)
			}
			if d.Find(".statement h2").Length() < 4 {
				t.Error("the statement lacks its sections")
			}
		})
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}
