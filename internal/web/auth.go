package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/ratelimit"
)

const (
	localPrincipal = "principal"
	sessionCookie  = "sid"
	csrfCookie     = "csrf"
	csrfField      = "_csrf"
	csrfHeader     = "X-CSRF-Token"
)

// Rate limits shared by every process (counters live in MongoDB). Sign-in
// has none here: account.Store throttles failed sign-ins per account and
// address itself, and a plain count per address would make everyone behind
// one office's address share one limit.
// PublicFormLimit bounds the public forms (enquiries, obstacle filing) per
// address.
var PublicFormLimit = ratelimit.Rule{Name: "public_form", Limit: 10, Window: 10 * time.Minute}

// Principal returns the signed-in user of the request, or nil.
func Principal(c *fiber.Ctx) *account.Principal {
	p, _ := c.Locals(localPrincipal).(*account.Principal)
	return p
}

// identify finds who is calling: a personal API token on the API, else
// the session cookie. A bad token is refused; a stale cookie is dropped,
// but only when the session is known to be gone: any other error (the
// database not answering) fails the request and keeps the cookie, so a
// database hiccup signs nobody out.
func (s *Server) identify(c *fiber.Ctx) error {
	// Static files and probes are the same for everyone: no session lookup.
	if s.accounts == nil || strings.HasPrefix(c.Path(), "/static/") || c.Path() == "/healthz" || c.Path() == "/readyz" {
		return c.Next()
	}
	ctx, cancel := DBContext(c)
	defer cancel()
	if auth := c.Get(fiber.HeaderAuthorization); auth != "" && isAPI(c) {
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return apperr.New(apperr.CodeUnauthorized, "account.token.invalid")
		}
		tok, user, err := s.accounts.AuthenticateToken(ctx, strings.TrimSpace(token), s.now())
		if err != nil {
			return err
		}
		c.Locals(localPrincipal, &account.Principal{User: user, Via: account.ViaToken, Token: &tok})
		return c.Next()
	}
	if sid := c.Cookies(sessionCookie); sid != "" {
		sess, user, err := s.accounts.Lookup(ctx, sid, s.now())
		switch {
		case err == nil:
			c.Locals(localPrincipal, &account.Principal{User: user, Via: account.ViaSession, Session: &sess})
		case errors.Is(err, apperr.ErrUnauthorized), errors.Is(err, apperr.ErrNotFound):
			s.ClearCookie(c, sessionCookie)
		default:
			return err
		}
	}
	return c.Next()
}

// authorize enforces a route's access rule on the server side.
func (s *Server) authorize(a Access) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if a.Public {
			return c.Next()
		}
		p := Principal(c)
		if p == nil {
			return apperr.Unauthorized()
		}
		if len(a.Roles) > 0 && !p.Is(a.Roles...) {
			return apperr.Forbidden()
		}
		return c.Next()
	}
}

// Roles is the access of routes for users with one of the roles.
func Roles(roles ...account.Role) Access {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return Access{Name: strings.Join(names, ","), Roles: roles}
}

// SignedIn is the access of routes for any signed-in user.
var SignedIn = Access{Name: "signed-in"}

// csrfToken returns the anti-forgery token for the request's forms: bound
// to the session when signed in, else to a random cookie (double submit).
func (s *Server) csrfToken(c *fiber.Ctx) string {
	if p := Principal(c); p != nil && p.Session != nil {
		m := hmac.New(sha256.New, []byte(p.Session.CSRFSecret))
		m.Write([]byte("csrf"))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}
	if v := c.Cookies(csrfCookie); len(v) == 43 {
		return v
	}
	v := RandomToken()
	c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: v, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: s.secureCookies})
	// Make the new cookie visible to this same request's later checks.
	c.Request().Header.SetCookie(csrfCookie, v)
	return v
}

// RandomToken returns 32 random bytes, base64url-encoded: session ids,
// CSRF tokens, idempotency keys.
func RandomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// checkCSRF refuses state-changing requests without the right token.
// Requests authenticated by an API token carry no cookie to abuse.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if p := Principal(c); p != nil && p.Via == account.ViaToken {
		return c.Next()
	}
	if isAPI(c) && c.Cookies(sessionCookie) == "" {
		// An anonymous API call (no cookie) cannot be forged cross-site
		// into anything the caller could not do directly.
		return c.Next()
	}
	got := c.Get(csrfHeader)
	if got == "" {
		got = c.FormValue(csrfField)
	}
	want := ""
	if p := Principal(c); p != nil && p.Session != nil {
		want = s.csrfToken(c)
	} else {
		want = c.Cookies(csrfCookie)
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return apperr.New(apperr.CodeForbidden, "error.csrf")
	}
	return c.Next()
}

// ClearCookie removes the cookie name from the browser.
func (s *Server) ClearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(1, 0), HTTPOnly: true, SameSite: "Lax", Secure: s.secureCookies})
}

// Limit counts one event under rule for the client's address.
func (s *Server) Limit(c *fiber.Ctx, rule ratelimit.Rule) error {
	if s.limiter == nil {
		return nil
	}
	ctx, cancel := DBContext(c)
	defer cancel()
	ok, _, err := s.limiter.Allow(ctx, rule, c.IP(), s.now())
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.CodeTooMany, "error.too_many")
	}
	return nil
}

// RefuseOverLimit answers 429 when the client's address has used up rule
// in this window, without counting this request.
func (s *Server) RefuseOverLimit(c *fiber.Ctx, rule ratelimit.Rule) error {
	if s.limiter == nil {
		return nil
	}
	ctx, cancel := DBContext(c)
	defer cancel()
	over, err := s.limiter.Exceeded(ctx, rule, c.IP(), s.now())
	if err != nil {
		return err
	}
	if over {
		return apperr.New(apperr.CodeTooMany, "error.too_many")
	}
	return nil
}

// RegisterAuthPages registers sign-in and sign-out on a language group.
func (s *Server) RegisterAuthPages(g fiber.Router) {
	s.Handle(g, fiber.MethodGet, "/login", Public, s.loginForm)
	s.Handle(g, fiber.MethodPost, "/login", Public, s.login)
	s.Handle(g, fiber.MethodPost, "/logout", SignedIn, s.logout)
}

type loginData struct {
	Email, Next string
	Error       string
}

func (s *Server) loginForm(c *fiber.Ctx) error {
	p := s.NewPage(c, "login.title")
	next := c.Query("next")
	if !safeLocalPath(next) {
		next = ""
	}
	p.Data = loginData{Next: next}
	return s.Render(c, "login", p)
}

func (s *Server) login(c *fiber.Ctx) error {
	f := ReadForm(c, "email").ReadRaw(c, "password", "next")
	email, password, next := f.V("email"), f.V("password"), f.V("next")
	if !safeLocalPath(next) {
		next = ""
	}
	fail := func(err error) error {
		e := apperr.As(err)
		if e.Code == apperr.CodeInternal {
			return err
		}
		// A throttled or busy answer says when to come back.
		if secs, ok := e.Data["RetryAfter"].(int); ok {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		}
		p := s.NewPage(c, "login.title")
		p.Data = loginData{Email: email, Next: next, Error: p.L.T(e.MessageID, DataPairs(e.Data)...)}
		p.AddError("email", "", e.MessageID, DataPairs(e.Data)...)
		c.Status(StatusOf[e.Code])
		return s.Render(c, "login", p)
	}
	ctx, cancel := DBContext(c)
	defer cancel()
	user, err := s.accounts.AuthenticateFrom(ctx, email, password, c.IP(), s.now())
	if err != nil {
		return fail(err)
	}
	// A new session id at every sign-in: an id planted before sign-in
	// (session fixation) is worth nothing.
	if old := c.Cookies(sessionCookie); old != "" {
		_ = s.accounts.DeleteSession(ctx, old)
	}
	sid, sess, err := s.accounts.CreateSession(ctx, user.ID, s.now())
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: sid, Path: "/", Expires: sess.ExpiresAt, HTTPOnly: true, SameSite: "Lax", Secure: s.secureCookies})
	if next == "" {
		next = "/"
	}
	s.Flash(c, "login.welcome")
	return c.Redirect("/"+Lang(c)+next, fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	if sid := c.Cookies(sessionCookie); sid != "" {
		ctx, cancel := DBContext(c)
		defer cancel()
		if err := s.accounts.DeleteSession(ctx, sid); err != nil {
			return err
		}
	}
	s.ClearCookie(c, sessionCookie)
	s.Flash(c, "login.signed_out")
	return c.Redirect("/"+Lang(c)+"/", fiber.StatusSeeOther)
}

// loginRedirect sends an anonymous reader of a staff page to sign in and
// back.
func loginRedirect(c *fiber.Ctx) error {
	lang := Lang(c)
	next := strings.TrimPrefix(c.OriginalURL(), "/"+lang)
	if c.Method() != fiber.MethodGet || !safeLocalPath(next) {
		next = "/"
	}
	return c.Redirect("/"+lang+"/login?next="+url.QueryEscape(next), fiber.StatusFound)
}
