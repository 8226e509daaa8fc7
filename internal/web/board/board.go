package web

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
)

// boardAccess is who edits projects: the promotion board and
// administrators.
var boardAccess = Roles(account.RoleBoard, account.RoleAdmin)

// staffAccess is who reads a project's history.
var staffAccess = Roles(account.RoleBoard, account.RoleAdmin, account.RoleTaskForce, account.RoleAgency)

// registerBoardPages registers the promotion board's pages: project
// editing, history and the progress watch.
func (s *Server) registerBoardPages(g fiber.Router) {
	s.handle(g, fiber.MethodGet, "/board", boardAccess, s.boardHome)
	s.handle(g, fiber.MethodGet, "/board/watch", boardAccess, s.boardWatch)
	s.handle(g, fiber.MethodGet, "/board/projects/new", boardAccess, s.boardNewProject)
	s.handle(g, fiber.MethodPost, "/board/projects", boardAccess, s.boardCreateProject)
	s.handle(g, fiber.MethodGet, "/board/projects/:code/edit", boardAccess, s.boardEditProject)
	s.handle(g, fiber.MethodPost, "/board/projects/:code/edit", boardAccess, s.boardUpdateProject)
	s.handle(g, fiber.MethodGet, "/board/projects/:code/stage", boardAccess, s.boardStageForm)
	s.handle(g, fiber.MethodPost, "/board/projects/:code/stage", boardAccess, s.boardMoveStage)
	s.handle(g, fiber.MethodGet, "/board/projects/:code/disbursements", boardAccess, s.boardDisbursementForm)
	s.handle(g, fiber.MethodPost, "/board/projects/:code/disbursements", boardAccess, s.boardRecordDisbursement)
}

// actor is the signed-in user as history records them.
func actor(c *fiber.Ctx) project.Actor {
	p := principal(c)
	if p == nil {
		return project.Actor{}
	}
	return project.Actor{ID: p.User.ID, Name: p.User.Name, Email: p.User.Email}
}

// form is a submitted form as the page shows it back: the values typed,
// each field's message id, and a message for the whole form.
type form struct {
	Values  map[string]string
	Errors  map[string]string
	Message string
}

// V returns the value typed in a field.
func (f form) V(field string) string { return f.Values[field] }

// Err returns a field's message id, if any.
func (f form) Err(field string) string { return f.Errors[field] }

func readForm(c *fiber.Ctx, fields ...string) form {
	f := form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, k := range fields {
		f.Values[k] = strings.TrimSpace(c.FormValue(k))
	}
	return f
}

// fail turns a domain error into the form's messages and the status to
// answer with; any other error is returned for the error handler.
func (f *form) fail(err error) (int, error) {
	e := apperr.As(err)
	switch e.Code {
	case apperr.CodeInvalid:
		for k, v := range e.Fields {
			f.Errors[k] = v
		}
		f.Message = "board.form.invalid"
		return fiber.StatusBadRequest, nil
	case apperr.CodeConflict:
		f.Message = e.MessageID
		return fiber.StatusConflict, nil
	}
	return 0, err
}

// projectCode reads the :code parameter; a malformed one is not found.
func projectCode(c *fiber.Ctx) (string, error) {
	code := c.Params("code")
	if !project.ValidCode(code) {
		return "", apperr.NotFound("project.error.not_found")
	}
	return code, nil
}

// loadProject reads the project named by :code.
func (s *Server) loadProject(c *fiber.Ctx) (*project.Project, error) {
	code, err := projectCode(c)
	if err != nil {
		return nil, err
	}
	ctx, cancel := dbctx(c)
	defer cancel()
	return s.projects.Get(ctx, code)
}

// projectURL is a project's public page in the request's language.
func projectURL(c *fiber.Ctx, code string) string { return "/" + langOf(c) + "/projects/" + code }

func (s *Server) boardHome(c *fiber.Ctx) error {
	p := s.page(c, "board.home.title")
	p.Nav = "board"
	return s.render(c, "board/home", p)
}

// Parsing of typed values, each problem named by field.

func parseInt64(f apperr.Fields, field, v string, required bool) *int64 {
	if v == "" {
		if required {
			f.Add(field, "error.field.required")
		}
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		f.Add(field, "error.field.number")
		return nil
	}
	return &n
}

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
