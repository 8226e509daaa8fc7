// Package projects is the web area of investment projects: the public
// list and detail pages, the dashboard and front page, and the read-only
// project API.
package projects

import (
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/provincemap"
	"github.com/khanhhoa/investportal/internal/web"
)

// Handlers serve the public project list and detail pages, the dashboard and the read-only project API.
type Handlers struct {
	*web.Server
	projects      *project.Store
	opportunities *opportunity.Store
	// listPages are list pages as rendered for anonymous visitors.
	listPages *web.PageCache
	// dashboards are the dashboard as rendered for anonymous visitors, one
	// per language and map measure.
	dashboards *web.PageCache
}

// Bounds of the list page cache: a page of 100 rows is about 60 kB.
const (
	listCacheEntries = 1024
	listCacheBytes   = 16 << 20
)

// New returns the handlers of the area on the core server.
func New(core *web.Server, projects *project.Store, opportunities *opportunity.Store) *Handlers {
	return &Handlers{Server: core, projects: projects, opportunities: opportunities,
		listPages:  web.NewPageCache(listCacheEntries, listCacheBytes, web.ProjectQueryKeys),
		dashboards: web.NewPageCache(8, 4<<20, []string{provincemap.Param})}
}
