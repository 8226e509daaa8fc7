package board

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// RegisterAPI registers the board's write endpoints for projects.
func (s *Handlers) RegisterAPI(api fiber.Router) {
	s.Handle(api, fiber.MethodPost, "/projects", boardAccess, s.apiCreateProject)
	s.Handle(api, fiber.MethodPatch, "/projects/:code", boardAccess, s.apiPatchProject)
	s.Handle(api, fiber.MethodPost, "/projects/:code/disbursements", boardAccess, s.apiRecordDisbursement)
	s.Handle(api, fiber.MethodGet, "/projects/:code/history", web.ProjectHistoryReaders, s.apiProjectHistory)
}

// ProjectInput is a new project.
type ProjectInput struct {
	Code     string           `json:"code" example:"DA-0999"`
	Kind     project.Kind     `json:"kind" enums:"domestic,fdi"`
	Name     project.Text     `json:"name"`
	Investor project.Investor `json:"investor"`
	Sector   string           `json:"sector" example:"tourism"`
	// Location is the former district (before 1 July 2025); Unit the
	// current commune, ward or special zone formed from it (required).
	Location string `json:"location" example:"nha_trang"`
	Unit     string `json:"unit" example:"nam_nha_trang"`
	Zone     string `json:"zone,omitempty" example:"nha_trang_bay"`
	// LandAreaCentiHa is the land area in hundredths of a hectare.
	LandAreaCentiHa int64 `json:"landAreaCentiHa" example:"1250"`
	// RegisteredCapital is in minor units; its currency must be the kind's
	// (VND for domestic, USD for FDI).
	RegisteredCapital  money.Amount  `json:"registeredCapital"`
	Jobs               int           `json:"jobs" example:"120"`
	ExpectedCompletion string        `json:"expectedCompletion,omitempty" example:"2028-12-31"`
	Stage              project.Stage `json:"stage" enums:"proposed,approved,licensed,site_clearance,construction,operating,suspended,terminated"`
	// StageDate is the day the project reached its stage; today if empty.
	StageDate string `json:"stageDate,omitempty" example:"2026-01-15"`
}

// TextPatch changes a bilingual text; absent languages stay.
type TextPatch struct {
	VI *string `json:"vi,omitempty"`
	EN *string `json:"en,omitempty"`
}

// InvestorPatch changes the investor; absent fields stay.
type InvestorPatch struct {
	Name    *string `json:"name,omitempty"`
	Country *string `json:"country,omitempty" example:"KR"`
}

// ProjectPatch is a partial update of a project: absent fields stay as
// they are. The code, kind and disbursed capital cannot be patched (record
// disbursements instead). A stage change follows the stage rules.
type ProjectPatch struct {
	Name            *TextPatch     `json:"name,omitempty"`
	Investor        *InvestorPatch `json:"investor,omitempty"`
	Sector          *string        `json:"sector,omitempty"`
	Location        *string        `json:"location,omitempty"`
	Unit            *string        `json:"unit,omitempty"`
	Zone            *string        `json:"zone,omitempty"`
	LandAreaCentiHa *int64         `json:"landAreaCentiHa,omitempty"`
	// RegisteredCapital must be in the project's currency.
	RegisteredCapital *money.Amount `json:"registeredCapital,omitempty"`
	Jobs              *int          `json:"jobs,omitempty"`
	// ExpectedCompletion is a date; the empty string removes it.
	ExpectedCompletion *string        `json:"expectedCompletion,omitempty" example:"2028-12-31"`
	Stage              *project.Stage `json:"stage,omitempty" enums:"proposed,approved,licensed,site_clearance,construction,operating,suspended,terminated"`
	StageDate          string         `json:"stageDate,omitempty" example:"2026-11-28"`
	// Reason explains the change; required to go back a stage or to set
	// registered capital below the disbursed total.
	Reason string `json:"reason,omitempty"`
}

// DisbursementInput records capital paid into a project.
type DisbursementInput struct {
	// Amount is in minor units of the project's currency; negative
	// corrects an earlier entry (with a reason).
	Amount int64 `json:"amount" example:"2500000000"`
	// Date is the day of payment; today if empty.
	Date string `json:"date,omitempty" example:"2026-11-20"`
	// Reason confirms a total above registered capital, or explains a
	// correction.
	Reason string `json:"reason,omitempty"`
}

// HistoryPage is one page of a project's history, newest first.
type HistoryPage struct {
	Items   []project.Change `json:"items"`
	Total   int64            `json:"total" example:"3"`
	Page    int              `json:"page" example:"1"`
	PerPage int              `json:"per_page" example:"50"`
}

// apiDate reads an optional 2006-01-02 date of field.
func apiDate(f apperr.Fields, field, v string) time.Time { return parseDate(f, field, v) }

// sendProject answers with the project and its ETag.
func sendProject(c *fiber.Ctx, status int, p *project.Project) error {
	c.Set(fiber.HeaderETag, web.ETag(p.Code, p.Version))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(p)
}

// apiCreateProject creates a project.
//
//	@Summary		Create a project
//	@Description	For investment promotion staff and administrators. The disbursed capital starts at zero; record disbursements to raise it. The project's history starts with this creation.
//	@Tags			board
//	@Accept			json
//	@Produce		json
//	@Security		BearerToken
//	@Param			project	body		ProjectInput	true	"the new project"
//	@Success		201		{object}	project.Project
//	@Header			201		{string}	ETag		"the project's version, for If-Match"
//	@Header			201		{string}	Location	"the project's address"
//	@Failure		400		{object}	web.Problem	"a field is invalid; errors name each one"
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Router			/projects [post]
func (s *Handlers) apiCreateProject(c *fiber.Ctx) error {
	var in ProjectInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	bad := apperr.Fields{}
	p := &project.Project{Code: in.Code, Kind: in.Kind, Name: in.Name, Investor: in.Investor, Sector: in.Sector,
		Location: in.Location, Unit: in.Unit, Zone: in.Zone, LandAreaCentiHa: in.LandAreaCentiHa, Registered: in.RegisteredCapital,
		Jobs: in.Jobs, Stage: in.Stage}
	place.CheckUnit(bad, p.Unit, p.Location, true)
	if d := apiDate(bad, "expectedCompletion", in.ExpectedCompletion); !d.IsZero() {
		p.ExpectedCompletion = &d
	}
	if d := apiDate(bad, "stageDate", in.StageDate); !d.IsZero() {
		if d.After(s.Now()) {
			bad.Add("stageDate", "project.error.date_future")
		}
		p.StageHistory = []project.StageDate{{Stage: p.Stage, Date: project.Day(d)}}
	}
	if err := bad.Err(); err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if err := s.projects.CreateBy(ctx, p, web.ProjectActor(c), s.Now()); err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/projects/"+p.Code)
	return sendProject(c, fiber.StatusCreated, p)
}

// apiPatchProject changes a project.
//
//	@Summary		Change a project
//	@Description	Send the ETag from GET /projects/{code} in If-Match. Without it the answer is 428; if the project changed since (another version), 412 and nothing is written. Each change is kept in the project's history with who made it and the reason.
//	@Tags			board
//	@Accept			json
//	@Produce		json
//	@Security		BearerToken
//	@Param			code		path		string			true	"project code, such as DA-0001"
//	@Param			If-Match	header		string			true	"ETag of the version read, such as \"DA-0001-v3\""
//	@Param			changes		body		ProjectPatch	true	"the fields to change"
//	@Success		200			{object}	project.Project
//	@Header			200			{string}	ETag	"the new version"
//	@Failure		400			{object}	web.Problem	"a field is invalid or a stage move is not allowed"
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Failure		404			{object}	web.Problem
//	@Failure		412			{object}	web.Problem	"the project changed since it was read"
//	@Failure		428			{object}	web.Problem	"If-Match is missing"
//	@Router			/projects/{code} [patch]
func (s *Handlers) apiPatchProject(c *fiber.Ctx) error {
	var in ProjectPatch
	code, version, err := web.VersionedWrite(c, web.ProjectCode, "project.error.changed", &in)
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	cur, err := s.projects.Get(ctx, code)
	if err != nil {
		return err
	}
	bad := apperr.Fields{}
	ch := project.Changes{Sector: in.Sector, Location: in.Location, Unit: in.Unit, Zone: in.Zone, LandAreaCentiHa: in.LandAreaCentiHa,
		Jobs: in.Jobs, Stage: in.Stage, Reason: in.Reason, StageDate: apiDate(bad, "stageDate", in.StageDate)}
	if in.Name != nil {
		ch.NameVI, ch.NameEN = in.Name.VI, in.Name.EN
	}
	if in.Investor != nil {
		ch.InvestorName, ch.InvestorCountry = in.Investor.Name, in.Investor.Country
	}
	if in.RegisteredCapital != nil {
		if in.RegisteredCapital.Currency != cur.Registered.Currency {
			bad.Add("registeredCapital", "error.field.currency")
		}
		ch.Registered = &in.RegisteredCapital.Amount
	}
	if in.ExpectedCompletion != nil {
		if d := apiDate(bad, "expectedCompletion", *in.ExpectedCompletion); d.IsZero() {
			ch.ClearExpectedCompletion = true
		} else {
			ch.ExpectedCompletion = &d
		}
	}
	if err := bad.Err(); err != nil {
		return err
	}
	p, err := s.projects.Update(ctx, code, version, ch, web.ProjectActor(c), s.Now())
	if err != nil {
		return web.Precondition(err)
	}
	return sendProject(c, fiber.StatusOK, p)
}

// apiRecordDisbursement records a disbursement.
//
//	@Summary		Record a disbursement
//	@Description	Adds a dated amount to the project's disbursed capital. The total may not exceed registered capital unless a reason confirms it. Needs If-Match like PATCH.
//	@Tags			board
//	@Accept			json
//	@Produce		json
//	@Security		BearerToken
//	@Param			code			path		string				true	"project code"
//	@Param			If-Match		header		string				true	"ETag of the version read"
//	@Param			disbursement	body		DisbursementInput	true	"the disbursement"
//	@Success		200				{object}	project.Project
//	@Header			200				{string}	ETag	"the new version"
//	@Failure		400				{object}	web.Problem
//	@Failure		401				{object}	web.Problem
//	@Failure		403				{object}	web.Problem
//	@Failure		404				{object}	web.Problem
//	@Failure		412				{object}	web.Problem
//	@Failure		428				{object}	web.Problem
//	@Router			/projects/{code}/disbursements [post]
func (s *Handlers) apiRecordDisbursement(c *fiber.Ctx) error {
	var in DisbursementInput
	code, version, err := web.VersionedWrite(c, web.ProjectCode, "project.error.changed", &in)
	if err != nil {
		return err
	}
	bad := apperr.Fields{}
	d := project.NewDisbursement{Amount: in.Amount, Date: apiDate(bad, "date", in.Date), Reason: in.Reason}
	if err := bad.Err(); err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	p, err := s.projects.RecordDisbursement(ctx, code, version, d, web.ProjectActor(c), s.Now())
	if err != nil {
		return web.Precondition(err)
	}
	return sendProject(c, fiber.StatusOK, p)
}

// apiProjectHistory returns a project's history.
//
//	@Summary		A project's history
//	@Description	Every change: who, when, each field from and to (amounts as "<minor units> <currency>", dates as YYYY-MM-DD) and the reason. Newest first. For staff.
//	@Tags			board
//	@Produce		json
//	@Security		BearerToken
//	@Param			code		path		string	true	"project code"
//	@Param			page		query		int		false	"page, from 1"
//	@Param			per_page	query		int		false	"entries per page, at most 100 (default 50)"
//	@Success		200			{object}	HistoryPage
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Failure		404			{object}	web.Problem
//	@Router			/projects/{code}/history [get]
func (s *Handlers) apiProjectHistory(c *fiber.Ctx) error {
	code, err := web.ProjectCode(c)
	if err != nil {
		return err
	}
	bad := apperr.Fields{}
	page, perPage := web.Paging(c, bad, 50, project.MaxPerPage)
	if err := bad.Err(); err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	h, err := s.projects.History(ctx, code)
	if err != nil {
		return err
	}
	out := HistoryPage{Items: []project.Change{}, Total: int64(len(h)), Page: page, PerPage: perPage}
	if from := (page - 1) * perPage; from < len(h) {
		out.Items = h[from:min(from+perPage, len(h))]
	}
	return c.JSON(out)
}
