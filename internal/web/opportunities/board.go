package opportunities

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/media"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
	"github.com/khanhhoa/investportal/internal/web"
)

func (s *Handlers) registerBoardPages(g fiber.Router) {
	board := web.Roles(boardRoles...)
	s.Handle(g, fiber.MethodGet, "/board/opportunities", board, s.boardOpportunities)
	s.Handle(g, fiber.MethodGet, "/board/opportunities/new", board, s.boardNewOpportunity)
	s.Handle(g, fiber.MethodPost, "/board/opportunities", board, s.boardCreateOpportunity)
	s.Handle(g, fiber.MethodGet, "/board/opportunities/:code/edit", board, s.boardEditOpportunity)
	s.Handle(g, fiber.MethodPost, "/board/opportunities/:code/edit", board, s.boardUpdateOpportunity)
	s.Handle(g, fiber.MethodPost, "/board/opportunities/:code/link", board, s.boardLinkOpportunity)
	s.Handle(g, fiber.MethodPost, "/board/opportunities/:code/media", board, s.boardAddMedia)
	s.Handle(g, fiber.MethodPost, "/board/opportunities/:code/media/:file/delete", board, s.boardDeleteMedia)
}

// incentiveRows is how many empty incentive rows the form offers.
const incentiveRows = 2

// editForm is the board's opportunity form as typed (the core's form:
// single values by field name, the multiple choices investment_forms and
// planning_basis, what is wrong with each field), with how many incentive
// rows it shows and the version it edits.
type editForm struct {
	web.Form
	Rows    int
	Version int64
}

// Get returns a typed value.
func (f editForm) Get(name string) string { return f.V(name) }

// ErrorID is a message about the whole form (a conflict).
func (f editForm) ErrorID() string { return f.Message }

// Row returns a typed value of incentive row i.
func (f editForm) Row(i int, name string) string {
	return f.V(rowPrefix(i) + name)
}

// rowPrefix is the prefix of incentive row i's field names.
func rowPrefix(i int) string { return "incentives." + strconv.Itoa(i) + "." }

// listFields are the form's multiple choices.
var listFields = []string{"investment_forms", "planning_basis"}

// formFields are the single-valued fields of the form.
var formFields = []string{
	"code", "title_vi", "title_en", "summary_vi", "summary_en", "description_vi", "description_en",
	"authoritative_lang", "translation_pending", "sector", "location", "unit", "zone", "land_area",
	"capital_amount", "capital_currency", "land_legal_status", "site_clearance_status",
	"utilities.power_vi", "utilities.power_en", "utilities.water_vi", "utilities.water_en",
	"utilities.road_vi", "utilities.road_en", "utilities.km_to_port", "utilities.km_to_airport",
	"status", "contact_agency", "contact_name", "contact_name_en", "contact_email", "contact_phone",
	"published_at", "verified_at", "reason",
}

const dateLayout = "2006-01-02"

// formOf fills the form from a stored opportunity, numbers written the
// way lang writes them.
func formOf(o *opportunity.Opportunity, lang string) editForm {
	f := editForm{Form: web.NewForm(), Version: o.Version}
	f.Lists["investment_forms"], f.Lists["planning_basis"] = o.InvestmentForms, o.PlanningBasis
	set := func(k, v string) { f.Values[k] = v }
	// setText fills a text's two fields, k_vi and k_en.
	setText := func(k string, t project.Text) { set(k+"_vi", t.VI); set(k+"_en", t.EN) }
	set("code", o.Code)
	setText("title", o.Title)
	setText("summary", o.Summary)
	setText("description", o.Description)
	set("authoritative_lang", o.AuthoritativeLang)
	if o.TranslationPending {
		set("translation_pending", "on")
	}
	set("sector", o.Sector)
	set("location", o.Location)
	set("unit", o.Unit)
	set("zone", o.Zone)
	set("land_area", money.FormatDecimal(o.LandAreaCentiHa, lang, 2))
	set("capital_amount", money.FormatDecimal(o.IndicativeCapital.Amount, lang, money.Exponent(o.IndicativeCapital.Currency)))
	set("capital_currency", o.IndicativeCapital.Currency)
	set("land_legal_status", o.LandLegalStatus)
	set("site_clearance_status", o.SiteClearanceStatus)
	u := o.Utilities
	setText("utilities.power", u.Power)
	setText("utilities.water", u.Water)
	setText("utilities.road", u.Road)
	set("utilities.km_to_port", strconv.Itoa(u.KmToPort))
	set("utilities.km_to_airport", strconv.Itoa(u.KmToAirport))
	set("status", o.Status)
	set("contact_agency", o.Contact.Agency)
	set("contact_name", o.Contact.Name)
	set("contact_name_en", o.Contact.NameEN)
	set("contact_email", o.Contact.Email)
	set("contact_phone", o.Contact.Phone)
	if !o.PublishedAt.IsZero() {
		set("published_at", o.PublishedAt.UTC().Format(dateLayout))
	}
	if !o.VerifiedAt.IsZero() {
		set("verified_at", o.VerifiedAt.UTC().Format(dateLayout))
	}
	for i, in := range o.Incentives {
		p := rowPrefix(i)
		setText(p+"text", in.Text)
		set(p+"legal_basis", in.LegalBasis)
		set(p+"legal_basis_en", in.LegalBasisEN)
	}
	f.Rows = len(o.Incentives) + incentiveRows
	return f
}

// readEditForm reads the posted form.
func readEditForm(c *fiber.Ctx) editForm {
	f := editForm{Form: web.ReadForm(c, formFields...).ReadLists(c, listFields...).ReadRaw(c, "incentive_rows", "version")}
	rows, _ := strconv.Atoi(f.V("incentive_rows"))
	rows = min(max(rows, 0), 50)
	for i := range rows {
		p := rowPrefix(i)
		f.Read(c, p+"text_vi", p+"text_en", p+"legal_basis", p+"legal_basis_en")
	}
	f.Rows = rows
	f.Version, _ = strconv.ParseInt(f.V("version"), 10, 64)
	return f
}

// opportunity builds the opportunity the form describes, numbers typed the
// way lang writes them, naming each value that cannot even be read
// (numbers, dates).
func (f editForm) opportunity(bad apperr.Fields, lang string) opportunity.Opportunity {
	g := f.Get
	text := func(k string) project.Text { return project.Text{VI: g(k + "_vi"), EN: g(k + "_en")} }
	o := opportunity.Opportunity{
		Code: g("code"), Title: text("title"), Summary: text("summary"), Description: text("description"),
		AuthoritativeLang: g("authoritative_lang"), TranslationPending: g("translation_pending") != "",
		Sector: g("sector"), Location: g("location"), Unit: g("unit"), Zone: g("zone"),
		InvestmentForms: f.List("investment_forms"), PlanningBasis: f.List("planning_basis"),
		LandLegalStatus: g("land_legal_status"), SiteClearanceStatus: g("site_clearance_status"),
		Utilities: opportunity.Utilities{Power: text("utilities.power"), Water: text("utilities.water"), Road: text("utilities.road")},
		Status:    g("status"),
		Contact: opportunity.Contact{Agency: g("contact_agency"), Name: g("contact_name"), NameEN: g("contact_name_en"),
			Email: g("contact_email"), Phone: g("contact_phone")},
	}
	if o.InvestmentForms == nil {
		o.InvestmentForms = []string{}
	}
	// The form always asks for the current unit (the store accepts none
	// only on records not yet migrated).
	place.CheckUnit(bad, o.Unit, o.Location, true)
	if v := g("land_area"); v != "" {
		n, err := money.ParseDecimal(v, lang, 2) // hundredths of a hectare
		if err != nil {
			bad.Add("land_area", numberMessage(err, "number.error.decimals_area"))
		}
		o.LandAreaCentiHa = n
	}
	cur := g("capital_currency")
	o.IndicativeCapital.Currency = cur
	if v := g("capital_amount"); v == "" {
		bad.Add("indicative_capital", "error.field.required")
	} else if money.Valid(cur) {
		n, err := money.ParseMajorIn(v, cur, lang)
		switch {
		case errors.Is(err, money.ErrTooLarge):
			bad.Add("indicative_capital", "opportunity.error.capital_too_large")
		case err != nil:
			bad.Add("indicative_capital", numberMessage(err, "number.error.decimals_amount"))
		}
		o.IndicativeCapital.Amount = n
	}
	for _, k := range []string{"utilities.km_to_port", "utilities.km_to_airport"} {
		if v := g(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				bad.Add(k, "error.field.number")
			}
			if k == "utilities.km_to_port" {
				o.Utilities.KmToPort = n
			} else {
				o.Utilities.KmToAirport = n
			}
		}
	}
	for _, k := range []string{"published_at", "verified_at"} {
		v := g(k)
		if v == "" {
			continue
		}
		t, err := time.Parse(dateLayout, v)
		if err != nil {
			bad.Add(k, "error.field.invalid")
			continue
		}
		if k == "published_at" {
			o.PublishedAt = t
		} else {
			o.VerifiedAt = t
		}
	}
	for i := range f.Rows {
		in := opportunity.Incentive{
			Text:         project.Text{VI: f.Row(i, "text_vi"), EN: f.Row(i, "text_en")},
			LegalBasis:   f.Row(i, "legal_basis"),
			LegalBasisEN: f.Row(i, "legal_basis_en"),
		}
		if in.Text.VI == "" && in.Text.EN == "" && in.LegalBasis == "" && in.LegalBasisEN == "" {
			continue
		}
		o.Incentives = append(o.Incentives, in)
	}
	return o
}

// changes is the edit the form makes to a stored opportunity: every field
// the form shows; the attachments and the project link stay.
func changes(o opportunity.Opportunity) opportunity.Changes {
	incentives := o.Incentives
	if incentives == nil {
		incentives = []opportunity.Incentive{}
	}
	plans := o.PlanningBasis
	if plans == nil {
		plans = []string{}
	}
	return opportunity.Changes{
		Title: &o.Title, Summary: &o.Summary, Description: &o.Description, AuthoritativeLang: &o.AuthoritativeLang,
		TranslationPending: &o.TranslationPending, Sector: &o.Sector, Location: &o.Location, Unit: &o.Unit, Zone: &o.Zone,
		LandAreaCentiHa: &o.LandAreaCentiHa, IndicativeCapital: &o.IndicativeCapital, InvestmentForms: &o.InvestmentForms,
		Incentives: &incentives, PlanningBasis: &plans, LandLegalStatus: &o.LandLegalStatus,
		SiteClearanceStatus: &o.SiteClearanceStatus, Utilities: &o.Utilities, Status: &o.Status, Contact: &o.Contact,
		PublishedAt: &o.PublishedAt, VerifiedAt: &o.VerifiedAt,
	}
}

// editFormData is the board's form page.
type editFormData struct {
	New     bool
	Form    editForm
	O       *opportunity.Opportunity
	History []record.Change
	Choices choices
	// LinkError is what is wrong with the project code of the link form.
	LinkError string
	// Media are the opportunity's pictures and brochures; Upload is the
	// upload form as typed when it was refused.
	Media  mediaView
	Upload mediaForm
	// MaxImageMB and MaxBrochureMB are the upload limits.
	MaxImageMB, MaxBrochureMB int
}

// TextFields are the bilingual text fields, in form order.
func (editFormData) TextFields() []string {
	return []string{"title_vi", "title_en", "summary_vi", "summary_en", "description_vi", "description_en"}
}

// UtilityFields are the infrastructure fields, without their prefix.
func (editFormData) UtilityFields() []string {
	return []string{"power_vi", "power_en", "water_vi", "water_en", "road_vi", "road_en", "km_to_port", "km_to_airport"}
}

// LangOf is the language a text field of the form is written in (its
// _vi or _en suffix), for its lang attribute; "" for other fields.
func (editFormData) LangOf(name string) string {
	switch {
	case strings.HasSuffix(name, "_vi"):
		return "vi"
	case strings.HasSuffix(name, "_en"):
		return "en"
	}
	return ""
}

// choices are the lists the form offers.
type choices struct {
	Sectors, Locations, Zones, Forms, Plans, Land, Clearance, Statuses, Agencies, Bands []string
	// UnitGroups are the current units by former district.
	UnitGroups []place.UnitGroup
}

var formChoices = choices{
	Sectors: project.Sectors, Locations: place.Locations, Zones: project.Zones[1:],
	Forms: opportunity.InvestmentForms, Plans: opportunity.PlanningBases, Land: opportunity.LandLegalStatuses,
	Clearance: opportunity.SiteClearanceStatuses, Statuses: opportunity.Statuses, Agencies: opportunity.Agencies,
	Bands: opportunity.CapitalBands, UnitGroups: place.UnitGroups(),
}

func (s *Handlers) renderEditForm(c *fiber.Ctx, status int, d editFormData) error {
	title := "oppweb.board.edit.title"
	if d.New {
		title = "oppweb.board.new.title"
	}
	p := s.NewPage(c, title)
	p.Nav = "board"
	d.Choices = formChoices
	if d.O != nil {
		d.Media = s.mediaOf(c, d.O.Code)
	}
	// A file must also fit in the request body limit (BODY_LIMIT).
	body := s.App().Config().BodyLimit
	d.MaxImageMB, d.MaxBrochureMB = min(media.MaxImageSize, body)>>20, min(media.MaxBrochureSize, body)>>20
	if d.Form.Rows == 0 {
		d.Form.Rows = incentiveRows + 1
	}
	p.Data = d
	c.Status(status)
	return s.Render(c, "opportunities/board_form", p)
}

// boardListData is the board's opportunity list.
type boardListData struct {
	Result *opportunity.ListResult
	Pages  int
}

func (s *Handlers) boardOpportunities(c *fiber.Ctx) error {
	f := opportunity.Filter{Sort: opportunity.SortCode, PerPage: opportunity.MaxPerPage}
	bad := apperr.Fields{}
	f.Page = web.PageParam(bad, "page", c.Query("page"), f.Page, web.MaxPageParam)
	if err := bad.Err(); err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	res, err := s.opportunities.List(ctx, f)
	if err != nil {
		return err
	}
	p := s.NewPage(c, "oppweb.board.list.title")
	p.Nav = "board"
	p.Data = boardListData{Result: res, Pages: paging.Count(res.Total, res.PerPage)}
	return s.Render(c, "opportunities/board_list", p)
}

func (s *Handlers) boardNewOpportunity(c *fiber.Ctx) error {
	f := editForm{Form: web.NewForm(), Rows: incentiveRows + 1}
	f.Values["authoritative_lang"], f.Values["capital_currency"] = opportunity.LangVI, money.VND
	f.Values["status"], f.Values["published_at"] = opportunity.StatusOpen, s.Now().UTC().Format(dateLayout)
	return s.renderEditForm(c, fiber.StatusOK, editFormData{New: true, Form: f})
}

func (s *Handlers) boardCreateOpportunity(c *fiber.Ctx) error {
	f := readEditForm(c)
	bad := apperr.Fields{}
	o := f.opportunity(bad, web.Lang(c))
	err := o.Validate()
	if err == nil {
		err = bad.Err()
	}
	if err == nil {
		ctx, cancel := web.DBContext(c)
		defer cancel()
		err = s.opportunities.Create(ctx, &o)
	}
	if err != nil {
		return s.editFormFailed(c, editFormData{New: true, Form: f}, bad, err)
	}
	s.Flash(c, "oppweb.board.created")
	return c.Redirect("/"+web.Lang(c)+"/board/opportunities/"+o.Code+"/edit", fiber.StatusSeeOther)
}

// editFormFailed shows the form again with the input kept and each field's
// message, or returns errors that are not about the input.
func (s *Handlers) editFormFailed(c *fiber.Ctx, d editFormData, bad apperr.Fields, err error) error {
	e := apperr.As(err)
	if e.Code != apperr.CodeInvalid && e.Code != apperr.CodeConflict {
		return err
	}
	for k, v := range e.Fields {
		bad.Add(k, v)
	}
	d.Form.Errors = bad
	if len(e.Fields) == 0 {
		d.Form.Message = e.MessageID
	}
	if len(bad) > 0 && d.Form.Message == "" {
		d.Form.Message = "oppweb.board.fix_fields"
	}
	return s.renderEditForm(c, web.StatusOf[e.Code], d)
}

// loadForEdit returns the opportunity and its history.
func (s *Handlers) loadForEdit(c *fiber.Ctx) (*opportunity.Opportunity, []record.Change, error) {
	code, err := opportunityCode(c)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	o, err := s.opportunities.Get(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	h, err := s.opportunities.History(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	return o, h, nil
}

func (s *Handlers) boardEditOpportunity(c *fiber.Ctx) error {
	o, h, err := s.loadForEdit(c)
	if err != nil {
		return err
	}
	return s.renderEditForm(c, fiber.StatusOK, editFormData{Form: formOf(o, web.Lang(c)), O: o, History: h})
}

func (s *Handlers) boardUpdateOpportunity(c *fiber.Ctx) error {
	o, h, err := s.loadForEdit(c)
	if err != nil {
		return err
	}
	f := readEditForm(c)
	f.Values["code"] = o.Code
	bad := apperr.Fields{}
	if f.Version < 1 {
		bad.Add("version", "error.field.invalid")
	}
	next := f.opportunity(bad, web.Lang(c))
	d := editFormData{Form: f, O: o, History: h}
	if err := bad.Err(); err != nil {
		return s.editFormFailed(c, d, bad, err)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.opportunities.Update(ctx, o.Code, f.Version, changes(next), web.ProjectActor(c), f.Get("reason")); err != nil {
		if apperr.As(err).Code == apperr.CodeConflict {
			// Someone saved first: show what is stored now, with the
			// newer version, and keep the input for another try.
			d.Form.Version = o.Version
		}
		return s.editFormFailed(c, d, bad, err)
	}
	s.Flash(c, "oppweb.board.saved")
	return c.Redirect("/"+web.Lang(c)+"/board/opportunities/"+o.Code+"/edit", fiber.StatusSeeOther)
}

func (s *Handlers) boardLinkOpportunity(c *fiber.Ctx) error {
	o, h, err := s.loadForEdit(c)
	if err != nil {
		return err
	}
	if _, err := s.linkProject(c, o.Code, web.NewForm().ReadRaw(c, "project_code").V("project_code")); err != nil {
		e := apperr.As(err)
		if e.Code != apperr.CodeInvalid {
			return err
		}
		return s.renderEditForm(c, fiber.StatusBadRequest, editFormData{Form: formOf(o, web.Lang(c)), O: o, History: h, LinkError: e.Fields["project_code"]})
	}
	s.Flash(c, "oppweb.board.linked")
	return c.Redirect("/"+web.Lang(c)+"/board/opportunities/"+o.Code+"/edit", fiber.StatusSeeOther)
}

// numberMessage is the message id for a number the form could not read,
// with decimals the one for too many decimals in this field.
func numberMessage(err error, decimals string) string {
	switch {
	case errors.Is(err, money.ErrNegative):
		return "error.field.not_negative"
	case errors.Is(err, money.ErrAmbiguous):
		return "number.error.ambiguous"
	case errors.Is(err, money.ErrGrouping):
		return "number.error.grouping"
	case errors.Is(err, money.ErrDecimals):
		return decimals
	case errors.Is(err, money.ErrTooLarge):
		return "error.field.too_large"
	}
	return "number.error.syntax"
}
