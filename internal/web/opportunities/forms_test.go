package opportunities_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestEnquiryFormCountriesAndWords checks the enquiry form in both
// languages: every ISO 3166-1 country in the page's language plus Other,
// checked on the server; required fields marked; the reply-language radios
// inside their labels; an honest confirmation while mail stays in the
// outbox; and on the board's list an "Investor" column, country names and
// plural counts.
func TestEnquiryFormCountriesAndWords(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	ctx := context.Background()
	board := e.As(account.RoleBoard)
	for i, lang := range i18n.Languages {
		l := e.Bundle.For(lang)
		c := e.Anonymous()
		page := c.Get("/" + lang + "/opportunities/OPP-VP-005")
		d := page.Doc(t)
		form := d.Find("[data-testid=enquiry-form]")
		opts := form.Find("select[name=country] option[value!='']")
		if opts.Length() != 250 {
			t.Errorf("%s: %d countries, want 249 and Other", lang, opts.Length())
		}
		korea := map[string]string{"vi": "Hàn Quốc", "en": "South Korea"}[lang]
		if got := strings.TrimSpace(form.Find(`option[value=KR]`).Text()); got != korea {
			t.Errorf("%s: KR is %q", lang, got)
		}
		if got := strings.TrimSpace(form.Find(`option[value=ZZ]`).Text()); got != l.T("oppweb.enquiry.country_other") {
			t.Errorf("%s: Other is %q", lang, got)
		}
		for name, auto := range map[string]string{"name": "name", "organisation": "organization", "email": "email", "country": "country"} {
			in := form.Find(fmt.Sprintf("[name=%s]", name))
			if in.AttrOr("autocomplete", "") != auto || in.ParentFiltered("label").Length() != 1 {
				t.Errorf("%s: %s autocomplete %q, in a label: %v", lang, name, in.AttrOr("autocomplete", ""), in.ParentFiltered("label").Length() == 1)
			}
		}
		for _, name := range []string{"name", "country", "email", "message"} {
			in := form.Find(fmt.Sprintf("[name=%s]", name))
			_, req := in.Attr("required")
			if !req || in.AttrOr("aria-required", "") != "true" || !strings.Contains(in.ParentFiltered("label").Text(), "*") {
				t.Errorf("%s: %s not marked required", lang, name)
			}
		}
		if _, req := form.Find("[name=organisation]").Attr("required"); req || strings.Contains(form.Find("label:has([name=organisation])").Text(), "*") {
			t.Errorf("%s: the optional organisation is marked required", lang)
		}
		if sitetest.Text(d, "[data-testid=required-note]") != l.T("oppweb.enquiry.required_note") {
			t.Errorf("%s: no note on the required marks", lang)
		}
		fs := form.Find("fieldset[data-testid=enquiry-lang]")
		if !strings.HasPrefix(strings.TrimSpace(fs.Find("legend").Text()), l.T("oppweb.enquiry.lang")) {
			t.Errorf("%s: reply language legend %q", lang, fs.Find("legend").Text())
		}
		fs.Find("input[type=radio]").Each(func(_ int, r *goquery.Selection) {
			if r.ParentFiltered("label.choice").Length() != 1 {
				t.Errorf("%s: radio %s not inside its label", lang, r.AttrOr("value", ""))
			}
		})

		key := oppKeyInput.FindStringSubmatch(page.Body)[1]
		token := sitetest.CSRFInput.FindStringSubmatch(page.Body)[1]
		email := "investor-" + lang + "@example.com"
		v := url.Values{"_csrf": {token}, "idempotency_key": {key}, "name": {"Ana Silva"}, "country": {"XK"},
			"email": {email}, "message": {"Is the site still free?"}, "lang": {lang}}
		r := c.Send(http.MethodPost, "/"+lang+"/opportunities/OPP-VP-005/enquiries", v)
		d = r.Doc(t)
		if r.Status != 400 || sitetest.Text(d, "#err-country") != l.T("oppweb.enquiry.error.country_unknown") ||
			!strings.Contains(d.Find("select[name=country]").AttrOr("aria-describedby", ""), "err-country") {
			t.Fatalf("%s: unknown country: %d %q", lang, r.Status, sitetest.Text(d, "#err-country"))
		}
		if d.Find("textarea[name=message]").Text() != "Is the site still free?" {
			t.Errorf("%s: message not kept", lang)
		}
		v.Set("country", "ZZ")
		if r := c.Send(http.MethodPost, "/"+lang+"/opportunities/OPP-VP-005/enquiries", v); r.Status != 303 {
			t.Fatalf("%s: Other: %d %s", lang, r.Status, sitetest.Text(r.Doc(t), "main"))
		}
		sent := c.Get("/" + lang + "/opportunities/OPP-VP-005/enquiry-sent").Doc(t)
		if s := sent.Find("[data-testid=mail-state]"); s.AttrOr("data-state", "") != "queued" || strings.TrimSpace(s.Text()) != l.T("oppweb.enquiry.sent.queued") {
			t.Errorf("%s: confirmation says %q", lang, s.Text())
		}
		if strings.Contains(sent.Text(), l.T("oppweb.enquiry.sent.emailed")) {
			t.Errorf("%s: the page claims an e-mail was sent", lang)
		}
		list, err := e.opps.ListEnquiries(ctx, opportunity.EnquiryFilter{})
		if err != nil || list.Total != int64(i+1) || list.Items[0].Country != "ZZ" {
			t.Fatalf("%s: stored %+v %v", lang, list, err)
		}

		// The board's list: a column for the investor, the country by name,
		// and the count in the language's plural form.
		bd := board.Get("/" + lang + "/board/enquiries").Doc(t)
		head := sitetest.Text(bd, "table.list thead")
		if !strings.Contains(head, l.T("oppweb.enquiries.col.investor")) || strings.Contains(head, l.T("opportunity.enquiry.field.name")) {
			t.Errorf("%s: board headers %q", lang, head)
		}
		if got := sitetest.Text(bd, "[data-testid=enquiry-country]"); !strings.Contains(got, l.T("oppweb.enquiry.country_other")) {
			t.Errorf("%s: country shown as %q", lang, got)
		}
		wantCount := map[string][]string{"en": {"1 enquiry", "2 enquiries"}, "vi": {"1 yêu cầu", "2 yêu cầu"}}[lang][i]
		if got := sitetest.Text(bd, "[data-testid=enquiry-count]"); got != wantCount {
			t.Errorf("%s: count %q, want %q", lang, got, wantCount)
		}
	}
	// The API refuses a country outside the list, naming the field.
	api := `{"name":"Ana","country":"XK","email":"ana@example.com","message":"Site visit?","lang":"en"}`
	r := oppJSON(e.Anonymous(), http.MethodPost, "/api/v1/opportunities/OPP-CL-004/enquiries", api)
	if p := sitetest.ProblemOf(t, r); r.Status != 400 || sitetest.FieldMessage(p, "country") == "" {
		t.Errorf("API unknown country: %d %s", r.Status, r.Body)
	}
	// Count words in both languages, for one and for several.
	for _, c := range []struct {
		lang, id string
		n        int64
		want     string
	}{
		{"en", "oppweb.outbox.count", 1, "1 message"}, {"en", "oppweb.outbox.count", 3, "3 messages"},
		{"en", "oppweb.list.count", 1, "1 opportunity found"}, {"en", "board.watch.count", 1, "1 project on the watch list"},
		{"en", "obstweb.queue.count", 1, "1 report"}, {"vi", "oppweb.outbox.count", 1, "1 thư"}, {"vi", "oppweb.outbox.count", 3, "3 thư"},
	} {
		if got := e.Bundle.For(c.lang).T(c.id, "N", fmt.Sprint(c.n), "Count", c.n); got != c.want {
			t.Errorf("%s %s %d: %q, want %q", c.lang, c.id, c.n, got, c.want)
		}
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}
