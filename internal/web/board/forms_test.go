package board_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestProjectFormTakesCapitalInBillions checks the board types capital in
// the unit the pages show (billions of đồng), read exactly, and the edit
// form shows it back in that unit with the language's decimal separator.
func TestProjectFormTakesCapitalInBillions(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	c := e.As(account.RoleBoard)
	d := c.Get("/vi/board/projects/new").Doc(t)
	if hint := sitetest.Text(d, "#capital-hint"); hint != e.Bundle.For("vi").T("board.field.registered_hint") ||
		!strings.Contains(d.Find("[data-testid=capital-input]").AttrOr("aria-describedby", ""), "capital-hint") {
		t.Errorf("no hint tied to the capital input: %q", hint)
	}
	v := sitetest.FormValues(t, d, "[data-testid=project-form]")
	for k, val := range map[string]string{"code": "DA-9301", "kind": "domestic", "name_vi": "Khu nghỉ dưỡng Bãi Dài", "investor_name": "Công ty C",
		"investor_country": "VN", "sector": "industry", "location": "ninh_hoa", "unit": "hoa_thang", "registered_capital": "1250,5", "stage": "licensed"} {
		v.Set(k, val)
	}
	if r := c.Send(http.MethodPost, "/vi/board/projects", v); r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	pr, err := e.Projects.Get(context.Background(), "DA-9301")
	if err != nil || pr.Registered.Amount != 1_250_500_000_000 || pr.Registered.Currency != "VND" {
		t.Fatalf("stored %+v %v", pr.Registered, err)
	}
	for lang, want := range map[string]string{"vi": "1.250,5", "en": "1,250.5"} {
		d := c.Get("/" + lang + "/board/projects/DA-9301/edit").Doc(t)
		if got := d.Find("[data-testid=capital-input]").AttrOr("value", ""); got != want {
			t.Errorf("%s: edit form shows %q, want %q", lang, got, want)
		}
		if label := d.Find("label:has([data-testid=capital-input])").Text(); !strings.Contains(label, e.Bundle.For(lang).T("board.field.capital_in.VND")) {
			t.Errorf("%s: label %q does not name the unit", lang, label)
		}
	}
	// A typo is refused with a message saying how to write it, input kept.
	v = sitetest.FormValues(t, c.Get("/en/board/projects/DA-9301/edit").Doc(t), "[data-testid=project-form]")
	v.Set("registered_capital", "1.250,5") // the vi way, on an en page
	r := c.Send(http.MethodPost, "/en/board/projects/DA-9301/edit", v)
	rd := r.Doc(t)
	if r.Status != 400 || sitetest.Text(rd, "#err-registered_capital") != e.Bundle.For("en").T("number.error.grouping") ||
		rd.Find("[data-testid=capital-input]").AttrOr("value", "") != "1.250,5" {
		t.Errorf("grouped number: %d %q", r.Status, sitetest.Text(rd, "#err-registered_capital"))
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

// TestProjectFormErrorSummary: a refused project form lists its errors at
// the top as links to the fields, in the form's order, and says "Error:"
// in the title.
func TestProjectFormErrorSummary(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	c := e.As(account.RoleBoard)
	for _, lang := range []string{"vi", "en"} {
		d := c.Get("/" + lang + "/board/projects/new").Doc(t)
		v := sitetest.FormValues(t, d, "[data-testid=project-form]")
		v.Set("code", "")
		v.Set("registered_capital", "abc")
		r := c.Send(http.MethodPost, "/"+lang+"/board/projects", v)
		if r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: empty form answered %d", lang, r.Status)
		}
		d = r.Doc(t)
		var hrefs []string
		d.Find("[data-testid=error-summary] a").Each(func(_ int, a *goquery.Selection) { hrefs = append(hrefs, a.AttrOr("href", "")) })
		if len(hrefs) < 2 || hrefs[0] != "#f-code" || !slices.Contains(hrefs, "#f-registered_capital") {
			t.Errorf("%s: summary links %q, want #f-code first and #f-registered_capital", lang, hrefs)
		}
		for _, h := range hrefs {
			if strings.HasPrefix(h, "#f-") && d.Find(h).Length() != 1 {
				t.Errorf("%s: summary links to %s, which is not on the page", lang, h)
			}
		}
		if title := d.Find("title").Text(); !strings.HasPrefix(title, map[string]string{"vi": "Lỗi:", "en": "Error:"}[lang]) {
			t.Errorf("%s: title %q lacks the error prefix", lang, title)
		}
	}
}
