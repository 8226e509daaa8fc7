package web

import "github.com/gofiber/fiber/v2"

// registerObstaclePages registers filing, public tracking and the task
// force's and agencies' obstacle pages.
func (s *Server) registerObstaclePages(g fiber.Router) {}

// registerObstacleAPI registers the obstacle API.
func (s *Server) registerObstacleAPI(api fiber.Router) {}
