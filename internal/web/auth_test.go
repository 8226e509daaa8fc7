package web_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	for _, lang := range []string{"en", "vi"} {
		c := e.Anonymous()
		token := c.CSRF()
		r := c.Send(http.MethodPost, "/"+lang+"/login", url.Values{"_csrf": {token}, "email": {"board@demo.local"}, "password": {sitetest.DemoPassword}, "next": {"/projects"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/"+lang+"/projects" {
			t.Fatalf("%s login: %d %q", lang, r.Status, r.Header.Get("Location"))
		}
		sc := r.Header.Values("Set-Cookie")
		joined := strings.Join(sc, "\n")
		if !strings.Contains(joined, "sid=") || !strings.Contains(strings.ToLower(joined), "httponly") || !strings.Contains(strings.ToLower(joined), "samesite=lax") {
			t.Errorf("session cookie flags: %s", joined)
		}
		d := c.Get("/" + lang + "/projects").Doc(t)
		if d.Find("[data-testid=logout]").Length() != 1 || d.Find("[data-testid=flash]").Length() != 1 {
			t.Errorf("%s: not shown as signed in", lang)
		}
		token = sitetest.CSRFInput.FindStringSubmatch(c.Get("/" + lang + "/").Body)[1]
		r = c.Send(http.MethodPost, "/"+lang+"/logout", url.Values{"_csrf": {token}})
		if r.Status != http.StatusSeeOther || c.Cookies["sid"] != "" {
			t.Errorf("%s logout: %d, cookie %q", lang, r.Status, c.Cookies["sid"])
		}
	}
}

func TestLoginFailureIsTheSameForUnknownEmailAndWrongPassword(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	var bodies []string
	for _, email := range []string{"board@demo.local", "nobody@demo.local"} {
		c := e.Anonymous()
		r := c.Send(http.MethodPost, "/vi/login", url.Values{"_csrf": {c.CSRF()}, "email": {email}, "password": {"wrong-password"}})
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("%s: status %d", email, r.Status)
		}
		d := r.Doc(t)
		bodies = append(bodies, sitetest.Text(d, "[data-testid=login-error]"))
		if d.Find(`input[name=email]`).AttrOr("value", "") != email {
			t.Error("the form lost the e-mail typed")
		}
	}
	if bodies[0] != bodies[1] || bodies[0] == "" || !strings.Contains(bodies[0], "không") && !strings.Contains(bodies[0], "Không") {
		t.Errorf("messages differ or are not Vietnamese: %q / %q", bodies[0], bodies[1])
	}
}

func TestForgedCSRFTokenIsRefused(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	// Every state-changing page route, signed in as a role allowed to use it.
	for _, rt := range e.Srv.Routes() {
		if rt.Method == http.MethodGet || strings.HasPrefix(rt.Path, "/api/") {
			continue
		}
		role := account.RoleAdmin
		if len(rt.Access.Roles) > 0 {
			role = rt.Access.Roles[0]
		}
		c := e.As(role)
		if rt.Access.Public {
			c = e.Anonymous()
			c.CSRF() // obtain the cookie; send a different token
		}
		path := fillParams(rt.Path)
		for name, token := range map[string]string{"missing": "", "forged": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
			r := c.Send(rt.Method, path, url.Values{"_csrf": {token}})
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, map[bool]string{true: "Biểu mẫu đã hết hạn", false: "The form has expired"}[strings.HasPrefix(path, "/vi")]) {
				t.Errorf("%s %s with %s token: %d", rt.Method, path, name, r.Status)
			}
		}
	}
}

// fillParams puts plausible values into a route's parameters.
func fillParams(path string) string {
	return regexp.MustCompile(`:[a-z_]+`).ReplaceAllStringFunc(path, func(p string) string {
		if p == ":code" {
			return "DA-0001"
		}
		return "0123456789abcdef01234567"
	})
}

// TestRouteRoleMatrix walks every declared route as every role and as a
// visitor: an allowed caller is never refused, anyone else is (401 or a
// sign-in redirect for visitors, 403 for the wrong role).
func TestRouteRoleMatrix(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	// One signed-in client and one token per caller: the matrix is about
	// access, and a fresh session per request only slows it down.
	callers := map[string]*sitetest.Client{"anonymous": e.Anonymous()}
	for _, r := range account.Roles {
		callers[string(r)] = e.As(r)
	}
	tokens := map[string]string{}
	for name, c := range callers {
		tokens[name] = c.CSRF()
	}
	checked := 0
	for _, rt := range e.Srv.Routes() {
		path := fillParams(rt.Path)
		for name, c := range callers {
			var res sitetest.Response
			if rt.Method == http.MethodGet {
				res = c.Get(path)
			} else {
				token := tokens[name]
				res = c.Send(rt.Method, path, url.Values{"_csrf": {token}}, "X-CSRF-Token", token)
			}
			if name != "anonymous" && c.Cookies["sid"] == "" {
				// The route signed the caller out (logout): sign in again.
				callers[name] = e.As(account.Role(name))
				tokens[name] = callers[name].CSRF()
			}
			allowed := rt.Access.Public || name != "anonymous" && (len(rt.Access.Roles) == 0 || hasRole(rt.Access.Roles, account.Role(name)))
			switch {
			case res.Status >= 500:
				t.Errorf("%s %s as %s: %d", rt.Method, path, name, res.Status)
			case rt.Access.Public:
				// The access check lets everyone through; a 401 here is the
				// handler's own answer (a failed sign-in).
			case allowed && (res.Status == 401 || res.Status == 403):
				t.Errorf("%s %s as %s: refused with %d", rt.Method, path, name, res.Status)
			case allowed && res.Status == 302 && strings.Contains(res.Header.Get("Location"), "/login"):
				t.Errorf("%s %s as %s: sent to sign in", rt.Method, path, name)
			case !allowed && name == "anonymous" && strings.HasPrefix(path, "/api/") && res.Status != 401:
				t.Errorf("%s %s as visitor: %d, want 401", rt.Method, path, res.Status)
			case !allowed && name == "anonymous" && !strings.HasPrefix(path, "/api/") && !(res.Status == 302 && strings.Contains(res.Header.Get("Location"), "/login?next=")):
				t.Errorf("%s %s as visitor: %d %q, want a sign-in redirect", rt.Method, path, res.Status, res.Header.Get("Location"))
			case !allowed && name != "anonymous" && res.Status != 403:
				t.Errorf("%s %s as %s: %d, want 403", rt.Method, path, name, res.Status)
			}
			checked++
		}
	}
	t.Logf("checked %d route × caller pairs", checked)
}

func hasRole(roles []account.Role, r account.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// TestEveryRouteIsDeclared fails when a handler is registered without an
// access declaration (that is, not through Server.handle).
func TestEveryRouteIsDeclared(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	declared := map[string]bool{}
	for _, rt := range e.Srv.Routes() {
		declared[rt.Method+" "+rt.Path] = true
	}
	infrastructure := regexp.MustCompile(`^(/|/healthz|/readyz|/swagger.*|/static.*|/metrics)$`)
	for _, r := range e.Srv.App().GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == "USE" || infrastructure.MatchString(r.Path) {
			continue
		}
		if !declared[r.Method+" "+r.Path] {
			t.Errorf("%s %s has no access declaration: register it with Server.handle", r.Method, r.Path)
		}
	}
}

// loginPost builds a sign-in form post carrying the anti-forgery cookie
// and token of c.
func loginPost(c *sitetest.Client, lang, email, password string) *http.Request {
	token := c.CSRF()
	form := url.Values{"_csrf": {token}, "email": {email}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, "/"+lang+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	return req
}

// TestParallelWrongLogins sends bursts of wrong passwords for one account
// at once (issue 9, item 4: 20 parallel tries gave 16 × 500, 4 counted
// failures, and then the right password got in). Every answer must be a
// refusal (401, or 429 once the throttle applies), never a 5xx, and the
// right password from the same address must then be refused with the
// throttle's message.
func TestParallelWrongLogins(t *testing.T) {
	for _, n := range []int{20, 32} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			e := sitetest.New(t)
			c := e.Anonymous()
			reqs := make([]*http.Request, n)
			for i := range reqs {
				reqs[i] = loginPost(c, "en", "board@demo.local", fmt.Sprintf("wrong-password-%d", i))
			}
			statuses := make([]int, n)
			var wg sync.WaitGroup
			for i := range reqs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := e.Srv.App().Test(reqs[i], 60_000)
					if err != nil {
						t.Error(err)
						return
					}
					res.Body.Close()
					statuses[i] = res.StatusCode
				}()
			}
			wg.Wait()
			seen := map[int]int{}
			for _, s := range statuses {
				seen[s]++
				if s != http.StatusUnauthorized && s != http.StatusTooManyRequests {
					t.Errorf("status %d in %v", s, statuses)
				}
			}
			// Every failure is counted: the first four answer 401, the
			// fifth starts the wait, and at most one more per hashing
			// slot was already checking a password by then.
			var count struct{ Failures int }
			_ = e.DB.Collection(account.LoginAttemptsCollection).FindOne(context.Background(),
				map[string]any{"_id": "pair|0.0.0.0|board@demo.local"}).Decode(&count)
			t.Logf("%d parallel wrong passwords: statuses %v, %d failures counted", n, seen, count.Failures)
			if seen[http.StatusUnauthorized] != 4 || count.Failures < 5 || count.Failures > 5+runtime.NumCPU()-1 {
				t.Errorf("statuses %v, %d failures counted", seen, count.Failures)
			}
			r := c.Send(http.MethodPost, "/en/login", url.Values{"_csrf": {c.CSRF()}, "email": {"board@demo.local"}, "password": {sitetest.DemoPassword}})
			msg := sitetest.Text(r.Doc(t), "[data-testid=login-error]")
			if r.Status != http.StatusTooManyRequests || !strings.HasPrefix(msg, "Too many failed sign-in attempts") || r.Header.Get("Retry-After") == "" {
				t.Fatalf("right password after %d failures: %d %q Retry-After %q", n, r.Status, msg, r.Header.Get("Retry-After"))
			}
		})
	}
}

// addrClient signs in over real TCP from one loopback source address.
type addrClient struct {
	T       *testing.T
	base    string
	http    *http.Client
	Cookies map[string]string
}

func newAddrClient(t *testing.T, server, from string) *addrClient {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	hc := &http.Client{
		Transport:     &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       60 * time.Second,
	}
	return &addrClient{T: t, base: "http://" + server, http: hc, Cookies: map[string]string{}}
}

func (a *addrClient) Do(method, path string, form url.Values) sitetest.Response {
	a.T.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, a.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range a.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := a.http.Do(req)
	if err != nil {
		a.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, sc := range res.Cookies() {
		a.Cookies[sc.Name] = sc.Value
	}
	return sitetest.Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

func (a *addrClient) login(lang, email, password string) sitetest.Response {
	a.T.Helper()
	m := sitetest.CSRFInput.FindStringSubmatch(a.Do(http.MethodGet, "/"+lang+"/login", nil).Body)
	if m == nil {
		a.T.Fatal("no CSRF token on the sign-in page")
	}
	return a.Do(http.MethodPost, "/"+lang+"/login", url.Values{"_csrf": {m[1]}, "email": {email}, "password": {password}})
}

// TestStrangerCannotLockAdminOut is issue 9, item 5: wrong passwords from
// one address slow that address down, not the account. An attacker fails
// 20 times on the administrator; the administrator, from another address,
// signs in at once, while the attacker's address stays refused even with
// the right password.
func TestStrangerCannotLockAdminOut(t *testing.T) {
	e := sitetest.New(t)
	addr := sitetest.Serve(t, e.Srv)
	attacker := newAddrClient(t, addr, "127.0.0.2")
	statuses := map[int]int{}
	for i := range 20 {
		r := attacker.login("en", "root@portal.test", fmt.Sprintf("guess-%d", i))
		statuses[r.Status]++
		if r.Status >= 500 {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	if statuses[http.StatusUnauthorized] == 0 || statuses[http.StatusTooManyRequests] == 0 {
		t.Errorf("attacker's answers %v: want failures, then the throttle", statuses)
	}
	admin := newAddrClient(t, addr, "127.0.0.3")
	if r := admin.login("en", "root@portal.test", sitetest.DemoPassword); r.Status != http.StatusSeeOther || admin.Cookies["sid"] == "" {
		t.Fatalf("administrator from another address: %d %q", r.Status, sitetest.Text(r.Doc(t), "[data-testid=login-error]"))
	}
	if r := attacker.login("vi", "root@portal.test", sitetest.DemoPassword); r.Status != http.StatusTooManyRequests ||
		!strings.HasPrefix(sitetest.Text(r.Doc(t), "[data-testid=login-error]"), "Đăng nhập sai quá nhiều lần") {
		t.Fatalf("attacker's address with the right password: %d %q", r.Status, sitetest.Text(r.Doc(t), "[data-testid=login-error]"))
	}
}

// TestParallelSignInsFromManyAddresses is issue 9, item 4 from 32
// addresses at once, with argon2 costly enough to matter (16 MiB a hash;
// production uses 64): no 5xx, heap growth bounded by the hashing slots,
// and whoever finds every slot busy gets a quick, localized 429 with
// Retry-After.
func TestParallelSignInsFromManyAddresses(t *testing.T) {
	if testing.Short() {
		t.Skip("memory")
	}
	e := sitetest.New(t)
	const mib, slots, callers = 16, 2, 32
	e.Deps.Accounts = account.NewStore(e.DB, account.Options{
		Hash:            account.HashParams{Time: 1, MemoryKiB: mib * 1024, Threads: 1},
		HashConcurrency: slots, // and the default 1 s wait
	})
	srv, err := site.New(e.Deps)
	if err != nil {
		t.Fatal(err)
	}
	e.Srv = srv
	addr := sitetest.Serve(t, e.Srv)
	type call struct {
		c     *addrClient
		token string
		res   sitetest.Response
		took  time.Duration
	}
	calls := make([]*call, callers)
	for i := range calls {
		c := newAddrClient(t, addr, fmt.Sprintf("127.0.1.%d", i+1))
		m := sitetest.CSRFInput.FindStringSubmatch(c.Do(http.MethodGet, "/vi/login", nil).Body)
		calls[i] = &call{c: c, token: m[1]}
	}
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	stop, peak := make(chan struct{}), make(chan uint64)
	go func() {
		var m runtime.MemStats
		var top uint64
		for {
			select {
			case <-stop:
				peak <- top
				return
			case <-time.After(time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			top = max(top, m.HeapAlloc)
		}
	}()
	var wg sync.WaitGroup
	for i, cl := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := fmt.Sprintf("someone%d@demo.local", i)
			if i%4 == 0 {
				email = "board@demo.local"
			}
			st := time.Now()
			cl.res = cl.c.Do(http.MethodPost, "/vi/login", url.Values{"_csrf": {cl.token}, "email": {email}, "password": {"wrong-password"}})
			cl.took = time.Since(st)
		}()
	}
	wg.Wait()
	close(stop)
	growth := int64(<-peak) - int64(base.HeapAlloc)
	seen := map[int]int{}
	var slowestBusy time.Duration
	for _, cl := range calls {
		seen[cl.res.Status]++
		switch cl.res.Status {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			slowestBusy = max(slowestBusy, cl.took)
			msg := sitetest.Text(cl.res.Doc(t), "[data-testid=login-error]")
			if msg != "Hệ thống đang xử lý nhiều lượt đăng nhập. Quý vị vui lòng thử lại sau vài giây." || cl.res.Header.Get("Retry-After") != "1" {
				t.Errorf("busy answer %q, Retry-After %q", msg, cl.res.Header.Get("Retry-After"))
			}
		default:
			t.Errorf("status %d", cl.res.Status)
		}
	}
	t.Logf("%d parallel sign-ins from %d addresses, %d MiB a hash, %d slots: statuses %v, peak heap growth %d MiB (unbounded: %d MiB), slowest busy answer %v",
		callers, callers, mib, slots, seen, growth>>20, callers*mib, slowestBusy)
	// The heap is shared with the embedded database and holds finished
	// hashes until the next collection, so allow twice the hashes that may
	// run at once (plus as much again for the rest): still a third of what
	// 32 unbounded hashes take.
	if limit := int64(4*slots+4) * mib << 20; growth > limit {
		t.Errorf("peak heap growth %d MiB, want at most %d MiB", growth>>20, limit>>20)
	}
	if seen[http.StatusUnauthorized] < slots {
		t.Errorf("too few passwords checked: %v", seen)
	}
}

// TestWeakPasswordRefusedInBothLanguages is issue 9, item 13 on the admin
// pages: "password" and the e-mail's local part are refused on creation
// and on reset, with the field's message in the reader's language, and
// nothing is stored.
func TestWeakPasswordRefusedInBothLanguages(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	admin := e.As(account.RoleAdmin)
	msgs := map[string][2]string{
		"vi": {"Mật khẩu này thuộc nhóm mật khẩu phổ biến nhất, rất dễ bị đoán. Vui lòng chọn mật khẩu khác.",
			"Mật khẩu không được trùng với địa chỉ thư điện tử hoặc phần đứng trước dấu @."},
		"en": {"This password is one of the most common ones and easy to guess. Choose another.",
			"The password must not be the email address or its part before the @."},
	}
	for lang, msg := range msgs {
		for i, pw := range []string{"Password", "tran.thi.binh"} {
			v := sitetest.FormValues(t, admin.Get("/"+lang+"/admin/users/new").Doc(t), "[data-testid=user-form]")
			v.Set("email", "tran.thi.binh@khanhhoa.gov.vn")
			v.Set("name", "Trần Thị Bình")
			v.Set("role", "board")
			v.Set("password", pw)
			r := admin.Send(http.MethodPost, "/"+lang+"/admin/users", v)
			if got := sitetest.Text(r.Doc(t), "#err-password"); r.Status != http.StatusBadRequest || got != msg[i] {
				t.Errorf("%s create with %q: %d %q", lang, pw, r.Status, got)
			}
		}
	}
	if _, err := e.Accounts.GetByEmail(context.Background(), "tran.thi.binh@khanhhoa.gov.vn"); err == nil {
		t.Fatal("a refused user was stored")
	}
	board := e.Users[account.RoleBoard]
	for lang, msg := range msgs {
		token := admin.CSRF()
		r := admin.Send(http.MethodPost, "/"+lang+"/admin/users/"+board.ID+"/password", url.Values{"_csrf": {token}, "password": {"iloveyou"}})
		if got := sitetest.Text(r.Doc(t), "#err-password"); r.Status != http.StatusBadRequest || got != msg[0] {
			t.Errorf("%s reset: %d %q", lang, r.Status, got)
		}
	}
	if _, err := e.Accounts.Authenticate(context.Background(), "board@demo.local", sitetest.DemoPassword, time.Now()); err != nil {
		t.Fatalf("a refused reset changed the password: %v", err)
	}
}

// TestThrottleMessageAfterFiveFailures: the 5th wrong password from one
// address makes that address wait a minute (no longer a 15-minute lock of
// the account; see TestStrangerCannotLockAdminOut).
func TestThrottleMessageAfterFiveFailures(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	for lang, c := range map[string]struct{ email, msg string }{
		"vi": {"taskforce@demo.local", "Đăng nhập sai quá nhiều lần. Quý vị vui lòng thử lại sau 1 phút."},
		"en": {"agency@demo.local", "Too many failed sign-in attempts. Please try again in a minute."},
	} {
		cl := e.Anonymous()
		for i := range 5 {
			r := cl.Send(http.MethodPost, "/"+lang+"/login", url.Values{"_csrf": {cl.CSRF()}, "email": {c.email}, "password": {"wrong-password"}})
			if i < 4 && r.Status != http.StatusUnauthorized {
				t.Fatalf("%s failure %d: %d", lang, i+1, r.Status)
			}
		}
		// The right password no longer opens the account from here.
		r := cl.Send(http.MethodPost, "/"+lang+"/login", url.Values{"_csrf": {cl.CSRF()}, "email": {c.email}, "password": {sitetest.DemoPassword}})
		if r.Status != http.StatusTooManyRequests || sitetest.Text(r.Doc(t), "[data-testid=login-error]") != c.msg || r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: %d %q", lang, r.Status, sitetest.Text(r.Doc(t), "[data-testid=login-error]"))
		}
	}
}
