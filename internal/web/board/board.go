package board

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// boardAccess is who edits projects: the promotion board and
// administrators.
var boardAccess = web.Roles(account.RoleBoard, account.RoleAdmin)

// RegisterPages registers the promotion board's pages: project
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
// with cents) into minor units; negative amounts only when allowed.
func parseAmount(f apperr.Fields, field, v, currency string, negative bool) *int64 {
	if v == "" {
		f.Add(field, "error.field.required")
		return nil
	}
	neg := false
	if negative && strings.HasPrefix(v, "-") {
		neg, v = true, v[1:]
	}
	n, err := money.ParseMajor(v, currency)
	if err != nil {
		switch {
		case errors.Is(err, money.ErrTooLarge):
			f.Add(field, project.AmountTooLargeID)
		case strings.HasPrefix(v, "-"):
			f.Add(field, "error.field.not_negative")
		default:
			f.Add(field, "board.error.amount_format")
		}
		return nil
	}
	if neg {
		n = -n
	}
	return &n
}

// parseHectares reads an area in hectares with up to two decimals.
func parseHectares(f apperr.Fields, field, v string) *int64 {
	if v == "" {
		zero := int64(0)
		return &zero
	}
	n, err := money.ParseMajor(v, money.USD) // two decimals, as hundredths
	if err != nil {
		f.Add(field, "error.field.number")
		return nil
	}
	if n > project.MaxLandAreaCentiHa {
		f.Add(field, "error.field.too_large")
		return nil
	}
	return &n
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

// centiText writes hundredths as a decimal for a number input.
func centiText(n int64) string {
	s := strconv.FormatInt(n/100, 10)
	if r := n % 100; r != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(100+r, 10)[1:], "0")
	}
	return s
}

// amountInput writes minor units as major units for a number input.
func amountInput(a money.Amount) string {
	if money.Exponent(a.Currency) == 0 {
		return strconv.FormatInt(a.Amount, 10)
	}
	sign := ""
	n := a.Amount
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + strconv.FormatInt(n/100, 10) + "." + strconv.FormatInt(100+n%100, 10)[1:]
}

func dateInput(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(project.DateLayout)
}
