package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/i18n"
)

const (
	localLang      = "lang"
	localRequestID = "request_id"
	langCookie     = "lang"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9-]{8,64}$`)

// requestLog gives each request an id (kept from X-Request-ID when it is
// well-formed) and logs one line per request.
func (s *Server) requestLog(c *fiber.Ctx) error {
	id := c.Get("X-Request-ID")
	if !requestIDPattern.MatchString(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Locals(localRequestID, id)
	c.Set("X-Request-ID", id)
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.app.Config().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	s.log.Info("request", "method", c.Method(), "path", c.Path(), "status", c.Response().StatusCode(),
		"duration_ms", time.Since(start).Milliseconds(), "request_id", id, "ip", c.IP())
	return nil
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// recoverPanic turns a panic in a handler into an internal error.
func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = apperr.Internal(fmt.Errorf("panic: %v", r))
		}
	}()
	return c.Next()
}

// securityHeaders keeps pages from being framed, sniffed or loading
// anything from elsewhere: every asset is served by the portal itself.
// Behind https (BASE_URL) browsers are also told to use nothing else.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	if s.secureCookies {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains")
	}
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if strings.HasPrefix(c.Path(), "/swagger") {
		// Swagger UI's page starts itself with an inline script.
		c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
	} else {
		c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'")
	}
	return c.Next()
}

// setLang binds the language of a /vi or /en route group.
func setLang(lang string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localLang, lang)
		return c.Next()
	}
}

// apiLang picks the language of API messages from ?lang or Accept-Language.
func apiLang(c *fiber.Ctx) error {
	lang := c.Query("lang")
	if !i18n.Supported(lang) {
		lang = i18n.Choose(c.Get(fiber.HeaderAcceptLanguage))
	}
	c.Locals(localLang, lang)
	return c.Next()
}

// Lang returns the request's language: bound by the route, else taken
// from the path prefix, the cookie or Accept-Language.
func Lang(c *fiber.Ctx) string {
	if l, ok := c.Locals(localLang).(string); ok {
		return l
	}
	p := c.Path()
	for _, l := range i18n.Languages {
		if p == "/"+l || strings.HasPrefix(p, "/"+l+"/") {
			return l
		}
	}
	return preferredLang(c)
}

func preferredLang(c *fiber.Ctx) string {
	if l := c.Cookies(langCookie); i18n.Supported(l) {
		return l
	}
	return i18n.Choose(c.Get(fiber.HeaderAcceptLanguage))
}

// chooseLanguage sends "/" to /vi/ or /en/: the cookie first, then
// Accept-Language.
func (s *Server) chooseLanguage(c *fiber.Ctx) error {
	c.Set("Vary", "Cookie, Accept-Language")
	return c.Redirect("/"+preferredLang(c)+"/", fiber.StatusFound)
}

// SwitchLanguage remembers the chosen language and returns to the same
// page in it; `to` is the path without its language prefix.
func (s *Server) SwitchLanguage(c *fiber.Ctx) error {
	lang := Lang(c)
	c.Cookie(&fiber.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HTTPOnly: true, SameSite: "Lax", Secure: s.secureCookies})
	to := c.Query("to")
	if !safeLocalPath(to) {
		to = "/"
	}
	return c.Redirect("/"+lang+to, fiber.StatusSeeOther)
}

// safeLocalPath accepts only a path on this site, so the language switch
// cannot be used to send people elsewhere.
func safeLocalPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") || len(p) > 2000 {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Host == "" && u.Scheme == ""
}
