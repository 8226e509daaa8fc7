package opportunity

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/record"
)

// Reply limits, in characters.
const (
	MinEnquiryReply = 10
	MaxEnquiryReply = 5000
)

// CheckReply trims a reply to an enquiry and names what is wrong with it
// (field "reply").
func CheckReply(text string) (string, error) {
	text = strings.TrimSpace(text)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		f.Add("reply", "error.field.required")
	case n < MinEnquiryReply:
		f.Add("reply", "inbox.reply.error.too_short")
	default:
		checkField(f, "reply", text, MaxEnquiryReply, true, multiLine)
	}
	return text, f.Err()
}

// ReplyEnquiry records the board's reply to the enquiry read at version:
// the text is kept on the enquiry, which becomes answered, with a history
// entry. It reports whether this call stored the reply (and so whether the
// caller must e-mail it): the same reply sent again (a double submit) is
// no error and stores nothing, so the investor gets one e-mail. An
// enquiry answered otherwise, or changed since version, is a conflict.
func (s *Store) ReplyEnquiry(ctx context.Context, id string, version int64, text string, by record.Actor) (*Enquiry, bool, error) {
	text, err := CheckReply(text)
	if err != nil {
		return nil, false, err
	}
	who, err := answerer(by)
	if err != nil {
		return nil, false, err
	}
	e, err := s.GetEnquiry(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if e.Status == EnquiryAnswered {
		if e.Reply == text {
			return e, false, nil
		}
		return nil, false, apperr.Conflict("opportunity.enquiry.error.already_answered")
	}
	if e.Version != version {
		return nil, false, s.enquiries.Conflict()
	}
	if err := s.answer(ctx, e, version, who, text, by); err != nil {
		// Two submits of one form race: the loser finds the winner's reply.
		if again, gerr := s.GetEnquiry(ctx, id); gerr == nil && again.Status == EnquiryAnswered && again.Reply == text {
			return again, false, nil
		}
		return nil, false, err
	}
	return e, true, nil
}
