package web

import "github.com/gofiber/fiber/v2"

// registerExportPages registers the open-data page and export downloads.
func (s *Server) registerExportPages(g fiber.Router) {}

// registerExportAPI registers the open-data feed and export endpoints.
func (s *Server) registerExportAPI(api fiber.Router) {}
