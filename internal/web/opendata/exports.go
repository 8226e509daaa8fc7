package opendata

import (
	"bytes"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/export"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/web"
)

// Downloads. Each list has a CSV and an XLSX address beside its page, the
// list's own path with the format as extension, so that it keeps the
// page's query string (filters) and language (headers):
//
//	/{lang}/projects.csv|xlsx            public, the project list's filters
//	/{lang}/opportunities.csv|xlsx       public, the catalogue's filters
//	/{lang}/obstacles/stats.csv|xlsx     public, one row per obstacle, no confidential field
//	/{lang}/staff/obstacles.csv|xlsx     task force, admin, agency (its own obstacles), every field
//
// The API has the same under /api/v1/exports/..., the format chosen by
// ?format=csv|xlsx or else the Accept header (CSV by default). Every CSV
// takes ?sep=semicolon for a file split at semicolons, which a spreadsheet
// under a Vietnamese (or other decimal-comma) locale opens in columns on
// a double click; the Vietnamese pages link to it.

// exportTimeout bounds the database reads of one export, longer than a
// page's: an export reads every matching row.
const exportTimeout = 60 * time.Second

// exportSlots is how many exports one process builds at once, and
// exportWait how long a further one waits for a place before it is told to
// come back (503): exports read whole collections.
const (
	exportSlots = 2
	exportWait  = 2 * time.Second
)

// staffExport may download obstacles with their confidential fields.
var staffExport = web.Roles(account.RoleTaskForce, account.RoleAdmin, account.RoleAgency)

// exportFormats are the formats every export is offered in.
var exportFormats = []export.Format{export.CSV, export.XLSX}

// tableFunc builds an export's table for the request, in l's language.
type tableFunc func(c *fiber.Ctx, l *i18n.Localizer) (export.Table, error)

// RegisterPages registers the open-data page and export downloads.
func (s *Handlers) RegisterPages(g fiber.Router) {
	for _, f := range exportFormats {
		ext := "." + string(f)
		s.Handle(g, fiber.MethodGet, "/projects"+ext, web.Public, s.download(f, "projects", s.projectTable, false))
		s.Handle(g, fiber.MethodGet, "/opportunities"+ext, web.Public, s.download(f, "opportunities", s.opportunityTable, false))
		s.Handle(g, fiber.MethodGet, "/obstacles/stats"+ext, web.Public, s.download(f, "obstacles", s.obstacleTable(false), false))
		s.Handle(g, fiber.MethodGet, "/staff/obstacles"+ext, staffExport, s.download(f, "obstacles-staff", s.obstacleTable(true), true))
	}
	s.Handle(g, fiber.MethodGet, "/open-data", web.Public, s.openDataPage)
}

// RegisterAPI registers the open-data feed and export endpoints.
func (s *Handlers) RegisterAPI(api fiber.Router) {
	s.Handle(api, fiber.MethodGet, "/exports/projects", web.Public, s.apiExportProjects)
	s.Handle(api, fiber.MethodGet, "/exports/opportunities", web.Public, s.apiExportOpportunities)
	s.Handle(api, fiber.MethodGet, "/exports/obstacles", web.Public, s.apiExportObstacles)
	s.Handle(api, fiber.MethodGet, "/exports/staff/obstacles", staffExport, s.apiExportStaffObstacles)
	s.registerFeed(api)
}

// download returns the handler that sends the table in format f.
func (s *Handlers) download(f export.Format, name string, build tableFunc, private bool) fiber.Handler {
	return func(c *fiber.Ctx) error { return s.sendExport(c, f, name, build, private) }
}

// sendExport builds the table in the request's language and sends it as
// an attachment named <name>-<date>.<ext>. Private exports (confidential
// fields) are never stored by caches.
func (s *Handlers) sendExport(c *fiber.Ctx, f export.Format, name string, build tableFunc, private bool) error {
	sep, err := exportSep(c)
	if err != nil {
		return err
	}
	if err := s.exports.Enter(c); err != nil {
		return err
	}
	defer s.exports.Leave()
	l := s.I18n().For(web.Lang(c))
	t, err := build(c, l)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.WriteSep(&buf, f, sep, t); err != nil {
		return fmt.Errorf("write %s export: %w", name, err)
	}
	file := f.Filename(fmt.Sprintf("%s-%s-%s", name, l.Lang, s.Now().In(i18n.Zone).Format("2006-01-02")))
	c.Set(fiber.HeaderContentType, f.ContentType())
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+file+`"`)
	if private {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	return c.Send(buf.Bytes())
}

// exportSep is the CSV field separator the request asks for with ?sep
// (comma or semicolon; a comma when absent). Another value names the
// field, whatever the format.
func exportSep(c *fiber.Ctx) (rune, error) {
	sep, ok := export.ParseSep(c.Query("sep"))
	if !ok {
		bad := apperr.Fields{}
		bad.Add("sep", "error.field.invalid")
		return 0, bad.Err()
	}
	return sep, nil
}

// apiFormat is the format an API export asks for: ?format, else Accept,
// else CSV. An unknown ?format names the field.
func apiFormat(c *fiber.Ctx) (export.Format, error) {
	if v := c.Query("format"); v != "" {
		f, ok := export.ParseFormat(v)
		if !ok {
			bad := apperr.Fields{}
			bad.Add("format", "error.field.invalid")
			return "", bad.Err()
		}
		return f, nil
	}
	if f, ok := export.FromAccept(c.Get(fiber.HeaderAccept)); ok {
		return f, nil
	}
	return export.CSV, nil
}

func (s *Handlers) apiExport(c *fiber.Ctx, name string, build tableFunc, private bool) error {
	f, err := apiFormat(c)
	if err != nil {
		return err
	}
	return s.sendExport(c, f, name, build, private)
}

// apiExportProjects downloads every project matching the filters.
//
//	@Summary		Export projects as CSV or XLSX
//	@Description	Every project matching the filters of GET /projects (page and per_page are ignored). Headers follow ?lang or Accept-Language. Money columns are whole ISO 4217 minor units with a currency column; instants are UTC.
//	@Tags			exports
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Param			format		query		string	false	"file format; else taken from Accept, else csv"	Enums(csv, xlsx)
//	@Param			sep			query		string	false	"CSV field separator (semicolon: for spreadsheets in a decimal-comma locale such as Vietnamese)"	Enums(comma, semicolon)
//	@Param			kind		query		string	false	"domestic or fdi"	Enums(domestic, fdi)
//	@Param			sector		query		string	false	"sector code"
//	@Param			location	query		string	false	"former district code (before 1 July 2025)"
//	@Param			unit		query		string	false	"current commune, ward or special zone (since 1 July 2025), such as bac_cam_ranh"
//	@Param			province	query		string	false	"former province: khanh_hoa or ninh_thuan"
//	@Param			stage		query		string	false	"stage"
//	@Param			capital_min	query		int		false	"least registered capital, billions of VND"
//	@Param			capital_max	query		int		false	"most registered capital, billions of VND"
//	@Param			q			query		string	false	"text in code, name or investor"
//	@Param			sort		query		string	false	"order"
//	@Success		200			{file}		file
//	@Failure		400			{object}	web.Problem	"a filter, the format or the separator is invalid"
//	@Router			/exports/projects [get]
func (s *Handlers) apiExportProjects(c *fiber.Ctx) error {
	return s.apiExport(c, "projects", s.projectTable, false)
}

// apiExportOpportunities downloads every opportunity matching the filters.
//
//	@Summary		Export opportunities as CSV or XLSX
//	@Description	Every opportunity matching the filters. Values within one filter are alternatives (repeat the parameter or separate with commas).
//	@Tags			exports
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Param			format		query		string	false	"file format; else taken from Accept, else csv"	Enums(csv, xlsx)
//	@Param			sep			query		string	false	"CSV field separator (semicolon: for spreadsheets in a decimal-comma locale such as Vietnamese)"	Enums(comma, semicolon)
//	@Param			sector		query		string	false	"sector codes"
//	@Param			location	query		string	false	"former district codes (before 1 July 2025)"
//	@Param			unit		query		string	false	"current commune, ward or special zone (since 1 July 2025), such as bac_cam_ranh"
//	@Param			province	query		string	false	"former province: khanh_hoa or ninh_thuan"
//	@Param			form		query		string	false	"investment form codes"
//	@Param			capital		query		string	false	"capital band codes"
//	@Param			status		query		string	false	"status codes"
//	@Param			q			query		string	false	"words in the text"
//	@Param			sort		query		string	false	"order"	Enums(newest, capital_desc, capital_asc, code, updated)
//	@Success		200			{file}		file
//	@Failure		400			{object}	web.Problem	"a filter, the format or the separator is invalid"
//	@Router			/exports/opportunities [get]
func (s *Handlers) apiExportOpportunities(c *fiber.Ctx) error {
	return s.apiExport(c, "opportunities", s.opportunityTable, false)
}

// apiExportObstacles downloads the public obstacle figures.
//
//	@Summary		Export obstacle figures as CSV or XLSX
//	@Description	One row per obstacle with its category, status, lead agency, deadline and the instant of each stage (submitted, accepted, assigned, resolved, closed, UTC), so that anyone can compute their own figures. No confidential field: no business, tax code, contact, e-mail, phone, title, description or files.
//	@Tags			exports
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Param			format		query		string	false	"file format; else taken from Accept, else csv"	Enums(csv, xlsx)
//	@Param			sep			query		string	false	"CSV field separator (semicolon: for spreadsheets in a decimal-comma locale such as Vietnamese)"	Enums(comma, semicolon)
//	@Param			status		query		string	false	"status codes (repeatable)"
//	@Param			category	query		string	false	"category code"
//	@Param			overdue		query		bool	false	"only obstacles past their deadline"
//	@Success		200			{file}		file
//	@Failure		400			{object}	web.Problem	"a filter, the format or the separator is invalid"
//	@Router			/exports/obstacles [get]
func (s *Handlers) apiExportObstacles(c *fiber.Ctx) error {
	return s.apiExport(c, "obstacles", s.obstacleTable(false), false)
}

// apiExportStaffObstacles downloads obstacles with every field, for staff.
//
//	@Summary		Export obstacles with confidential fields (staff)
//	@Description	As /exports/obstacles plus title, business, tax code, contact, e-mail, phone, description, file names, coordinating agencies, resolution and rating. Task force and administrators get every obstacle; an agency officer those of the agency.
//	@Tags			exports
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerToken
//	@Param			format		query		string	false	"file format; else taken from Accept, else csv"	Enums(csv, xlsx)
//	@Param			sep			query		string	false	"CSV field separator (semicolon: for spreadsheets in a decimal-comma locale such as Vietnamese)"	Enums(comma, semicolon)
//	@Param			status		query		string	false	"status codes (repeatable)"
//	@Param			category	query		string	false	"category code"
//	@Param			overdue		query		bool	false	"only obstacles past their deadline"
//	@Param			q			query		string	false	"text in tracking code, title, description or business; or a tax code"
//	@Success		200			{file}		file
//	@Failure		400			{object}	web.Problem	"a filter, the format or the separator is invalid"
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Router			/exports/staff/obstacles [get]
func (s *Handlers) apiExportStaffObstacles(c *fiber.Ctx) error {
	return s.apiExport(c, "obstacles-staff", s.obstacleTable(true), true)
}
