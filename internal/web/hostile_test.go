package web_test

// The hostile-input test (issue 9): a corpus of bad inputs sent to every
// declared write route, signed in as a role that may use it and with the
// right CSRF token, and to every query parameter of every GET route. It
// asserts that no answer is a 5xx, that a refused write (4xx) leaves every
// stored document as it was, and that a script stored or reflected on the
// way never comes back unescaped in an HTML page.
//
// The default run samples one value of each class per field and uses the
// English pages; HOSTILE_FULL=1 sends every value to every field in both
// languages.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/changelog"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
	"github.com/khanhhoa/investportal/locales"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/bson"
)

// hostileFull is set by HOSTILE_FULL=1: every value, both languages.
var hostileFull = os.Getenv("HOSTILE_FULL") == "1"

// The payloads whose raw form must never appear in an HTML page.
const (
	xssScript = `<script>alert(1)</script>`
	xssImg    = `"><img src=x onerror=alert(1)>`
)

// hostileValue is one bad input: Form is what a form field or query
// parameter carries, JSON the raw JSON text put in place of a value.
type hostileValue struct {
	Class, Name string
	Form        string
	JSON        string
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// hostileCorpus returns the bad values by class. Invalid UTF-8 goes into
// JSON as raw bytes inside a string, which is not valid JSON text either.
func hostileCorpus() [][]hostileValue {
	long := strings.Repeat("Ạ", 50_000) // 150,000 bytes
	classes := [][]hostileValue{
		{{"xss", "script", xssScript, jsonString(xssScript)}, {"xss", "img", xssImg, jsonString(xssImg)}},
		{{"nosql", "gt", `{"$gt":""}`, `{"$gt":""}`}, {"nosql", "ne", `{"$ne":1}`, `{"$ne":null}`}, {"nosql", "where", `{"$where":"sleep(1000)"}`, `[{"$regex":".*"}]`}},
		{{"number", "maxint64", "9223372036854775807", "9223372036854775807"}, {"number", "1e309", "1e309", "1e309"},
			{"number", "-0", "-0", "-0"}, {"number", "1e23int", "99999999999999999999999", "99999999999999999999999"},
			{"number", "minint64", "-9223372036854775808", "-9223372036854775808"}},
		{{"utf8", "fffe", "a\xff\xfeb", "\"a\xff\xfeb\""}, {"utf8", "c328", "\xc3\x28", "\"\xc3\x28\""}},
		{{"nul", "nul", "a\x00b", `"a\u0000b"`}, {"nul", "rawnul", "\x00", "\"a\x00b\""}},
		{{"long", "150kB", long, jsonString(long)}},
		{{"traversal", "unix", "../../etc/passwd", jsonString("../../etc/passwd")}, {"traversal", "windows", `..\..\boot.ini`, jsonString(`..\..\boot.ini`)}},
		{{"type", "object", "[]", `{"a":1}`}, {"type", "array", "", `["x"]`}, {"type", "bool", "true", "true"}, {"type", "null", "null", "null"}},
	}
	return classes
}

// pick returns the values to send to the i-th field: every value with
// HOSTILE_FULL, else one per class, turning with i so that every value is
// used somewhere.
func pick(classes [][]hostileValue, i int) []hostileValue {
	var out []hostileValue
	for _, c := range classes {
		if hostileFull {
			out = append(out, c...)
			continue
		}
		out = append(out, c[i%len(c)])
	}
	return out
}

// sample returns k items of list, turning with salt, or all of them with
// HOSTILE_FULL.
func sample[T any](list []T, salt, k int) []T {
	if hostileFull || len(list) <= k {
		return list
	}
	out := make([]T, 0, k)
	for i := range k {
		out = append(out, list[(salt*k+i)%len(list)])
	}
	return out
}

// hostileEnv is the web layer on a fresh database with a small slice of
// the demo data (so that hashing every stored document stays cheap), the
// embedded search index and no rate limiter, so that bad input reaches the
// handlers instead of a 429.
type hostileEnv struct {
	*sitetest.Env
	opps *opportunity.Store
	// ids fill route parameters: ":code" of a project, "opp" for an
	// opportunity code and so on (see param).
	ids map[string]string
	// accessKey opens the tracked obstacle ids["track"].
	accessKey string
	// addr is where the server listens (loopback, port 0).
	addr string
}

func newHostileEnv(t *testing.T) *hostileEnv {
	t.Helper()
	db := mongotest.MustOpenDB(t)
	ctx := context.Background()
	now := time.Now()
	all := seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var ps []project.Project
	for i, p := range all {
		if i%80 == 0 {
			ps = append(ps, p)
		}
	}
	store := project.NewStore(db)
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if err := store.InsertMissing(ctx, ps, nil); err != nil {
		t.Fatal(err)
	}
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := sitetest.Accounts(ctx, db, account.BootstrapOptions{AdminEmail: "root@portal.test", AdminPassword: sitetest.DemoPassword, Demo: true, DemoPassword: sitetest.DemoPassword}, now)
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := mail.New(db, "", "")
	if err != nil {
		t.Fatal(err)
	}
	cal := holidays.MustEmbedded()
	obstacles := obstacle.NewStore(db, cal, obstacle.Options{KeySecret: []byte("web-test-secret"), Notifier: notify.New(mailer, b, "http://portal.test"), Projects: store})
	if err := obstacles.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	// Two demo obstacles of each status: one for the pages, one for the API.
	seen := map[obstacle.Status]int{}
	var obs []obstacle.Obstacle
	for _, o := range seed.Obstacles(ps, cal, now) {
		if seen[o.Status] < 2 {
			seen[o.Status]++
			obs = append(obs, o)
		}
	}
	if _, err := obstacles.Import(ctx, obs, now); err != nil {
		t.Fatal(err)
	}
	opps := opportunity.NewStore(db)
	stored := sitetest.StoreOpportunities(t, opps, 6)
	_, ix := sitetest.Index(t, db, opps, store)
	deps := web.Deps{Log: slog.New(slog.DiscardHandler), I18n: b, DB: mongotest.Server(t), Projects: store,
		Accounts: accounts, BaseURL: "http://portal.test", BodyLimit: 4 << 20,
		Obstacles: obstacles, ObstacleStats: obstaclestats.New(db, obstacles, obstaclestats.Options{Projects: store}), Calendar: cal, Mail: mailer, Opportunities: opps, Search: ix.Engine()}
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	e := &sitetest.Env{T: t, Srv: srv, Bundle: b, Projects: store, Accounts: accounts, DB: db, Obstacles: obstacles, Mail: mailer, Deps: deps}
	if err := e.LoadUsers(ctx); err != nil {
		t.Fatal(err)
	}
	// A real listener: a request the HTTP parser refuses gets the answer a
	// client would see, which app.Test reports as an error instead.
	h := &hostileEnv{Env: e, opps: opps, ids: map[string]string{}, addr: sitetest.Serve(t, srv)}
	h.setupTargets(ctx, ps, obs, stored, now)
	return h
}

// setupTargets creates the records the routes' parameters name: a user to
// administer (not one the test signs in as), its token, an agency, an extra
// holiday, a policy issue, an enquiry and an obstacle with an attachment.
func (h *hostileEnv) setupTargets(ctx context.Context, ps []project.Project, obs []obstacle.Obstacle, opps []opportunity.Opportunity, now time.Time) {
	t := h.T
	target, err := h.Accounts.CreateUser(ctx, account.NewUser{Email: "target@demo.local", Name: "Người Được Quản Trị", Role: account.RoleBoard, Lang: "vi", Password: sitetest.DemoPassword}, account.SystemActor, now)
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := h.Accounts.IssueToken(ctx, target.ID, "hostile", now)
	if err != nil {
		t.Fatal(err)
	}
	agencies, err := h.Accounts.ListAgencies(ctx)
	if err != nil || len(agencies) == 0 {
		t.Fatalf("agencies: %v", err)
	}
	if err := h.Obstacles.AddHoliday(ctx, holidays.Day{Date: "2026-12-30", Occasion: "Ngày nghỉ thử", Kind: holidays.Custom}, obstacle.Actor{ID: h.Users[account.RoleAdmin].ID, Role: obstacle.RoleAdmin}, now); err != nil {
		t.Fatal(err)
	}
	tf := obstacle.Actor{ID: h.Users[account.RoleTaskForce].ID, Role: obstacle.RoleTaskforce}
	pi, err := h.Obstacles.CreatePolicyIssue(ctx, obstacle.PolicyIssue{Title: "Vướng mắc chung về giá đất", Description: "Nhiều dự án chậm vì chưa có bảng giá đất cụ thể."}, tf, now)
	if err != nil {
		t.Fatal(err)
	}
	var enq [2]*opportunity.Enquiry
	for i := range enq {
		enq[i], _, err = h.opps.CreateEnquiry(ctx, &opportunity.Enquiry{OpportunityCode: opps[0].Code, Name: "Kim Min-jun", Country: "KR",
			Email: "minjun.kim@example.com", Message: "We would like the site survey.", Lang: "en", IdempotencyKey: fmt.Sprintf("hostile-setup-%d", i)})
		if err != nil {
			t.Fatal(err)
		}
	}
	byStatus := map[obstacle.Status][]obstacle.Obstacle{}
	for _, o := range obs {
		byStatus[o.Status] = append(byStatus[o.Status], o)
	}
	for _, st := range []obstacle.Status{obstacle.Submitted, obstacle.InProgress, obstacle.WaitingForBusiness} {
		if len(byStatus[st]) < 2 {
			t.Fatalf("the demo obstacles lack two of status %s", st)
		}
	}
	submitted, inProgress := byStatus[obstacle.Submitted][0], byStatus[obstacle.InProgress][0]
	_, att, err := h.Obstacles.AddAttachment(ctx, inProgress.ID, "ke-hoach.pdf", bytes.NewReader(sitetest.PDFFile), tf, now)
	if err != nil {
		t.Fatal(err)
	}
	// Waiting obstacles let the filer act (answer) through tracking.
	track, trackAPI := byStatus[obstacle.WaitingForBusiness][0], byStatus[obstacle.WaitingForBusiness][1]
	h.accessKey = seed.ObstacleAccessKey(track.TrackingCode)
	h.ids = map[string]string{
		"project": ps[1].Code, "opp": opps[1].Code, "user": target.ID, "token": tok.ID, "agency": agencies[len(agencies)-1].ID,
		"date": "2026-12-30", "policy": pi.ID, "enquiry": enq[0].ID, "enquiryAPI": enq[1].ID, "obstacle": submitted.ID, "obstacleFiles": inProgress.ID,
		"obstacleAPI": byStatus[obstacle.InProgress][1].ID, "file": att.FileID, "track": track.TrackingCode, "trackAPI": trackAPI.TrackingCode,
	}
}

// fill puts the setup's records into a route's parameters.
func (h *hostileEnv) fill(path string) string {
	return regexp.MustCompile(`:[a-z_]+`).ReplaceAllStringFunc(path, func(p string) string {
		return h.param(path, p[1:])
	})
}

func (h *hostileEnv) param(path, name string) string {
	switch name {
	case "code":
		switch {
		case strings.Contains(path, "opportunities"):
			return h.ids["opp"]
		case strings.Contains(path, "/api/") && strings.Contains(path, "track"):
			return h.ids["trackAPI"]
		case strings.Contains(path, "track"):
			return h.ids["track"]
		}
		return h.ids["project"]
	case "token", "date", "file":
		return h.ids[name]
	case "id":
		switch {
		case strings.Contains(path, "/users/"):
			return h.ids["user"]
		case strings.Contains(path, "/agencies/"):
			return h.ids["agency"]
		case strings.Contains(path, "policy-issues"):
			return h.ids["policy"]
		case strings.Contains(path, "/api/") && strings.Contains(path, "enquiries"):
			return h.ids["enquiryAPI"]
		case strings.Contains(path, "enquiries"):
			return h.ids["enquiry"]
		case strings.Contains(path, "/api/") && strings.Contains(path, "obstacles"):
			return h.ids["obstacleAPI"]
		case strings.Contains(path, "/files"):
			return h.ids["obstacleFiles"]
		case strings.Contains(path, "obstacles"):
			return h.ids["obstacle"]
		}
	}
	h.T.Fatalf("no value for parameter %s of %s", name, path)
	return ""
}

// roleFor is the caller used on a route: nobody on public routes, else the
// first role the route allows (business for "any signed-in user").
func roleFor(rt web.Route) account.Role {
	switch {
	case rt.Access.Public:
		return ""
	case len(rt.Access.Roles) == 0:
		return account.RoleBusiness
	}
	return rt.Access.Roles[0]
}

// caller is a cookie jar signed in as a role (or anonymous), with the
// CSRF token its forms carry.
type caller struct {
	h       *hostileEnv
	role    account.Role
	Cookies map[string]string
	token   string
}

func (h *hostileEnv) caller(role account.Role) *caller {
	h.T.Helper()
	c := &caller{h: h, role: role, Cookies: map[string]string{}}
	c.signIn()
	return c
}

// signIn (again, after a route signed the caller out) and read the token.
func (c *caller) signIn() {
	c.h.T.Helper()
	c.Cookies = map[string]string{}
	if c.role != "" {
		sid, _, err := c.h.Accounts.CreateSession(context.Background(), c.h.Users[c.role].ID, time.Now())
		if err != nil {
			c.h.T.Fatal(err)
		}
		c.Cookies["sid"] = sid
	}
	c.token = ""
	r := c.Send(http.MethodGet, "/en/login", "", nil)
	m := sitetest.CSRFInput.FindStringSubmatch(r.Body)
	if m == nil {
		c.h.T.Fatalf("no CSRF token for %q: %d", c.role, r.Status)
	}
	c.token = m[1]
}

// track opens the tracked obstacle, as the filer does, so that the
// tracking forms work.
func (c *caller) track(lang string) {
	c.h.T.Helper()
	form := url.Values{"tracking_code": {c.h.ids["track"]}, "access_key": {c.h.accessKey}}
	if r := c.Send(http.MethodPost, "/"+lang+"/obstacles/track", "application/x-www-form-urlencoded", []byte(form.Encode())); r.Status >= 400 {
		d, _ := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
		c.h.T.Fatalf("tracking lookup: %d %s cookies %v token %s", r.Status, sitetest.Text(d, "main"), c.Cookies, c.token)
	}
}

// get sends a GET; a request that gets no answer at all is an error
// (workers cannot stop the test).
func (c *caller) Get(target string) (r sitetest.Response, err error) {
	return c.exchange(http.MethodGet, target, "", nil)
}

// send writes one request on a fresh connection to the server, byte for
// byte as given (a client library would refuse some of these targets),
// with the caller's cookies and CSRF header, and keeps the cookies set.
// The caller is signed in again when the route signed it out.
func (c *caller) Send(method, target, contentType string, body []byte, header ...string) sitetest.Response {
	c.h.T.Helper()
	r, err := c.exchange(method, target, contentType, body, header...)
	if err != nil {
		c.h.T.Fatal(err)
	}
	return r
}

func (c *caller) exchange(method, target, contentType string, body []byte, header ...string) (sitetest.Response, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: portal.test\r\nConnection: close\r\n", method, target)
	if contentType != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", contentType)
	}
	if c.token != "" {
		fmt.Fprintf(&b, "X-CSRF-Token: %s\r\n", c.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", header[i], header[i+1])
	}
	var cookies []string
	for _, k := range web.SortedKeys(c.Cookies) {
		cookies = append(cookies, k+"="+c.Cookies[k])
	}
	if len(cookies) > 0 {
		fmt.Fprintf(&b, "Cookie: %s\r\n", strings.Join(cookies, "; "))
	}
	if method != http.MethodGet || len(body) > 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	conn, err := net.Dial("tcp", c.h.addr)
	if err != nil {
		return sitetest.Response{}, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Minute))
	go func() { _, _ = conn.Write(b.Bytes()) }()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return sitetest.Response{}, fmt.Errorf("%s %.80q: no answer: %v", method, target, err)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, sc := range res.Cookies() {
		if sc.MaxAge < 0 || sc.Value == "" {
			delete(c.Cookies, sc.Name)
		} else {
			c.Cookies[sc.Name] = sc.Value
		}
	}
	r := sitetest.Response{Status: res.StatusCode, Header: res.Header, Body: string(data)}
	if c.role != "" && c.Cookies["sid"] == "" {
		c.signIn()
	}
	if c.role == "" && c.Cookies["csrf"] != "" {
		// A visitor's token is the cookie; some error pages issue a new
		// one, and the browser's next form carries it.
		c.token = c.Cookies["csrf"]
	}
	return r, nil
}

// volatile collections change on refused requests by design: sessions,
// sign-in attempts and rate-limit counters.
var volatile = map[string]bool{account.SessionsCollection: true, account.LoginAttemptsCollection: true, "rate_limits": true}

// snapshot is, per collection, the number of documents and a hash of them all.
type snapshot map[string]string

func (h *hostileEnv) snapshot(only ...string) snapshot {
	h.T.Helper()
	ctx := context.Background()
	names := only
	if len(names) == 0 {
		var err error
		if names, err = h.DB.ListCollectionNames(ctx, bson.D{}); err != nil {
			h.T.Fatal(err)
		}
	}
	s := snapshot{}
	for _, n := range names {
		if volatile[n] {
			continue
		}
		cur, err := h.DB.Collection(n).Find(ctx, bson.D{})
		if err != nil {
			h.T.Fatal(err)
		}
		sum := sha256.New()
		count := 0
		for cur.Next(ctx) {
			sum.Write(cur.Current)
			count++
		}
		if err := cur.Err(); err != nil {
			h.T.Fatal(err)
		}
		_ = cur.Close(ctx)
		s[n] = fmt.Sprintf("%d:%s", count, hex.EncodeToString(sum.Sum(nil))[:16])
	}
	return s
}

// hostileCollections are the collections a route's requests are checked
// against one by one (reading every collection after each request would
// make the run several times slower). Every other collection is checked
// once around the route's whole batch and must not change at all.
func hostileCollections(path string) []string {
	switch {
	case strings.Contains(path, "/login"), strings.Contains(path, "/logout"), strings.Contains(path, "/admin/users"):
		return []string{account.UsersCollection, account.TokensCollection}
	case strings.Contains(path, "/admin/agencies"):
		return []string{account.AgenciesCollection}
	case strings.Contains(path, "/admin/holidays"):
		return []string{obstacle.CollHolidays, changelog.Collection}
	case strings.Contains(path, "/admin/settings"), strings.Contains(path, "/projects"):
		return []string{project.Collection, project.IndexStateCollection, project.ChangeCollection, "meta", changelog.Collection}
	case strings.Contains(path, "opportunities"), strings.Contains(path, "enquiries"):
		return []string{opportunity.CollOpportunities, opportunity.CollHistory, opportunity.CollEnquiries, mail.Collection, changelog.Collection}
	case strings.Contains(path, "obstacles"), strings.Contains(path, "policy-issues"):
		return []string{obstacle.CollObstacles, obstacle.CollPolicyIssues, obstacle.CollCounters, obstacle.CollIdempotency,
			"obstacle_files.files", "obstacle_files.chunks", mail.Collection, changelog.Collection}
	}
	return nil
}

// changed names the collections that differ, ignoring those in except.
func (s snapshot) changed(after snapshot, except ...string) []string {
	var out []string
	for n, v := range after {
		if s[n] != v && !slices.Contains(except, n) {
			out = append(out, n)
		}
	}
	for n := range s {
		if _, ok := after[n]; !ok && !slices.Contains(except, n) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// finding is a request whose answer broke a rule.
type finding struct {
	Route, Input string
	Status       int
	Problem      string
}

// hostileRun counts what was sent and what went wrong.
type hostileRun struct {
	h        *hostileEnv
	sent     int
	fiveXX   int
	findings []finding
	// seq numbers requests, for unique codes and keys.
	seq int
	// statuses counts the answers by route, for the log.
	statuses map[string]map[int]int
	mu       sync.Mutex
}

func (run *hostileRun) next() int { run.seq++; return run.seq }

// check applies the rules to one answer: no 5xx, nothing stored on a
// refusal, no raw payload in HTML.
func (run *hostileRun) check(route, input string, r sitetest.Response, before, after snapshot, except ...string) {
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.statuses[route] == nil {
		run.statuses[route] = map[int]int{}
	}
	run.statuses[route][r.Status]++
	run.sent++
	if r.Status >= 500 {
		run.fiveXX++
		run.findings = append(run.findings, finding{route, input, r.Status, "5xx"})
	}
	if r.Status >= 400 && before != nil {
		if ch := before.changed(after, except...); len(ch) > 0 {
			run.findings = append(run.findings, finding{route, input, r.Status, "refused but stored: " + strings.Join(ch, ",")})
		}
	}
	if raw := rawPayload(r); raw != "" {
		run.findings = append(run.findings, finding{route, input, r.Status, "unescaped " + raw})
	}
	// The outbox shows e-mails as composed, with what filers and investors
	// typed in them ("USD -3" in an enquiry is their text, not a sum).
	if strings.HasPrefix(input, "re-render") && strings.Contains(r.Header.Get("Content-Type"), "html") && !strings.HasSuffix(route, "/admin/outbox") {
		if m := negativeMoney.FindString(r.Body); m != "" {
			run.findings = append(run.findings, finding{route, input, r.Status, "shows a negative amount " + strings.TrimSpace(m)})
		}
	}
}

// negativeMoney finds an amount shown below zero, as an overflowed sum is
// ("VND -9,223,008,783,854,775,809").
var negativeMoney = regexp.MustCompile(`(VND|US\$|USD)\s?[-−]\d[\d.,]*|(^|[\s>(])[-−]\d[\d.,]*\s*(tỷ|triệu)?\s*đồng`)

// rawPayload returns the payload an HTML answer carries unescaped.
func rawPayload(r sitetest.Response) string {
	if !strings.Contains(r.Header.Get("Content-Type"), "html") {
		return ""
	}
	for _, p := range []string{"<script>alert(1)", "<img src=x onerror="} {
		if strings.Contains(r.Body, p) {
			return p
		}
	}
	return ""
}

// pageForm is a form found on a page: where it posts and what a browser
// would send.
type pageForm struct {
	Page      string
	Action    string
	Multipart bool
	Files     []string
	Values    url.Values
}

// discoverForms loads every GET page of lang as the role that may see it
// and returns its POST forms by action path (without the query).
func (h *hostileEnv) discoverForms(lang string) map[string][]pageForm {
	h.T.Helper()
	out := map[string][]pageForm{}
	callers := map[account.Role]*caller{}
	type visit struct {
		role account.Role
		page string
	}
	var visits []visit
	for _, rt := range h.Srv.Routes() {
		if rt.Method == http.MethodGet && strings.HasPrefix(rt.Path, "/"+lang+"/") {
			visits = append(visits, visit{roleFor(rt), h.fill(rt.Path)})
		}
	}
	// The obstacle with an attachment offers the staff upload form.
	visits = append(visits, visit{account.RoleTaskForce, "/" + lang + "/staff/obstacles/" + h.ids["obstacleFiles"]})
	for _, v := range visits {
		role, page := v.role, v.page
		c := callers[role]
		if c == nil {
			c = h.caller(role)
			if role == "" {
				// The tracking page shows the filer's forms once opened.
				c.track(lang)
			}
			callers[role] = c
		}
		r := c.Send(http.MethodGet, page, "", nil)
		if !strings.Contains(r.Header.Get("Content-Type"), "html") {
			continue
		}
		d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
		if err != nil {
			h.T.Fatal(err)
		}
		d.Find("form").Each(func(_ int, f *goquery.Selection) {
			if !strings.EqualFold(f.AttrOr("method", "get"), "post") {
				return
			}
			action := f.AttrOr("action", page)
			pf := pageForm{Page: page, Action: action, Multipart: strings.Contains(f.AttrOr("enctype", ""), "multipart"), Values: url.Values{}}
			f.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
				name := s.AttrOr("name", "")
				switch s.AttrOr("type", "") {
				case "file":
					pf.Files = append(pf.Files, name)
					return
				case "radio", "checkbox":
					if _, ok := s.Attr("checked"); !ok {
						if _, seen := pf.Values[name]; !seen {
							pf.Values[name] = nil
						}
						return
					}
				case "submit":
					if s.AttrOr("value", "") == "" {
						return
					}
				}
				pf.Values.Add(name, s.AttrOr("value", ""))
			})
			f.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
				v := s.Find("option[selected]").AttrOr("value", "")
				if v == "" {
					v = s.Find("option").Last().AttrOr("value", "")
				}
				pf.Values.Set(s.AttrOr("name", ""), v)
			})
			f.Find("textarea[name]").Each(func(_ int, s *goquery.Selection) { pf.Values.Set(s.AttrOr("name", ""), s.Text()) })
			path, _, _ := strings.Cut(action, "?")
			out[path] = append(out[path], pf)
		})
	}
	return out
}

// formOverrides make the discovered forms valid where a browser user would
// type something, so that one bad field is all that is wrong with a request
// and the handler's deeper paths are reached. n makes codes unique.
func (h *hostileEnv) formOverrides(path string, n int) map[string]string {
	lang := path[1:3]
	switch p := path[3:]; {
	case p == "/login":
		return map[string]string{"email": "board@demo.local", "password": "not-the-password"}
	case p == "/board/projects":
		area := "1.5" // typed the way the page's language writes numbers
		if lang == "vi" {
			area = "1,5"
		}
		return map[string]string{"code": fmt.Sprintf("DA-%d", 8000+n), "name_vi": "Khu nghỉ dưỡng thử", "name_en": "Test resort",
			"investor_name": "Công ty TNHH Thử", "jobs": "10", "registered_capital": "1000000000", "land_area": area,
			"stage_date": "2026-01-15", "expected_completion": "2028-12-31"}
	case strings.HasSuffix(p, "/edit") && strings.HasPrefix(p, "/board/projects/"):
		return map[string]string{"reason": "Điều chỉnh theo hồ sơ"}
	case strings.HasSuffix(p, "/stage"):
		return map[string]string{"stage": "construction", "stage_date": "2026-01-15", "reason": "Điều chỉnh"}
	case strings.HasSuffix(p, "/disbursements"):
		return map[string]string{"amount": "5000", "date": "2026-01-02", "reason": "Giải ngân đợt 1"}
	case p == "/admin/users":
		return map[string]string{"email": fmt.Sprintf("new%d@demo.local", n), "name": "Cán bộ Thử", "password": "A-long-passphrase-2026!"}
	case strings.HasSuffix(p, "/password"):
		return map[string]string{"password": "A-long-passphrase-2026!"}
	case strings.HasSuffix(p, "/tokens"):
		return map[string]string{"token_name": "CI"}
	case p == "/admin/agencies":
		return map[string]string{"id": fmt.Sprintf("hostile_%d", n), "name.vi": "Sở Thử", "name.en": "Test Department"}
	case strings.HasSuffix(p, "/enquiries") && strings.HasPrefix(p, "/opportunities/"):
		return map[string]string{"name": "Kim Min-jun", "email": "minjun.kim@example.com", "message": "We would like the site survey.",
			"idempotency_key": fmt.Sprintf("hostile-enquiry-%d", n)}
	case p == "/board/opportunities":
		return map[string]string{"code": fmt.Sprintf("OPP-VP-%d", 500+n), "title_vi": "Cơ hội thử", "title_en": "Test opportunity",
			"summary_vi": "Tóm tắt.", "summary_en": "Summary.", "description_vi": "Mô tả.", "description_en": "Description.",
			"capital_amount": "1000000", "land_area": "2", "contact_name": "Phòng Đầu tư", "contact_email": "dautu@example.com",
			"investment_forms": "fdi_100"}
	case strings.HasSuffix(p, "/edit") && strings.HasPrefix(p, "/board/opportunities/"):
		return map[string]string{"reason": "Điều chỉnh"}
	case strings.HasSuffix(p, "/link"):
		return map[string]string{"project_code": h.ids["project"]}
	case strings.HasSuffix(p, "/answer"):
		return map[string]string{"status": "answered"}
	case strings.HasSuffix(p, "/reply"):
		return map[string]string{"reply": "Cảm ơn Quý vị; chúng tôi sẽ liên hệ sớm."}
	case p == "/obstacles/new":
		f := sitetest.FilingForm(h.T, lang, fmt.Sprintf("Công ty Thử %d", n))
		f["form_token"] = fmt.Sprintf("hostile-filing-%d-0123456789", n)
		return f
	case p == "/obstacles/track":
		return map[string]string{"tracking_code": h.ids["track"], "access_key": h.accessKey}
	case p == "/obstacles/track/act":
		return map[string]string{"note": "Đã bổ sung hồ sơ."}
	case p == "/staff/obstacles/assign":
		return map[string]string{"ids": h.ids["obstacle"], "deadline": time.Now().AddDate(0, 1, 0).Format("2006-01-02")}
	case p == "/staff/policy-issues":
		return map[string]string{"title": "Vướng mắc thử", "description": "Mô tả vướng mắc."}
	case strings.HasSuffix(p, "/resolve"):
		return map[string]string{"resolution": "Đã ban hành văn bản hướng dẫn."}
	case p == "/admin/holidays":
		return map[string]string{"date": time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n%300).Format("2006-01-02"), "note": "Nghỉ thử"}
	}
	return nil
}

// formRequest is one request to a form route.
type formRequest struct {
	Label       string
	ContentType string
	Body        []byte
}

// multipartOf writes values (and files under the field "files") as
// multipart/form-data.
func multipartOf(v url.Values, fileField string, files []sitetest.Upload) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, k := range web.SortedKeys(v) {
		for _, x := range v[k] {
			_ = w.WriteField(k, x)
		}
	}
	for _, f := range files {
		part, _ := w.CreateFormFile(fileField, f.Name)
		_, _ = part.Write(f.Data)
	}
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// gzipBomb is a body of n bytes of zeros, gzipped (about 1,000 times smaller).
func gzipBomb(n int) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		_, _ = w.Write(chunk[:k])
		n -= k
	}
	_ = w.Close()
	return buf.Bytes()
}

// hostileUploads are files whose content or name is bad.
var hostileUploads = []sitetest.Upload{{Name: "invoice.pdf", Data: sitetest.EXEFile}, {Name: "photo.jpg", Data: elfFile}, {Name: "../../etc/passwd", Data: sitetest.PDFFile}, {Name: `..\..\boot.ini`, Data: sitetest.PDFFile},
	{Name: "a\x00.pdf", Data: sitetest.PDFFile}, {Name: xssScript + ".pdf", Data: sitetest.PDFFile}, {Name: "empty.pdf", Data: nil}}

var elfFile = append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 200)...)

// formRequests builds the hostile requests for a form: each class of bad
// value in turn in each field, operator-shaped names, and bodies that are
// wrong as a whole. encode gives the form as the route expects it.
func formRequests(base url.Values, fields []string, salt int, multipartForm bool, fileField string) []formRequest {
	encode := func(v url.Values) (string, []byte) {
		if multipartForm {
			b, ct := multipartOf(v, fileField, nil)
			return ct, b
		}
		return "application/x-www-form-urlencoded", []byte(v.Encode())
	}
	with := func(field, value string) url.Values {
		v := url.Values{}
		for k, x := range base {
			v[k] = append([]string(nil), x...)
		}
		v.Set(field, value)
		return v
	}
	var out []formRequest
	if len(fields) == 0 {
		fields = []string{"note"}
	}
	classes := hostileCorpus()
	if hostileFull {
		for _, f := range fields {
			for _, hv := range pick(classes, 0) {
				ct, b := encode(with(f, hv.Form))
				out = append(out, formRequest{f + "=" + hv.Class + "/" + hv.Name, ct, b})
			}
		}
	} else {
		for i, hv := range pick(classes, salt) {
			f := fields[(i+salt)%len(fields)]
			ct, b := encode(with(f, hv.Form))
			out = append(out, formRequest{f + "=" + hv.Class + "/" + hv.Name, ct, b})
		}
	}
	// NoSQL operators in field names, as PHP-style parsers would read them.
	for i, f := range fields {
		if !hostileFull && i != salt%len(fields) {
			continue
		}
		v := with(f, "")
		v.Del(f)
		v.Set(f+"[$ne]", "1")
		v.Set(f+"[$gt]", "")
		ct, b := encode(v)
		out = append(out, formRequest{f + "[$ne]=1", ct, b})
	}
	urlenc := []byte(base.Encode())
	mp, mpType := multipartOf(base, fileField, nil)
	out = append(out, sample([]formRequest{
		{"empty body", "application/x-www-form-urlencoded", nil},
		{"no content type", "", urlenc},
		{"text/plain body", "text/plain", urlenc},
		{"JSON body", "application/json", []byte(`{"` + fields[0] + `":{"$gt":""}}`)},
		{"multipart body", mpType, mp},
		{"raw invalid UTF-8 and NUL in body", "application/x-www-form-urlencoded", append(append([]byte(nil), urlenc...), "&"+fields[0]+"=\xff\xfe\x00"...)},
		{"broken multipart", "multipart/form-data; boundary=xyz", []byte("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb")},
	}, salt, 3)...)
	if fileField != "" {
		for _, f := range sample(hostileUploads, salt, 4) {
			b, ct := multipartOf(base, fileField, []sitetest.Upload{f})
			out = append(out, formRequest{fmt.Sprintf("file %q (%d bytes)", f.Name, len(f.Data)), ct, b})
		}
	}
	return out
}

// writeForms sends the hostile requests to every POST page route of lang.
func (run *hostileRun) writeForms(lang string) {
	h := run.h
	forms := h.discoverForms(lang)
	bombSent := false
	for i, rt := range h.Srv.Routes() {
		if rt.Method == http.MethodGet || !strings.HasPrefix(rt.Path, "/"+lang+"/") {
			continue
		}
		path := h.fill(rt.Path)
		pf := pageForm{Page: "", Action: path, Values: url.Values{}}
		if fs := forms[path]; len(fs) > 0 {
			pf = fs[0]
		}
		c := h.caller(roleFor(rt))
		isTrack := strings.Contains(path, "/obstacles/track/")
		fileField := ""
		if len(pf.Files) > 0 {
			fileField = pf.Files[0]
		}
		var fields []string
		for _, k := range web.SortedKeys(pf.Values) {
			if k != "_csrf" {
				fields = append(fields, k)
			}
		}
		var except []string
		if strings.HasSuffix(path, "/login") {
			// A refused sign-in counts a failure on the account: by design.
			except = append(except, account.UsersCollection)
		}
		reqs := formRequests(pf.Values, fields, i, pf.Multipart, fileField)
		if !bombSent || hostileFull {
			bombSent = true
			reqs = append(reqs, formRequest{"gzip body expanding to 64 MiB", "gzip:application/x-www-form-urlencoded", gzipBomb(64 << 20)})
		}
		routeStart, sent0 := time.Now(), run.sent
		group := hostileCollections(path)
		whole := h.snapshot()
		before := h.snapshot(group...)
		for _, fr := range reqs {
			n := run.next()
			if isTrack {
				c.track(lang)
			}
			// The form's fields, valid except for the one under test, with
			// the record's current version.
			tested, _, _ := strings.Cut(fr.Label, "=")
			tested, _, _ = strings.Cut(tested, "[")
			ov := h.formOverrides(path, n)
			if pf.Values.Get("version") != "" && pf.Page != "" {
				if ov == nil {
					ov = map[string]string{}
				}
				ov["version"] = h.currentVersion(c, pf)
			}
			req := fr
			if len(ov) > 0 {
				req.Body = applyOverrides(fr, ov, tested)
			}
			header := []string{}
			ct := req.ContentType
			if strings.HasPrefix(ct, "gzip:") {
				ct = strings.TrimPrefix(ct, "gzip:")
				header = append(header, "Content-Encoding", "gzip")
			}
			if isTrack {
				before = h.snapshot(group...) // the lookup counts a view
			}
			r := c.Send(http.MethodPost, pf.Action, ct, req.Body, header...)
			after := h.snapshot(group...)
			run.check(rt.Method+" "+rt.Path, fr.Label, r, before, after, except...)
			if strings.HasPrefix(fr.ContentType, "gzip:") && r.Status < 400 {
				run.findings = append(run.findings, finding{rt.Method + " " + rt.Path, fr.Label, r.Status, "compressed body over the limit accepted"})
			}
			before = after
		}
		run.outside(rt.Method+" "+rt.Path, whole, group, except)
		run.logRoute(rt.Method+" "+rt.Path, run.sent-sent0, time.Since(routeStart))
	}
}

// logRoute logs, in verbose runs, how a route answered its batch.
func (run *hostileRun) logRoute(route string, n int, d time.Duration) {
	if !testing.Verbose() {
		return
	}
	var parts []string
	for _, st := range sortedInts(run.statuses[route]) {
		parts = append(parts, fmt.Sprintf("%d×%d", run.statuses[route][st], st))
	}
	run.h.T.Logf("%s: %d requests in %s: %s", route, n, d.Round(time.Millisecond), strings.Join(parts, " "))
}

func sortedInts(m map[int]int) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// applyOverrides replaces the valid fields of a request's form (leaving
// the field under test alone) when the form is URL-encoded or multipart.
func applyOverrides(fr formRequest, ov map[string]string, tested string) []byte {
	switch {
	case fr.ContentType == "application/x-www-form-urlencoded":
		// Parse the body back only when it is well-formed; raw bad bytes
		// stay as they are.
		v, err := url.ParseQuery(string(fr.Body))
		if err != nil || !utf8Valid(fr.Body) {
			return fr.Body
		}
		for k, x := range ov {
			if k != tested {
				v.Set(k, x)
			}
		}
		return []byte(v.Encode())
	case strings.HasPrefix(fr.ContentType, "multipart/form-data; boundary="):
		boundary := strings.TrimPrefix(fr.ContentType, "multipart/form-data; boundary=")
		mr := multipart.NewReader(bytes.NewReader(fr.Body), boundary)
		form, err := mr.ReadForm(32 << 20)
		if err != nil {
			return fr.Body
		}
		v := url.Values(form.Value)
		for k, x := range ov {
			if k != tested {
				v.Set(k, x)
			}
		}
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.SetBoundary(boundary)
		for _, k := range web.SortedKeys(v) {
			for _, x := range v[k] {
				_ = w.WriteField(k, x)
			}
		}
		for field, fhs := range form.File {
			for _, fh := range fhs {
				f, _ := fh.Open()
				data, _ := io.ReadAll(f)
				f.Close()
				part, _ := w.CreateFormFile(field, fh.Filename)
				_, _ = part.Write(data)
			}
		}
		_ = w.Close()
		return buf.Bytes()
	}
	return fr.Body
}

func utf8Valid(b []byte) bool {
	return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) && !bytes.Contains(b, []byte{0})
}

// currentVersion reloads the page a form came from and returns the
// version its form now carries, so that a stale version is not what gets
// the request refused.
func (h *hostileEnv) currentVersion(c *caller, pf pageForm) string {
	r := c.Send(http.MethodGet, pf.Page, "", nil)
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		return pf.Values.Get("version")
	}
	v := pf.Values.Get("version")
	d.Find("form").EachWithBreak(func(_ int, f *goquery.Selection) bool {
		if f.AttrOr("action", "") != pf.Action {
			return true
		}
		if a := pf.Values.Get("action"); a != "" && f.Find(`input[name=action]`).AttrOr("value", "") != a {
			return true
		}
		if x, ok := f.Find(`input[name=version]`).Attr("value"); ok {
			v = x
			return false
		}
		return true
	})
	return v
}

// jsonRoute is a JSON write route with a valid body and the headers it
// needs (If-Match, the access key), built fresh for each request.
type jsonRoute struct {
	Method, Path string
	Body         func(n int) map[string]any
	Header       func() []string
	Except       []string
}

func etag(id string, version int64) []string {
	return []string{"If-Match", fmt.Sprintf(`"%s-v%d"`, id, version)}
}

// jsonRoutes gives each JSON write API a valid request. The test fails if
// the server declares a JSON write route that is not here.
func (h *hostileEnv) jsonRoutes() map[string]jsonRoute {
	ctx := context.Background()
	proj, opp, enq := h.ids["project"], h.ids["opp"], h.ids["enquiryAPI"]
	obst := func() obstacle.Obstacle {
		o, err := h.Obstacles.Get(ctx, h.ids["obstacleAPI"])
		if err != nil {
			h.T.Fatal(err)
		}
		return o
	}
	tracked := func() obstacle.Obstacle {
		o, err := h.Obstacles.GetByTracking(ctx, h.ids["trackAPI"], seed.ObstacleAccessKey(h.ids["trackAPI"]))
		if err != nil {
			h.T.Fatal(err)
		}
		return o
	}
	projectETag := func() []string {
		p, err := h.Projects.Get(ctx, proj)
		if err != nil {
			h.T.Fatal(err)
		}
		return etag(proj, p.Version)
	}
	oppETag := func() []string {
		o, err := h.opps.Get(ctx, opp)
		if err != nil {
			h.T.Fatal(err)
		}
		return etag(opp, o.Version)
	}
	return map[string]jsonRoute{
		"POST /api/v1/projects": {Body: func(n int) map[string]any {
			return map[string]any{"code": fmt.Sprintf("DA-%d", 9000+n), "kind": "domestic", "name": map[string]any{"vi": "Khu công nghiệp thử", "en": "Test park"},
				"investor": map[string]any{"name": "Công ty B", "country": "VN"}, "sector": "industry", "location": "ninh_hoa", "unit": "hoa_thang", "zone": "industrial_park",
				"registeredCapital": map[string]any{"amount": 900_000_000_000, "currency": "VND"}, "jobs": 500, "landAreaCentiHa": 1250,
				"stage": "approved", "stageDate": "2026-01-15", "expectedCompletion": "2028-12-31"}
		}},
		"PATCH /api/v1/projects/:code": {Header: projectETag, Body: func(n int) map[string]any {
			return map[string]any{"name": map[string]any{"en": fmt.Sprintf("Patched name %d", n)}, "jobs": 77, "reason": "Điều chỉnh theo hồ sơ",
				"registeredCapital": map[string]any{"amount": 1_000_000_000 + n, "currency": "VND"}, "expectedCompletion": "2028-12-31",
				"investor": map[string]any{"country": "KR"}, "landAreaCentiHa": 1300}
		}},
		"POST /api/v1/projects/:code/disbursements": {Header: projectETag, Body: func(n int) map[string]any {
			return map[string]any{"amount": 5000 + n, "date": "2026-01-02", "reason": "Giải ngân đợt 1"}
		}},
		"POST /api/v1/opportunities": {Body: func(n int) map[string]any {
			return map[string]any{"code": fmt.Sprintf("OPP-VP-%d", 700+n), "title": map[string]any{"vi": "Cơ hội thử", "en": "Test opportunity"},
				"summary": map[string]any{"vi": "Tóm tắt.", "en": "Summary."}, "description": map[string]any{"vi": "Mô tả.", "en": "Description."},
				"sector": "energy", "location": "ninh_hoa", "zone": "van_phong_ez", "status": "open", "investmentForms": []any{"fdi_100"},
				"indicativeCapital": map[string]any{"amount": 48_000_000, "currency": "USD"}, "landAreaCentiHa": 3000,
				"contact":         map[string]any{"agency": "vpez", "name": "Phòng Đầu tư", "email": "dautu@example.com", "phone": "+84 258 0000 301"},
				"landLegalStatus": "mixed", "siteClearanceStatus": "in_progress", "planningBasis": []any{"power_plan_8"}, "authoritativeLang": "vi",
				"publishedAt": "2026-01-15T00:00:00Z"}
		}},
		"PATCH /api/v1/opportunities/:code": {Header: oppETag, Body: func(n int) map[string]any {
			return map[string]any{"title": map[string]any{"vi": "Tiêu đề đã sửa", "en": fmt.Sprintf("Patched title %d", n)}, "reason": "Capital revised after the site survey",
				"projectCode": proj, "indicativeCapital": map[string]any{"amount": 1000 + n, "currency": "USD"}, "landAreaCentiHa": 100,
				"investmentForms": []any{"joint_venture"}}
		}},
		"POST /api/v1/opportunities/:code/enquiries": {Body: func(n int) map[string]any {
			return map[string]any{"name": "Kim Min-jun", "organisation": "Hanbit Energy", "country": "KR", "email": "minjun.kim@example.com",
				"message": "We would like the site survey of this wind farm.", "lang": "en", "idempotencyKey": fmt.Sprintf("hostile-%d", n)}
		}},
		"POST /api/v1/enquiries/:id/answer": {Body: func(int) map[string]any { return map[string]any{"note": "Đã trả lời qua thư"} }, Header: func() []string {
			e, err := h.opps.GetEnquiry(ctx, enq)
			if err != nil {
				h.T.Fatal(err)
			}
			return etag(enq, e.Version)
		}},
		"POST /api/v1/obstacles": {Body: func(n int) map[string]any {
			f := sitetest.FilingForm(h.T, "vi", fmt.Sprintf("Công ty API Thử %d", n))
			return map[string]any{"businessName": f["business_name"], "taxCode": f["tax_code"], "contactPerson": f["contact_person"], "email": f["email"],
				"phone": f["phone"], "lang": "vi", "projectCode": proj, "category": f["category"], "title": f["title"], "description": f["description"]}
		}, Header: func() []string {
			return []string{"Idempotency-Key", fmt.Sprintf("hostile-api-%d-%d", time.Now().UnixNano(), 1)}
		}},
		"POST /api/v1/obstacles/track/:code/actions": {Body: func(int) map[string]any {
			return map[string]any{"action": "answer", "version": tracked().Version, "note": "Đã bổ sung hồ sơ.", "rating": 5}
		}, Header: func() []string { return []string{"X-Access-Key", seed.ObstacleAccessKey(h.ids["trackAPI"])} }},
		// A dry run: the valid request writes nothing, so the structure stays.
		"POST /api/v1/admin/restructure": {Body: func(int) map[string]any {
			return map[string]any{"former": []any{"finance"}, "successors": []any{map[string]any{"id": "industry_trade"}}, "effective": "2026-01-01",
				"legalBasis": "Quyết định 1/QĐ-UBND", "apply": false}
		}},
		"POST /api/v1/obstacles/:id/transitions": {Body: func(int) map[string]any {
			return map[string]any{"action": "note", "version": obst().Version, "note": "Ghi chú tiến độ", "leadAgency": "tax",
				"deadline": time.Now().AddDate(0, 1, 0).Format("2006-01-02"), "coordinatingAgencies": []any{"construction"}}
		}, Header: func() []string { o := obst(); return etag(o.TrackingCode, o.Version) }},
	}
}

// leaves lists the paths of the scalar values in v ("name.en", "forms.0").
func leaves(prefix string, v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for _, k := range web.SortedKeys(x) {
			out = append(out, leaves(join(prefix, k), x[k])...)
		}
	case []any:
		for i, e := range x {
			out = append(out, leaves(join(prefix, fmt.Sprint(i)), e)...)
		}
	default:
		out = append(out, prefix)
	}
	return out
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

const placeholder = "\x01hostile\x01"

// replaced returns the JSON text of body with the value at path replaced
// by the raw JSON text raw.
func replaced(body map[string]any, path, raw string) []byte {
	var set func(v any, parts []string) any
	set = func(v any, parts []string) any {
		if len(parts) == 0 {
			return placeholder
		}
		switch x := v.(type) {
		case map[string]any:
			x[parts[0]] = set(x[parts[0]], parts[1:])
		case []any:
			var i int
			fmt.Sscan(parts[0], &i)
			x[i] = set(x[i], parts[1:])
		}
		return v
	}
	set(body, strings.Split(path, "."))
	b, _ := json.Marshal(body)
	return bytes.Replace(b, []byte(`"\u0001hostile\u0001"`), []byte(raw), 1)
}

// jsonRequests builds the hostile requests for one JSON route.
func jsonRequests(body func(n int) map[string]any, n func() int, salt int) (out []formRequest) {
	const ct = "application/json"
	paths := leaves("", body(0))
	if len(paths) == 0 {
		paths = []string{"note"}
	}
	classes := hostileCorpus()
	if hostileFull {
		for _, p := range paths {
			for _, hv := range pick(classes, 0) {
				out = append(out, formRequest{p + "=" + hv.Class + "/" + hv.Name, ct, replaced(body(n()), p, hv.JSON)})
			}
		}
	} else {
		for i, hv := range pick(classes, salt) {
			p := paths[(i+salt)%len(paths)]
			out = append(out, formRequest{p + "=" + hv.Class + "/" + hv.Name, ct, replaced(body(n()), p, hv.JSON)})
		}
		// And every field once, with a value taken in turn from the corpus.
		var flat []hostileValue
		for _, c := range classes {
			flat = append(flat, c...)
		}
		for i, p := range paths {
			hv := flat[(i+salt)%len(flat)]
			out = append(out, formRequest{p + "=" + hv.Class + "/" + hv.Name, ct, replaced(body(n()), p, hv.JSON)})
		}
	}
	valid, _ := json.Marshal(body(n()))
	// Last, so that the bad ones meet the record as the setup left it.
	defer func() { out = append(out, formRequest{"valid request", ct, valid}) }()
	deep := func(open, close string) []byte {
		return []byte(strings.Repeat(open, 10_000) + "1" + strings.Repeat(close, 10_000))
	}
	first := paths[0]
	top, _, _ := strings.Cut(first, ".")
	dup := append(bytes.TrimSuffix(valid, []byte("}")), []byte(`,"`+top+`":`+jsonString(xssScript)+`}`)...)
	dupFirst := append([]byte(`{"`+top+`":`+jsonString(xssScript)+`,`), valid[1:]...)
	out = append(out, sample([]formRequest{
		{"10,000 nested objects", ct, deep(`{"a":`, `}`)},
		{"10,000 nested arrays in a field", ct, []byte(`{"` + top + `":` + string(deep("[", "]")) + `}`)},
		{"duplicate key, bad value last", ct, dup},
		{"duplicate key, bad value first", ct, dupFirst},
		{"operator key $set", ct, []byte(`{"$set":{"version":1},"` + top + `":{"$gt":""}}`)},
		{"empty body", ct, nil},
		{"JSON null", ct, []byte("null")},
		{"JSON array", ct, []byte("[" + string(valid) + "]")},
		{"trailing garbage", ct, append(append([]byte(nil), valid...), "}{"...)},
		{"two documents", ct, append(append([]byte(nil), valid...), valid...)},
		{"raw invalid UTF-8 body", ct, []byte("\xff\xfe{\x00}")},
		{"text/plain with JSON", "text/plain", valid},
		{"form content type with JSON", "application/x-www-form-urlencoded", valid},
		{"XML", "application/xml", []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`)},
		{"no content type", "", valid},
	}, salt, 6)...)
	return out
}

// writeJSON sends the hostile requests to every JSON write API.
func (run *hostileRun) writeJSON() {
	h := run.h
	specs := h.jsonRoutes()
	bombSent := false
	for i, rt := range h.Srv.Routes() {
		if rt.Method == http.MethodGet || !strings.HasPrefix(rt.Path, "/api/") {
			continue
		}
		key := rt.Method + " " + strings.TrimPrefix(rt.Path, "")
		spec, ok := specs[key]
		if !ok {
			h.T.Errorf("%s: no valid request known; add it to jsonRoutes", key)
			continue
		}
		c := h.caller(roleFor(rt))
		path := h.fill(rt.Path)
		reqs := jsonRequests(spec.Body, run.next, i)
		if strings.HasSuffix(key, "/api/v1/obstacles") {
			// Filing also takes multipart with attachments.
			f := sitetest.FilingForm(h.T, "vi", "Công ty Tệp Thử")
			v := url.Values{}
			for k, x := range f {
				v.Set(k, x)
			}
			for _, up := range hostileUploads {
				b, ct := multipartOf(v, "files", []sitetest.Upload{up})
				reqs = append(reqs, formRequest{fmt.Sprintf("file %q", up.Name), ct, b})
			}
		}
		if !bombSent || hostileFull {
			bombSent = true
			reqs = append(reqs, formRequest{"gzip body expanding to 64 MiB", "gzip:application/json", gzipBomb(64 << 20)})
		}
		routeStart, sent0 := time.Now(), run.sent
		accepted := false // a request of the batch was accepted
		group := hostileCollections(path)
		whole := h.snapshot()
		before := h.snapshot(group...)
		for _, fr := range reqs {
			var header []string
			if spec.Header != nil {
				header = spec.Header()
			}
			ct := fr.ContentType
			if strings.HasPrefix(ct, "gzip:") {
				ct = strings.TrimPrefix(ct, "gzip:")
				header = append(header, "Content-Encoding", "gzip")
			}
			r := c.Send(rt.Method, path, ct, fr.Body, header...)
			after := h.snapshot(group...)
			accepted = accepted || r.Status < 300
			if fr.Label == "valid request" && r.Status >= 300 && !accepted {
				h.T.Errorf("%s: the test's valid request was refused (%d %.300s): fix it in jsonRoutes so that the bad inputs reach the handler", key, r.Status, r.Body)
			}
			run.check(key, fr.Label, r, before, after, spec.Except...)
			if strings.HasPrefix(fr.ContentType, "gzip:") && r.Status < 400 {
				run.findings = append(run.findings, finding{key, fr.Label, r.Status, "compressed body over the limit accepted"})
			}
			before = after
		}
		run.outside(key, whole, group, spec.Except)
		run.logRoute(key, run.sent-sent0, time.Since(routeStart))
	}
}

// outside checks the collections not watched request by request: a
// route's batch must leave them as they were.
func (run *hostileRun) outside(route string, whole snapshot, group, except []string) {
	if ch := whole.changed(run.h.snapshot(), append(append([]string(nil), group...), except...)...); len(ch) > 0 {
		run.findings = append(run.findings, finding{route, "whole batch", 0, "wrote collections outside " + strings.Join(group, ",") + ": " + strings.Join(ch, ",")})
	}
}

// apiQueryParams reads the query parameters of each GET API route from
// the generated OpenAPI document.
func apiQueryParams(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("../../docs/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string } `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	brace := regexp.MustCompile(`\{([a-z_]+)\}`)
	for p, ops := range doc.Paths {
		for _, x := range ops["get"].Parameters {
			if x.In == "query" {
				route := "/api/v1" + brace.ReplaceAllString(p, ":$1")
				out[route] = append(out[route], x.Name)
			}
		}
	}
	return out
}

// pageQueryParams returns the names a page's GET forms and same-page links
// send, the parameters a visitor can reach from the page itself.
func pageQueryParams(body, path string) []string {
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	d.Find("form").Each(func(_ int, f *goquery.Selection) {
		if !strings.EqualFold(f.AttrOr("method", "get"), "get") {
			return
		}
		f.Find("[name]").Each(func(_ int, s *goquery.Selection) { seen[s.AttrOr("name", "")] = true })
	})
	d.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		u, err := url.Parse(a.AttrOr("href", ""))
		if err != nil || u.Path != path && u.Path != "" {
			return
		}
		for k := range u.Query() {
			seen[k] = true
		}
	})
	delete(seen, "")
	return web.SortedKeys(seen)
}

// queryValues are the bad values for a query parameter, already escaped
// for the URL as a client would send them (plus a few sent raw).
func queryValues(i int) []hostileValue {
	var out []hostileValue
	for _, hv := range pick(hostileCorpus(), i) {
		if hv.Class == "long" {
			hv.Form = strings.Repeat("x", 10_000) // what fits the request line
		}
		hv.Form = url.QueryEscape(hv.Form)
		out = append(out, hv)
	}
	return out
}

// getJob is one GET request of the query and re-render phases.
type getJob struct {
	role         account.Role
	route, input string
	target       string
}

// queries builds the bad requests for every query parameter of every GET
// route: each class of value once per route, spread over its parameters
// (every value in every parameter with HOSTILE_FULL), operator-shaped and
// repeated names, raw bytes and bad path parameters.
func (run *hostileRun) queries(lang string, apiParams map[string][]string) []getJob {
	h := run.h
	var jobs []getJob
	probe := map[account.Role]*caller{}
	for i, rt := range h.Srv.Routes() {
		if rt.Method != http.MethodGet || !(strings.HasPrefix(rt.Path, "/"+lang+"/") || strings.HasPrefix(rt.Path, "/api/") && lang == "en") {
			continue
		}
		role := roleFor(rt)
		path := h.fill(rt.Path)
		params := []string{"q", "page", "per_page", "sort", "lang"}
		if strings.HasPrefix(rt.Path, "/api/") {
			params = append(params, apiParams[rt.Path]...)
		} else {
			c := probe[role]
			if c == nil {
				c = h.caller(role)
				c.track(lang)
				probe[role] = c
			}
			params = append(params, pageQueryParams(c.Send(http.MethodGet, path, "", nil).Body, path)...)
		}
		sort.Strings(params)
		params = slicesCompact(params)
		key := rt.Method + " " + rt.Path
		add := func(input, target string) { jobs = append(jobs, getJob{role, key, input, target}) }
		for j, p := range params {
			if !hostileFull && j > 0 {
				break
			}
			for k, hv := range queryValues(i + j) {
				if !hostileFull {
					// One class per parameter in turn; q and page get them all.
					p = params[(k+i)%len(params)]
					if k%3 == 0 {
						p = []string{"q", "page", "per_page"}[(k/3+i)%3]
					}
				}
				add("?"+p+"="+hv.Class+"/"+hv.Name, path+"?"+url.QueryEscape(p)+"="+hv.Form)
			}
		}
		// The inputs that break parsing, always, where every list reads them.
		for _, in := range []string{"q=a%FF%FEb", "q=a%00b", "page=9223372036854775807", "page=99999999999999999999999", "per_page=9223372036854775807"} {
			add("?"+in, path+"?"+in)
		}
		p := params[i%len(params)]
		if i%2 == 0 {
			add("?"+p+"[$ne]=1", path+"?"+url.QueryEscape(p)+"[$ne]=1&"+url.QueryEscape(p)+"[$gt]=")
		} else {
			add("?"+p+" repeated", path+"?"+p+"=1&"+p+"=2&"+p+"=%ff")
		}
		// Raw bytes no browser sends unescaped.
		for _, raw := range sample([]string{"q=\xff\xfe", "q=a\x00b", "q=<script>alert(1)</script>", "%", "q=%zz", "page=99999999999999999999999&per_page=-1"}, i, 1) {
			add("raw ?"+strings.ToValidUTF8(strings.ReplaceAll(raw, "\x00", `\0`), `\x`), path+"?"+raw)
		}
		// Bad values in the path's own parameters.
		if strings.Contains(rt.Path, ":") {
			for _, bad := range sample([]string{"..%2F..%2Fetc%2Fpasswd", "..%5C..%5Cboot.ini", "%00", "%ff%fe", url.PathEscape(xssScript), url.PathEscape(`{"$gt":""}`),
				"99999999999999999999999", strings.Repeat("A", 2000)}, i, 3) {
				add("path "+bad[:min(len(bad), 40)], regexp.MustCompile(`:[a-z_]+`).ReplaceAllString(rt.Path, bad))
			}
		}
	}
	return jobs
}

// runGets sends the jobs from a few workers (GETs change nothing, so they
// may overlap), each with its own signed-in callers.
func (run *hostileRun) runGets(jobs []getJob) {
	const workers = 4
	ch := make(chan getJob)
	var wg sync.WaitGroup
	for range workers {
		// Callers are made here: t.Fatal belongs to the test's goroutine.
		callers := map[account.Role]*caller{"": run.h.caller("")}
		callers[""].track("en")
		for _, r := range account.Roles {
			callers[r] = run.h.caller(r)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				c := callers[j.role]
				r, err := c.Get(j.target)
				if err != nil {
					run.mu.Lock()
					run.findings = append(run.findings, finding{j.route, j.input, 0, "no answer: " + err.Error()})
					run.mu.Unlock()
					continue
				}
				run.check(j.route, j.input, r, nil, nil)
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
}

func slicesCompact(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// rerender lists every page, as the role that may see it, and the detail
// pages of every stored record: a payload stored by an accepted request
// must come back escaped.
func (run *hostileRun) rerender(lang string) []getJob {
	h := run.h
	ctx := context.Background()
	ids := func(coll, field string) []string {
		cur, err := h.DB.Collection(coll).Find(ctx, bson.D{})
		if err != nil {
			h.T.Fatal(err)
		}
		defer cur.Close(ctx)
		var out []string
		for cur.Next(ctx) {
			if v, ok := cur.Current.Lookup(field).StringValueOK(); ok {
				out = append(out, v)
			} else if oid, ok := cur.Current.Lookup(field).ObjectIDOK(); ok {
				out = append(out, oid.Hex())
			}
		}
		return out
	}
	var jobs []getJob
	add := func(role account.Role, path string) {
		jobs = append(jobs, getJob{role, "GET " + path, "re-render as " + string(role), path})
	}
	for _, rt := range h.Srv.Routes() {
		if rt.Method == http.MethodGet && strings.HasPrefix(rt.Path, "/"+lang+"/") {
			add(roleFor(rt), h.fill(rt.Path))
		}
	}
	l := "/" + lang
	for _, code := range ids(project.Collection, "code") {
		add("", l+"/projects/"+url.PathEscape(code))
		add(account.RoleBoard, l+"/board/projects/"+url.PathEscape(code)+"/edit")
	}
	for _, code := range ids(opportunity.CollOpportunities, "code") {
		add("", l+"/opportunities/"+url.PathEscape(code))
		add(account.RoleBoard, l+"/board/opportunities/"+url.PathEscape(code)+"/edit")
	}
	for _, id := range ids(obstacle.CollObstacles, "_id") {
		add(account.RoleTaskForce, l+"/staff/obstacles/"+url.PathEscape(id))
	}
	for _, id := range ids(account.UsersCollection, "_id") {
		add(account.RoleAdmin, l+"/admin/users/"+url.PathEscape(id))
	}
	for _, id := range ids(obstacle.CollPolicyIssues, "_id") {
		add(account.RoleTaskForce, l+"/staff/policy-issues/"+url.PathEscape(id))
	}
	for _, q := range []string{"alert", "script", "img"} {
		add("", l+"/search?q="+q)
		add("", l+"/opportunities?q="+q)
	}
	return jobs
}

// storedFiles checks what the uploads left: no executable content and no
// directory in a stored name.
func (run *hostileRun) storedFiles() {
	h := run.h
	ctx := context.Background()
	cur, err := h.DB.Collection("obstacle_files.chunks").Find(ctx, bson.D{{Key: "n", Value: 0}})
	if err != nil {
		h.T.Fatal(err)
	}
	for cur.Next(ctx) {
		_, data := cur.Current.Lookup("data").Binary()
		if bytes.HasPrefix(data, []byte("MZ")) || bytes.HasPrefix(data, []byte("\x7fELF")) {
			run.findings = append(run.findings, finding{"uploads", "stored chunk", 0, "executable stored"})
		}
	}
	cur.Close(ctx)
	cur, err = h.DB.Collection("obstacles").Find(ctx, bson.D{})
	if err != nil {
		h.T.Fatal(err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var o obstacle.Obstacle
		if err := cur.Decode(&o); err != nil {
			h.T.Fatal(err)
		}
		for _, a := range o.Attachments {
			if strings.ContainsAny(a.Name, "/\\\x00") {
				run.findings = append(run.findings, finding{"uploads", a.Name, 0, "stored file name keeps a path"})
			}
		}
	}
}

// TestHostileInput sends the corpus and reports every broken rule as a
// table (route, input, status, problem).
func TestHostileInput(t *testing.T) {
	start := time.Now()
	h := newHostileEnv(t)
	run := &hostileRun{h: h, statuses: map[string]map[int]int{}}
	langs := []string{"en"}
	if hostileFull {
		langs = i18n.Languages
	}
	apiParams := apiQueryParams(t)
	for _, lang := range langs {
		run.writeForms(lang)
	}
	run.writeJSON()
	writes := run.sent
	var gets []getJob
	for _, lang := range langs {
		gets = append(gets, run.queries(lang, apiParams)...)
	}
	queryStart := time.Now()
	run.runGets(gets)
	t.Logf("%d query requests in %s", len(gets), time.Since(queryStart).Round(time.Millisecond))
	run.storedFiles()
	var pages []getJob
	for _, lang := range langs {
		pages = append(pages, run.rerender(lang)...)
	}
	run.runGets(pages)
	t.Logf("hostile requests sent: %d (%d writes, each with a snapshot of every collection), 5xx seen: %d, findings: %d, in %s",
		run.sent, writes, run.fiveXX, len(run.findings), time.Since(start).Round(time.Second))
	// One failure per route and problem, with the inputs that showed it.
	type group struct{ route, problem string }
	inputs := map[group][]string{}
	var order []group
	for _, f := range run.findings {
		g := group{f.Route, f.Problem}
		if inputs[g] == nil {
			order = append(order, g)
		}
		inputs[g] = append(inputs[g], fmt.Sprintf("%s → %d", f.Input, f.Status))
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].route != order[j].route {
			return order[i].route < order[j].route
		}
		return order[i].problem < order[j].problem
	})
	for _, g := range order {
		in := inputs[g]
		sort.Strings(in)
		more := ""
		if len(in) > 8 {
			more = fmt.Sprintf(" … and %d more", len(in)-8)
			in = in[:8]
		}
		t.Errorf("%s: %s: %s%s", g.route, g.problem, strings.Join(in, "; "), more)
	}
}
