package web

import "github.com/gofiber/fiber/v2"

// registerBoardPages registers the promotion board's pages: project
// editing, history and the progress watch.
func (s *Server) registerBoardPages(g fiber.Router) {}

// registerBoardAPI registers the board's write endpoints for projects.
func (s *Server) registerBoardAPI(api fiber.Router) {}
