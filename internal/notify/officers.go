package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/inbox"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/opportunity"
)

// KindOfficer is the outbox kind of an officer's notification e-mail.
const KindOfficer = "officer_notice"

// Officers tells staff about new work: each event puts an item in the
// inbox of every officer who must act and e-mails them, each in their own
// language. An event told twice (a retried request) is kept and e-mailed
// once: items are keyed by the event. A nil Officers, or one without an
// inbox store, tells nobody.
type Officers struct {
	Inbox    *inbox.Store
	Accounts *account.Store
	// Mail may be nil: then only the inbox hears.
	Mail    *mail.Mailer
	I18n    *i18n.Bundle
	BaseURL string
	Log     *slog.Logger
	Now     func() time.Time
}

// NewOfficers returns an Officers; any of the stores may be nil, which
// makes its part a no-op.
func NewOfficers(in *inbox.Store, accounts *account.Store, m *mail.Mailer, b *i18n.Bundle, baseURL string, log *slog.Logger) *Officers {
	if log == nil {
		log = slog.Default()
	}
	return &Officers{Inbox: in, Accounts: accounts, Mail: m, I18n: b, BaseURL: strings.TrimRight(baseURL, "/"), Log: log, Now: time.Now}
}

func (o *Officers) active() bool { return o != nil && o.Inbox != nil && o.Accounts != nil }

// StepTaken tells the officers who must act on the step just taken on ob:
// a new report the task force, an assignment the agencies' officers, a
// business's answer, objection or file the task force and the assigned
// agencies. Other steps tell nobody. Failures are logged; the step stands.
func (o *Officers) StepTaken(ctx context.Context, ob obstacle.Obstacle, action obstacle.Action, by obstacle.Actor) {
	switch {
	case action == obstacle.ActSubmit:
		o.ObstacleFiled(ctx, ob)
	case action == obstacle.ActAssign:
		o.ObstacleAssigned(ctx, ob)
	case by.Role == obstacle.FilerActor.Role && (action == obstacle.ActAnswer || action == obstacle.ActReopen || action == obstacle.ActAttach):
		o.BusinessAnswered(ctx, ob)
	}
}

// ObstacleFiled tells the task force of a new report.
func (o *Officers) ObstacleFiled(ctx context.Context, ob obstacle.Obstacle) {
	if !o.active() {
		return
	}
	o.tell(ctx, o.officers(ctx, func(u account.User) bool { return u.Role == account.RoleTaskForce }),
		obstacleItem(inbox.KindObstacleFiled, "filed-"+ob.ID, ob))
}

// ObstacleAssigned tells the officers of the lead and coordinating
// agencies that a report was assigned to them.
func (o *Officers) ObstacleAssigned(ctx context.Context, ob obstacle.Obstacle) {
	if !o.active() {
		return
	}
	o.tell(ctx, o.officers(ctx, func(u account.User) bool { return u.Role == account.RoleAgency && ob.HasAgency(u.AgencyID) }),
		obstacleItem(inbox.KindObstacleAssigned, fmt.Sprintf("assign-%s-v%d", ob.ID, ob.Version), ob))
}

// BusinessAnswered tells the officers handling a report (the task force
// and the assigned agencies' officers) that the business answered or
// wrote on it.
func (o *Officers) BusinessAnswered(ctx context.Context, ob obstacle.Obstacle) {
	if !o.active() {
		return
	}
	o.tell(ctx, o.officers(ctx, func(u account.User) bool {
		return u.Role == account.RoleTaskForce || u.Role == account.RoleAgency && ob.HasAgency(u.AgencyID)
	}), obstacleItem(inbox.KindObstacleAnswered, fmt.Sprintf("answer-%s-v%d", ob.ID, ob.Version), ob))
}

// EnquiryReceived tells investment promotion staff of an enquiry; title is the
// opportunity's title.
func (o *Officers) EnquiryReceived(ctx context.Context, e *opportunity.Enquiry, title bilingual.Text) {
	if !o.active() {
		return
	}
	o.tell(ctx, o.officers(ctx, func(u account.User) bool { return u.Role == account.RoleBoard }),
		inbox.Item{ID: "enquiry-" + e.ID, Kind: inbox.KindEnquiry, Args: map[string]string{"Code": e.OpportunityCode, "Name": e.Name},
			Texts: map[string]bilingual.Text{"Title": title}, Link: "/board/enquiries?status=new#enquiry-" + e.ID})
}

func obstacleItem(kind, id string, ob obstacle.Obstacle) inbox.Item {
	return inbox.Item{ID: id, Kind: kind, Args: map[string]string{"Code": ob.TrackingCode, "Title": ob.Title},
		Link: "/staff/obstacles/" + ob.ID}
}

// officers returns the enabled users keep selects. The users are few
// (staff accounts), and events are rare next to page views.
func (o *Officers) officers(ctx context.Context, keep func(account.User) bool) []account.User {
	enabled := false
	var out []account.User
	for page := 1; ; page++ {
		up, err := o.Accounts.ListUsers(ctx, account.UserFilter{Disabled: &enabled, Page: page, PerPage: 100})
		if err != nil {
			o.Log.ErrorContext(ctx, "notify officers: list users", "err", err)
			return out
		}
		for _, u := range up.Users {
			if keep(u) {
				out = append(out, u)
			}
		}
		if int64(page*100) >= up.Total || len(up.Users) == 0 {
			return out
		}
	}
}

// tell puts it in each user's inbox and e-mails those for whom it is new.
// Failures are logged: the event itself is already stored.
func (o *Officers) tell(ctx context.Context, users []account.User, it inbox.Item) {
	it.CreatedAt = o.Now().UTC()
	for _, u := range users {
		added, err := o.Inbox.Add(ctx, u.ID, it)
		if err != nil {
			o.Log.ErrorContext(ctx, "notify officer: inbox", "user", u.ID, "item", it.ID, "err", err)
			continue
		}
		if !added || o.Mail == nil || u.Email == "" {
			continue
		}
		if _, err := o.Mail.Send(ctx, OfficerMail(o.I18n, o.BaseURL, u, it), o.Now()); err != nil {
			o.Log.WarnContext(ctx, "notify officer: e-mail", "user", u.ID, "item", it.ID, "err", err)
		}
	}
}

// OfficerMail is the e-mail of an inbox item to its officer, in the
// officer's language: the item's title, a link to the thing and one to the
// inbox.
func OfficerMail(b *i18n.Bundle, baseURL string, u account.User, it inbox.Item) mail.Message {
	l := b.For(u.Lang)
	title := it.Title(l)
	base := strings.TrimRight(baseURL, "/") + "/" + l.Lang
	body := strings.Join([]string{
		l.T("inbox.mail.greeting", "Name", u.Name), "",
		title, "",
		l.T("inbox.mail.open", "URL", base+it.Link),
		l.T("inbox.mail.inbox", "URL", base+"/inbox"), "",
		l.T("inbox.mail.signature"),
	}, "\n")
	return mail.Message{To: u.Email, Lang: l.Lang, Kind: KindOfficer, Subject: l.T("inbox.mail.subject", "Title", title), Body: body}
}
