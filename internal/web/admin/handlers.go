// Package admin is the web area of administrators: users, agencies, API
// tokens, settings and the mail outbox.
package admin

import (
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// Handlers serve the administrators' pages: users, agencies, settings and the mail outbox.
type Handlers struct {
	*web.Server
	accounts *account.Store
	projects *project.Store
	mail     *mail.Mailer
	// obstacles is set by SetObstacles, for the restructure of agencies.
	obstacles *obstacle.Store
}

// New returns the handlers of the area on the core server.
func New(core *web.Server, accounts *account.Store, projects *project.Store, mailer *mail.Mailer) *Handlers {
	return &Handlers{Server: core, accounts: accounts, projects: projects, mail: mailer}
}
