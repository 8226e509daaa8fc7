package projects

import (
	"strconv"
	"time"

	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/web"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/project"
)

// projectDetailData is the project page's content: the project, and for
// staff its history.
type projectDetailData struct {
	*project.Project
	History []historyEntry
	// Opportunities are the investment calls this project came from.
	Opportunities []opportunity.Opportunity
}

// historyEntry is one history entry as the page shows it.
type historyEntry struct {
	Version  int64
	At       time.Time
	By       string
	ActionID string
	Date     *time.Time
	Reason   string
	Fields   []historyField
}

// historyField is one changed field with its values in the reader's
// language.
type historyField struct {
	Field, Label, From, To string
}

// staffHistory returns the project's history for staff readers, nil for
// anyone else.
func (s *Handlers) staffHistory(c *fiber.Ctx, l *i18n.Localizer, code string) ([]historyEntry, error) {
	if !web.Principal(c).Is(web.ProjectHistoryReaders.Roles...) {
		return nil, nil
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	h, err := s.projects.History(ctx, code)
	if err != nil {
		return nil, err
	}
	return historyView(l, h), nil
}

// historyView puts history entries in the reader's language.
func historyView(l *i18n.Localizer, h []project.Change) []historyEntry {
	out := make([]historyEntry, 0, len(h))
	for _, ch := range h {
		e := historyEntry{Version: ch.Version, At: ch.At, By: ch.By.Name, ActionID: "board.history.action." + ch.Action, Date: ch.Date, Reason: ch.Note}
		for _, f := range ch.Fields {
			e.Fields = append(e.Fields, historyField{Field: f.Field, Label: l.T("board.field." + f.Field), From: fieldValue(l, f.Field, f.From), To: fieldValue(l, f.Field, f.To)})
		}
		out = append(out, e)
	}
	return out
}

// fieldValue shows a field's canonical value (see project.FieldChange) in
// the reader's language.
func fieldValue(l *i18n.Localizer, field, v string) string {
	if v == "" {
		return "—"
	}
	switch field {
	case "stage":
		return l.Label("project.stage", v)
	case "sector", "location", "zone":
		return l.Label(field, v)
	case "investor_country":
		return l.Country(v)
	case "registered_capital", "disbursed_capital":
		if a, ok := project.ParseAmountText(v); ok {
			return l.MoneyFull(a)
		}
	case "land_area":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return l.Hectares(n)
		}
	case "jobs":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return l.Int(n)
		}
	case "expected_completion":
		if t, err := time.Parse(project.DateLayout, v); err == nil {
			return l.Date(t)
		}
	}
	return v
}
