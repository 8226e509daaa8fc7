package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/ratelimit"
	"github.com/khanhhoa/investportal/internal/record"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/locales"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/mongo"
)

type env struct {
	t        *testing.T
	srv      *web.Server
	bundle   *i18n.Bundle
	projects *project.Store
	accounts *account.Store
	// users are the demo accounts by role.
	users map[account.Role]account.User
	// db, obstacles, mail and deps serve the obstacle tests, which may
	// build a second server from deps with other limits.
	db        *mongo.Database
	obstacles *obstacle.Store
	mail      *mail.Mailer
	deps      web.Deps
}

// demoPassword signs in every demo account in tests.
const demoPassword = "demo-password-1"

// newEnv starts the web layer on a fresh embedded database holding the
// demo projects.
func newEnv(t *testing.T) *env {
	t.Helper()
	db := mongotest.MustOpenDB(t)
	ctx := context.Background()
	ps := project.NewStore(db)
	if err := ps.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ps.InsertMissing(ctx, seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), nil); err != nil {
		t.Fatal(err)
	}
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	accounts := account.NewStore(db, account.Options{Hash: account.HashParams{Time: 1, MemoryKiB: 256, Threads: 1, SaltLen: 16, KeyLen: 32}})
	if err := accounts.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.Bootstrap(ctx, account.BootstrapOptions{AdminEmail: "root@portal.test", AdminPassword: demoPassword, Demo: true, DemoPassword: demoPassword}, time.Now()); err != nil {
		t.Fatal(err)
	}
	limiter := ratelimit.New(db)
	mailer, err := mail.New(db, "", "")
	if err != nil {
		t.Fatal(err)
	}
	obstacles := obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{KeySecret: []byte("web-test-secret"), Notifier: notify.New(mailer, b, "http://portal.test"), Projects: ps})
	deps := web.Deps{Log: slog.New(slog.DiscardHandler), I18n: b, DB: mongotest.Server(t), Projects: ps,
		Accounts: accounts, Limiter: limiter, BaseURL: "http://portal.test", BodyLimit: 4 << 20,
		Obstacles: obstacles, Calendar: holidays.MustEmbedded(), Mail: mailer,
		Opportunities: opportunity.NewStore(db)}
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: srv, bundle: b, projects: ps, accounts: accounts, users: map[account.Role]account.User{}}
	e.db, e.obstacles, e.mail, e.deps = db, obstacles, mailer, deps
	for _, r := range account.Roles {
		u, err := accounts.GetByEmail(ctx, string(r)+"@demo.local")
		if err != nil {
			t.Fatal(err)
		}
		e.users[r] = u
	}
	return e
}

type response struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(req *http.Request) response {
	e.t.Helper()
	res, err := e.srv.App().Test(req, 30_000)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

func (e *env) get(path string, header ...string) response {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.do(req)
}

func (r response) doc(t *testing.T) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func text(d *goquery.Document, sel string) string {
	return strings.Join(strings.Fields(d.Find(sel).Text()), " ")
}

func TestHomeShowsHeadlineFigures(t *testing.T) {
	e := newEnv(t)
	for lang, want := range map[string][]string{
		"vi": {"623 dự án trong nước", "363.240 tỷ đồng", "112 dự án có vốn đầu tư nước ngoài", "3,9 tỷ USD"},
		"en": {"623 domestic projects", "VND 363,240 billion", "112 foreign-invested projects", "US$3.9 billion"},
	} {
		r := e.get("/" + lang + "/")
		if r.status != 200 {
			t.Fatalf("%s: status %d", lang, r.status)
		}
		d := r.doc(t)
		got := text(d, "[data-testid=figure-domestic]") + " | " + text(d, "[data-testid=figure-fdi]")
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
	e := newEnv(t)
	pages := []string{"/", "/projects", "/projects?kind=fdi&sector=tourism&sort=capital_desc", "/projects?page=3", "/projects/DA-0001", "/projects/FDI-0001", "/dashboard", "/no-such-page"}
	for _, lang := range i18n.Languages {
		for _, p := range pages {
			r := e.get("/" + lang + p)
			wantStatus := 200
			if p == "/no-such-page" {
				wantStatus = 404
			}
			if r.status != wantStatus {
				t.Errorf("%s%s: status %d", lang, p, r.status)
				continue
			}
			d := r.doc(t)
			if d.Find("html").AttrOr("lang", "") != lang {
				t.Errorf("%s%s: html lang %q", lang, p, d.Find("html").AttrOr("lang", ""))
			}
			for _, alt := range i18n.Languages {
				href := d.Find(`link[rel=alternate][hreflang=`+alt+`]`).AttrOr("href", "")
				if !strings.HasPrefix(href, "http://portal.test/"+alt+"/") {
					t.Errorf("%s%s: hreflang %s = %q", lang, p, alt, href)
				}
			}
			if r.header.Get("Content-Security-Policy") == "" || r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s%s: security headers missing", lang, p)
			}
			if strings.Contains(r.body, "http://") && strings.Contains(r.body, "<script src=\"http") {
				t.Errorf("%s%s: loads a script from another site", lang, p)
			}
		}
	}
	if m := e.bundle.Missing(); len(m) > 0 {
		t.Errorf("pages used messages missing from locales/: %v", m)
	}
}

func TestNotFoundPageIsLocalized(t *testing.T) {
	e := newEnv(t)
	vi := e.get("/vi/projects/NOPE-404").doc(t)
	en := e.get("/en/projects/NOPE-404").doc(t)
	if !strings.Contains(vi.Text(), "Không có dự án với mã này") || !strings.Contains(en.Text(), "There is no project with this code") {
		t.Errorf("404 pages not localized: %q / %q", text(vi, "main"), text(en, "main"))
	}
}

func TestRootRedirectsByCookieThenAcceptLanguage(t *testing.T) {
	e := newEnv(t)
	cases := []struct{ cookie, accept, want string }{
		{"", "", "/vi/"},
		{"", "en-GB,en;q=0.9", "/en/"},
		{"vi", "en-GB,en;q=0.9", "/vi/"},
		{"en", "vi", "/en/"},
		{"xx", "en", "/en/"},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if c.cookie != "" {
			req.AddCookie(&http.Cookie{Name: "lang", Value: c.cookie})
		}
		req.Header.Set("Accept-Language", c.accept)
		r := e.do(req)
		if r.status != http.StatusFound || r.header.Get("Location") != c.want {
			t.Errorf("cookie %q accept %q: %d %q, want %q", c.cookie, c.accept, r.status, r.header.Get("Location"), c.want)
		}
	}
}

func TestLanguageSwitchKeepsThePage(t *testing.T) {
	e := newEnv(t)
	d := e.get("/en/projects/FDI-0003?x=1").doc(t)
	href, ok := d.Find("[data-testid=lang-switch]").Attr("href")
	if !ok {
		t.Fatal("no language switch")
	}
	r := e.get(href)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/vi/projects/FDI-0003?x=1" {
		t.Fatalf("switch: %d %q", r.status, r.header.Get("Location"))
	}
	if !strings.Contains(r.header.Get("Set-Cookie"), "lang=vi") {
		t.Errorf("switch did not remember the language: %q", r.header.Get("Set-Cookie"))
	}
	// An address elsewhere is refused: the switch is no open redirect.
	for _, to := range []string{"//evil.example/x", "https://evil.example/", "/\\evil"} {
		r := e.get("/vi/language?to=" + to)
		if loc := r.header.Get("Location"); loc != "/vi/" {
			t.Errorf("to=%q redirected to %q", to, loc)
		}
	}
}

func TestProjectListFiltersInHTML(t *testing.T) {
	e := newEnv(t)
	d := e.get("/en/projects?kind=fdi&sector=tourism&per_page=100").doc(t)
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
	e := newEnv(t)
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
			r := e.get("/api/v1/projects?"+c.query, "Accept-Language", "en")
			if r.status != 400 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("API: %d %s", r.status, r.header.Get("Content-Type"))
			}
			var p web.Problem
			if err := json.Unmarshal([]byte(r.body), &p); err != nil {
				t.Fatal(err)
			}
			named := false
			for _, fe := range p.Errors {
				if fe.Field == c.field && fe.Message != "" && !strings.Contains(fe.Message, "error.") {
					named = true
				}
			}
			if !named || p.Status != 400 {
				t.Errorf("problem does not name %s: %s", c.field, r.body)
			}
			for _, lang := range i18n.Languages {
				r := e.get("/" + lang + "/projects?" + c.query)
				if r.status != 400 {
					t.Fatalf("HTML %s: status %d", lang, r.status)
				}
				d := r.doc(t)
				if d.Find("[data-testid=filter-error]").Length() != 1 || d.Find("#err-"+c.field).Length() != 1 {
					t.Errorf("HTML %s: no message for %s", lang, c.field)
				}
			}
		})
	}
	if m := e.bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

func TestProjectAPI(t *testing.T) {
	e := newEnv(t)
	t.Run("ListPages", func(t *testing.T) {
		var page struct {
			Items   []project.Project `json:"items"`
			Total   int64             `json:"total"`
			Page    int               `json:"page"`
			PerPage int               `json:"per_page"`
		}
		r := e.get("/api/v1/projects?kind=fdi&page=2&per_page=50")
		if err := json.Unmarshal([]byte(r.body), &page); err != nil || r.status != 200 {
			t.Fatalf("%d %v", r.status, err)
		}
		if page.Total != 112 || page.Page != 2 || page.PerPage != 50 || len(page.Items) != 50 {
			t.Errorf("total %d page %d per_page %d items %d", page.Total, page.Page, page.PerPage, len(page.Items))
		}
	})
	t.Run("GetWithETag", func(t *testing.T) {
		r := e.get("/api/v1/projects/DA-0042")
		etag := r.header.Get("ETag")
		if r.status != 200 || etag == "" {
			t.Fatalf("%d etag %q", r.status, etag)
		}
		var p project.Project
		if err := json.Unmarshal([]byte(r.body), &p); err != nil || p.Code != "DA-0042" || p.Registered.Currency != "VND" {
			t.Fatalf("%+v %v", p, err)
		}
		if r := e.get("/api/v1/projects/DA-0042", "If-None-Match", etag); r.status != 304 {
			t.Errorf("If-None-Match: %d", r.status)
		}
		if r := e.get("/api/v1/projects/NOPE-1"); r.status != 404 || !strings.Contains(r.header.Get("Content-Type"), "problem+json") {
			t.Errorf("missing: %d %s", r.status, r.header.Get("Content-Type"))
		}
	})
	t.Run("StatsShape", func(t *testing.T) {
		r := e.get("/api/v1/projects/stats")
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
		if err := json.Unmarshal([]byte(r.body), &st); err != nil {
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
			t.Errorf("stats incomplete: %s", r.body[:min(300, len(r.body))])
		}
	})
}

func TestOperationalEndpoints(t *testing.T) {
	e := newEnv(t)
	if r := e.get("/healthz"); r.status != 200 {
		t.Errorf("healthz %d", r.status)
	}
	if r := e.get("/readyz"); r.status != 200 {
		t.Errorf("readyz %d", r.status)
	}
	r := e.get("/vi/", "X-Request-ID", "test-request-0001")
	if r.header.Get("X-Request-ID") != "test-request-0001" {
		t.Errorf("request id not kept: %q", r.header.Get("X-Request-ID"))
	}
	if r := e.get("/en/dashboard", "Accept-Encoding", "gzip"); r.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("pages are not compressed: %q", r.header.Get("Content-Encoding"))
	}
	if r := e.get("/static/app.css"); r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "css") {
		t.Errorf("static css: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if r := e.get("/swagger/index.html"); r.status != 200 || !strings.Contains(r.body, "swagger") {
		t.Errorf("swagger ui: %d", r.status)
	}
	if r := e.get("/swagger/doc.json"); r.status != 200 || !strings.Contains(r.body, "/projects/stats") {
		t.Errorf("swagger doc: %d", r.status)
	}
}

func TestProjectPageLinksBackToItsOpportunity(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	opps := e.deps.Opportunities
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
		d := e.get("/" + lang + "/projects/FDI-0007").doc(t)
		href := d.Find("[data-testid=project-opportunities] a").AttrOr("href", "")
		if href != "/"+lang+"/opportunities/"+o.Code {
			t.Errorf("%s: link back = %q", lang, href)
		}
	}
	if d := e.get("/en/projects/FDI-0008").doc(t); d.Find("[data-testid=project-opportunities]").Length() != 0 {
		t.Error("an unlinked project shows an opportunity")
	}
}
