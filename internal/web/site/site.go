// Package site assembles the portal's web layer: the shared core
// (internal/web) and one package per area, registered in a fixed order.
package site

import (
	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/admin"
	"github.com/khanhhoa/investportal/internal/web/board"
	inboxweb "github.com/khanhhoa/investportal/internal/web/inbox"
	"github.com/khanhhoa/investportal/internal/web/obstacles"
	"github.com/khanhhoa/investportal/internal/web/opendata"
	"github.com/khanhhoa/investportal/internal/web/opportunities"
	"github.com/khanhhoa/investportal/internal/web/projects"
)

// Deps are what the web layer needs from the rest of the program.
type Deps = web.Deps

// New builds the core server and registers every area's API and pages on
// it. The order is the route table's order: the API first, then each
// language's pages.
func New(d Deps) (*web.Server, error) {
	core, err := web.New(d)
	if err != nil {
		return nil, err
	}
	proj := projects.New(core, d.Projects, d.Opportunities)
	brd := board.New(core, d.Projects)
	adm := admin.New(core, d.Accounts, d.Projects, d.Mail)
	adm.SetObstacles(d.Obstacles)
	opp := opportunities.New(core, d.Opportunities, d.Projects, d.Search, d.Mail)
	obs := obstacles.New(core, d.Obstacles, d.ObstacleStats, d.Accounts, d.Mail)
	open := opendata.New(core, d.Projects, d.Opportunities, d.Obstacles)
	box := inboxweb.New(core)

	hm := &home{Server: core, projects: d.Projects, opportunities: d.Opportunities, media: d.Media}
	files := &mediaFiles{Server: core, media: d.Media}
	opp.SetMedia(d.Media)
	open.SetOC4IDSPrefix(d.OC4IDSPrefix)

	api := core.API()
	proj.RegisterAPI(api)
	brd.RegisterAPI(api)
	opp.RegisterAPI(api)
	obs.RegisterAPI(api)
	open.RegisterAPI(api)
	adm.RegisterAPI(api)

	for _, lang := range i18n.Languages {
		g := core.LangGroup(lang)
		core.Handle(g, fiber.MethodGet, "/", web.Public, hm.page)
		core.Handle(g, fiber.MethodGet, "/language", web.Public, core.SwitchLanguage)
		core.Handle(g, fiber.MethodGet, "/accessibility", web.Public, accessibility(core))
		proj.RegisterPages(g)
		core.RegisterAuthPages(g)
		brd.RegisterPages(g)
		adm.RegisterPages(g)
		opp.RegisterPages(g)
		adm.RegisterOutbox(g)
		obs.RegisterPages(g)
		open.RegisterPages(g)
		box.RegisterPages(g)
	}
	core.Handle(core.App(), fiber.MethodGet, "/media/:file", web.Public, files.serve)
	core.Finish()
	return core, nil
}
