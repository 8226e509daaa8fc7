package opendata

import (
	"context"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/export"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// The tables behind the downloads. Headers come from locales/export.*.toml
// in the reader's language; enumerations are written as their localized
// labels; money as whole minor units beside a currency column; instants
// in UTC. Every export holds all matching rows, not one page.

// headers localizes a row of message ids.
func headers(l *i18n.Localizer, ids ...string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = l.T("export.col." + id)
	}
	return out
}

// ---- projects ----

var projectColumns = []string{
	"code", "name", "investor", "investor_country", "kind", "sector", "location", "zone", "stage",
	"registered_capital", "disbursed_capital", "currency", "land_area_centiha", "jobs",
	"licensed_year", "licensed_at", "expected_completion", "updated_at",
	// Added with the 2025 units, at the end so that older readers of the
	// columns above keep their positions; "location" is the former district.
	"unit", "province",
}

// projectTable is every project matching the list filters of the query
// string (the same as the list page and /api/v1/projects; page and
// per_page are ignored).
func (s *Handlers) projectTable(c *fiber.Ctx, l *i18n.Localizer) (export.Table, error) {
	pq, err := web.ParseProjectQuery(c)
	if err != nil {
		return export.Table{}, err
	}
	f := pq.Filter
	// The filter is validated; lift the page size so one call returns
	// every match from the in-memory snapshot.
	f.Page, f.PerPage = 1, math.MaxInt32
	ctx, cancel := web.DBContext(c)
	defer cancel()
	res, err := s.projects.List(ctx, f)
	if err != nil {
		return export.Table{}, err
	}
	t := export.Table{Sheet: l.T("export.sheet.projects"), Header: headers(l, projectColumns...)}
	for i := range res.Items {
		p := &res.Items[i]
		licensed, _ := p.StageDate(project.Licensed)
		t.Rows = append(t.Rows, []export.Cell{
			export.Text(p.Code), export.Text(p.Name.Get(l.Lang)), export.Text(p.Investor.Name),
			export.Text(p.Investor.Country), export.Text(l.Label("project.kind", string(p.Kind))),
			export.Text(l.Label("sector", p.Sector)), export.Text(l.Label("location", p.Location)),
			export.Text(l.Label("zone", p.Zone)), export.Text(l.Label("project.stage", string(p.Stage))),
			export.Money(p.Registered.Amount), export.Money(p.Disbursed.Amount), export.Text(p.Registered.Currency),
			export.Int(p.LandAreaCentiHa), export.Int(int64(p.Jobs)), yearCell(p.LicensedYear),
			export.Time(licensed), export.TimePtr(p.ExpectedCompletion), export.Time(p.UpdatedAt),
			export.Text(unitText(l, p.Unit)), export.Text(l.Label("province", p.Province())),
		})
	}
	return t, nil
}

// unitText is the current unit's full name ("" for a record not yet
// migrated), from the unit data.
func unitText(l *i18n.Localizer, unit string) string {
	if unit == "" {
		return ""
	}
	return place.UnitName(l.Lang, unit)
}

func yearCell(y int) export.Cell {
	if y == 0 {
		return export.Cell{}
	}
	return export.Int(int64(y))
}

// ---- opportunities ----

var opportunityColumns = []string{
	"code", "title", "status", "sector", "location", "zone", "indicative_capital", "currency",
	"land_area_centiha", "investment_forms", "land_legal_status", "site_clearance_status",
	"contact_agency", "project_code", "published_at", "updated_at",
	"unit", "province", // added with the 2025 units; "location" is the former district
}

// maxExportQuery bounds each free-text export filter, in characters.
const maxExportQuery = 200

// opportunityExportFilter reads the catalogue's filters: sector, location,
// form, capital (band), status (each may repeat), q and sort.
func opportunityExportFilter(c *fiber.Ctx) (opportunity.Filter, error) {
	multi := func(key string) []string {
		var out []string
		for _, v := range c.Context().QueryArgs().PeekMulti(key) {
			for _, part := range strings.Split(string(v), ",") {
				if part = strings.TrimSpace(part); part != "" {
					out = append(out, part)
				}
			}
		}
		return out
	}
	f := opportunity.Filter{
		Sectors: multi("sector"), Locations: multi("location"), Units: multi("unit"), Provinces: multi("province"), Forms: multi("form"),
		CapitalBands: multi("band"), Statuses: multi("status"), Text: c.Query("q"), Sort: c.Query("sort"),
	}
	if utf8.RuneCountInString(f.Text) > maxExportQuery {
		bad := apperr.Fields{}
		bad.Add("q", "error.field.too_long")
		return f, bad.Err()
	}
	return f, f.Normalize()
}

// opportunityTable is every opportunity matching the catalogue filters.
func (s *Handlers) opportunityTable(c *fiber.Ctx, l *i18n.Localizer) (export.Table, error) {
	if s.opportunities == nil {
		return export.Table{}, apperr.NotFound("error.not_found")
	}
	f, err := opportunityExportFilter(c)
	if err != nil {
		return export.Table{}, err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	t := export.Table{Sheet: l.T("export.sheet.opportunities"), Header: headers(l, opportunityColumns...)}
	f.PerPage = opportunity.MaxPerPage
	for f.Page = 1; ; f.Page++ {
		res, err := s.opportunities.List(ctx, f)
		if err != nil {
			return export.Table{}, err
		}
		for i := range res.Items {
			o := &res.Items[i]
			forms := make([]string, len(o.InvestmentForms))
			for j, v := range o.InvestmentForms {
				forms[j] = l.Label("opportunity.form", v)
			}
			t.Rows = append(t.Rows, []export.Cell{
				export.Text(o.Code), export.Text(o.Title.Get(l.Lang)), export.Text(l.Label("opportunity.status", o.Status)),
				export.Text(l.Label("sector", o.Sector)), export.Text(l.Label("location", o.Location)), export.Text(l.Label("zone", o.Zone)),
				export.Money(o.IndicativeCapital.Amount), export.Text(o.IndicativeCapital.Currency),
				export.Int(o.LandAreaCentiHa), export.Text(strings.Join(forms, "; ")),
				export.Text(l.Label("opportunity.land", o.LandLegalStatus)),
				export.Text(l.Label("opportunity.clearance", o.SiteClearanceStatus)),
				export.Text(l.Label("opportunity.agency", o.Contact.Agency)), export.Text(o.ProjectCode),
				export.Time(o.PublishedAt), export.Time(o.UpdatedAt),
				export.Text(unitText(l, o.Unit)), export.Text(l.Label("province", o.Province())),
			})
		}
		if len(res.Items) == 0 || int64(f.Page*f.PerPage) >= res.Total {
			break
		}
	}
	return t, nil
}

// ---- obstacles ----

// obstaclePublicColumns carry no confidential field: no business, tax
// code, contact, e-mail, phone, title, description or files.
var obstaclePublicColumns = []string{
	"tracking_code", "category", "status", "project_code", "lead_agency", "escalation_level",
	"deadline", "submitted_at", "accepted_at", "assigned_at", "resolved_at", "closed_at", "on_time",
}

// obstacleStaffColumns add what only staff may see.
var obstacleStaffColumns = append(append([]string(nil), obstaclePublicColumns...),
	"title", "business_name", "tax_code", "contact_person", "email", "phone", "description",
	"files", "coordinating_agencies", "resolution", "rating",
)

// Stages are the instants an agency needs to compute its own figures.
type obstacleStages struct {
	Submitted, Accepted, Assigned export.Cell
}

// stagesOf reads the first submit, accept and assign events of the
// timeline; resolution and closing come from the obstacle itself.
func stagesOf(o *obstacle.Obstacle) obstacleStages {
	st := obstacleStages{Submitted: export.Time(o.CreatedAt)}
	var accepted, assigned bool
	for _, e := range o.Timeline {
		switch {
		case e.Act() == obstacle.ActAccept && !accepted:
			st.Accepted, accepted = export.Time(e.At), true
		case e.Act() == obstacle.ActAssign && !assigned:
			st.Assigned, assigned = export.Time(e.At), true
		}
	}
	return st
}

// obstacleExportFilter reads status (may repeat), category, overdue and
// q (staff only) from the query string.
func obstacleExportFilter(c *fiber.Ctx, staff bool) (obstacle.Filter, error) {
	bad := apperr.Fields{}
	var f obstacle.Filter
	for _, v := range c.Context().QueryArgs().PeekMulti("status") {
		st := obstacle.Status(v)
		if !st.Valid() {
			bad.Add("status", "error.field.invalid")
			continue
		}
		f.Status = append(f.Status, st)
	}
	if v := c.Query("category"); v != "" {
		if !obstacle.Category(v).Valid() {
			bad.Add("category", "error.field.invalid")
		}
		f.Category = obstacle.Category(v)
	}
	switch c.Query("overdue") {
	case "", "0", "false":
	case "1", "true":
		f.Overdue = true
	default:
		bad.Add("overdue", "error.field.invalid")
	}
	if staff {
		f.Text = strings.TrimSpace(c.Query("q"))
		if utf8.RuneCountInString(f.Text) > maxExportQuery {
			bad.Add("q", "error.field.too_long")
		}
	}
	return f, bad.Err()
}

// obstacleActor is the obstacle store's view of the caller: a staff
// member for the staff export (an agency officer sees only the agency's
// obstacles), the system for the public figures (rows are then stripped
// of every confidential field).
func obstacleActor(c *fiber.Ctx, staff bool) (obstacle.Actor, error) {
	if !staff {
		return obstacle.SystemActor, nil
	}
	p := web.Principal(c)
	if p == nil {
		return obstacle.Actor{}, apperr.Unauthorized()
	}
	a := obstacle.StaffActor(p.User.ID, string(p.User.Role), p.User.AgencyID)
	if !a.Staff() {
		return obstacle.Actor{}, apperr.Forbidden()
	}
	return a, nil
}

// obstacleTable is every obstacle matching the filters: the public
// columns for anyone, and the confidential ones too for staff.
func (s *Handlers) obstacleTable(staff bool) func(c *fiber.Ctx, l *i18n.Localizer) (export.Table, error) {
	return func(c *fiber.Ctx, l *i18n.Localizer) (export.Table, error) {
		if s.obstacles == nil {
			return export.Table{}, apperr.NotFound("error.not_found")
		}
		f, err := obstacleExportFilter(c, staff)
		if err != nil {
			return export.Table{}, err
		}
		actor, err := obstacleActor(c, staff)
		if err != nil {
			return export.Table{}, err
		}
		cols, sheet := obstaclePublicColumns, "export.sheet.obstacles"
		if staff {
			cols, sheet = obstacleStaffColumns, "export.sheet.obstacles_staff"
		}
		t := export.Table{Sheet: l.T(sheet), Header: headers(l, cols...)}
		ctx, cancel := context.WithTimeout(c.UserContext(), exportTimeout)
		defer cancel()
		yes, no := l.T("export.value.yes"), l.T("export.value.no")
		now := s.Now()
		f.PerPage = obstacle.MaxPerPage
		for f.Page = 1; ; f.Page++ {
			page, err := s.obstacles.List(ctx, f, actor, now)
			if err != nil {
				return export.Table{}, err
			}
			for i := range page.Items {
				t.Rows = append(t.Rows, obstacleRow(&page.Items[i], l, staff, yes, no))
			}
			if len(page.Items) == 0 || int64(f.Page*f.PerPage) >= page.Total {
				break
			}
		}
		return t, nil
	}
}

func obstacleRow(o *obstacle.Obstacle, l *i18n.Localizer, staff bool, yes, no string) []export.Cell {
	st := stagesOf(o)
	onTime := export.Cell{}
	if o.ResolvedAt != nil && o.Deadline != nil {
		onTime = export.Bool(o.OnTime(), yes, no)
	}
	row := []export.Cell{
		export.Text(o.TrackingCode), export.Text(l.Label("obstacle.category", string(o.Category))),
		export.Text(l.Label("obstacle.status", string(o.Status))), export.Text(o.ProjectCode),
		export.Text(o.LeadAgency), export.Int(int64(o.EscalationLevel)), export.TimePtr(o.Deadline),
		st.Submitted, st.Accepted, st.Assigned, export.TimePtr(o.ResolvedAt), export.TimePtr(o.ClosedAt), onTime,
	}
	if !staff {
		return row
	}
	files := make([]string, len(o.Attachments))
	for i, a := range o.Attachments {
		files[i] = a.Name
	}
	rating := export.Cell{}
	if o.Rating > 0 {
		rating = export.Int(int64(o.Rating))
	}
	return append(row,
		export.Text(o.Title), export.Text(o.Filer.BusinessName), export.Text(o.Filer.TaxCode),
		export.Text(o.Filer.ContactPerson), export.Text(o.Filer.Email), export.Text(o.Filer.Phone),
		export.Text(o.Description), export.Text(strings.Join(files, "; ")),
		export.Text(strings.Join(o.CoordinatingAgencies, "; ")), export.Text(o.Resolution), rating,
	)
}
