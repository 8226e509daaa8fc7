package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
)

// guardDB answers 503 with Retry-After at once while the database is
// unreachable, instead of letting each request wait for the driver's
// timeout and end in a 500. A request in flight when the database goes
// down is cancelled and gets the same answer. Static files, the probes and
// Swagger UI need no database and are served as usual.
func (s *Server) guardDB(c *fiber.Ctx) error {
	if s.health == nil || !needsDB(c.Path()) {
		return c.Next()
	}
	if !s.health.Up() {
		return errUnavailable()
	}
	ctx, cancel := s.health.Context(c.UserContext())
	defer cancel()
	c.SetUserContext(ctx)
	err := c.Next()
	switch {
	case err == nil:
	case s.health.Observe(err) || !s.health.Up():
		return errUnavailable()
	case mongodb.IsTimeout(err):
		// The database answered too slowly for the request's deadline: it
		// is overloaded, which is no internal error; the client may retry.
		return &apperr.Error{Code: codeUnavailable, MessageID: "request.overloaded", Err: err}
	}
	return err
}

func errUnavailable() error {
	return &apperr.Error{Code: codeUnavailable, MessageID: "request.db_unavailable"}
}

// needsDB reports whether a path may touch the database.
func needsDB(path string) bool {
	switch {
	case path == "/healthz", path == "/readyz",
		strings.HasPrefix(path, "/static/"), strings.HasPrefix(path, "/swagger"):
		return false
	}
	return true
}
