// Package obstacles is the web area of the obstacle module: filing and
// tracking by businesses, the task force's and agencies' pages, policy
// issues, statistics, the working-day calendar and the obstacle API.
package obstacles

import (
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/internal/web"
)

// Handlers serve obstacle filing and tracking, the task force's pages, obstacle statistics, the working-day calendar and the obstacle API.
type Handlers struct {
	*web.Server
	obstacles *obstacle.Store
	stats     *obstaclestats.Cache
	accounts  *account.Store
	mail      *mail.Mailer
	agencies  agencyCache // for the public figures (stats.go)
}

// New returns the handlers of the area on the core server.
func New(core *web.Server, obstacles *obstacle.Store, stats *obstaclestats.Cache, accounts *account.Store, mailer *mail.Mailer) *Handlers {
	return &Handlers{Server: core, obstacles: obstacles, stats: stats, accounts: accounts, mail: mailer}
}
