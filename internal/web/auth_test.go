package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
)

// client is a caller with a cookie jar: anonymous, or signed in as a role.
type client struct {
	e       *env
	cookies map[string]string
}

func (e *env) anonymous() *client { return &client{e: e, cookies: map[string]string{}} }

// as signs in a demo user of the role by creating a session directly.
func (e *env) as(r account.Role) *client {
	e.t.Helper()
	sid, _, err := e.accounts.CreateSession(context.Background(), e.users[r].ID, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.anonymous()
	c.cookies["sid"] = sid
	return c
}

func (c *client) send(method, path string, form url.Values, header ...string) response {
	c.e.t.Helper()
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
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	r := c.e.do(req)
	for _, sc := range (&http.Response{Header: r.header}).Cookies() {
		if sc.MaxAge < 0 || sc.Value == "" {
			delete(c.cookies, sc.Name)
		} else {
			c.cookies[sc.Name] = sc.Value
		}
	}
	return r
}

func (c *client) get(path string) response { return c.send(http.MethodGet, path, nil) }

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf loads a page and returns the anti-forgery token of its forms.
func (c *client) csrf() string {
	c.e.t.Helper()
	r := c.get("/en/login")
	m := csrfInput.FindStringSubmatch(r.body)
	if m == nil {
		c.e.t.Fatal("no CSRF token on the page")
	}
	return m[1]
}

func TestLoginAndLogout(t *testing.T) {
	e := newEnv(t)
	for _, lang := range []string{"en", "vi"} {
		c := e.anonymous()
		token := c.csrf()
		r := c.send(http.MethodPost, "/"+lang+"/login", url.Values{"_csrf": {token}, "email": {"board@demo.local"}, "password": {demoPassword}, "next": {"/projects"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/"+lang+"/projects" {
			t.Fatalf("%s login: %d %q", lang, r.status, r.header.Get("Location"))
		}
		sc := r.header.Values("Set-Cookie")
		joined := strings.Join(sc, "\n")
		if !strings.Contains(joined, "sid=") || !strings.Contains(strings.ToLower(joined), "httponly") || !strings.Contains(strings.ToLower(joined), "samesite=lax") {
			t.Errorf("session cookie flags: %s", joined)
		}
		d := c.get("/" + lang + "/projects").doc(t)
		if d.Find("[data-testid=logout]").Length() != 1 || d.Find("[data-testid=flash]").Length() != 1 {
			t.Errorf("%s: not shown as signed in", lang)
		}
		token = csrfInput.FindStringSubmatch(c.get("/" + lang + "/").body)[1]
		r = c.send(http.MethodPost, "/"+lang+"/logout", url.Values{"_csrf": {token}})
		if r.status != http.StatusSeeOther || c.cookies["sid"] != "" {
			t.Errorf("%s logout: %d, cookie %q", lang, r.status, c.cookies["sid"])
		}
	}
}

func TestLoginFailureIsTheSameForUnknownEmailAndWrongPassword(t *testing.T) {
	e := newEnv(t)
	var bodies []string
	for _, email := range []string{"board@demo.local", "nobody@demo.local"} {
		c := e.anonymous()
		r := c.send(http.MethodPost, "/vi/login", url.Values{"_csrf": {c.csrf()}, "email": {email}, "password": {"wrong-password"}})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("%s: status %d", email, r.status)
		}
		d := r.doc(t)
		bodies = append(bodies, text(d, "[data-testid=login-error]"))
		if d.Find(`input[name=email]`).AttrOr("value", "") != email {
			t.Error("the form lost the e-mail typed")
		}
	}
	if bodies[0] != bodies[1] || bodies[0] == "" || !strings.Contains(bodies[0], "không") && !strings.Contains(bodies[0], "Không") {
		t.Errorf("messages differ or are not Vietnamese: %q / %q", bodies[0], bodies[1])
	}
}

func TestForgedCSRFTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	// Every state-changing page route, signed in as a role allowed to use it.
	for _, rt := range e.srv.Routes() {
		if rt.Method == http.MethodGet || strings.HasPrefix(rt.Path, "/api/") {
			continue
		}
		role := account.RoleAdmin
		if len(rt.Access.Roles) > 0 {
			role = rt.Access.Roles[0]
		}
		c := e.as(role)
		if rt.Access.Public {
			c = e.anonymous()
			c.csrf() // obtain the cookie; send a different token
		}
		path := fillParams(rt.Path)
		for name, token := range map[string]string{"missing": "", "forged": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
			r := c.send(rt.Method, path, url.Values{"_csrf": {token}})
			if r.status != http.StatusForbidden || !strings.Contains(r.body, map[bool]string{true: "Biểu mẫu đã hết hạn", false: "The form has expired"}[strings.HasPrefix(path, "/vi")]) {
				t.Errorf("%s %s with %s token: %d", rt.Method, path, name, r.status)
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
	e := newEnv(t)
	// One signed-in client and one token per caller: the matrix is about
	// access, and a fresh session per request only slows it down.
	callers := map[string]*client{"anonymous": e.anonymous()}
	for _, r := range account.Roles {
		callers[string(r)] = e.as(r)
	}
	tokens := map[string]string{}
	for name, c := range callers {
		tokens[name] = c.csrf()
	}
	checked := 0
	for _, rt := range e.srv.Routes() {
		path := fillParams(rt.Path)
		for name, c := range callers {
			var res response
			if rt.Method == http.MethodGet {
				res = c.get(path)
			} else {
				token := tokens[name]
				res = c.send(rt.Method, path, url.Values{"_csrf": {token}}, "X-CSRF-Token", token)
			}
			if name != "anonymous" && c.cookies["sid"] == "" {
				// The route signed the caller out (logout): sign in again.
				callers[name] = e.as(account.Role(name))
				tokens[name] = callers[name].csrf()
			}
			allowed := rt.Access.Public || name != "anonymous" && (len(rt.Access.Roles) == 0 || hasRole(rt.Access.Roles, account.Role(name)))
			switch {
			case res.status >= 500:
				t.Errorf("%s %s as %s: %d", rt.Method, path, name, res.status)
			case rt.Access.Public:
				// The access check lets everyone through; a 401 here is the
				// handler's own answer (a failed sign-in).
			case allowed && (res.status == 401 || res.status == 403):
				t.Errorf("%s %s as %s: refused with %d", rt.Method, path, name, res.status)
			case allowed && res.status == 302 && strings.Contains(res.header.Get("Location"), "/login"):
				t.Errorf("%s %s as %s: sent to sign in", rt.Method, path, name)
			case !allowed && name == "anonymous" && strings.HasPrefix(path, "/api/") && res.status != 401:
				t.Errorf("%s %s as visitor: %d, want 401", rt.Method, path, res.status)
			case !allowed && name == "anonymous" && !strings.HasPrefix(path, "/api/") && !(res.status == 302 && strings.Contains(res.header.Get("Location"), "/login?next=")):
				t.Errorf("%s %s as visitor: %d %q, want a sign-in redirect", rt.Method, path, res.status, res.header.Get("Location"))
			case !allowed && name != "anonymous" && res.status != 403:
				t.Errorf("%s %s as %s: %d, want 403", rt.Method, path, name, res.status)
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
	e := newEnv(t)
	declared := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		declared[rt.Method+" "+rt.Path] = true
	}
	infrastructure := regexp.MustCompile(`^(/|/healthz|/readyz|/swagger.*|/static.*|/metrics)$`)
	for _, r := range e.srv.App().GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == "USE" || infrastructure.MatchString(r.Path) {
			continue
		}
		if !declared[r.Method+" "+r.Path] {
			t.Errorf("%s %s has no access declaration: register it with Server.handle", r.Method, r.Path)
		}
	}
}
