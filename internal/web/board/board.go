package board

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// boardAccess is who edits projects: investment promotion staff and
// administrators.
var boardAccess = web.Roles(account.RoleBoard, account.RoleAdmin)

// RegisterPages registers investment promotion staff's pages: project
// editing, history and the progress watch.
func (s *Handlers) RegisterPages(g fiber.Router) {
	s.Handle(g, fiber.MethodGet, "/board", boardAccess, s.boardHome)
	s.Handle(g, fiber.MethodGet, "/board/watch", boardAccess, s.boardWatch)
	s.Handle(g, fiber.MethodGet, "/board/projects/new", boardAccess, s.boardNewProject)
	s.Handle(g, fiber.MethodPost, "/board/projects", boardAccess, s.boardCreateProject)
	s.Handle(g, fiber.MethodGet, "/board/projects/:code/edit", boardAccess, s.boardEditProject)
	s.Handle(g, fiber.MethodPost, "/board/projects/:code/edit", boardAccess, s.boardUpdateProject)
	s.Handle(g, fiber.MethodGet, "/board/projects/:code/stage", boardAccess, s.boardStageForm)
	s.Handle(g, fiber.MethodPost, "/board/projects/:code/stage", boardAccess, s.boardMoveStage)
	s.Handle(g, fiber.MethodGet, "/board/projects/:code/disbursements", boardAccess, s.boardDisbursementForm)
	s.Handle(g, fiber.MethodPost, "/board/projects/:code/disbursements", boardAccess, s.boardRecordDisbursement)
}

// loadProject reads the project named by :code.
func (s *Handlers) loadProject(c *fiber.Ctx) (*project.Project, error) {
	code, err := web.ProjectCode(c)
	if err != nil {
		return nil, err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	return s.projects.Get(ctx, code)
}

// projectURL is a project's public page in the request's language.
func projectURL(c *fiber.Ctx, code string) string { return "/" + web.Lang(c) + "/projects/" + code }

func (s *Handlers) boardHome(c *fiber.Ctx) error {
	p := s.NewPage(c, "board.home.title")
	p.Nav = "board"
	return s.Render(c, "board/home", p)
}

// Parsing of typed values, each problem named by field.

// parseAmount reads an amount in major units of currency (VND đồng, USD
// with cents) typed the way lang writes numbers ("1.250.000,50" on a vi
// page, "1,250,000.50" on an en page) into minor units; negative amounts
// only when allowed.
func parseAmount(f apperr.Fields, field, v, currency, lang string, negative bool) *int64 {
	if strings.TrimSpace(v) == "" {
		f.Add(field, "error.field.required")
		return nil
	}
	neg := false
	if negative && strings.HasPrefix(v, "-") {
		neg, v = true, v[1:]
	}
	n, err := money.ParseMajorIn(v, currency, lang)
	if err != nil {
		numberError(f, field, err, "number.error.decimals_amount")
		return nil
	}
	if neg {
		n = -n
	}
	return &n
}

// parseHectares reads an area in hectares with up to two decimals, typed
// the way lang writes numbers ("12,5" on a vi page is 12.5 ha).
func parseHectares(f apperr.Fields, field, v, lang string) *int64 {
	if strings.TrimSpace(v) == "" {
		zero := int64(0)
		return &zero
	}
	n, err := money.ParseDecimal(v, lang, 2) // hundredths of a hectare
	if err != nil {
		numberError(f, field, err, "number.error.decimals_area")
		return nil
	}
	if n > project.MaxLandAreaCentiHa {
		f.Add(field, "error.field.too_large")
		return nil
	}
	return &n
}

// numberError names what is wrong with a typed number, with decimals the
// message for too many decimals in this field.
func numberError(f apperr.Fields, field string, err error, decimals string) {
	switch {
	case errors.Is(err, money.ErrTooLarge):
		f.Add(field, project.AmountTooLargeID)
	case errors.Is(err, money.ErrNegative):
		f.Add(field, "error.field.not_negative")
	case errors.Is(err, money.ErrAmbiguous):
		f.Add(field, "number.error.ambiguous")
	case errors.Is(err, money.ErrGrouping):
		f.Add(field, "number.error.grouping")
	case errors.Is(err, money.ErrDecimals):
		f.Add(field, decimals)
	default:
		f.Add(field, "number.error.syntax")
	}
}

// parseDate reads a 2006-01-02 date; empty gives the zero time.
func parseDate(f apperr.Fields, field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(project.DateLayout, v)
	if err != nil {
		f.Add(field, "board.error.date_format")
		return time.Time{}
	}
	return t
}

// centiText writes hundredths the way lang writes numbers, for a form
// field that parseHectares reads back.
func centiText(n int64, lang string) string { return money.FormatDecimal(n, lang, 2) }

// amountInput writes minor units as major units the way lang writes
// numbers, for a form field that parseAmount reads back.
func amountInput(a money.Amount, lang string) string {
	return money.FormatDecimal(a.Amount, lang, money.Exponent(a.Currency))
}

func dateInput(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(project.DateLayout)
}
