package projects

import (
	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// RegisterAPI registers the read-only project API.
func (s *Handlers) RegisterAPI(api fiber.Router) {
	s.Handle(api, fiber.MethodGet, "/projects", web.Public, s.apiListProjects)
	s.Handle(api, fiber.MethodGet, "/projects/stats", web.Public, s.apiProjectStats)
	s.Handle(api, fiber.MethodGet, "/projects/:code", web.Public, s.apiGetProject)
}

// ProjectPage is one page of projects.
type ProjectPage struct {
	Items   []project.Project `json:"items"`
	Total   int64             `json:"total" example:"735"`
	Page    int               `json:"page" example:"1"`
	PerPage int               `json:"per_page" example:"20"`
}

// apiListProjects lists projects.
//
//	@Summary		List licensed investment projects
//	@Description	Filters combine with AND. Capital bounds are in billions of đồng (tỷ đồng); FDI capital is converted at the reference rate (25,000 VND/USD, 2024-12-31).
//	@Tags			projects
//	@Produce		json
//	@Param			kind		query		string	false	"domestic or fdi"	Enums(domestic, fdi)
//	@Param			sector		query		string	false	"sector code, such as tourism"
//	@Param			location	query		string	false	"former district (before 1 July 2025), such as nha_trang"
//	@Param			unit		query		string	false	"current commune, ward or special zone (since 1 July 2025), such as bac_cam_ranh"
//	@Param			province	query		string	false	"former province: khanh_hoa or ninh_thuan"
//	@Param			stage		query		string	false	"stage"	Enums(proposed, approved, licensed, site_clearance, construction, operating, suspended, terminated)
//	@Param			capital_min	query		int		false	"least registered capital, billions of VND"
//	@Param			capital_max	query		int		false	"most registered capital, billions of VND"
//	@Param			q			query		string	false	"text in code, name or investor"
//	@Param			sort		query		string	false	"order"	Enums(code, name, capital_desc, capital_asc, licensed_desc, licensed_asc)
//	@Param			page		query		int		false	"page, from 1"
//	@Param			per_page	query		int		false	"items per page, at most 100"
//	@Success		200			{object}	ProjectPage
//	@Failure		400			{object}	web.Problem	"a filter is invalid; errors name each field"
//	@Router			/projects [get]
func (s *Handlers) apiListProjects(c *fiber.Ctx) error {
	_, res, err := web.ListProjects(c, s.projects)
	if err != nil {
		return err
	}
	return c.JSON(ProjectPage(res))
}

// apiGetProject returns one project.
//
//	@Summary	Get a project by its code
//	@Tags		projects
//	@Produce	json
//	@Param		code	path		string	true	"project code, such as DA-0001"
//	@Success	200		{object}	project.Project
//	@Header		200		{string}	ETag	"the project's version; send it back in If-Match to update"
//	@Success	304		"not modified (If-None-Match matched)"
//	@Failure	404		{object}	web.Problem
//	@Router		/projects/{code} [get]
func (s *Handlers) apiGetProject(c *fiber.Ctx) error {
	code, err := web.ProjectCode(c)
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	p, err := s.projects.Get(ctx, code)
	if err != nil {
		return err
	}
	if web.NotModified(c, web.ETag(p.Code, p.Version), "no-cache") {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.JSON(p)
}

// apiProjectStats returns the pipeline figures.
//
//	@Summary		Pipeline figures
//	@Description	Counts and capital by kind, stage, sector, location and year licensed. Amounts are ISO 4217 minor units (VND: đồng; USD: cents); domestic and FDI figures are kept apart so no exchange rate is involved.
//	@Tags			projects
//	@Produce		json
//	@Success		200	{object}	project.Stats
//	@Router			/projects/stats [get]
func (s *Handlers) apiProjectStats(c *fiber.Ctx) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	st, err := s.projects.Stats(ctx)
	if err != nil {
		return err
	}
	return c.JSON(st)
}
