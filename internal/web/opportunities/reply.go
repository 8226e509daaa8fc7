package opportunities

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/web"
)

// tellBoard puts a new enquiry in the board officers' inboxes and e-mails
// them (the inbox area).
func (s *Handlers) tellBoard(ctx context.Context, e *opportunity.Enquiry) {
	title := bilingual.Text{VI: e.OpportunityCode}
	if o, err := s.opportunities.Get(ctx, e.OpportunityCode); err == nil {
		title = o.Title
	}
	notify.NewOfficers(s.Inbox(), s.Accounts(), s.mail, s.I18n(), s.BaseURL(), s.Log()).EnquiryReceived(ctx, e, title)
}

// boardReplyEnquiry stores the board's reply on the enquiry and e-mails
// it to the investor, once: the same form sent twice stores and sends
// nothing more. A missing or too short reply re-renders the list with the
// error tied to that enquiry's reply field.
func (s *Handlers) boardReplyEnquiry(c *fiber.Ctx) error {
	id := c.Params("id")
	f := web.NewForm().ReadRaw(c, "version", "status", "reply")
	version, err := strconv.ParseInt(f.V("version"), 10, 64)
	if err != nil || version < 1 {
		return apperr.Fields{"version": "error.field.invalid"}.Err()
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	e, sent, err := s.opportunities.ReplyEnquiry(ctx, id, version, f.V("reply"), web.ProjectActor(c))
	if err != nil {
		if ae := apperr.As(err); ae.Code == apperr.CodeInvalid && ae.Fields["reply"] != "" {
			if _, gerr := s.opportunities.GetEnquiry(ctx, id); gerr != nil {
				return gerr
			}
			c.Status(fiber.StatusBadRequest)
			st := f.V("status")
			if st != opportunity.EnquiryNew && st != opportunity.EnquiryAnswered {
				st = ""
			}
			return s.renderBoardEnquiries(c, opportunity.EnquiryFilter{Status: st, PerPage: 50},
				&replyForm{ID: id, Text: f.V("reply"), Error: ae.Fields["reply"]})
		}
		return err
	}
	if sent {
		if err := s.notifier.EnquiryReplied(ctx, e, s.opportunities); err != nil {
			s.Log().Warn("enquiry reply not e-mailed", "err", err, "enquiry", e.ID)
		}
	}
	s.Flash(c, "inbox.reply.sent")
	return c.Redirect(enquiriesURL(c, f.V("status")), fiber.StatusSeeOther)
}

// replyForm is a reply the board sent that was refused, shown back in its
// enquiry's row.
type replyForm struct {
	ID, Text, Error string
}

// enquiriesURL is the board's enquiry list the answer and reply forms
// return to, still filtered by the status it was showing (new or answered).
func enquiriesURL(c *fiber.Ctx, status string) string {
	back := "/" + web.Lang(c) + "/board/enquiries"
	if status == opportunity.EnquiryNew || status == opportunity.EnquiryAnswered {
		back += "?status=" + status
	}
	return back
}
