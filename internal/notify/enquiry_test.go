package notify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/locales"
	"github.com/khanhhoa/investportal/seed"
)

// TestEnquiryAcknowledgement: a new enquiry is acknowledged in its own
// language, naming the investor, the opportunity by its title in that
// language, its code, the enquiry's reference and the opportunity's page;
// an opportunity that cannot be read is named by its code.
func TestEnquiryAcknowledgement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.New(db, "", "")
	if err != nil {
		t.Fatal(err)
	}
	opps := opportunity.NewStore(db)
	demo, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	o := demo[0]
	if err := opps.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	n := notify.New(m, b, "https://portal.example/")
	for _, tc := range []struct {
		lang, email, code, title, subject string
	}{
		{"vi", "lan@example.com", o.Code, o.Title.Get("vi"), "Chúng tôi đã nhận"},
		{"en", "ana@example.com", o.Code, o.Title.Get("en"), "We received"},
		{"en", "kim@example.com", "OPP-NO-001", "OPP-NO-001", "We received"},
	} {
		e := &opportunity.Enquiry{ID: "enq-" + tc.lang, OpportunityCode: tc.code, Name: "Kim Min-jun", Email: tc.email, Lang: tc.lang}
		if err := n.EnquiryReceived(ctx, e, opps); err != nil {
			t.Fatal(err)
		}
		got, err := m.To(ctx, tc.email)
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: outbox %+v %v", tc.email, got, err)
		}
		msg := got[0]
		url := "https://portal.example/" + tc.lang + "/opportunities/" + tc.code
		if msg.Kind != notify.KindEnquiryAck || msg.Lang != tc.lang || !strings.Contains(msg.Subject, tc.subject) || !strings.Contains(msg.Subject, tc.code) {
			t.Errorf("%s: %q %q %q", tc.email, msg.Kind, msg.Lang, msg.Subject)
		}
		for _, want := range []string{"Kim Min-jun", `"` + tc.title + `"`, tc.code, e.ID, url} {
			if !strings.Contains(msg.Body, want) {
				t.Errorf("%s: body lacks %q:\n%s", tc.email, want, msg.Body)
			}
		}
	}
	if vi, en := o.Title.Get("vi"), o.Title.Get("en"); vi == en {
		t.Fatalf("the demo title is the same in both languages (%q): the test cannot tell them apart", vi)
	}
}
