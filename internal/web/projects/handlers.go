// Package projects is the web area of investment projects: the public
// list and detail pages, the dashboard and front page, and the read-only
// project API.
package projects

import (
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// Handlers serve the public project list and detail pages, the dashboard and the read-only project API.
type Handlers struct {
	*web.Server
	projects      *project.Store
	opportunities *opportunity.Store
}

// New returns the handlers of the area on the core server.
func New(core *web.Server, projects *project.Store, opportunities *opportunity.Store) *Handlers {
	return &Handlers{Server: core, projects: projects, opportunities: opportunities}
}
