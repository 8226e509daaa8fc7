// Package board is the web area of investment promotion staff: project editing
// pages, the progress watch and the project write API.
package board

import (
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// Handlers serve investment promotion staff's project editing pages, the progress watch and the project write API.
type Handlers struct {
	*web.Server
	projects *project.Store
}

// New returns the handlers of the area on the core server.
func New(core *web.Server, projects *project.Store) *Handlers {
	return &Handlers{Server: core, projects: projects}
}
