// Package opendata is the web area of open data: the open-data page, the
// OC4IDS feed and the CSV/XLSX exports.
package opendata

import (
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// Handlers serve the open-data page and feed and the CSV/XLSX exports.
type Handlers struct {
	*web.Server
	projects      *project.Store
	opportunities *opportunity.Store
	obstacles     *obstacle.Store
	// exports bounds the exports built at once (see web.Gate).
	exports *web.Gate
	// prefix heads every project id of the feed (OC4IDS_PREFIX).
	prefix string
}

// New returns the handlers of the area on the core server.
func New(core *web.Server, projects *project.Store, opportunities *opportunity.Store, obstacles *obstacle.Store) *Handlers {
	return &Handlers{Server: core, projects: projects, opportunities: opportunities, obstacles: obstacles, exports: web.NewGate(exportSlots, exportWait), prefix: config.DefaultOC4IDSPrefix}
}

// SetOC4IDSPrefix sets the project identifier prefix of the feed; empty
// keeps the placeholder config.DefaultOC4IDSPrefix.
func (s *Handlers) SetOC4IDSPrefix(p string) {
	if p != "" {
		s.prefix = p
	}
}
