package opportunity

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/record"
)

// TestReplyEnquiry: a reply is required and bounded, is kept on the
// enquiry (now answered, with history), and the same reply again stores
// nothing and reports nothing to send; another reply later is a conflict.
func TestReplyEnquiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	o := sample("OPP-RE-001")
	if err := s.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	e, _, err := s.CreateEnquiry(ctx, &Enquiry{OpportunityCode: o.Code, Name: "Kim", Country: "KR", Email: "kim@example.com", Message: "Site survey?", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	by := record.Actor{ID: "u1", Email: "board@demo.local"}
	for text, want := range map[string]string{"": "error.field.required", "  short ": "inbox.reply.error.too_short",
		strings.Repeat("x", MaxEnquiryReply+1): "error.field.too_long"} {
		_, sent, err := s.ReplyEnquiry(ctx, e.ID, e.Version, text, by)
		if got := apperr.As(err).Fields["reply"]; got != want || sent {
			t.Errorf("reply of %d chars: %q (sent %v), want %q", len(text), got, sent, want)
		}
	}
	reply := "  The survey is on the opportunity page.  "
	got, sent, err := s.ReplyEnquiry(ctx, e.ID, e.Version, reply, by)
	if err != nil || !sent || got.Reply != strings.TrimSpace(reply) || got.Status != EnquiryAnswered || got.AnsweredBy != by.Email {
		t.Fatalf("reply: %+v %v %v", got, sent, err)
	}
	stored, _ := s.GetEnquiry(ctx, e.ID)
	if stored.Reply != got.Reply || stored.Version != e.Version+1 {
		t.Errorf("stored: %+v", stored)
	}
	// The same form again (same version read, same text): nothing to send.
	if again, sent, err := s.ReplyEnquiry(ctx, e.ID, e.Version, reply, by); err != nil || sent || again.Version != stored.Version {
		t.Errorf("double submit: %v %v", sent, err)
	}
	if _, sent, err := s.ReplyEnquiry(ctx, e.ID, stored.Version, "Another answer entirely.", by); !errors.Is(err, apperr.ErrConflict) || sent {
		t.Errorf("a second, different reply: %v %v", sent, err)
	}
}
