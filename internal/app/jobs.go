package app

import (
	"context"

	"github.com/khanhhoa/investportal/internal/jobs"
	"github.com/khanhhoa/investportal/internal/notify"
)

// obstacleNotifier e-mails businesses about their obstacles, in the
// language each filed in, through the outbox (and SMTP when set).
func (a *App) obstacleNotifier() *notify.Notifier {
	return notify.New(a.Mail, a.I18n, a.Config.BaseURL)
}

// startJobs starts the periodic jobs: escalation of overdue obstacles,
// closing of stale resolved ones, the officers' daily digest and the
// clean-up of expired sessions and rate-limit counters. Every process runs
// them; each run is claimed in MongoDB, so one process does it per period.
func (a *App) startJobs(ctx context.Context) {
	a.jobs = jobs.New(a.DB.Database, jobs.Portal(jobs.Deps{
		Obstacles: a.Obstacles, Accounts: a.Accounts, Limiter: a.Limiter,
		Digest: &notify.Digest{Obstacles: a.Obstacles, Accounts: a.Accounts, Mail: a.Mail, I18n: a.I18n, BaseURL: a.Config.BaseURL},
	}), jobs.Options{Logger: a.Log})
	a.jobs.Start(ctx)
}

// stopJobs stops the periodic jobs and waits for a running one.
func (a *App) stopJobs() {
	if a.jobs != nil {
		a.jobs.Stop()
		a.jobs = nil
	}
}
