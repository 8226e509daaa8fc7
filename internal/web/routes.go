package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
)

// Access says who may use a route. Every page and API route declares one,
// so that a route without a declaration cannot be registered.
type Access struct {
	// Name describes the access for logs and tests.
	Name string
	// Roles that may use the route; empty with Public false means any
	// signed-in user.
	Roles []account.Role
	// Public routes need no sign-in.
	Public bool
}

// Public is for routes anyone may use.
var Public = Access{Name: "public", Public: true}

// Route is a registered route and its access rule.
type Route struct {
	Method string
	Path   string
	Access Access
}

// Handle registers a handler on r behind the access check of a. A GET
// route answers HEAD too (RFC 9110 requires it), with the same status and
// headers and no body; the route list keeps only the GET.
func (s *Server) Handle(r fiber.Router, method, path string, a Access, h fiber.Handler) {
	full := r.(interface {
		Add(string, string, ...fiber.Handler) fiber.Router
	})
	prefix := ""
	if g, ok := r.(*fiber.Group); ok {
		prefix = g.Prefix
	}
	s.routes = append(s.routes, Route{Method: method, Path: prefix + path, Access: a})
	full.Add(method, path, s.authorize(a), h)
	if method == fiber.MethodGet {
		full.Add(fiber.MethodHead, path, s.authorize(a), h)
	}
}

// ProjectHistoryReaders may read a project's history: on its page (the
// projects area) and through the API (the board area).
var ProjectHistoryReaders = Roles(account.RoleBoard, account.RoleAdmin, account.RoleTaskForce, account.RoleAgency)
