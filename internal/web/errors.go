package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
)

// StatusOf maps each application error code to one HTTP status.
var StatusOf = map[apperr.Code]int{
	apperr.CodeInvalid:         http.StatusBadRequest,
	apperr.CodeNotFound:        http.StatusNotFound,
	apperr.CodeConflict:        http.StatusConflict,
	apperr.CodeForbidden:       http.StatusForbidden,
	apperr.CodeUnauthorized:    http.StatusUnauthorized,
	apperr.CodePrecondition:    http.StatusPreconditionFailed,
	apperr.CodePreconditionReq: http.StatusPreconditionRequired,
	apperr.CodeTooMany:         http.StatusTooManyRequests,
	apperr.CodeTooLarge:        http.StatusRequestEntityTooLarge,
	apperr.CodeUnprocessable:   http.StatusUnprocessableEntity,
	apperr.CodeInternal:        http.StatusInternalServerError,
	codeUnsupportedMedia:       http.StatusUnsupportedMediaType,
	codeUnavailable:            http.StatusServiceUnavailable,
}

// retryAfterUnavailable is the Retry-After of a 503 while the database is
// unreachable, in seconds: a little more than the health probe's period.
const retryAfterUnavailable = "5"

// Problem is an RFC 9457 problem detail, with the offending fields named.
type Problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Instance string            `json:"instance,omitempty"`
	Code     string            `json:"code"`
	Errors   []FieldProblem    `json:"errors,omitempty"`
	Fields   map[string]string `json:"-"`
}

// FieldProblem names one bad input field and says what is wrong with it.
type FieldProblem struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// toAppErr turns any error, including Fiber's own, into an application error.
func toAppErr(err error) *apperr.Error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case http.StatusNotFound:
			return apperr.NotFound("error.not_found")
		case http.StatusMethodNotAllowed:
			return &apperr.Error{Code: apperr.CodeNotFound, MessageID: "error.not_found"}
		case http.StatusRequestEntityTooLarge:
			return apperr.New(apperr.CodeTooLarge, "error.too_large")
		case http.StatusTooManyRequests:
			return apperr.New(apperr.CodeTooMany, "error.too_many")
		case http.StatusBadRequest, http.StatusUnprocessableEntity:
			return apperr.New(apperr.CodeInvalid, "error.invalid")
		case http.StatusForbidden:
			return apperr.Forbidden()
		case http.StatusUnauthorized:
			return apperr.Unauthorized()
		}
		return apperr.Internal(err)
	}
	return apperr.As(err)
}

// handleError is Fiber's error handler: it logs unexpected errors once and
// answers in the form the client asked for, in the reader's language.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	e := toAppErr(err)
	status := StatusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	// An outage is logged once, by the health tracker, not per request.
	if status >= 500 && e.Code != codeUnavailable {
		s.log.Error("request failed", "err", err, "method", c.Method(), "path", c.Path(), "request_id", requestID(c))
	}
	switch e.Code {
	case apperr.CodeTooMany:
		c.Set("Retry-After", "60")
	case codeUnavailable:
		c.Set("Retry-After", retryAfterUnavailable)
	}
	if isAPI(c) {
		return s.SendProblem(c, status, e)
	}
	if e.Code == apperr.CodeUnauthorized {
		return loginRedirect(c)
	}
	return s.errorPage(c, status, e)
}

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

// SendProblem answers e as RFC 9457 problem+json with status.
func (s *Server) SendProblem(c *fiber.Ctx, status int, e *apperr.Error) error {
	l := s.i18n.For(Lang(c))
	p := Problem{
		Type:     "about:blank",
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   l.T(e.MessageID, DataPairs(e.Data)...),
		Instance: c.Path(),
		Code:     string(e.Code),
	}
	for _, f := range SortedKeys(e.Fields) {
		p.Errors = append(p.Errors, FieldProblem{Field: f, Code: e.Fields[f], Message: l.T(e.Fields[f])})
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return c.Send(body)
}

func (s *Server) errorPage(c *fiber.Ctx, status int, e *apperr.Error) error {
	c.Status(status)
	p := s.NewPage(c, "error.title")
	p.Data = struct {
		Status  int
		Message string
		Fields  map[string]string
	}{status, p.L.T(e.MessageID, DataPairs(e.Data)...), e.Fields}
	if rerr := s.Render(c, "error", p); rerr != nil {
		slog.Error("render error page", "err", rerr)
		return c.SendString(http.StatusText(status))
	}
	return nil
}

// DataPairs turns a message's template data into key, value pairs, keys
// in order, for Localizer.T.
func DataPairs(m map[string]any) []any {
	out := make([]any, 0, len(m)*2)
	for _, k := range SortedKeys(m) {
		out = append(out, k, m[k])
	}
	return out
}
