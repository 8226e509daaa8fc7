package opportunities

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/country"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/web"
)

// honeypotField is a form field people never see and bots fill in.
const honeypotField = "website"

// enquiryForm is the enquiry form's state: what the investor typed, the
// key that makes a resent form create nothing new, and what is wrong.
type enquiryForm struct {
	Name, Organisation, Country, Email, Message, Lang, Key string
	Errors                                                 map[string]string
	// ErrorID is a message about the whole form (the opportunity closed).
	ErrorID string
}

func newEnquiryForm(lang string) enquiryForm {
	return enquiryForm{Lang: lang, Key: web.RandomToken()}
}

func (f enquiryForm) enquiry(code string) *opportunity.Enquiry {
	return &opportunity.Enquiry{OpportunityCode: code, Name: f.Name, Organisation: f.Organisation,
		Country: f.Country, Email: f.Email, Message: f.Message, Lang: f.Lang, IdempotencyKey: f.Key}
}

// enquirySubmit stores an investor's enquiry sent from the detail page and
// acknowledges it by e-mail in the language the investor chose.
func (s *Handlers) enquirySubmit(c *fiber.Ctx) error {
	code, err := opportunityCode(c)
	if err != nil {
		return err
	}
	if err := s.Limit(c, web.PublicFormLimit); err != nil {
		return err
	}
	// The texts as sent: the domain trims them, and a resent form must
	// match the first one to be recognised.
	v := web.ReadForm(c, "idempotency_key").ReadRaw(c, "name", "organisation", "country", "email", "message", "lang", honeypotField)
	f := enquiryForm{
		Name: v.V("name"), Organisation: v.V("organisation"), Country: v.V("country"),
		Email: v.V("email"), Message: v.V("message"), Lang: v.V("lang"), Key: v.V("idempotency_key"),
	}
	if !i18n.Supported(f.Lang) {
		f.Lang = web.Lang(c)
	}
	sent := "/" + web.Lang(c) + "/opportunities/" + code + "/enquiry-sent"
	if v.V(honeypotField) != "" {
		// A bot: say thank you and store nothing.
		return c.Redirect(sent, fiber.StatusSeeOther)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.createEnquiry(ctx, f.enquiry(code)); err != nil {
		e := apperr.As(err)
		if e.Code != apperr.CodeInvalid && e.Code != apperr.CodeConflict && e.Code != apperr.CodeUnprocessable {
			return err
		}
		o, gerr := s.opportunities.Get(ctx, code)
		if gerr != nil {
			return gerr
		}
		f.Errors = e.Fields
		if len(e.Fields) == 0 || e.Code == apperr.CodeUnprocessable {
			// The key is no field the investor can fix: say what happened
			// and offer a fresh key for sending the edited form.
			f.Errors, f.ErrorID = nil, e.MessageID
		}
		if f.Key == "" || e.Code != apperr.CodeInvalid {
			f.Key = web.RandomToken()
		}
		return s.renderOpportunity(c, web.StatusOf[e.Code], o, f)
	}
	return c.Redirect(sent, fiber.StatusSeeOther)
}

// createEnquiry stores the enquiry and, when it is new, sends the
// acknowledgement. A failed e-mail is logged: the enquiry is kept and the
// outbox records the failure.
func (s *Handlers) createEnquiry(ctx context.Context, in *opportunity.Enquiry) (*opportunity.Enquiry, error) {
	if err := checkCountry(in); err != nil {
		return nil, err
	}
	e, created, err := s.opportunities.CreateEnquiry(ctx, in)
	if err != nil {
		return nil, err
	}
	if created {
		s.acknowledgeEnquiry(ctx, e)
	}
	return e, nil
}

// checkCountry refuses a country that is neither an ISO 3166-1 country nor
// Other (the domain checks only the code's shape), naming it with the
// enquiry's other wrong fields; a country sent by name is taken as its code.
func checkCountry(in *opportunity.Enquiry) error {
	if strings.TrimSpace(in.Country) == "" {
		return nil // the domain says it is required
	}
	code, ok := country.Normalize(in.Country)
	if ok {
		in.Country = code
		return nil
	}
	f := apperr.Fields{}
	probe := *in
	probe.Country, probe.Status = country.Other, opportunity.EnquiryNew
	if err := probe.Validate(); err != nil {
		for k, v := range apperr.As(err).Fields {
			f.Add(k, v)
		}
	}
	f["country"] = "oppweb.enquiry.error.country_unknown"
	return f.Err()
}

// countryName is a country's name in l's language: Other in words, an
// unknown code as it is.
func countryName(l *i18n.Localizer, code string) string {
	if code == country.Other {
		return l.T("oppweb.enquiry.country_other")
	}
	if n := country.Name(code, l.Lang); n != "" {
		return n
	}
	return code
}

// acknowledgeEnquiry e-mails the investor, in the enquiry's language, that
// the enquiry arrived.
func (s *Handlers) acknowledgeEnquiry(ctx context.Context, e *opportunity.Enquiry) {
	if err := s.notifier.EnquiryReceived(ctx, e, s.opportunities); err != nil {
		s.Log().Warn("enquiry acknowledgement not sent", "err", err, "enquiry", e.ID)
	}
	s.tellBoard(ctx, e)
}

// enquirySentData is the confirmation page's content. MailDelivers is
// false while the portal has no mail server: the acknowledgement then waits
// in the outbox, and the page says so rather than "we have e-mailed you".
type enquirySentData struct {
	Opportunity  *opportunity.Opportunity
	MailDelivers bool
}

// enquirySent confirms that the enquiry was received.
func (s *Handlers) enquirySent(c *fiber.Ctx) error {
	o, err := s.loadOpportunity(c)
	if err != nil {
		return err
	}
	p := s.NewPage(c, "oppweb.enquiry.sent.title")
	p.Nav = "opportunities"
	p.Data = enquirySentData{Opportunity: o, MailDelivers: s.mail.Delivers()}
	return s.Render(c, "opportunities/enquiry_sent", p)
}

// enquiryListData is the board's enquiry list.
type enquiryListData struct {
	Status   string
	Statuses []string
	List     *opportunity.EnquiryList
	Pages    int
	// Reply is a refused reply to show back in its row, or nil.
	Reply *replyForm
	// MinReply and MaxReply are the reply's length limits.
	MinReply int
	MaxReply int64
	// Countries names the listed enquiries' countries in the page's language.
	Countries map[string]string
}

func (s *Handlers) boardEnquiries(c *fiber.Ctx) error {
	f := opportunity.EnquiryFilter{Status: c.Query("status"), PerPage: 50}
	bad := apperr.Fields{}
	f.Page = web.PageParam(bad, "page", c.Query("page"), f.Page, web.MaxPageParam)
	if err := bad.Err(); err != nil {
		return err
	}
	if code := c.Query("opportunity"); opportunity.ValidCode(code) {
		f.OpportunityCode = code
	}
	return s.renderBoardEnquiries(c, f, nil)
}

// renderBoardEnquiries shows the enquiries f selects, with a refused
// reply (when not nil) in its row.
func (s *Handlers) renderBoardEnquiries(c *fiber.Ctx, f opportunity.EnquiryFilter, reply *replyForm) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	list, err := s.opportunities.ListEnquiries(ctx, f)
	if err != nil {
		return err
	}
	p := s.NewPage(c, "oppweb.enquiries.title")
	if reply != nil {
		p.TitleID = "inbox.reply.error_title"
	}
	p.Nav = "board"
	d := enquiryListData{Status: f.Status, Statuses: opportunity.EnquiryStatuses, List: list,
		Pages: paging.Count(list.Total, list.PerPage), Reply: reply,
		MinReply: opportunity.MinEnquiryReply, MaxReply: opportunity.MaxEnquiryReply, Countries: map[string]string{}}
	for _, e := range list.Items {
		d.Countries[e.Country] = countryName(p.L, e.Country)
	}
	p.Data = d
	return s.Render(c, "opportunities/board_enquiries", p)
}

func (s *Handlers) boardAnswerEnquiry(c *fiber.Ctx) error {
	id := c.Params("id")
	f := web.NewForm().ReadRaw(c, "version", "status")
	version, err := strconv.ParseInt(f.V("version"), 10, 64)
	if err != nil || version < 1 {
		return apperr.Fields{"version": "error.field.invalid"}.Err()
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.opportunities.MarkAnswered(ctx, id, version, web.ProjectActor(c)); err != nil {
		return err
	}
	s.Flash(c, "oppweb.enquiries.answered")
	return c.Redirect(enquiriesURL(c, f.V("status")), fiber.StatusSeeOther)
}

// EnquiryInput is an investor's enquiry about an opportunity. Lang is the
// language of the acknowledgement and the answer (vi or en). Send the same
// IdempotencyKey again to retry safely: no second enquiry is made.
type EnquiryInput struct {
	Name           string `json:"name" example:"Kim Min-jun"`
	Organisation   string `json:"organisation,omitempty" example:"Hanbit Energy"`
	Country        string `json:"country" example:"KR"`
	Email          string `json:"email" example:"minjun.kim@example.com"`
	Message        string `json:"message" example:"We would like the site survey of this wind farm."`
	Lang           string `json:"lang" example:"en"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" example:"7f3c9a12-enquiry-1"`
}

// EnquiryReceipt confirms a stored enquiry.
type EnquiryReceipt struct {
	ID              string `json:"id"`
	OpportunityCode string `json:"opportunityCode"`
	Status          string `json:"status"`
	CreatedAt       string `json:"createdAt"`
}

// apiCreateEnquiry sends an enquiry about an opportunity.
//
//	@Summary		Send an enquiry about an opportunity
//	@Description	Stores the enquiry for the Investment Promotion and Business Support Centre and e-mails an acknowledgement in the chosen language. Rate-limited per address. Repeating the same request with the same idempotencyKey returns the first enquiry with 200; the same idempotencyKey with any other content is refused with 422, naming idempotency_key.
//	@Tags			opportunities
//	@Accept			json
//	@Produce		json
//	@Param			code		path		string			true	"opportunity code"
//	@Param			enquiry		body		EnquiryInput	true	"the enquiry"
//	@Success		201			{object}	EnquiryReceipt
//	@Success		200			{object}	EnquiryReceipt	"the same idempotencyKey was sent before"
//	@Failure		400			{object}	web.Problem	"a field is invalid, or the opportunity takes no enquiries"
//	@Failure		404			{object}	web.Problem
//	@Failure		422			{object}	web.Problem	"the idempotencyKey was used for another request"
//	@Failure		429			{object}	web.Problem
//	@Router			/opportunities/{code}/enquiries [post]
func (s *Handlers) apiCreateEnquiry(c *fiber.Ctx) error {
	code, err := opportunityCode(c)
	if err != nil {
		return err
	}
	if err := s.Limit(c, web.PublicFormLimit); err != nil {
		return err
	}
	var in EnquiryInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	enq := &opportunity.Enquiry{OpportunityCode: code, Name: in.Name,
		Organisation: in.Organisation, Country: in.Country, Email: in.Email, Message: in.Message, Lang: in.Lang,
		IdempotencyKey: in.IdempotencyKey}
	if err := checkCountry(enq); err != nil {
		return err
	}
	e, created, err := s.opportunities.CreateEnquiry(ctx, enq)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		s.acknowledgeEnquiry(ctx, e)
		status = fiber.StatusCreated
		c.Set(fiber.HeaderLocation, "/api/v1/enquiries/"+e.ID)
	}
	return c.Status(status).JSON(EnquiryReceipt{ID: e.ID, OpportunityCode: e.OpportunityCode, Status: e.Status,
		CreatedAt: e.CreatedAt.UTC().Format("2006-01-02T15:04:05Z07:00")})
}

// EnquiryPage is one page of enquiries, newest first.
type EnquiryPage struct {
	Items   []opportunity.Enquiry `json:"items"`
	Total   int64                 `json:"total"`
	Page    int                   `json:"page"`
	PerPage int                   `json:"per_page"`
}

// apiListEnquiries lists the enquiries for the board.
//
//	@Summary	List enquiries
//	@Tags		board
//	@Produce	json
//	@Security	BearerToken
//	@Param		status		query		string	false	"new or answered"	Enums(new, answered)
//	@Param		opportunity	query		string	false	"opportunity code"
//	@Param		page		query		int		false	"page, from 1"
//	@Param		per_page	query		int		false	"items per page, at most 100"
//	@Success	200			{object}	EnquiryPage
//	@Failure	400			{object}	web.Problem
//	@Router		/enquiries [get]
func (s *Handlers) apiListEnquiries(c *fiber.Ctx) error {
	f := opportunity.EnquiryFilter{Status: c.Query("status"), OpportunityCode: c.Query("opportunity")}
	bad := apperr.Fields{}
	// Zero leaves the store's defaults.
	f.Page = web.PageParam(bad, "page", c.Query("page"), 0, web.MaxPageParam)
	f.PerPage = web.PageParam(bad, "per_page", c.Query("per_page"), 0, opportunity.MaxPerPage)
	if err := bad.Err(); err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	list, err := s.opportunities.ListEnquiries(ctx, f)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(EnquiryPage{Items: list.Items, Total: list.Total, Page: list.Page, PerPage: list.PerPage})
}

// apiAnswerEnquiry marks an enquiry answered.
//
//	@Summary		Mark an enquiry answered
//	@Description	If-Match names the version read, as "<id>-v<version>"; a stale one is 412.
//	@Tags			board
//	@Produce		json
//	@Security		BearerToken
//	@Param			id			path		string	true	"enquiry id"
//	@Param			If-Match	header		string	true	"\"<id>-v<version>\""
//	@Success		200			{object}	opportunity.Enquiry
//	@Failure		404			{object}	web.Problem
//	@Failure		409			{object}	web.Problem	"already answered"
//	@Failure		412			{object}	web.Problem
//	@Failure		428			{object}	web.Problem
//	@Router			/enquiries/{id}/answer [post]
func (s *Handlers) apiAnswerEnquiry(c *fiber.Ctx) error {
	id := c.Params("id")
	version, err := web.IfMatch(c, id, "oppweb.error.changed")
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	e, err := s.opportunities.MarkAnswered(ctx, id, version, web.ProjectActor(c))
	if err != nil {
		if apperr.As(err).MessageID == "opportunity.enquiry.error.conflict" {
			return apperr.New(apperr.CodePrecondition, "opportunity.enquiry.error.conflict")
		}
		return err
	}
	c.Set(fiber.HeaderETag, web.ETag(e.ID, e.Version))
	return c.JSON(e)
}
