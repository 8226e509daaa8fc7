// Package notify writes the e-mails of the obstacle workflow: the receipt
// a business gets when it files (with its access key), a message at each
// public status change in the language the business filed in, and the
// officers' daily digest of what is due and overdue. Messages go through
// internal/mail, so they are sent by SMTP when configured and always kept
// in the outbox.
package notify

import (
	"context"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

// Mail kinds, as stored in the outbox.
const (
	KindFiled  = "obstacle_filed"
	KindStatus = "obstacle_status"
	KindDigest = "obstacle_digest"
)

// Notifier tells businesses about their obstacles by e-mail. It
// implements obstacle.Notifier.
type Notifier struct {
	mail    *mail.Mailer
	i18n    *i18n.Bundle
	baseURL string
	now     func() time.Time
}

// New returns a notifier writing through m in the languages of b; baseURL
// is the portal's public address, for the links in the messages. A nil
// mailer makes every method a no-op.
func New(m *mail.Mailer, b *i18n.Bundle, baseURL string) *Notifier {
	return &Notifier{mail: m, i18n: b, baseURL: strings.TrimRight(baseURL, "/"), now: time.Now}
}

var _ obstacle.Notifier = (*Notifier)(nil)

// ObstacleChanged e-mails the business about a public status change, in
// the language it filed in. For a submission it sends a receipt without
// the access key: a caller that has the key sends the receipt itself
// (obstacle.Submission.SendsReceipt, then Filed).
func (n *Notifier) ObstacleChanged(ctx context.Context, o obstacle.Obstacle, ev obstacle.Event) error {
	if ev.Act() == obstacle.ActSubmit {
		return n.Filed(ctx, o, "")
	}
	if n.mail == nil || o.Filer.Email == "" {
		return nil
	}
	l := n.i18n.For(o.Filer.Lang)
	status := l.Label("obstacle.status", string(ev.ToStatus))
	lines := []string{
		l.T("obstweb.mail.greeting", "Name", o.Filer.ContactPerson),
		"",
		l.T("obstweb.mail.status.body", "Code", o.TrackingCode, "Title", o.Title, "Status", status),
	}
	if ev.Note != "" {
		lines = append(lines, "", l.T("obstweb.mail.status.note"), ev.Note)
	}
	if ev.ToStatus == obstacle.WaitingForBusiness {
		lines = append(lines, "", l.T("obstweb.mail.status.answer"))
	}
	if ev.ToStatus == obstacle.Resolved {
		lines = append(lines, "", l.T("obstweb.mail.status.confirm"))
	}
	lines = append(lines, "", l.T("obstweb.mail.track", "URL", n.trackURL(l.Lang)), "", l.T("obstweb.mail.signature"))
	_, err := n.mail.Send(ctx, mail.Message{
		To: o.Filer.Email, Lang: l.Lang, Kind: KindStatus,
		Subject: l.T("obstweb.mail.status.subject", "Code", o.TrackingCode, "Status", status),
		Body:    strings.Join(lines, "\n"),
	}, n.now())
	return err
}

// Filed e-mails the filing receipt: tracking code and, when key is not
// empty, the access key, which the portal keeps only as a hash.
func (n *Notifier) Filed(ctx context.Context, o obstacle.Obstacle, key string) error {
	if n.mail == nil || o.Filer.Email == "" {
		return nil
	}
	l := n.i18n.For(o.Filer.Lang)
	lines := []string{
		l.T("obstweb.mail.greeting", "Name", o.Filer.ContactPerson),
		"",
		l.T("obstweb.mail.filed.body", "Code", o.TrackingCode, "Title", o.Title),
		"",
		l.T("obstweb.mail.filed.code", "Code", o.TrackingCode),
	}
	if key != "" {
		lines = append(lines, l.T("obstweb.mail.filed.key", "Key", key), "", l.T("obstweb.mail.filed.keep"))
	}
	lines = append(lines, "", l.T("obstweb.mail.track", "URL", n.trackURL(l.Lang)), "", l.T("obstweb.mail.signature"))
	_, err := n.mail.Send(ctx, mail.Message{
		To: o.Filer.Email, Lang: l.Lang, Kind: KindFiled,
		Subject: l.T("obstweb.mail.filed.subject", "Code", o.TrackingCode),
		Body:    strings.Join(lines, "\n"),
	}, n.now())
	return err
}

func (n *Notifier) trackURL(lang string) string {
	return n.baseURL + "/" + lang + "/obstacles/track"
}
