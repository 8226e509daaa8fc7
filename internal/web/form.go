package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/project"
)

// ProjectActor is the signed-in user as project and opportunity
// histories record them.
func ProjectActor(c *fiber.Ctx) project.Actor {
	p := Principal(c)
	if p == nil {
		return project.Actor{}
	}
	return project.Actor{ID: p.User.ID, Name: p.User.Name, Email: p.User.Email}
}

// ObstacleActor is the signed-in user as the obstacle workflow knows
// them (obstacle.StaffActor); nobody signed in is the zero actor.
func ObstacleActor(c *fiber.Ctx) obstacle.Actor {
	p := Principal(c)
	if p == nil {
		return obstacle.Actor{}
	}
	return obstacle.StaffActor(p.User.ID, string(p.User.Role), p.User.AgencyID)
}

// Form is a submitted form as the page shows it back: the values typed,
// the values of multi-value fields (checkboxes, multiple selects), each
// field's message id, and a message for the whole form. Every HTML form
// handler reads its form with ReadForm, adding ReadRaw and ReadLists
// where it needs them, and shows it back from Values and Errors.
type Form struct {
	Values  map[string]string
	Lists   map[string][]string
	Errors  map[string]string
	Message string
}

// V returns the value typed in a field.
func (f Form) V(field string) string { return f.Values[field] }

// Err returns a field's message id, if any.
func (f Form) Err(field string) string { return f.Errors[field] }

// List returns the values of a multi-value field.
func (f Form) List(field string) []string { return f.Lists[field] }

// Has reports whether value is among those of a multi-value field.
func (f Form) Has(field, value string) bool { return slices.Contains(f.Lists[field], value) }

// NewForm returns an empty form, ready to be filled and shown.
func NewForm() Form {
	return Form{Values: map[string]string{}, Lists: map[string][]string{}, Errors: map[string]string{}}
}

// FormWith returns a form that shows values and no errors: a form filled
// from a stored record, or with defaults.
func FormWith(values map[string]string) Form {
	f := NewForm()
	f.Values = values
	return f
}

// ReadForm reads the named fields of a posted form, trimmed.
func ReadForm(c *fiber.Ctx, fields ...string) Form {
	return NewForm().Read(c, fields...)
}

// Read adds the named fields of a posted form, trimmed, and returns f.
func (f Form) Read(c *fiber.Ctx, fields ...string) Form {
	for _, k := range fields {
		f.Values[k] = strings.TrimSpace(c.FormValue(k))
	}
	return f
}

// ReadRaw adds the named fields exactly as sent, and returns f: for
// passwords, and for text whose every byte counts (an obstacle filing's
// content is bound to its idempotency key as sent, and shown back as
// typed).
func (f Form) ReadRaw(c *fiber.Ctx, fields ...string) Form {
	for _, k := range fields {
		f.Values[k] = c.FormValue(k)
	}
	return f
}

// ReadLists adds every value of the named multi-value fields, trimmed
// and without empty ones, and returns f.
func (f Form) ReadLists(c *fiber.Ctx, fields ...string) Form {
	for _, k := range fields {
		f.Lists[k] = FormValues(c, k)
	}
	return f
}

// FormValues returns every value of a form field (checkboxes, multiple
// selects), from a url-encoded or multipart body, trimmed and without
// empty ones.
func FormValues(c *fiber.Ctx, key string) []string {
	var out []string
	if mf, err := c.MultipartForm(); err == nil && mf != nil {
		out = append(out, mf.Value[key]...)
	} else {
		for _, v := range c.Request().PostArgs().PeekMulti(key) {
			out = append(out, string(v))
		}
	}
	var clean []string
	for _, v := range out {
		if v = strings.TrimSpace(v); v != "" {
			clean = append(clean, v)
		}
	}
	return clean
}

// Fail turns a domain error into the form's messages and the status to
// answer with; any other error is returned for the error handler.
func (f *Form) Fail(err error) (int, error) {
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

// CodeParam reads the :code parameter; one that valid refuses is not
// found (notFound is the message id), without a database read.
func CodeParam(c *fiber.Ctx, valid func(string) bool, notFound string) (string, error) {
	code := c.Params("code")
	if !valid(code) {
		return "", apperr.NotFound(notFound)
	}
	return code, nil
}

// ProjectCode reads the :code parameter; a malformed one is not found.
func ProjectCode(c *fiber.Ctx) (string, error) {
	return CodeParam(c, project.ValidCode, "project.error.not_found")
}

// ParseInt64 reads a whole number typed in field; empty is nil, and an
// error when required.
func ParseInt64(f apperr.Fields, field, v string, required bool) *int64 {
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
