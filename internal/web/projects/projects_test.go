package projects_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
	"github.com/khanhhoa/investportal/internal/web"
	boardweb "github.com/khanhhoa/investportal/internal/web/board"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
	"github.com/khanhhoa/investportal/seed"
)

func TestHomeShowsHeadlineFigures(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	for lang, want := range map[string][]string{
		"vi": {"623 dự án trong nước", "363.240 tỷ đồng", "112 dự án có vốn đầu tư nước ngoài", "3,9 tỷ USD"},
		"en": {"623 domestic projects", "VND 363,240 billion", "112 foreign-invested projects", "US$3.9 billion"},
	} {
		r := e.Get("/" + lang + "/")
		if r.Status != 200 {
			t.Fatalf("%s: status %d", lang, r.Status)
		}
		d := r.Doc(t)
		got := sitetest.Text(d, "[data-testid=figure-domestic]") + " | " + sitetest.Text(d, "[data-testid=figure-fdi]")
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s home: %q lacks %q", lang, got, w)
			}
		}
		if lang := d.Find("html").AttrOr("lang", ""); lang == "" {
			t.Error("no lang attribute")
		}
		if !strings.Contains(d.Find("footer").Text(), map[string]string{"vi": "Dữ liệu minh họa", "en": "Demo data"}[lang]) {
			t.Errorf("%s: demo data is not labelled as synthetic", lang)
		}
	}
}

func TestEveryPageRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	pages := []string{"/", "/projects", "/projects?kind=fdi&sector=tourism&sort=capital_desc", "/projects?page=3", "/projects/DA-0001", "/projects/FDI-0001", "/dashboard", "/no-such-page"}
	for _, lang := range i18n.Languages {
		for _, p := range pages {
			r := e.Get("/" + lang + p)
			wantStatus := 200
			if p == "/no-such-page" {
				wantStatus = 404
			}
			if r.Status != wantStatus {
				t.Errorf("%s%s: status %d", lang, p, r.Status)
				continue
			}
			d := r.Doc(t)
			if d.Find("html").AttrOr("lang", "") != lang {
				t.Errorf("%s%s: html lang %q", lang, p, d.Find("html").AttrOr("lang", ""))
			}
			for _, alt := range i18n.Languages {
				href := d.Find(`link[rel=alternate][hreflang=`+alt+`]`).AttrOr("href", "")
				if !strings.HasPrefix(href, "http://portal.test/"+alt+"/") {
					t.Errorf("%s%s: hreflang %s = %q", lang, p, alt, href)
				}
			}
			if r.Header.Get("Content-Security-Policy") == "" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s%s: security headers missing", lang, p)
			}
			if strings.Contains(r.Body, "http://") && strings.Contains(r.Body, "<script src=\"http") {
				t.Errorf("%s%s: loads a script from another site", lang, p)
			}
		}
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("pages used messages missing from locales/: %v", m)
	}
}

func TestNotFoundPageIsLocalized(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	vi := e.Get("/vi/projects/NOPE-404").Doc(t)
	en := e.Get("/en/projects/NOPE-404").Doc(t)
	if !strings.Contains(vi.Text(), "Không có dự án với mã này") || !strings.Contains(en.Text(), "There is no project with this code") {
		t.Errorf("404 pages not localized: %q / %q", sitetest.Text(vi, "main"), sitetest.Text(en, "main"))
	}
}

func TestProjectListFiltersInHTML(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	d := e.Get("/en/projects?kind=fdi&sector=tourism&per_page=100").Doc(t)
	rows := d.Find("table.list tbody tr")
	if rows.Length() == 0 {
		t.Fatal("no rows")
	}
	rows.Each(func(_ int, s *goquery.Selection) {
		code := strings.TrimSpace(s.Find("td").First().Text())
		if !strings.HasPrefix(code, "FDI-") || !strings.Contains(s.Text(), "Tourism") {
			t.Errorf("row %q does not match the filters", strings.Join(strings.Fields(s.Text()), " "))
		}
	})
	if d.Find(`select[name=kind] option[selected]`).AttrOr("value", "") != "fdi" {
		t.Error("the form does not keep the chosen kind")
	}
}

func TestBadFiltersGiveLocalizedErrors(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	long := strings.Repeat("x", 10_000)
	cases := []struct{ query, field string }{
		{"per_page=abc", "per_page"},
		{"per_page=101", "per_page"},
		{"capital_min=-5", "capital_min"},
		{"capital_min=abc", "capital_min"},
		{"stage=dreaming", "stage"},
		{"kind=offshore", "kind"},
		{"sector=" + long, "sector"},
		{"q=" + long, "q"},
		{"page=0", "page"},
		{"capital_min=50&capital_max=10", "capital_max"},
	}
	for _, c := range cases {
		t.Run(c.field+"_"+c.query[:min(len(c.query), 20)], func(t *testing.T) {
			r := e.Get("/api/v1/projects?"+c.query, "Accept-Language", "en")
			if r.Status != 400 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("API: %d %s", r.Status, r.Header.Get("Content-Type"))
			}
			var p web.Problem
			if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
				t.Fatal(err)
			}
			named := false
			for _, fe := range p.Errors {
				if fe.Field == c.field && fe.Message != "" && !strings.Contains(fe.Message, "error.") {
					named = true
				}
			}
			if !named || p.Status != 400 {
				t.Errorf("problem does not name %s: %s", c.field, r.Body)
			}
			for _, lang := range i18n.Languages {
				r := e.Get("/" + lang + "/projects?" + c.query)
				if r.Status != 400 {
					t.Fatalf("HTML %s: status %d", lang, r.Status)
				}
				d := r.Doc(t)
				if d.Find("[data-testid=filter-error]").Length() != 1 || d.Find("#err-"+c.field).Length() != 1 {
					t.Errorf("HTML %s: no message for %s", lang, c.field)
				}
			}
		})
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

func TestProjectAPI(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	t.Run("ListPages", func(t *testing.T) {
		var page struct {
			Items   []project.Project `json:"items"`
			Total   int64             `json:"total"`
			Page    int               `json:"page"`
			PerPage int               `json:"per_page"`
		}
		r := e.Get("/api/v1/projects?kind=fdi&page=2&per_page=50")
		if err := json.Unmarshal([]byte(r.Body), &page); err != nil || r.Status != 200 {
			t.Fatalf("%d %v", r.Status, err)
		}
		if page.Total != 112 || page.Page != 2 || page.PerPage != 50 || len(page.Items) != 50 {
			t.Errorf("total %d page %d per_page %d items %d", page.Total, page.Page, page.PerPage, len(page.Items))
		}
	})
	t.Run("GetWithETag", func(t *testing.T) {
		r := e.Get("/api/v1/projects/DA-0042")
		etag := r.Header.Get("ETag")
		if r.Status != 200 || etag == "" {
			t.Fatalf("%d etag %q", r.Status, etag)
		}
		var p project.Project
		if err := json.Unmarshal([]byte(r.Body), &p); err != nil || p.Code != "DA-0042" || p.Registered.Currency != "VND" {
			t.Fatalf("%+v %v", p, err)
		}
		if r := e.Get("/api/v1/projects/DA-0042", "If-None-Match", etag); r.Status != 304 {
			t.Errorf("If-None-Match: %d", r.Status)
		}
		if r := e.Get("/api/v1/projects/NOPE-1"); r.Status != 404 || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
			t.Errorf("missing: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
	})
	t.Run("StatsShape", func(t *testing.T) {
		r := e.Get("/api/v1/projects/stats")
		var st struct {
			ByKind []struct {
				Kind              string `json:"kind"`
				Count             int64  `json:"count"`
				RegisteredCapital struct {
					Amount   int64  `json:"amount"`
					Currency string `json:"currency"`
				} `json:"registeredCapital"`
			} `json:"byKind"`
			ByStage    []json.RawMessage `json:"byStage"`
			BySector   []json.RawMessage `json:"bySector"`
			ByLocation []json.RawMessage `json:"byLocation"`
		}
		if err := json.Unmarshal([]byte(r.Body), &st); err != nil {
			t.Fatal(err)
		}
		want := map[string][3]any{"domestic": {int64(623), int64(363_240_000_000_000), "VND"}, "fdi": {int64(112), int64(390_000_000_000), "USD"}}
		for _, k := range st.ByKind {
			w := want[k.Kind]
			if k.Count != w[0] || k.RegisteredCapital.Amount != w[1] || k.RegisteredCapital.Currency != w[2] {
				t.Errorf("%s: %+v", k.Kind, k)
			}
		}
		if len(st.ByKind) != 2 || len(st.ByStage) == 0 || len(st.BySector) == 0 || len(st.ByLocation) == 0 {
			t.Errorf("stats incomplete: %s", r.Body[:min(300, len(r.Body))])
		}
	})
}

func TestProjectPageLinksBackToItsOpportunity(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	ctx := context.Background()
	opps := e.Deps.Opportunities
	list, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	o := list[0]
	if err := opps.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if _, err := opps.LinkProject(ctx, o.Code, "FDI-0007", record.Actor{ID: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		d := e.Get("/" + lang + "/projects/FDI-0007").Doc(t)
		href := d.Find("[data-testid=project-opportunities] a").AttrOr("href", "")
		if href != "/"+lang+"/opportunities/"+o.Code {
			t.Errorf("%s: link back = %q", lang, href)
		}
	}
	if d := e.Get("/en/projects/FDI-0008").Doc(t); d.Find("[data-testid=project-opportunities]").Length() != 0 {
		t.Error("an unlinked project shows an opportunity")
	}
}

// TestPublicProjectAnswersCarryNoStaffData: after a board officer edits a
// project and records a disbursement with an internal reason, nothing a
// visitor can read (the project API and list, the open-data feed, the
// exports, the project page) names the officer or gives the reason; staff
// still read both in the history.
func TestPublicProjectAnswersCarryNoStaffData(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	ctx := context.Background()
	officer, err := e.Accounts.CreateUser(ctx, account.NewUser{Email: "tran.thi.officer@board.test", Name: "Trần Thị Cán Bộ Mẫu",
		Role: account.RoleBoard, Password: "Khanh-Hoa-Board-2026!x"}, account.SystemActor, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	plain, _, err := e.Accounts.IssueToken(ctx, officer.ID, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	board := &sitetest.APIClient{E: e, Token: plain}
	pr := e.FirstAtStage(project.Construction)
	path := "/api/v1/projects/" + pr.Code
	const note = "Ghi chú nội bộ: chờ xác minh chứng từ ngân hàng"
	r := board.Call(http.MethodPatch, path, map[string]any{"jobs": pr.Jobs + 1, "reason": note + " (edit)"}, "If-Match", e.Get(path).Header.Get("ETag"))
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	r = board.Call(http.MethodPost, path+"/disbursements", map[string]any{"amount": 1000, "reason": note}, "If-Match", r.Header.Get("ETag"))
	if r.Status != 200 {
		t.Fatalf("disbursement: %d %s", r.Status, r.Body)
	}
	secrets := []string{officer.Email, officer.Name, officer.ID, note}
	for _, p := range []string{path, "/api/v1/projects?q=" + pr.Code, "/api/v1/open/projects?q=" + pr.Code,
		"/api/v1/exports/projects?format=csv&q=" + pr.Code, "/en/projects/" + pr.Code, "/vi/projects/" + pr.Code} {
		r := e.Get(p)
		if r.Status != 200 || !strings.Contains(r.Body, pr.Code) {
			t.Fatalf("%s: %d", p, r.Status)
		}
		for _, s := range secrets {
			if strings.Contains(r.Body, s) {
				t.Errorf("%s shows %q to a visitor", p, s)
			}
		}
	}
	var h boardweb.HistoryPage
	r = board.Call(http.MethodGet, path+"/history", nil)
	if err := json.Unmarshal([]byte(r.Body), &h); err != nil || r.Status != 200 || len(h.Items) != 2 {
		t.Fatalf("history: %d %s", r.Status, r.Body)
	}
	for _, s := range secrets {
		if !strings.Contains(r.Body, s) {
			t.Errorf("the history lacks %q", s)
		}
	}
}
