package board

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// projectFormFields are the inputs of the create and edit forms.
var projectFormFields = []string{
	"code", "kind", "name_vi", "name_en", "investor_name", "investor_country", "sector", "location", "unit", "zone",
	"land_area", "registered_capital", "jobs", "expected_completion", "stage", "stage_date", "reason", "version",
}

// projectFormData is the create or edit form's content.
type projectFormData struct {
	// Project is the project edited; nil when creating one.
	Project   *project.Project
	Form      web.Form
	Kinds     []project.Kind
	Sectors   []string
	Locations []string
	// UnitGroups are the current units by former district.
	UnitGroups []place.UnitGroup
	Zones      []string
	Stages     []project.Stage
}

func (s *Handlers) renderProjectForm(c *fiber.Ctx, status int, pr *project.Project, f web.Form) error {
	title := "board.new.title"
	if pr != nil {
		title = "board.edit.title"
	}
	p := s.NewPage(c, title)
	p.Nav = "board"
	p.ErrorsFrom(f.Errors, "#project-form", "code", "board.field.code", "kind", "board.field.kind",
		"name_vi", "board.field.name_vi", "name_en", "board.field.name_en", "investor_name", "board.field.investor_name",
		"investor_country", "board.field.investor_country", "sector", "board.field.sector", "location", "board.field.location",
		"unit", "board.field.unit", "zone", "board.field.zone", "land_area", "board.field.land_area", "registered_capital", "board.field.registered_capital",
		"jobs", "board.field.jobs", "expected_completion", "board.field.expected_completion", "stage", "board.field.stage",
		"stage_date", "board.field.stage_date", "reason", "board.field.reason")
	p.Data = projectFormData{Project: pr, Form: f, Kinds: project.Kinds, Sectors: project.Sectors,
		Locations: place.Locations, UnitGroups: place.UnitGroups(), Zones: project.Zones, Stages: project.Stages}
	c.Status(status)
	return s.Render(c, "board/project_form", p)
}

func (s *Handlers) boardNewProject(c *fiber.Ctx) error {
	f := web.FormWith(map[string]string{"kind": string(project.Domestic), "stage": string(project.Licensed), "investor_country": "VN"})
	return s.renderProjectForm(c, fiber.StatusOK, nil, f)
}

func (s *Handlers) boardCreateProject(c *fiber.Ctx) error {
	f := web.ReadForm(c, projectFormFields...)
	bad := apperr.Fields{}
	kind := project.Kind(f.V("kind"))
	pr := &project.Project{
		Code: f.V("code"), Kind: kind, Name: project.Text{VI: f.V("name_vi"), EN: f.V("name_en")},
		Investor: project.Investor{Name: f.V("investor_name"), Country: f.V("investor_country")},
		Sector:   f.V("sector"), Location: f.V("location"), Unit: f.V("unit"), Zone: f.V("zone"), Stage: project.Stage(f.V("stage")),
	}
	place.CheckUnit(bad, pr.Unit, pr.Location, true)
	if !kind.Valid() {
		bad.Add("kind", "error.field.kind")
	} else if v := parseCapital(bad, "registered_capital", f.V("registered_capital"), kind.Currency(), web.Lang(c)); v != nil {
		pr.Registered.Amount, pr.Registered.Currency = *v, kind.Currency()
	}
	if v := parseHectares(bad, "land_area", f.V("land_area"), web.Lang(c)); v != nil {
		pr.LandAreaCentiHa = *v
	}
	if v := web.ParseInt64(bad, "jobs", f.V("jobs"), false); v != nil {
		pr.Jobs = int(*v)
	}
	if d := parseDate(bad, "expected_completion", f.V("expected_completion")); !d.IsZero() {
		pr.ExpectedCompletion = &d
	}
	if d := parseDate(bad, "stage_date", f.V("stage_date")); !d.IsZero() {
		if d.After(s.Now()) {
			bad.Add("stage_date", "project.error.date_future")
		}
		pr.StageHistory = []project.StageDate{{Stage: pr.Stage, Date: project.Day(d)}}
	}
	err := bad.Err()
	if err == nil {
		ctx, cancel := web.DBContext(c)
		defer cancel()
		err = s.projects.CreateBy(ctx, pr, web.ProjectActor(c), s.Now())
	} else {
		cp := *pr
		mergeFields(bad, cp.Validate())
		err = bad.Err()
	}
	if err != nil {
		status, err := f.Fail(err)
		if err != nil {
			return err
		}
		return s.renderProjectForm(c, status, nil, f)
	}
	s.Flash(c, "board.flash.created")
	return c.Redirect(projectURL(c, pr.Code), fiber.StatusSeeOther)
}

// mergeFields adds the field problems of err to f.
func mergeFields(f apperr.Fields, err error) {
	if err == nil {
		return
	}
	for k, v := range apperr.As(err).Fields {
		f.Add(k, v)
	}
}

// editValues fills the edit form from the stored project, capital in the
// unit the form takes it in and lang's decimal separator.
func editValues(pr *project.Project, lang string) web.Form {
	return web.FormWith(map[string]string{
		"name_vi": pr.Name.VI, "name_en": pr.Name.EN, "investor_name": pr.Investor.Name,
		"investor_country": pr.Investor.Country, "sector": pr.Sector, "location": pr.Location, "unit": pr.Unit, "zone": pr.Zone,
		"land_area": centiText(pr.LandAreaCentiHa, lang), "registered_capital": capitalInput(pr.Registered, lang),
		"jobs": strconv.Itoa(pr.Jobs), "expected_completion": dateInput(pr.ExpectedCompletion),
		"version": strconv.FormatInt(pr.Version, 10),
	})
}

func (s *Handlers) boardEditProject(c *fiber.Ctx) error {
	pr, err := s.loadProject(c)
	if err != nil {
		return err
	}
	return s.renderProjectForm(c, fiber.StatusOK, pr, editValues(pr, web.Lang(c)))
}

// formVersion reads the hidden version field: the version the editor read.
func formVersion(bad apperr.Fields, f web.Form) int64 {
	v, err := strconv.ParseInt(f.V("version"), 10, 64)
	if err != nil || v < 1 {
		bad.Add("version", "board.error.version")
	}
	return v
}

func (s *Handlers) boardUpdateProject(c *fiber.Ctx) error {
	pr, err := s.loadProject(c)
	if err != nil {
		return err
	}
	f := web.ReadForm(c, projectFormFields...)
	bad := apperr.Fields{}
	version := formVersion(bad, f)
	str := func(k string) *string { v := f.V(k); return &v }
	ch := project.Changes{
		NameVI: str("name_vi"), NameEN: str("name_en"), InvestorName: str("investor_name"),
		InvestorCountry: str("investor_country"), Sector: str("sector"), Location: str("location"), Unit: str("unit"), Zone: str("zone"),
		LandAreaCentiHa: parseHectares(bad, "land_area", f.V("land_area"), web.Lang(c)),
		Registered:      parseCapital(bad, "registered_capital", f.V("registered_capital"), pr.Registered.Currency, web.Lang(c)),
		Reason:          f.V("reason"),
	}
	if v := web.ParseInt64(bad, "jobs", f.V("jobs"), true); v != nil {
		jobs := int(*v)
		ch.Jobs = &jobs
	}
	place.CheckUnit(bad, f.V("unit"), f.V("location"), true)
	if d := parseDate(bad, "expected_completion", f.V("expected_completion")); d.IsZero() {
		ch.ClearExpectedCompletion = true
	} else {
		ch.ExpectedCompletion = &d
	}
	err = bad.Err()
	if err == nil {
		ctx, cancel := web.DBContext(c)
		defer cancel()
		_, err = s.projects.Update(ctx, pr.Code, version, ch, web.ProjectActor(c), s.Now())
	} else {
		// Name the problems of the fields that did parse too.
		cp := *pr
		mergeFields(bad, ch.Apply(&cp, s.Now()))
		err = bad.Err()
	}
	if err != nil {
		status, err := f.Fail(err)
		if err != nil {
			return err
		}
		return s.renderProjectForm(c, status, pr, f)
	}
	s.Flash(c, "board.flash.saved")
	return c.Redirect(projectURL(c, pr.Code), fiber.StatusSeeOther)
}
