// Package mail sends the portal's e-mail: through SMTP when SMTP_URL is
// set, and always into an outbox collection in MongoDB, which admins read
// in the portal and which keeps a record of what was sent.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/paging"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection is the outbox.
const Collection = "outbox"

// Message is one e-mail, already written in its reader's language.
type Message struct {
	ID      string    `json:"id" bson:"_id"`
	To      string    `json:"to" bson:"to"`
	Subject string    `json:"subject" bson:"subject"`
	Body    string    `json:"body" bson:"body"`
	Lang    string    `json:"lang" bson:"lang"`
	Kind    string    `json:"kind" bson:"kind"` // e.g. enquiry_ack, obstacle_status, digest
	Status  string    `json:"status" bson:"status"`
	Error   string    `json:"error,omitempty" bson:"error,omitempty"`
	SentAt  time.Time `json:"sentAt,omitempty" bson:"sentAt,omitempty"`
	// CreatedAt, UpdatedAt and Version follow the storage convention.
	CreatedAt time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt" bson:"updatedAt"`
	Version   int64     `json:"version" bson:"version"`
}

// Message statuses.
const (
	StatusOutbox = "outbox" // kept for reading in the portal (no SMTP configured)
	StatusSent   = "sent"
	StatusFailed = "failed"
)

// Mailer keeps every message in the outbox and, with SMTP configured,
// sends it.
type Mailer struct {
	c    *mongo.Collection
	smtp *smtpConfig
	from string
}

type smtpConfig struct {
	addr string
	auth smtp.Auth
}

// New returns a mailer; smtpURL is smtp://user:pass@host:port or empty.
func New(db *mongo.Database, smtpURL, from string) (*Mailer, error) {
	m := &Mailer{c: db.Collection(Collection), from: from}
	if m.from == "" {
		m.from = "no-reply@localhost"
	}
	if smtpURL != "" {
		u, err := url.Parse(smtpURL)
		if err != nil || u.Scheme != "smtp" || u.Host == "" {
			return nil, fmt.Errorf("SMTP_URL must look like smtp://user:pass@host:587")
		}
		cfg := &smtpConfig{addr: u.Host}
		if u.User != nil {
			pw, _ := u.User.Password()
			host, _, _ := net.SplitHostPort(u.Host)
			cfg.auth = smtp.PlainAuth("", u.User.Username(), pw, host)
		}
		m.smtp = cfg
	}
	return m, nil
}

// Delivers reports whether messages leave the portal (SMTP is set); without
// it they stay in the outbox, and pages must not say "we have e-mailed you".
func (m *Mailer) Delivers() bool { return m != nil && m.smtp != nil }

// EnsureIndexes creates the outbox's indexes.
func (m *Mailer) EnsureIndexes(ctx context.Context) error {
	return mongodb.EnsureIndexes(ctx, m.c,
		mongo.IndexModel{Keys: bson.D{{Key: "createdAt", Value: -1}}, Options: options.Index().SetName("created")},
		mongo.IndexModel{Keys: bson.D{{Key: "to", Value: 1}}, Options: options.Index().SetName("to")},
	)
}

// Send stores the message and delivers it by SMTP when configured. A
// delivery failure is recorded on the message and returned.
func (m *Mailer) Send(ctx context.Context, msg Message, now time.Time) (Message, error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	msg.ID = hex.EncodeToString(b[:])
	msg.CreatedAt, msg.UpdatedAt, msg.Version = now.UTC(), now.UTC(), 1
	msg.Status = StatusOutbox
	var sendErr error
	if m.smtp != nil {
		sendErr = m.deliver(msg)
		if sendErr != nil {
			msg.Status, msg.Error = StatusFailed, sendErr.Error()
		} else {
			msg.Status, msg.SentAt = StatusSent, now.UTC()
		}
	}
	if _, err := m.c.InsertOne(ctx, msg); err != nil {
		return msg, fmt.Errorf("store e-mail: %w", err)
	}
	return msg, sendErr
}

func (m *Mailer) deliver(msg Message) error {
	headers := []string{
		"From: " + m.from,
		"To: " + msg.To,
		"Subject: " + mime.QEncoding.Encode("utf-8", msg.Subject),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: 8bit",
		"Content-Language: " + msg.Lang,
	}
	body := strings.Join(headers, "\r\n") + "\r\n\r\n" + strings.ReplaceAll(msg.Body, "\n", "\r\n")
	return smtp.SendMail(m.smtp.addr, m.smtp.auth, m.from, []string{msg.To}, []byte(body))
}

// List returns a page of the outbox, newest first.
func (m *Mailer) List(ctx context.Context, page, perPage int) ([]Message, int64, error) {
	page, perPage = paging.Bounds(page, perPage, 50, 100)
	total, err := m.c.CountDocuments(ctx, bson.D{})
	if err != nil {
		return nil, 0, fmt.Errorf("count outbox: %w", err)
	}
	cur, err := m.c.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}}).
		SetSkip(paging.Skip(page, perPage)).SetLimit(int64(perPage)))
	if err != nil {
		return nil, 0, fmt.Errorf("list outbox: %w", err)
	}
	out := []Message{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, 0, fmt.Errorf("read outbox: %w", err)
	}
	return out, total, nil
}

// To returns the messages sent to an address, newest first (for tests and
// for staff answering a filer).
func (m *Mailer) To(ctx context.Context, address string) ([]Message, error) {
	cur, err := m.c.Find(ctx, bson.D{{Key: "to", Value: address}}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("find e-mail: %w", err)
	}
	out := []Message{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("read e-mail: %w", err)
	}
	return out, nil
}
