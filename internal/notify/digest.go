package notify

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

// Digest writes the officers' daily e-mail of obstacles due soon and
// overdue: a task-force officer hears of all of them, an agency officer of
// those the agency leads or coordinates. Officers with nothing due get no
// e-mail.
type Digest struct {
	Obstacles *obstacle.Store
	Accounts  *account.Store
	Mail      *mail.Mailer
	I18n      *i18n.Bundle
	// BaseURL is the portal's public address, for the links.
	BaseURL string
}

// DigestItem is one obstacle in a digest.
type DigestItem struct {
	Obstacle obstacle.Obstacle
	Overdue  bool
	// Days is the working days left (today included), or overdue when
	// negative.
	Days int
}

// Due returns the open obstacles whose clock runs and that are overdue or
// due soon at now, overdue first, then by deadline.
func (d *Digest) Due(ctx context.Context, now time.Time) ([]DigestItem, error) {
	cal, err := d.Obstacles.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	var out []DigestItem
	f := obstacle.Filter{Status: []obstacle.Status{obstacle.Assigned, obstacle.InProgress}, PerPage: obstacle.MaxPerPage}
	for page := 1; ; page++ {
		f.Page = page
		p, err := d.Obstacles.List(ctx, f, obstacle.SystemActor, now)
		if err != nil {
			return nil, err
		}
		for _, o := range p.Items {
			overdue := o.Overdue(now)
			if !overdue && !o.DueSoon(cal, now) {
				continue
			}
			days, _ := o.WorkingDaysLeft(cal, now)
			out = append(out, DigestItem{Obstacle: o, Overdue: overdue, Days: days})
		}
		if int64(page*f.PerPage) >= p.Total || len(p.Items) == 0 {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Overdue != out[j].Overdue {
			return out[i].Overdue
		}
		return out[i].Obstacle.Deadline.Before(*out[j].Obstacle.Deadline)
	})
	return out, nil
}

// Send e-mails the digest to every enabled task-force and agency officer
// with something due, and returns how many e-mails it wrote. Running it
// twice on one day sends twice: the job runner makes it once a day.
func (d *Digest) Send(ctx context.Context, now time.Time) (int, error) {
	if d.Mail == nil {
		return 0, nil
	}
	items, err := d.Due(ctx, now)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	enabled := false
	sent := 0
	for _, role := range []account.Role{account.RoleTaskForce, account.RoleAgency} {
		for page := 1; ; page++ {
			up, err := d.Accounts.ListUsers(ctx, account.UserFilter{Role: role, Disabled: &enabled, Page: page, PerPage: 100})
			if err != nil {
				return sent, err
			}
			for _, u := range up.Users {
				mine := items
				if u.Role == account.RoleAgency {
					mine = nil
					for _, it := range items {
						if it.Obstacle.HasAgency(u.AgencyID) {
							mine = append(mine, it)
						}
					}
				}
				if len(mine) == 0 {
					continue
				}
				if _, err := d.Mail.Send(ctx, d.message(u, mine, now), now); err != nil {
					return sent, fmt.Errorf("digest to %s: %w", u.ID, err)
				}
				sent++
			}
			if int64(page*100) >= up.Total || len(up.Users) == 0 {
				break
			}
		}
	}
	return sent, nil
}

func (d *Digest) message(u account.User, items []DigestItem, now time.Time) mail.Message {
	l := d.I18n.For(u.Lang)
	overdue := 0
	for _, it := range items {
		if it.Overdue {
			overdue++
		}
	}
	lines := []string{
		l.T("obstweb.mail.greeting", "Name", u.Name), "",
		l.T("obstweb.mail.digest.body", "Date", l.Date(now), "Overdue", overdue, "DueSoon", len(items)-overdue), "",
	}
	for _, it := range items {
		o := it.Obstacle
		state := l.T("obstweb.deadline.days_left", "Count", it.Days)
		switch {
		case it.Overdue:
			state = l.T("obstweb.deadline.days_overdue", "Count", -it.Days)
		case it.Days == 0:
			state = l.T("obstweb.deadline.due_today")
		}
		lines = append(lines, fmt.Sprintf("- %s · %s · %s · %s: %s (%s)",
			o.TrackingCode, o.Title, l.Label("obstacle.status", string(o.Status)), l.T("obstacle.field.deadline"),
			l.Date(holidays.StartOfDay(*o.Deadline)), state))
	}
	lines = append(lines, "", l.T("obstweb.mail.digest.link", "URL", strings.TrimRight(d.BaseURL, "/")+"/"+l.Lang+"/staff/obstacles"), "", l.T("obstweb.mail.signature"))
	return mail.Message{
		To: u.Email, Lang: l.Lang, Kind: KindDigest,
		Subject: l.T("obstweb.mail.digest.subject", "Date", l.Date(now), "Overdue", overdue),
		Body:    strings.Join(lines, "\n"),
	}
}
