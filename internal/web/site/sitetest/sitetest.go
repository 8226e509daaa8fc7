// Package sitetest builds the whole web site (site.New) on the embedded
// test database for the web tests of every area, and gives them request
// helpers: a cookie-keeping client, an API client with a personal token,
// and readers of pages and problems.
//
// Tests that only read may share one seeded environment per test binary
// (Shared); tests that write, fix the clock or count e-mails build their
// own (New).
package sitetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/inbox"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/media"
	"github.com/khanhhoa/investportal/internal/metrics"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/ratelimit"
	"github.com/khanhhoa/investportal/internal/search"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/locales"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/mongo"
)

// DemoPassword signs in every demo account in tests.
const DemoPassword = "demo-password-1"

// BaseURL is the address the test site believes it is served at.
const BaseURL = "http://portal.test"

// Env is the site on a database holding the demo projects and accounts.
type Env struct {
	// T is the test the helpers report to.
	T        *testing.T
	Srv      *web.Server
	Bundle   *i18n.Bundle
	Projects *project.Store
	Accounts *account.Store
	// Users are the demo accounts by role.
	Users map[account.Role]account.User
	// DB, Obstacles, Mail and Deps serve the tests that build a second
	// server from Deps with other limits.
	DB        *mongo.Database
	Obstacles *obstacle.Store
	Mail      *mail.Mailer
	Deps      web.Deps
	// Media is the store of opportunities' pictures and brochures.
	Media *media.Store
}

// New starts the web layer on a fresh embedded database holding the demo
// projects; the database is dropped when t ends.
func New(t *testing.T) *Env {
	t.Helper()
	e, err := build(t, mongotest.MustOpenDB(t))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// NewObstacles is New with the obstacle indexes (the idempotency key is a
// unique index) and, when demo is set, the 150 demo obstacles.
func NewObstacles(t *testing.T, demo bool) *Env {
	t.Helper()
	e := New(t)
	if err := e.seedObstacles(demo); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *Env) seedObstacles(demo bool) error {
	ctx := context.Background()
	if err := e.Obstacles.EnsureIndexes(ctx); err != nil {
		return err
	}
	if demo {
		ps := seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if _, err := e.Obstacles.Import(ctx, seed.Obstacles(ps, holidays.MustEmbedded(), time.Now()), time.Now()); err != nil {
			return err
		}
	}
	return nil
}

var (
	sharedOnce sync.Once
	shared     *Env
	sharedErr  error
	sharedSeq  atomic.Int64
)

// Shared returns the test binary's one read-only environment, built on
// first use and holding what New's does. Tests using it must not change what another
// test reads (records, settings, rate limits); signing in is fine. The
// copy returned reports to t.
func Shared(t *testing.T) *Env {
	t.Helper()
	sharedOnce.Do(func() {
		// Not MustOpenDB: that database would be dropped when the first
		// test to ask ends, while the others still read it.
		srv := mongotest.Server(t)
		db := srv.Client.Database(fmt.Sprintf("shared_%d_%d", time.Now().UnixNano(), sharedSeq.Add(1)))
		shared, sharedErr = build(t, db)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	c := *shared
	c.T = t
	return &c
}

// build seeds db and starts the site on it.
func build(t *testing.T, db *mongo.Database) (*Env, error) {
	ctx := context.Background()
	ps := project.NewStore(db)
	if err := ps.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	if err := ps.InsertMissing(ctx, seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), nil); err != nil {
		return nil, err
	}
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		return nil, err
	}
	accounts, err := Accounts(ctx, db, account.BootstrapOptions{AdminEmail: "root@portal.test", AdminPassword: DemoPassword, Demo: true, DemoPassword: DemoPassword}, time.Now())
	if err != nil {
		return nil, err
	}
	limiter := ratelimit.New(db)
	mailer, err := mail.New(db, "", "")
	if err != nil {
		return nil, err
	}
	obstacles := obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{KeySecret: []byte("web-test-secret"), Notifier: notify.New(mailer, b, BaseURL), Projects: ps})
	deps := web.Deps{Log: slog.New(slog.DiscardHandler), I18n: b, DB: mongotest.Server(t), Projects: ps,
		Accounts: accounts, Limiter: limiter, BaseURL: BaseURL, BodyLimit: 4 << 20,
		Obstacles: obstacles, ObstacleStats: obstaclestats.New(db, obstacles, obstaclestats.Options{Projects: ps}), Calendar: holidays.MustEmbedded(), Mail: mailer,
		Opportunities: opportunity.NewStore(db), Inbox: inbox.NewStore(db), Media: media.NewStore(db)}
	srv, err := site.New(deps)
	if err != nil {
		return nil, err
	}
	e := &Env{T: t, Srv: srv, Bundle: b, Projects: ps, Accounts: accounts, DB: db, Obstacles: obstacles, Mail: mailer, Deps: deps, Media: deps.Media}
	if err := e.LoadUsers(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// Accounts is an account store on db that hashes passwords cheaply (fit
// for tests only), with its indexes, bootstrapped with opts at now.
func Accounts(ctx context.Context, db *mongo.Database, opts account.BootstrapOptions, now time.Time) (*account.Store, error) {
	accounts := account.NewStore(db, account.Options{Hash: account.HashParams{Time: 1, MemoryKiB: 256, Threads: 1, SaltLen: 16, KeyLen: 32}})
	if err := accounts.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	if _, err := accounts.Bootstrap(ctx, opts, now); err != nil {
		return nil, err
	}
	return accounts, nil
}

// StoreOpportunities makes the indexes of opps and stores the first n demo
// opportunities in it, or every one where n is 0. It returns them as
// stored.
func StoreOpportunities(t testing.TB, opps *opportunity.Store, n int) []opportunity.Opportunity {
	t.Helper()
	ctx := context.Background()
	if err := opps.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		list = list[:min(n, len(list))]
	}
	for i := range list {
		if err := opps.Create(ctx, &list[i]); err != nil {
			t.Fatal(err)
		}
	}
	return list
}

// Index is an in-memory Bleve index (closed when the test ends) filled by
// an indexer with the opportunities of opps and the projects of ps; the
// indexer keeps its place in db's meta collection.
func Index(t testing.TB, db *mongo.Database, opps *opportunity.Store, ps *project.Store) (*search.Bleve, *search.Indexer) {
	t.Helper()
	bl, err := search.NewBleve("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bl.Close() })
	ix := search.NewIndexer(bl, search.IndexerOptions{Meta: db.Collection("meta")},
		search.OpportunitySource{Store: opps}, search.NewProjectSource(ps, 0))
	if _, err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	return bl, ix
}

// AllProjects is what ps holds for the filter f, read page by page.
func AllProjects(t testing.TB, ps *project.Store, f project.Filter) []project.Project {
	t.Helper()
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	f.PerPage = project.MaxPerPage
	var out []project.Project
	for f.Page = 1; ; f.Page++ {
		p, err := ps.List(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Items...)
		if f.Page >= p.Pages() {
			return out
		}
	}
}

// ProjectsSite is the site on a fresh database that holds the demo
// projects and nothing else (no accounts, no other stores): the public
// project pages alone, as the benchmarks measure them.
func ProjectsSite(tb testing.TB) (*web.Server, *project.Store) {
	tb.Helper()
	db := mongotest.MustOpenDB(tb)
	ps := project.NewStore(db)
	if err := ps.InsertMissing(context.Background(), seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), nil); err != nil {
		tb.Fatal(err)
	}
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := site.New(web.Deps{Log: slog.New(slog.DiscardHandler), I18n: b, DB: mongotest.Server(tb), Projects: ps,
		BaseURL: BaseURL, BodyLimit: 4 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	return srv, ps
}

// GetOK asks srv for path without a socket, fails tb unless the answer is
// 200 and reads the body away: a request as the benchmarks measure it.
func GetOK(tb testing.TB, srv *web.Server, path string) {
	tb.Helper()
	res, err := srv.App().Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %d", path, res.StatusCode)
	}
}

// Serve serves srv on a loopback port of its own until the test ends and
// returns its address, for tests that need a real socket.
func Serve(t testing.TB, srv *web.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.App().Listener(ln) }()
	t.Cleanup(func() { _ = srv.App().ShutdownWithTimeout(10 * time.Second) })
	return ln.Addr().String()
}

// LoadUsers fills Users with the demo account of every role.
func (e *Env) LoadUsers(ctx context.Context) error {
	e.Users = map[account.Role]account.User{}
	for _, r := range account.Roles {
		u, err := e.Accounts.GetByEmail(ctx, string(r)+"@demo.local")
		if err != nil {
			return err
		}
		e.Users[r] = u
	}
	return nil
}

// Response is a read answer: status, header and the whole body.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Do sends req to the server.
func (e *Env) Do(req *http.Request) Response {
	e.T.Helper()
	res, err := e.Srv.App().Test(req, 30_000)
	if err != nil {
		e.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{res.StatusCode, res.Header, string(b)}
}

// Get requests path with the given header name, value pairs.
func (e *Env) Get(path string, header ...string) Response {
	e.T.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.Do(req)
}

// Doc parses the body as HTML.
func (r Response) Doc(t testing.TB) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Text is the text of the elements matching sel, spaces collapsed.
func Text(d *goquery.Document, sel string) string {
	return strings.Join(strings.Fields(d.Find(sel).Text()), " ")
}

// Client is a caller with a cookie jar: anonymous, or signed in as a role.
type Client struct {
	E       *Env
	Cookies map[string]string
}

// Anonymous is a visitor with no cookies yet.
func (e *Env) Anonymous() *Client { return &Client{E: e, Cookies: map[string]string{}} }

// As signs in a demo user of the role by creating a session directly.
func (e *Env) As(r account.Role) *Client {
	e.T.Helper()
	sid, _, err := e.Accounts.CreateSession(context.Background(), e.Users[r].ID, time.Now())
	if err != nil {
		e.T.Fatal(err)
	}
	c := e.Anonymous()
	c.Cookies["sid"] = sid
	return c
}

// Send sends a request with the client's cookies, form-encoded when form
// is not nil, and keeps the cookies the answer sets.
func (c *Client) Send(method, path string, form url.Values, header ...string) Response {
	c.E.T.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	for k, v := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	r := c.E.Do(req)
	for _, sc := range (&http.Response{Header: r.Header}).Cookies() {
		if sc.MaxAge < 0 || sc.Value == "" {
			delete(c.Cookies, sc.Name)
		} else {
			c.Cookies[sc.Name] = sc.Value
		}
	}
	return r
}

// Get requests path with the client's cookies.
func (c *Client) Get(path string) Response { return c.Send(http.MethodGet, path, nil) }

// CSRFInput finds the anti-forgery token in a page's forms.
var CSRFInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRF loads a page and returns the anti-forgery token of its forms.
func (c *Client) CSRF() string {
	c.E.T.Helper()
	r := c.Get("/en/login")
	m := CSRFInput.FindStringSubmatch(r.Body)
	if m == nil {
		c.E.T.Fatal("no CSRF token on the page")
	}
	return m[1]
}

// SendMultipart posts a multipart form with the client's cookies.
func (c *Client) SendMultipart(srv *web.Server, path string, fields map[string]string, files []Upload, header ...string) Response {
	c.E.T.Helper()
	body, ct := MultipartBody(c.E.T, fields, files)
	req := httptest.NewRequest(http.MethodPost, path, body)
	req.Header.Set("Content-Type", ct)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.DoWith(srv, req)
}

// DoWith sends req to srv with the client's cookies and keeps the ones set.
func (c *Client) DoWith(srv *web.Server, req *http.Request) Response {
	c.E.T.Helper()
	for k, v := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := srv.App().Test(req, 60_000)
	if err != nil {
		c.E.T.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	r := Response{res.StatusCode, res.Header, b.String()}
	for _, sc := range res.Cookies() {
		if sc.MaxAge < 0 || sc.Value == "" {
			delete(c.Cookies, sc.Name)
		} else {
			c.Cookies[sc.Name] = sc.Value
		}
	}
	return r
}

// PostJSON sends v as a JSON body.
func (c *Client) PostJSON(path string, v any, header ...string) Response {
	c.E.T.Helper()
	b, _ := json.Marshal(v)
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.DoWith(c.E.Srv, req)
}

// GetWith requests path with the client's cookies and the given header.
func (c *Client) GetWith(path string, header ...string) Response {
	c.E.T.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.DoWith(c.E.Srv, req)
}

// APIClient calls the API with a personal token of a demo user.
type APIClient struct {
	E     *Env
	Token string
}

// APIAs issues a personal token to the demo user of the role.
func (e *Env) APIAs(r account.Role) *APIClient {
	e.T.Helper()
	plain, _, err := e.Accounts.IssueToken(context.Background(), e.Users[r].ID, "test", time.Now())
	if err != nil {
		e.T.Fatal(err)
	}
	return &APIClient{E: e, Token: plain}
}

// Call sends body (when not nil) as JSON with the client's token.
func (a *APIClient) Call(method, path string, body any, header ...string) Response {
	a.E.T.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.E.T.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if a.Token != "" {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return a.E.Do(req)
}

// PageCSRF returns the anti-forgery token of the forms on a page.
func PageCSRF(t testing.TB, r Response) string {
	t.Helper()
	m := CSRFInput.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no CSRF token on the page (status %d)", r.Status)
	}
	return m[1]
}

// FormValues reads the named inputs of the first form matching sel, as the
// browser would send them.
func FormValues(t testing.TB, d *goquery.Document, sel string) url.Values {
	t.Helper()
	f := d.Find(sel).First()
	if f.Length() == 0 {
		t.Fatalf("no form %s", sel)
	}
	v := url.Values{}
	f.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		if typ := s.AttrOr("type", ""); (typ == "radio" || typ == "checkbox") && s.AttrOr("checked", "-") == "-" {
			return
		}
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	f.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
		v.Set(s.AttrOr("name", ""), s.Find("option[selected]").AttrOr("value", ""))
	})
	f.Find("textarea[name]").Each(func(_ int, s *goquery.Selection) { v.Set(s.AttrOr("name", ""), s.Text()) })
	return v
}

// ProblemOf decodes a problem+json answer.
func ProblemOf(t testing.TB, r Response) web.Problem {
	t.Helper()
	var p web.Problem
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
		t.Fatalf("not a problem (%d %q): %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	return p
}

// FieldMessage is the message a problem gives for field, "" if none.
func FieldMessage(p web.Problem, field string) string {
	for _, f := range p.Errors {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// FirstAtStage returns a demo project at stage st.
func (e *Env) FirstAtStage(st project.Stage) *project.Project {
	e.T.Helper()
	f := project.Filter{Stage: st}
	_ = f.Validate()
	page, err := e.Projects.List(context.Background(), f)
	if err != nil || len(page.Items) == 0 {
		e.T.Fatalf("no project at %s: %v", st, err)
	}
	p, err := e.Projects.Get(context.Background(), page.Items[0].Code)
	if err != nil {
		e.T.Fatal(err)
	}
	return p
}

// History is the stored history of a project.
func (e *Env) History(code string) []project.Change {
	e.T.Helper()
	h, err := e.Projects.History(context.Background(), code)
	if err != nil {
		e.T.Fatal(err)
	}
	return h
}

// CountByBusiness counts the stored obstacles of a business name.
func (e *Env) CountByBusiness(name string) int64 {
	e.T.Helper()
	n, err := e.DB.Collection(obstacle.CollObstacles).CountDocuments(context.Background(), map[string]any{"filer.businessName": name})
	if err != nil {
		e.T.Fatal(err)
	}
	return n
}

// TaxCode makes a valid tax code from nine digits.
func TaxCode(t testing.TB, nine string) string {
	d, ok := obstacle.TaxCheckDigit(nine)
	if !ok {
		t.Fatalf("no check digit for %s", nine)
	}
	return fmt.Sprintf("%s%d", nine, d)
}

// Files for upload tests: a minimal PDF and a Windows executable.
var (
	PDFFile = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	EXEFile = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 200)...)
)

// Upload is a file to attach to a multipart form.
type Upload struct {
	Name string
	Data []byte
}

// FilingForm is a complete, valid obstacle filing.
func FilingForm(t testing.TB, lang, business string) map[string]string {
	return map[string]string{
		"business_name": business, "tax_code": TaxCode(t, "420123456"), "contact_person": "Trần Thị Bình",
		"email": "binh@bienxanh.example", "phone": "0905 123 456", "lang": lang, "category": "land_site_clearance",
		"title": "Chậm bàn giao mặt bằng", "description": "Còn 2,4 ha chưa hoàn thành bồi thường, giải phóng mặt bằng.",
	}
}

// MultipartBody writes fields and files (under "files") as multipart/form-data.
func MultipartBody(t testing.TB, fields map[string]string, files []Upload) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := w.WriteField(k, fields[k]); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		part, err := w.CreateFormFile("files", f.Name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(f.Data)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

// DemoEnv is an Env whose server also has the opportunity and obstacle
// stores filled with the demo data, and a fixed clock.
type DemoEnv struct {
	*Env
	Opps *opportunity.Store
	Obs  *obstacle.Store
	// Now is the server's clock.
	Now time.Time
}

// NewDemo starts the site on a fresh database with every kind of demo
// record, the clock fixed at 2026-03-02 03:00 UTC, and the metrics m
// (which may be nil).
func NewDemo(t *testing.T, m *metrics.Metrics) *DemoEnv {
	t.Helper()
	db := mongotest.MustOpenDB(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	ps := project.NewStore(db)
	demo := seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err := ps.InsertMissing(ctx, demo, nil); err != nil {
		t.Fatal(err)
	}
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := Accounts(ctx, db, account.BootstrapOptions{Demo: true, DemoPassword: DemoPassword}, now)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := holidays.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	opps := opportunity.NewStore(db)
	StoreOpportunities(t, opps, 0)
	obs := obstacle.NewStore(db, cal, obstacle.Options{KeySecret: []byte("test-secret-test-secret-test-sec")})
	if err := obs.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := obs.Import(ctx, seed.Obstacles(demo, cal, now), now); err != nil {
		t.Fatal(err)
	}
	srv, err := site.New(web.Deps{Log: slog.New(slog.DiscardHandler), I18n: b, DB: mongotest.Server(t), Projects: ps,
		Accounts: accounts, Limiter: ratelimit.New(db), Opportunities: opps, Obstacles: obs, ObstacleStats: obstaclestats.New(db, obs, obstaclestats.Options{}), Calendar: cal,
		BaseURL: BaseURL, BodyLimit: 4 << 20, Now: func() time.Time { return now }, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{T: t, Srv: srv, Bundle: b, Projects: ps, Accounts: accounts, DB: db}
	if err := e.LoadUsers(ctx); err != nil {
		t.Fatal(err)
	}
	return &DemoEnv{Env: e, Opps: opps, Obs: obs, Now: now}
}
