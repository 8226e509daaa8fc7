// Package opportunities is the web area of the opportunity catalogue:
// listing and detail pages, enquiries, the board's opportunity editing,
// site-wide search and their API.
package opportunities

import (
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/media"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/search"
	"github.com/khanhhoa/investportal/internal/web"
)

// Handlers serve the opportunity catalogue, enquiries, the board's
// opportunity editing, site search and their API. They use the shared core
// (rendering, errors, sign-in, CSRF, route registration) through the
// embedded *web.Server.
type Handlers struct {
	*web.Server
	opportunities *opportunity.Store
	projects      *project.Store
	search        search.Engine
	notifier      *notify.Notifier
	mail          *mail.Mailer // Delivers() says whether e-mail leaves the portal
	searchPages   searchPages  // site-search pages as rendered (searchcache.go)
	media         *media.Store // pictures and brochures (board_media.go)
}

// New returns the handlers of the area on the core server.
func New(core *web.Server, opportunities *opportunity.Store, projects *project.Store, engine search.Engine, mailer *mail.Mailer) *Handlers {
	return &Handlers{Server: core, opportunities: opportunities, projects: projects, search: engine, mail: mailer,
		notifier: notify.New(mailer, core.I18n(), core.BaseURL())}
}
