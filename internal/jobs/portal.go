package jobs

import (
	"context"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/ratelimit"
)

// Deps are what the portal's jobs work on; a nil one drops its jobs.
type Deps struct {
	Obstacles *obstacle.Store
	Accounts  *account.Store
	Limiter   *ratelimit.Limiter
	Digest    *notify.Digest
	// CloseAfterDays is how many working days a resolved obstacle waits
	// for the business before it is closed; 0 means the reopen window.
	CloseAfterDays int
	// DigestHour is the hour (Asia/Ho_Chi_Minh) from which the daily
	// digest goes out; 0 means 7 o'clock.
	DigestHour int
}

// Names of the portal's jobs.
const (
	EscalateOverdue = "obstacle_escalate_overdue"
	CloseStale      = "obstacle_close_stale"
	DailyDigest     = "obstacle_daily_digest"
	AccountCleanup  = "account_cleanup"
	RateCleanup     = "ratelimit_cleanup"
)

// Portal returns the portal's periodic jobs: escalate overdue obstacles
// and close stale resolved ones every hour, send the officers' digest once
// a day, and delete expired sessions and rate-limit counters.
func Portal(d Deps) []Job {
	var out []Job
	if d.Obstacles != nil {
		closeAfter := d.CloseAfterDays
		if closeAfter <= 0 {
			closeAfter = d.Obstacles.Rules().ReopenWithinDays
		}
		out = append(out,
			Job{Name: EscalateOverdue, Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
				_, err := d.Obstacles.EscalateOverdue(ctx, now)
				return err
			}},
			Job{Name: CloseStale, Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
				_, err := d.Obstacles.CloseStale(ctx, now, closeAfter)
				return err
			}},
		)
	}
	if d.Digest != nil {
		hour := d.DigestHour
		if hour <= 0 || hour > 23 {
			hour = 7
		}
		out = append(out, Job{Name: DailyDigest, Daily: true, Hour: hour, Run: func(ctx context.Context, now time.Time) error {
			_, err := d.Digest.Send(ctx, now)
			return err
		}})
	}
	if d.Accounts != nil {
		out = append(out, Job{Name: AccountCleanup, Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
			_, err := d.Accounts.CleanupExpired(ctx, now)
			return err
		}})
	}
	if d.Limiter != nil {
		out = append(out, Job{Name: RateCleanup, Every: 15 * time.Minute, Run: func(ctx context.Context, now time.Time) error {
			_, err := d.Limiter.Cleanup(ctx, now)
			return err
		}})
	}
	return out
}
