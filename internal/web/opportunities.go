package web

import "github.com/gofiber/fiber/v2"

// registerOpportunityPages registers the opportunity catalogue, its detail
// pages, enquiries, the board's opportunity editing and site-wide search.
func (s *Server) registerOpportunityPages(g fiber.Router) {}

// registerOpportunityAPI registers the opportunity, enquiry and search API.
func (s *Server) registerOpportunityAPI(api fiber.Router) {}
