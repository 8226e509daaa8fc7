package web

import "github.com/gofiber/fiber/v2"

// registerAdminPages registers the administrators' pages: users, agencies,
// API tokens and settings.
func (s *Server) registerAdminPages(g fiber.Router) {}
