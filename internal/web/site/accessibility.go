package site

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/web"
)

// statementPrepared is the date the accessibility statement was written
// or last reviewed; change it whenever the statement's text changes.
var statementPrepared = time.Date(2026, time.December, 2, 0, 0, 0, 0, time.UTC)

// statementData is the accessibility statement's content.
type statementData struct {
	Prepared time.Time
}

// accessibility serves the accessibility statement (WCAG 2.1 AA: the
// standard, how it is tested, known limitations, how to report a problem).
func accessibility(core *web.Server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := core.NewPage(c, "a11y.statement.title")
		p.Data = statementData{Prepared: statementPrepared}
		return core.Render(c, "accessibility", p)
	}
}
