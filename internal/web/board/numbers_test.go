package board_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestProjectFormReadsNumbersByLanguage: the land area is typed the way
// the page's language writes numbers ("12,5" ha on a vi page is 12.5 ha,
// "1.250" is 1,250 ha), shown back that way, and input that could mean two
// numbers is refused with a message saying how to write it, input kept.
func TestProjectFormReadsNumbersByLanguage(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	c := e.As(account.RoleBoard)
	v := sitetest.FormValues(t, c.Get("/vi/board/projects/new").Doc(t), "[data-testid=project-form]")
	for k, val := range map[string]string{"code": "DA-9302", "kind": "domestic", "name_vi": "Khu công nghiệp Ninh Thủy", "investor_name": "Công ty D",
		"investor_country": "VN", "sector": "industry", "location": "ninh_hoa", "unit": "hoa_thang", "registered_capital": "1250,5", "stage": "licensed", "land_area": "12,5"} {
		v.Set(k, val)
	}
	if r := c.Send(http.MethodPost, "/vi/board/projects", v); r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	pr, err := e.Projects.Get(context.Background(), "DA-9302")
	if err != nil || pr.LandAreaCentiHa != 1250 {
		t.Fatalf("12,5 ha on a vi page stored as %d hundredths (%v), want 1250", pr.LandAreaCentiHa, err)
	}
	for lang, want := range map[string]string{"vi": "12,5", "en": "12.5"} {
		d := c.Get("/" + lang + "/board/projects/DA-9302/edit").Doc(t)
		if got := d.Find("#f-land_area").AttrOr("value", ""); got != want {
			t.Errorf("%s: edit form shows %q, want %q", lang, got, want)
		}
	}
	edit := func(lang, area string) sitetest.Response {
		v := sitetest.FormValues(t, c.Get("/"+lang+"/board/projects/DA-9302/edit").Doc(t), "[data-testid=project-form]")
		v.Set("land_area", area)
		v.Set("reason", "Đo đạc lại")
		return c.Send(http.MethodPost, "/"+lang+"/board/projects/DA-9302/edit", v)
	}
	if r := edit("vi", "1.250"); r.Status != http.StatusSeeOther {
		t.Fatalf("1.250 ha on a vi page: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	if pr, _ = e.Projects.Get(context.Background(), "DA-9302"); pr.LandAreaCentiHa != 125_000 {
		t.Fatalf("1.250 ha on a vi page stored as %d hundredths, want 125000", pr.LandAreaCentiHa)
	}
	if got := c.Get("/en/board/projects/DA-9302/edit").Doc(t).Find("#f-land_area").AttrOr("value", ""); got != "1,250" {
		t.Errorf("en edit form shows %q, want 1,250", got)
	}
	for _, c := range []struct{ lang, in, msg string }{
		{"vi", "1,250", "number.error.ambiguous"},
		{"vi", "1.5", "number.error.grouping"},
		{"vi", "12,555", "number.error.ambiguous"},
		{"vi", "1250,555", "number.error.decimals_area"},
		{"en", "12,5", "number.error.grouping"},
		{"en", "1.250", "number.error.ambiguous"},
		{"en", "-3", "error.field.not_negative"},
	} {
		r := edit(c.lang, c.in)
		d := r.Doc(t)
		if r.Status != http.StatusBadRequest || sitetest.Text(d, "#err-land_area") != e.Bundle.For(c.lang).T(c.msg) ||
			d.Find("#f-land_area").AttrOr("value", "") != c.in {
			t.Errorf("%s %q: %d %q, kept %q; want 400 %s", c.lang, c.in, r.Status, sitetest.Text(d, "#err-land_area"),
				d.Find("#f-land_area").AttrOr("value", ""), c.msg)
		}
	}
	if pr, _ = e.Projects.Get(context.Background(), "DA-9302"); pr.LandAreaCentiHa != 125_000 {
		t.Errorf("a refused edit changed the area to %d", pr.LandAreaCentiHa)
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

// TestDisbursementReadsNumbersByLanguage: "1.250.000" đồng on a vi page
// and "1,250,000.50" US dollars on an en page are the amounts they say.
func TestDisbursementReadsNumbersByLanguage(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	c := e.As(account.RoleBoard)
	post := func(code, lang, amount string) sitetest.Response {
		d := c.Get("/" + lang + "/board/projects/" + code + "/disbursements").Doc(t)
		v := sitetest.FormValues(t, d, "[data-testid=disbursement-form]")
		v.Set("amount", amount)
		return c.Send(http.MethodPost, "/"+lang+"/board/projects/"+code+"/disbursements", v)
	}
	// A domestic project in VND and an FDI project in USD, both created here.
	for code, kind := range map[string]string{"DA-9303": "domestic", "FDI-9303": "fdi"} {
		v := sitetest.FormValues(t, c.Get("/en/board/projects/new").Doc(t), "[data-testid=project-form]")
		for k, val := range map[string]string{"code": code, "kind": kind, "name_vi": "Dự án " + code, "investor_name": "Investor " + code,
			"investor_country": "VN", "sector": "industry", "location": "ninh_hoa", "unit": "hoa_thang", "registered_capital": "5000", "stage": "licensed"} {
			v.Set(k, val)
		}
		if r := c.Send(http.MethodPost, "/en/board/projects", v); r.Status != http.StatusSeeOther {
			t.Fatalf("create %s: %d %s", code, r.Status, sitetest.Text(r.Doc(t), "main"))
		}
	}
	for _, c := range []struct {
		code, lang, in string
		want           int64
	}{
		{"DA-9303", "vi", "1.250.000", 1_250_000},
		{"FDI-9303", "en", "1,250,000.50", 125_000_050},
		{"FDI-9303", "vi", "1250000,50", 125_000_050},
	} {
		before, _ := e.Projects.Get(context.Background(), c.code)
		if r := post(c.code, c.lang, c.in); r.Status != http.StatusSeeOther {
			t.Fatalf("%s %q: %d %s", c.lang, c.in, r.Status, sitetest.Text(r.Doc(t), "main"))
		}
		after, _ := e.Projects.Get(context.Background(), c.code)
		if got := after.Disbursed.Amount - before.Disbursed.Amount; got != c.want {
			t.Errorf("%s %q added %d minor units, want %d", c.lang, c.in, got, c.want)
		}
	}
	r := post("DA-9303", "vi", "1,250,000")
	d := r.Doc(t)
	if r.Status != http.StatusBadRequest || sitetest.Text(d, "#err-amount") != e.Bundle.For("vi").T("number.error.ambiguous") ||
		d.Find("[data-testid=disbursement-form] input[name=amount]").AttrOr("value", "") != "1,250,000" {
		t.Errorf("1,250,000 on a vi page: %d %q", r.Status, sitetest.Text(d, "#err-amount"))
	}
}
