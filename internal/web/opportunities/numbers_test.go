package opportunities_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestOpportunityFormReadsNumbersByLanguage: the land area and capital are
// typed the way the page's language writes numbers, shown back that way on
// the edit form, and a number that could mean two things is refused with a
// message saying how to write it, the typed text kept.
func TestOpportunityFormReadsNumbersByLanguage(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	board := e.As(account.RoleBoard)
	form := func(code, area, capital, cur string) url.Values {
		return url.Values{"_csrf": {board.CSRF()}, "code": {code}, "title_vi": {"Khu thử " + code}, "summary_vi": {"Tóm tắt"},
			"description_vi": {"Mô tả"}, "authoritative_lang": {"vi"}, "sector": {"tourism"}, "location": {"cam_ranh"}, "unit": {"cam_linh"},
			"land_area": {area}, "capital_amount": {capital}, "capital_currency": {cur}, "investment_forms": {"domestic"},
			"land_legal_status": {"state_land_fund"}, "site_clearance_status": {"not_started"}, "status": {"open"},
			"contact_agency": {"ipc"}, "contact_name": {"Phòng Xúc tiến"}, "contact_email": {"xuctien@khanhhoa.gov.vn"},
			"published_at": {"2026-01-05"}}
	}
	for _, c := range []struct {
		lang, code, area, capital, cur string
		centiHa, minor                 int64
		vi, en                         [2]string // land area and capital as each edit form shows them
	}{
		{"vi", "OPP-XX-101", "12,5", "1.500.000.000.000", "VND", 1250, 1_500_000_000_000,
			[2]string{"12,5", "1.500.000.000.000"}, [2]string{"12.5", "1,500,000,000,000"}},
		{"en", "OPP-XX-102", "1,250.75", "1,250,000.50", "USD", 125_075, 125_000_050,
			[2]string{"1.250,75", "1.250.000,5"}, [2]string{"1,250.75", "1,250,000.5"}},
	} {
		if r := board.Send(http.MethodPost, "/"+c.lang+"/board/opportunities", form(c.code, c.area, c.capital, c.cur)); r.Status != http.StatusSeeOther {
			t.Fatalf("%s create: %d %s", c.lang, r.Status, sitetest.Text(r.Doc(t), ".field-error"))
		}
		o, err := e.opps.Get(context.Background(), c.code)
		if err != nil || o.LandAreaCentiHa != c.centiHa || o.IndicativeCapital.Amount != c.minor {
			t.Fatalf("%s: %q ha, %q %s stored as %d hundredths, %d (%v)", c.lang, c.area, c.capital, c.cur, o.LandAreaCentiHa, o.IndicativeCapital.Amount, err)
		}
		for lang, want := range map[string][2]string{"vi": c.vi, "en": c.en} {
			d := board.Get("/" + lang + "/board/opportunities/" + c.code + "/edit").Doc(t)
			if a, k := d.Find("input[name=land_area]").AttrOr("value", ""), d.Find("[data-testid=opp-capital-input]").AttrOr("value", ""); a != want[0] || k != want[1] {
				t.Errorf("%s edit form of %s shows %q ha, %q; want %q", lang, c.code, a, k, want)
			}
		}
	}
	for _, c := range []struct{ lang, area, capital, field, msg string }{
		{"vi", "1,250", "5000", "land_area", "number.error.ambiguous"},
		{"vi", "12", "1,250,000", "indicative_capital", "number.error.ambiguous"},
		{"en", "1.5.0", "5000", "land_area", "number.error.ambiguous"},
		{"en", "12", "12,50", "indicative_capital", "number.error.grouping"},
	} {
		r := board.Send(http.MethodPost, "/"+c.lang+"/board/opportunities", form("OPP-XX-199", c.area, c.capital, "VND"))
		d := r.Doc(t)
		if r.Status != http.StatusBadRequest || sitetest.Text(d, "#err-"+c.field) != e.Bundle.For(c.lang).T(c.msg) ||
			d.Find("input[name=land_area]").AttrOr("value", "") != c.area || d.Find("[data-testid=opp-capital-input]").AttrOr("value", "") != c.capital {
			t.Errorf("%s %q ha, %q: %d %q; want 400 %s, input kept", c.lang, c.area, c.capital, r.Status, sitetest.Text(d, "#err-"+c.field), c.msg)
		}
	}
	if _, err := e.opps.Get(context.Background(), "OPP-XX-199"); err == nil {
		t.Error("a refused form stored an opportunity")
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}
