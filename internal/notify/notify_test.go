package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/locales"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/mongo"
)

type fixture struct {
	db       *mongo.Database
	store    *obstacle.Store
	mail     *mail.Mailer
	accounts *account.Store
	bundle   *i18n.Bundle
	notifier *notify.Notifier
}

func setup(t *testing.T, demo bool) fixture {
	t.Helper()
	db := mongotest.MustOpenDB(t)
	ctx := context.Background()
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.New(db, "", "")
	if err != nil {
		t.Fatal(err)
	}
	n := notify.New(m, b, "https://portal.example/")
	st := obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{KeySecret: []byte("k"), Notifier: n})
	if err := st.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	acc := account.NewStore(db, account.Options{Hash: account.HashParams{Time: 1, MemoryKiB: 256, Threads: 1, SaltLen: 16, KeyLen: 32}})
	if err := acc.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Bootstrap(ctx, account.BootstrapOptions{AdminEmail: "root@portal.test", AdminPassword: "demo-password-1", Demo: true, DemoPassword: "demo-password-1"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if demo {
		ps := seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if _, err := st.Import(ctx, seed.Obstacles(ps, holidays.MustEmbedded(), time.Now()), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return fixture{db: db, store: st, mail: m, accounts: acc, bundle: b, notifier: n}
}

func submission(lang, email string) obstacle.Submission {
	return obstacle.Submission{
		Filer:    obstacle.Filer{BusinessName: "Công ty Thư", TaxCode: "0100109106", ContactPerson: "Ngô Thị Thư", Email: email, Phone: "0905123456", Lang: lang},
		Category: obstacle.TaxFees, Title: "Hoàn thuế chậm", Description: "Hồ sơ hoàn thuế giá trị gia tăng đã quá hạn giải quyết.",
	}
}

func TestFilingReceiptAndStatusMails(t *testing.T) {
	f := setup(t, false)
	ctx := context.Background()

	// A caller that sends the receipt itself: the store's notifier is
	// not told, and the result says the obstacle was created.
	sub := submission("en", "thu@example.vn")
	sub.IdempotencyKey = "notify-test-key-0001"
	sub.SendsReceipt = true
	filed, err := f.store.Create(ctx, sub, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	o, key := filed.Obstacle, filed.AccessKey
	if !filed.Created {
		t.Fatal("the filing was not reported as created")
	}
	if msgs, _ := f.mail.To(ctx, "thu@example.vn"); len(msgs) != 0 {
		t.Fatalf("%d e-mails before the caller sent the receipt", len(msgs))
	}
	// The same key again creates nothing, and says so.
	if again, err := f.store.Create(ctx, sub, time.Now()); err != nil || again.Created {
		t.Fatalf("repeat: created=%v err=%v", again.Created, err)
	}
	if err := f.notifier.Filed(ctx, o, key); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Apply(ctx, o.ID, o.Version, obstacle.ActAccept, obstacle.Input{}, obstacle.Actor{ID: "u1", Role: obstacle.RoleTaskforce}, time.Now()); err != nil {
		t.Fatal(err)
	}
	msgs, _ := f.mail.To(ctx, "thu@example.vn")
	if len(msgs) != 2 {
		t.Fatalf("%d e-mails, want a receipt and a status change", len(msgs))
	}
	status, receipt := msgs[0], msgs[1]
	if receipt.Kind != notify.KindFiled || !strings.Contains(receipt.Body, key) || !strings.Contains(receipt.Body, o.TrackingCode) ||
		!strings.Contains(receipt.Body, "https://portal.example/en/obstacles/track") || receipt.Lang != "en" {
		t.Errorf("receipt: %+v", receipt)
	}
	if status.Kind != notify.KindStatus || status.Subject != "Report "+o.TrackingCode+": Accepted" || strings.Contains(status.Body, key) {
		t.Errorf("status mail: %q\n%s", status.Subject, status.Body)
	}

	// Another caller (not sending the receipt itself): a receipt without
	// the key goes out.
	vi := submission("vi", "vi@example.vn")
	filed2, err := f.store.Create(ctx, vi, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	o2, key2 := filed2.Obstacle, filed2.AccessKey
	msgs, _ = f.mail.To(ctx, "vi@example.vn")
	if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "Đã tiếp nhận phản ánh "+o2.TrackingCode) || strings.Contains(msgs[0].Body, key2) {
		t.Errorf("vi receipt: %+v", msgs)
	}
	if m := f.bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

func TestDailyDigest(t *testing.T) {
	f := setup(t, true)
	ctx := context.Background()
	now := time.Now()
	d := &notify.Digest{Obstacles: f.store, Accounts: f.accounts, Mail: f.mail, I18n: f.bundle, BaseURL: "https://portal.example"}
	items, err := d.Due(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	cal, _ := f.store.Calendar(ctx)
	overdue := 0
	for i, it := range items {
		o := it.Obstacle
		if o.Overdue(now) != it.Overdue || !it.Overdue && !o.DueSoon(cal, now) {
			t.Errorf("%s is neither overdue nor due soon", o.TrackingCode)
		}
		if it.Overdue {
			overdue++
			if i > 0 && !items[i-1].Overdue {
				t.Error("overdue items are not listed first")
			}
		}
	}
	if overdue == 0 {
		t.Fatal("the demo data has nothing overdue")
	}
	sent, err := d.Send(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	tf, _ := f.mail.To(ctx, "taskforce@demo.local")
	if len(tf) != 1 || tf[0].Kind != notify.KindDigest {
		t.Fatalf("task force got %d digests", len(tf))
	}
	for _, it := range items {
		if !strings.Contains(tf[0].Body, it.Obstacle.TrackingCode) {
			t.Errorf("task-force digest lacks %s", it.Obstacle.TrackingCode)
		}
	}
	agency, _ := f.accounts.GetByEmail(ctx, "agency@demo.local")
	ag, _ := f.mail.To(ctx, "agency@demo.local")
	mine := 0
	for _, it := range items {
		in := strings.Contains(strings.Join(ag2bodies(ag), ""), it.Obstacle.TrackingCode)
		if it.Obstacle.HasAgency(agency.AgencyID) {
			mine++
			if !in {
				t.Errorf("agency digest lacks its %s", it.Obstacle.TrackingCode)
			}
		} else if in {
			t.Errorf("agency digest shows %s of %s", it.Obstacle.TrackingCode, it.Obstacle.LeadAgency)
		}
	}
	wantSent := 1
	if mine > 0 {
		wantSent = 2
	}
	if sent != wantSent {
		t.Errorf("sent %d digests, want %d", sent, wantSent)
	}
	if b, _ := f.mail.To(ctx, "board@demo.local"); len(b) != 0 {
		t.Error("the board got a digest")
	}
	if !strings.Contains(tf[0].Subject, "quá hạn") {
		t.Errorf("digest subject not in the officer's language (vi): %q", tf[0].Subject)
	}
}

func ag2bodies(ms []mail.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Body
	}
	return out
}
