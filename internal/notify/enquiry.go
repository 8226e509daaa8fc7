package notify

import (
	"context"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/opportunity"
)

// KindEnquiryAck is the outbox kind of an enquiry's acknowledgement.
const KindEnquiryAck = "enquiry_ack"

// Opportunities finds the opportunity an enquiry is about (the
// opportunity store does).
type Opportunities interface {
	Get(ctx context.Context, code string) (*opportunity.Opportunity, error)
}

// EnquiryAck is the e-mail that tells an investor, in the language of the
// enquiry, that it arrived. title is the opportunity's title in that
// language (its code when it cannot be read); baseURL is the portal's
// public address, without a trailing slash.
func EnquiryAck(b *i18n.Bundle, baseURL string, e *opportunity.Enquiry, title string) mail.Message {
	l := b.For(e.Lang)
	return mail.Message{
		To: e.Email, Lang: e.Lang, Kind: KindEnquiryAck,
		Subject: l.T("oppweb.mail.ack.subject", "Code", e.OpportunityCode),
		Body: l.T("oppweb.mail.ack.body", "Name", e.Name, "Title", title, "Code", e.OpportunityCode,
			"Ref", e.ID, "URL", baseURL+"/"+e.Lang+"/opportunities/"+e.OpportunityCode),
	}
}

// EnquiryReceived e-mails the investor the acknowledgement of a new
// enquiry (EnquiryAck), naming the opportunity by its title from opps.
// Without a mailer it does nothing.
func (n *Notifier) EnquiryReceived(ctx context.Context, e *opportunity.Enquiry, opps Opportunities) error {
	if n.mail == nil {
		return nil
	}
	title := e.OpportunityCode
	if o, err := opps.Get(ctx, e.OpportunityCode); err == nil {
		title = o.Title.Get(e.Lang)
	}
	_, err := n.mail.Send(ctx, EnquiryAck(n.i18n, n.baseURL, e, title), n.now())
	return err
}

// KindEnquiryReply is the outbox kind of the Centre's reply to an enquiry.
const KindEnquiryReply = "enquiry_reply"

// EnquiryReply is the e-mail that carries the Centre's reply to the
// investor, in the enquiry's language, quoting the enquiry.
func EnquiryReply(b *i18n.Bundle, baseURL string, e *opportunity.Enquiry, title string) mail.Message {
	l := b.For(e.Lang)
	return mail.Message{
		To: e.Email, Lang: e.Lang, Kind: KindEnquiryReply,
		Subject: l.T("inbox.reply.mail.subject", "Code", e.OpportunityCode, "Title", title),
		Body: l.T("inbox.reply.mail.body", "Name", e.Name, "Title", title, "Code", e.OpportunityCode,
			"Ref", e.ID, "Reply", e.Reply, "Message", e.Message,
			"URL", baseURL+"/"+e.Lang+"/opportunities/"+e.OpportunityCode),
	}
}

// EnquiryReplied e-mails the Centre's reply (e.Reply) to the investor,
// naming the opportunity by its title from opps. Without a mailer it does
// nothing.
func (n *Notifier) EnquiryReplied(ctx context.Context, e *opportunity.Enquiry, opps Opportunities) error {
	if n.mail == nil {
		return nil
	}
	title := e.OpportunityCode
	if o, err := opps.Get(ctx, e.OpportunityCode); err == nil {
		title = o.Title.Get(e.Lang)
	}
	_, err := n.mail.Send(ctx, EnquiryReply(n.i18n, n.baseURL, e, title), n.now())
	return err
}
