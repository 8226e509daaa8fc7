package opportunities_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/record"
	"github.com/khanhhoa/investportal/internal/search"
	"github.com/khanhhoa/investportal/internal/web/opportunities"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// oppEnv is the web env with the demo opportunities stored and indexed
// (with the demo projects) in an in-memory Bleve index.
type oppEnv struct {
	*sitetest.Env
	opps   *opportunity.Store
	engine *search.Bleve
	ix     *search.Indexer
}

func newOppEnv(t *testing.T) *oppEnv {
	t.Helper()
	e := sitetest.New(t)
	opps := opportunity.NewStore(e.DB)
	sitetest.StoreOpportunities(t, opps, 0)
	bl, ix := sitetest.Index(t, e.DB, opps, e.Projects)
	oe := &oppEnv{Env: e, opps: opps, engine: bl, ix: ix}
	oe.serve(ix.Engine())
	return oe
}

// serve rebuilds the server on engine.
func (e *oppEnv) serve(engine search.Engine) {
	e.T.Helper()
	deps := e.Deps
	deps.Opportunities, deps.Search = e.opps, engine
	srv, err := site.New(deps)
	if err != nil {
		e.T.Fatal(err)
	}
	e.Srv = srv
}

// downEngine is a search engine that is not answering.
type downEngine struct{ search.Engine }

func (downEngine) Search(context.Context, search.Query) (search.Result, error) {
	return search.Result{}, errors.New("connection refused")
}

func oppCodes(d *goquery.Document) []string {
	var out []string
	d.Find("[data-testid=opp-card] .code").Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
	return out
}

func TestOpportunityCatalogueSearchFacetsAndPages(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	for lang, q := range map[string]string{"en": "wind power van phong", "vi": "dien gio van phong"} {
		r := e.Get("/" + lang + "/opportunities?q=" + url.QueryEscape(q))
		if r.Status != 200 {
			t.Fatalf("%s: %d", lang, r.Status)
		}
		d := r.Doc(t)
		if got := oppCodes(d); !slices.Contains(got[:min(3, len(got))], "OPP-VP-005") {
			t.Errorf("%s %q: found %v, want OPP-VP-005 among the first three", lang, q, got)
		}
		if d.Find("[data-testid=search-degraded]").Length() != 0 {
			t.Errorf("%s: degraded notice while the engine works", lang)
		}
		if d.Find("mark").Length() == 0 {
			t.Errorf("%s: no highlighted match", lang)
		}
	}
	if v := e.Get("/en/opportunities").Doc(t).Find("select[name=sort] option[selected]").AttrOr("value", ""); v != "relevance" {
		t.Errorf("the order defaults to %q, so a new search would not rank by relevance", v)
	}
	// A facet link narrows the list and keeps the query; its count is right.
	d := e.Get("/en/opportunities?q=van+phong").Doc(t)
	link := d.Find("[data-testid=facet-sector-energy]")
	href, ok := link.Attr("href")
	if !ok {
		t.Fatal("no energy facet")
	}
	m := regexp.MustCompile(`\((\d+)\)`).FindStringSubmatch(link.Text())
	if !strings.Contains(href, "sector=energy") || !strings.Contains(href, "q=van+phong") || m == nil {
		t.Fatalf("facet link %q %q", href, link.Text())
	}
	d = e.Get(href).Doc(t)
	got := oppCodes(d)
	if len(got) == 0 || oppAtoi(m[1]) != len(got) {
		t.Errorf("energy facet said %s, list has %v", m[1], got)
	}
	d.Find("[data-testid=opp-card]").Each(func(_ int, s *goquery.Selection) {
		if !strings.Contains(s.Text(), "Energy") {
			t.Errorf("card outside the facet: %q", strings.Join(strings.Fields(s.Text()), " "))
		}
	})
	if d.Find("[data-testid=facet-sector-energy][aria-current]").Length() != 1 {
		t.Error("the chosen facet value is not marked")
	}
	// Several investment forms: an opportunity counts under each.
	var page opportunities.OpportunityPage
	r := e.Get("/api/v1/opportunities?form=ppp&form=bot&per_page=100")
	if err := json.Unmarshal([]byte(r.Body), &page); err != nil || r.Status != 200 {
		t.Fatalf("%d %v", r.Status, err)
	}
	for _, o := range page.Items {
		if !slices.Contains(o.InvestmentForms, "ppp") && !slices.Contains(o.InvestmentForms, "bot") {
			t.Errorf("%s has neither ppp nor bot: %v", o.Code, o.InvestmentForms)
		}
	}
	fc, err := e.opps.Facets(context.Background(), opportunity.Filter{Forms: []string{"ppp", "bot"}})
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range fc.Form {
		if int64(page.Facets["form"][k]) != n {
			t.Errorf("form %s: API counts %d, database %d", k, page.Facets["form"][k], n)
		}
	}
	// Pages: 51 opportunities, 20 a page.
	d = e.Get("/en/opportunities?sort=capital_desc&page=3").Doc(t)
	if n := d.Find("[data-testid=opp-card]").Length(); n != 11 {
		t.Errorf("page 3 has %d cards, want 11", n)
	}
	if d.Find("a[rel=prev]").AttrOr("href", "") != "/en/opportunities?page=2&sort=capital_desc" {
		t.Errorf("prev link %q", d.Find("a[rel=prev]").AttrOr("href", ""))
	}
	// Bad parameters name the field.
	for _, q := range []string{"sector=moon", "sort=random", "page=0", "band=huge"} {
		r := e.Get("/vi/opportunities?" + q)
		field := strings.Split(q, "=")[0]
		if r.Status != 400 || r.Doc(t).Find("#err-"+field).Length() != 1 {
			t.Errorf("%s: %d", q, r.Status)
		}
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

func oppAtoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestCatalogueFallsBackToTheDatabaseWhenTheEngineIsDown(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	e.serve(downEngine{e.engine})
	for _, lang := range []string{"en", "vi"} {
		r := e.Get("/" + lang + "/opportunities?q=van+phong&sector=energy")
		if r.Status != 200 {
			t.Fatalf("%s: %d", lang, r.Status)
		}
		d := r.Doc(t)
		notice := sitetest.Text(d, "[data-testid=search-degraded]")
		want := map[string]string{"en": "may be incomplete", "vi": "chưa đầy đủ"}[lang]
		if !strings.Contains(notice, want) {
			t.Errorf("%s: notice %q", lang, notice)
		}
		if got := oppCodes(d); !slices.Contains(got, "OPP-VP-005") || !slices.Contains(got, "OPP-VP-001") {
			t.Errorf("%s fallback found %v", lang, got)
		}
		if d.Find("[data-testid=facet-sector-energy]").Length() != 1 {
			t.Errorf("%s: no facets in the fallback", lang)
		}
	}
	var page opportunities.SearchPage
	r := e.Get("/api/v1/search?q=van+phong")
	if err := json.Unmarshal([]byte(r.Body), &page); err != nil || !page.Degraded || page.Total == 0 {
		t.Errorf("API search during the outage: %d %+v %v", r.Status, page.Total, err)
	}
}

func TestOpportunityAPIConcurrencyAndReindex(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	board := e.As(account.RoleBoard)
	r := e.Get("/api/v1/opportunities/OPP-VP-005")
	etag := r.Header.Get("ETag")
	if r.Status != 200 || etag != `"OPP-VP-005-v1"` {
		t.Fatalf("get: %d %q", r.Status, etag)
	}
	if r := e.Get("/api/v1/opportunities/OPP-VP-005", "If-None-Match", etag); r.Status != 304 {
		t.Errorf("If-None-Match: %d", r.Status)
	}
	body := `{"title":{"vi":"Điện gió ngoài khơi Đại Lãnh – Vân Phong","en":"Dai Lanh offshore wind farm, Quokka bay"},"reason":"renamed"}`
	patch := func(header ...string) sitetest.Response {
		return oppJSON(board, http.MethodPatch, "/api/v1/opportunities/OPP-VP-005", body, header...)
	}
	if r := patch(); r.Status != 428 {
		t.Errorf("without If-Match: %d", r.Status)
	}
	if r := patch("If-Match", `"OPP-VP-005-v7"`); r.Status != 412 {
		t.Errorf("stale If-Match: %d", r.Status)
	}
	r = patch("If-Match", etag)
	if r.Status != 200 || r.Header.Get("ETag") != `"OPP-VP-005-v2"` {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if r := patch("If-Match", etag); r.Status != 412 {
		t.Errorf("second write with the old ETag: %d", r.Status)
	}
	if _, err := e.ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := e.Get("/en/opportunities?q=quokka").Doc(t)
	if got := oppCodes(d); len(got) != 1 || got[0] != "OPP-VP-005" {
		t.Errorf("the new title is not found after the index caught up: %v", got)
	}
	var hist []record.Change
	r = board.Get("/api/v1/opportunities/OPP-VP-005/history")
	if err := json.Unmarshal([]byte(r.Body), &hist); err != nil || len(hist) != 1 || hist[0].Note != "renamed" || hist[0].By.Email != "board@demo.local" {
		t.Errorf("history: %s", r.Body)
	}
	if r := oppJSON(e.Anonymous(), http.MethodPatch, "/api/v1/opportunities/OPP-VP-005", body, "If-Match", `"OPP-VP-005-v2"`); r.Status != 401 {
		t.Errorf("visitor patch: %d", r.Status)
	}
	// Linking to a project needs a real project; the detail page links it.
	if r := oppJSON(board, http.MethodPatch, "/api/v1/opportunities/OPP-VP-005", `{"projectCode":"DA-9999"}`, "If-Match", `"OPP-VP-005-v2"`); r.Status != 400 || !strings.Contains(r.Body, "project_code") {
		t.Errorf("link to a missing project: %d %s", r.Status, r.Body)
	}
	if r := oppJSON(board, http.MethodPatch, "/api/v1/opportunities/OPP-VP-005", `{"projectCode":"DA-0001"}`, "If-Match", `"OPP-VP-005-v2"`); r.Status != 200 {
		t.Errorf("link: %d %s", r.Status, r.Body)
	}
	if href := e.Get("/en/opportunities/OPP-VP-005").Doc(t).Find("[data-testid=opp-project] a").AttrOr("href", ""); href != "/en/projects/DA-0001" {
		t.Errorf("detail page project link %q", href)
	}
}

// oppJSON sends as c a JSON body with the session's CSRF header.
func oppJSON(c *sitetest.Client, method, path, body string, header ...string) sitetest.Response {
	c.E.T.Helper()
	req, _ := http.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.Cookies["sid"] != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF())
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	for k, v := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	return c.E.Do(req)
}

var oppKeyInput = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)

func TestEnquiryFormAcknowledgementAndBoard(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	ctx := context.Background()
	c := e.Anonymous()
	page := c.Get("/en/opportunities/OPP-VP-005")
	key := oppKeyInput.FindStringSubmatch(page.Body)
	if key == nil {
		t.Fatal("no idempotency key in the form")
	}
	token := sitetest.CSRFInput.FindStringSubmatch(page.Body)[1]
	form := url.Values{"_csrf": {token}, "idempotency_key": {key[1]}, "name": {"Kim Min-jun"}, "organisation": {"Hanbit Energy"},
		"country": {"KR"}, "email": {"minjun@example.com"}, "message": {"Please send the wind data."}, "lang": {"vi"}}

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("email", "not-an-address")
	r := c.Send(http.MethodPost, "/en/opportunities/OPP-VP-005/enquiries", bad)
	if d := r.Doc(t); r.Status != 400 || d.Find("#err-email").Length() != 1 || d.Find("textarea[name=message]").Text() != "Please send the wind data." {
		t.Fatalf("invalid e-mail: %d", r.Status)
	}

	for i := 0; i < 2; i++ { // the second post is a resent form: nothing new
		r = c.Send(http.MethodPost, "/en/opportunities/OPP-VP-005/enquiries", form)
		if r.Status != 303 || r.Header.Get("Location") != "/en/opportunities/OPP-VP-005/enquiry-sent" {
			t.Fatalf("post %d: %d %q", i, r.Status, r.Header.Get("Location"))
		}
	}
	if d := c.Get("/en/opportunities/OPP-VP-005/enquiry-sent").Doc(t); !strings.Contains(sitetest.Text(d, "[data-testid=enquiry-sent]"), "Thank you") {
		t.Error("no confirmation")
	}
	list, err := e.opps.ListEnquiries(ctx, opportunity.EnquiryFilter{})
	if err != nil || list.Total != 1 || list.Items[0].Lang != "vi" || list.Items[0].Country != "KR" {
		t.Fatalf("stored: %+v %v", list, err)
	}
	mails, err := e.Mail.To(ctx, "minjun@example.com")
	if err != nil || len(mails) != 1 || !strings.Contains(mails[0].Subject, "Chúng tôi đã nhận") || !strings.Contains(mails[0].Body, "Kim Min-jun") {
		t.Fatalf("acknowledgement: %+v %v", mails, err)
	}

	// A bot fills the hidden field: thanked, nothing stored.
	hp := url.Values{"website": {"http://spam.example"}}
	for k, v := range form {
		if k != "idempotency_key" {
			hp[k] = v
		}
	}
	if r := c.Send(http.MethodPost, "/en/opportunities/OPP-VP-005/enquiries", hp); r.Status != 303 {
		t.Errorf("honeypot: %d", r.Status)
	}
	if list, _ := e.opps.ListEnquiries(ctx, opportunity.EnquiryFilter{}); list.Total != 1 {
		t.Errorf("the honeypot post was stored")
	}

	// The API: 201, then 200 for the same key.
	api := `{"name":"Ana","country":"ES","email":"ana@example.com","message":"Site visit?","lang":"en","idempotencyKey":"api-key-1"}`
	if r := oppJSON(e.Anonymous(), http.MethodPost, "/api/v1/opportunities/OPP-CL-004/enquiries", api); r.Status != 201 {
		t.Errorf("API enquiry: %d %s", r.Status, r.Body)
	}
	if r := oppJSON(e.Anonymous(), http.MethodPost, "/api/v1/opportunities/OPP-CL-004/enquiries", api); r.Status != 200 {
		t.Errorf("API replay: %d %s", r.Status, r.Body)
	}
	if r := oppJSON(e.Anonymous(), http.MethodPost, "/api/v1/opportunities/OPP-CL-008/enquiries", strings.Replace(api, "api-key-1", "api-key-2", 1)); r.Status != 400 {
		t.Errorf("enquiry about a closed opportunity: %d", r.Status)
	}
	if mails, _ := e.Mail.To(ctx, "ana@example.com"); len(mails) != 1 || !strings.Contains(mails[0].Subject, "We received") {
		t.Errorf("English acknowledgement: %+v", mails)
	}

	// The board sees the new enquiries and marks one answered.
	board := e.As(account.RoleBoard)
	d := board.Get("/vi/board/enquiries?status=new").Doc(t)
	if n := d.Find("[data-testid=enquiry-row]").Length(); n != 2 {
		t.Fatalf("board sees %d new enquiries", n)
	}
	row := d.Find("[data-testid=enquiry-row]").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), "Kim Min-jun")
	})
	action, _ := row.Find("form").Attr("action")
	r = board.Send(http.MethodPost, action, url.Values{"_csrf": {board.CSRF()}, "version": {"1"}, "status": {"new"}})
	if r.Status != 303 {
		t.Fatalf("mark answered: %d %s", r.Status, r.Body)
	}
	if r := board.Send(http.MethodPost, action, url.Values{"_csrf": {board.CSRF()}, "version": {"1"}}); r.Status != 409 {
		t.Errorf("answering twice: %d", r.Status)
	}
	if n := board.Get("/en/board/enquiries?status=answered").Doc(t).Find("[data-testid=enquiry-row]").Length(); n != 1 {
		t.Errorf("answered list has %d", n)
	}
	if r := e.As(account.RoleBusiness).Get("/en/board/enquiries"); r.Status != 403 {
		t.Errorf("business user reads enquiries: %d", r.Status)
	}

	// Admins read the outbox; others may not.
	d = e.As(account.RoleAdmin).Get("/en/admin/outbox").Doc(t)
	if n := d.Find("[data-testid=outbox-message][data-kind=enquiry_ack]").Length(); n != 2 {
		t.Errorf("outbox shows %d acknowledgements", n)
	}
	if r := board.Get("/en/admin/outbox"); r.Status != 403 {
		t.Errorf("board reads the outbox: %d", r.Status)
	}
}

func TestEnquiryRateLimit(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	c := e.Anonymous()
	token := c.CSRF()
	last := 0
	for i := 0; i < 11; i++ {
		r := c.Send(http.MethodPost, "/en/opportunities/OPP-VP-005/enquiries", url.Values{"_csrf": {token}})
		last = r.Status
		if i < 10 && r.Status != 400 {
			t.Fatalf("post %d: %d", i, r.Status)
		}
	}
	if last != 429 {
		t.Errorf("11th post: %d, want 429", last)
	}
}

func TestBoardEditsOpportunityWithVersionAndHistory(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	board := e.As(account.RoleBoard)
	d := board.Get("/en/board/opportunities/OPP-NT-003/edit").Doc(t)
	form := url.Values{"_csrf": {board.CSRF()}}
	d.Find("[data-testid=opp-form] input, [data-testid=opp-form] textarea, [data-testid=opp-form] select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch {
		case name == "" || name == "_csrf":
		case goquery.NodeName(s) == "textarea":
			form.Add(name, s.Text())
		case goquery.NodeName(s) == "select":
			form.Add(name, s.Find("option[selected]").AttrOr("value", ""))
		case s.AttrOr("type", "") == "checkbox":
			if _, on := s.Attr("checked"); on {
				form.Add(name, s.AttrOr("value", "on"))
			}
		default:
			form.Add(name, s.AttrOr("value", ""))
		}
	})
	if form.Get("version") != "1" || form.Get("title_en") == "" || len(form["investment_forms"]) == 0 {
		t.Fatalf("the form does not show the stored opportunity: %v", form)
	}
	form.Set("title_en", "Tran Phu seafront promenade and night market")
	form.Set("reason", "shorter title")
	r := board.Send(http.MethodPost, "/en/board/opportunities/OPP-NT-003/edit", form)
	if r.Status != 303 {
		t.Fatalf("save: %d %s", r.Status, sitetest.Text(r.Doc(t), "[data-testid=form-error]"))
	}
	// The same form again carries version 1, now stale: a conflict, nothing
	// written, the input kept.
	form.Set("title_en", "Another title")
	r = board.Send(http.MethodPost, "/en/board/opportunities/OPP-NT-003/edit", form)
	if d := r.Doc(t); r.Status != 409 || !strings.Contains(sitetest.Text(d, "[data-testid=form-error]"), "Someone else changed") || d.Find("[data-testid=opp-title_en]").AttrOr("value", "") != "Another title" {
		t.Fatalf("stale save: %d", r.Status)
	}
	o, _ := e.opps.Get(context.Background(), "OPP-NT-003")
	if o.Title.EN != "Tran Phu seafront promenade and night market" || o.Version != 2 {
		t.Errorf("stored %q v%d", o.Title.EN, o.Version)
	}
	d = board.Get("/vi/board/opportunities/OPP-NT-003/edit").Doc(t)
	if d.Find("[data-testid=history-entry][data-version='2']").Length() != 1 || !strings.Contains(sitetest.Text(d, "[data-testid=history]"), "shorter title") {
		t.Error("history does not show the change")
	}
	// A new opportunity from the form, with field errors first.
	r = board.Send(http.MethodPost, "/en/board/opportunities", url.Values{"_csrf": {board.CSRF()}, "code": {"OPP-XX-001"}})
	if d := r.Doc(t); r.Status != 400 || d.Find("#err-title_vi").Length() != 1 || d.Find("#err-indicative_capital").Length() != 1 {
		t.Errorf("empty new form: %d", r.Status)
	}
	nf := url.Values{"_csrf": {board.CSRF()}, "code": {"OPP-XX-001"}, "title_vi": {"Khu nghỉ dưỡng thử"}, "summary_vi": {"Tóm tắt"},
		"description_vi": {"Mô tả"}, "authoritative_lang": {"vi"}, "sector": {"tourism"}, "location": {"cam_ranh"}, "unit": {"bac_cam_ranh"},
		"land_area": {"12.5"}, "capital_amount": {"1500000000000"}, "capital_currency": {"VND"}, "investment_forms": {"domestic", "ppp"},
		"land_legal_status": {"state_land_fund"}, "site_clearance_status": {"not_started"}, "status": {"open"},
		"contact_agency": {"ipc"}, "contact_name": {"Phòng Xúc tiến"}, "contact_email": {"xuctien@khanhhoa.gov.vn"},
		"published_at": {"2026-01-05"}, "incentive_rows": {"1"}, "incentives.0.text_vi": {"Miễn tiền thuê đất 3 năm"}, "incentives.0.legal_basis": {"Nghị định 31/2021/NĐ-CP"}}
	if r := board.Send(http.MethodPost, "/en/board/opportunities", nf); r.Status != 303 {
		t.Fatalf("create: %d %s", r.Status, sitetest.Text(r.Doc(t), ".field-error"))
	}
	o, err := e.opps.Get(context.Background(), "OPP-XX-001")
	if err != nil || o.LandAreaCentiHa != 1250 || len(o.Incentives) != 1 || o.CapitalBand() != opportunity.Band1000BTo10000 {
		t.Errorf("created %+v %v", o, err)
	}
	if r := e.As(account.RoleTaskForce).Get("/en/board/opportunities/OPP-XX-001/edit"); r.Status != 403 {
		t.Errorf("task force edits opportunities: %d", r.Status)
	}
}

func TestSiteSearchPageAndAPI(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	d := e.Get("/en/search?q=van+phong").Doc(t)
	kinds := map[string]int{}
	d.Find("[data-testid=search-hit]").Each(func(_ int, s *goquery.Selection) { kinds[s.AttrOr("data-type", "")]++ })
	if kinds["opportunity"] == 0 {
		t.Errorf("site search found %v", kinds)
	}
	var page opportunities.SearchPage
	r := e.Get("/api/v1/search?q=nha+trang&type=project&per_page=5&lang=en")
	if err := json.Unmarshal([]byte(r.Body), &page); err != nil || r.Status != 200 || page.Total == 0 || len(page.Items) != 5 {
		t.Fatalf("API: %d %s", r.Status, r.Body[:min(len(r.Body), 300)])
	}
	for _, h := range page.Items {
		if h.Type != "project" || !strings.HasPrefix(h.URL, "/en/projects/") {
			t.Errorf("hit %+v", h)
		}
	}
	if r := e.Get("/api/v1/search?q=x&type=planet"); r.Status != 400 {
		t.Errorf("bad type: %d", r.Status)
	}
	if d := e.Get("/vi/search").Doc(t); !strings.Contains(d.Text(), "Nhập vài từ") {
		t.Error("empty search page has no prompt")
	}
}

// TestOpportunityPatchIsAllOrNothing: a PATCH with a new title and an
// unknown projectCode is refused and leaves the stored opportunity, its
// ETag and its history as they were; with a real project both changes are
// stored by one write with one history entry.
func TestOpportunityPatchIsAllOrNothing(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	ctx := context.Background()
	board := e.As(account.RoleBoard)
	const path = "/api/v1/opportunities/OPP-VP-005"
	before, _ := e.opps.Get(ctx, "OPP-VP-005")
	etag := e.Get(path).Header.Get("ETag")
	for _, code := range []string{"DA-9999", "not a code"} {
		body := `{"title":{"vi":"Tên mới","en":"New title"},"projectCode":"` + code + `","reason":"rename and link"}`
		r := oppJSON(board, http.MethodPatch, path, body, "If-Match", etag)
		if r.Status != 400 || sitetest.FieldMessage(sitetest.ProblemOf(t, r), "project_code") == "" {
			t.Errorf("%s: %d %s", code, r.Status, r.Body)
		}
	}
	after, _ := e.opps.Get(ctx, "OPP-VP-005")
	if after.Title != before.Title || after.Version != before.Version || e.Get(path).Header.Get("ETag") != etag {
		t.Fatalf("a refused PATCH was written: %+v", after)
	}
	if h, _ := e.opps.History(ctx, "OPP-VP-005"); len(h) != 0 {
		t.Fatalf("a refused PATCH left history: %+v", h)
	}
	r := oppJSON(board, http.MethodPatch, path, `{"title":{"vi":"Tên mới","en":"New title"},"projectCode":"DA-0001","reason":"rename and link"}`, "If-Match", etag)
	if r.Status != 200 || r.Header.Get("ETag") != `"OPP-VP-005-v2"` {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	got, _ := e.opps.Get(ctx, "OPP-VP-005")
	h, _ := e.opps.History(ctx, "OPP-VP-005")
	if got.Title.EN != "New title" || got.ProjectCode != "DA-0001" || got.Version != 2 || len(h) != 1 || len(h[0].Fields) != 3 {
		t.Fatalf("stored %+v, history %+v", got, h)
	}
}

// TestEnquiryUsesTheFilingEmailRule: a@b, which obstacle filing refuses,
// is refused as an enquiry address too, in both languages, naming the
// field; control characters are refused the same way.
func TestEnquiryUsesTheFilingEmailRule(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	ctx := context.Background()
	want := map[string]string{
		"vi": e.Bundle.For("vi").T("error.field.email"),
		"en": e.Bundle.For("en").T("error.field.email"),
	}
	for lang, msg := range want {
		api := `{"name":"Ana","country":"ES","email":"a@b","message":"Site visit?","lang":"` + lang + `"}`
		r := oppJSON(e.Anonymous(), http.MethodPost, "/api/v1/opportunities/OPP-VP-005/enquiries", api, "Accept-Language", lang)
		if r.Status != 400 || sitetest.FieldMessage(sitetest.ProblemOf(t, r), "email") != msg {
			t.Errorf("API %s: %d %s", lang, r.Status, r.Body)
		}
		c := e.Anonymous()
		page := c.Get("/" + lang + "/opportunities/OPP-VP-005")
		form := url.Values{"_csrf": {sitetest.CSRFInput.FindStringSubmatch(page.Body)[1]}, "idempotency_key": {oppKeyInput.FindStringSubmatch(page.Body)[1]},
			"name": {"Ana"}, "country": {"ES"}, "email": {"a@b"}, "message": {"Site visit?"}, "lang": {lang}}
		r = c.Send(http.MethodPost, "/"+lang+"/opportunities/OPP-VP-005/enquiries", form)
		if got := sitetest.Text(r.Doc(t), "#err-email"); r.Status != 400 || got != msg {
			t.Errorf("form %s: %d %q", lang, r.Status, got)
		}
	}
	r := oppJSON(e.Anonymous(), http.MethodPost, "/api/v1/opportunities/OPP-VP-005/enquiries",
		`{"name":"Ana\u0000","country":"ES","email":"ana@example.com","message":"=1+1\u001b","lang":"en"}`)
	if p := sitetest.ProblemOf(t, r); r.Status != 400 || sitetest.FieldMessage(p, "name") == "" || sitetest.FieldMessage(p, "message") == "" {
		t.Errorf("control characters: %d %s", r.Status, r.Body)
	}
	if list, _ := e.opps.ListEnquiries(ctx, opportunity.EnquiryFilter{}); list.Total != 0 {
		t.Errorf("%d refused enquiries stored", list.Total)
	}
}

// TestEnquiryKeyIsBoundToItsRequest: the same Idempotency key with another
// body gets 422 naming the key and nothing of the first enquiry (its id,
// its data); the same body again gets the first enquiry.
func TestEnquiryKeyIsBoundToItsRequest(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	ctx := context.Background()
	const path = "/api/v1/opportunities/OPP-VP-005/enquiries"
	first := `{"name":"Lê Thị Nhà Đầu Tư","organisation":"Hanbit Energy","country":"KR","email":"private.investor@hanbit.example","message":"Our confidential plan for the site.","lang":"en","idempotencyKey":"invoice-2026-0001"}`
	r := oppJSON(e.Anonymous(), http.MethodPost, path, first)
	var receipt opportunities.EnquiryReceipt
	if err := json.Unmarshal([]byte(r.Body), &receipt); r.Status != 201 || err != nil || receipt.ID == "" {
		t.Fatalf("first: %d %s", r.Status, r.Body)
	}
	for lang, body := range map[string]string{
		"en": `{"name":"Mallory","country":"US","email":"mallory@evil.example","message":"x","lang":"en","idempotencyKey":"invoice-2026-0001"}`,
		"vi": strings.Replace(first, "confidential plan", "other plan", 1),
	} {
		r := oppJSON(e.Anonymous(), http.MethodPost, path, body, "Accept-Language", lang)
		p := sitetest.ProblemOf(t, r)
		if r.Status != 422 || sitetest.FieldMessage(p, "idempotency_key") != e.Bundle.For(lang).T("opportunity.enquiry.error.key_reused") {
			t.Errorf("%s: %d %s", lang, r.Status, r.Body)
		}
		for _, s := range []string{receipt.ID, "private.investor", "Lê Thị", "confidential", receipt.CreatedAt} {
			if strings.Contains(r.Body, s) {
				t.Errorf("%s: the refusal shows %q", lang, s)
			}
		}
	}
	r = oppJSON(e.Anonymous(), http.MethodPost, path, first)
	var again opportunities.EnquiryReceipt
	if err := json.Unmarshal([]byte(r.Body), &again); r.Status != 200 || err != nil || again.ID != receipt.ID {
		t.Errorf("replay of the same request: %d %s", r.Status, r.Body)
	}
	if list, _ := e.opps.ListEnquiries(ctx, opportunity.EnquiryFilter{}); list.Total != 1 {
		t.Errorf("%d enquiries stored, want 1", list.Total)
	}

	// The form sent again with its key but an edited message: 422, the
	// message kept, a fresh key to send it with.
	c := e.Anonymous()
	page := c.Get("/en/opportunities/OPP-VP-005")
	key := oppKeyInput.FindStringSubmatch(page.Body)[1]
	form := url.Values{"_csrf": {sitetest.CSRFInput.FindStringSubmatch(page.Body)[1]}, "idempotency_key": {key},
		"name": {"Ana"}, "country": {"ES"}, "email": {"ana@example.com"}, "message": {"First words."}, "lang": {"en"}}
	if r := c.Send(http.MethodPost, "/en/opportunities/OPP-VP-005/enquiries", form); r.Status != 303 {
		t.Fatalf("form: %d", r.Status)
	}
	form.Set("message", "Second words.")
	r = c.Send(http.MethodPost, "/en/opportunities/OPP-VP-005/enquiries", form)
	d := r.Doc(t)
	if newKey := d.Find("input[name=idempotency_key]").AttrOr("value", ""); r.Status != 422 || newKey == "" || newKey == key ||
		d.Find("textarea[name=message]").Text() != "Second words." || sitetest.Text(d, "[data-testid=enquiry-error]") == "" {
		t.Errorf("resent form: %d %s", r.Status, sitetest.Text(d, "[data-testid=enquiry-error]"))
	}
}
