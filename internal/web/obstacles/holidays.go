package obstacles

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/web"
)

// registerHolidayPages registers the administrators' working-day calendar.
func (s *Handlers) registerHolidayPages(g fiber.Router) {
	s.Handle(g, fiber.MethodGet, "/admin/holidays", adminOnly, s.holidayList)
	s.Handle(g, fiber.MethodPost, "/admin/holidays", adminOnly, s.holidayAdd)
	s.Handle(g, fiber.MethodPost, "/admin/holidays/:date/delete", adminOnly, s.holidayRemove)
}

// holidayData is the calendar page's content.
type holidayData struct {
	// Extra are the days administrators added.
	Extra []holidays.Day
	// Year lists the calendar's days of this year and the next, extra ones included.
	Year   []holidays.Day
	Kinds  []holidays.Kind
	Errors map[string]string
	Form   map[string]string
}

// IsExtra reports whether date is one an administrator added.
func (d holidayData) IsExtra(date string) bool {
	for _, x := range d.Extra {
		if x.Date == date {
			return true
		}
	}
	return false
}

func (s *Handlers) holidayView(c *fiber.Ctx, errs, form map[string]string) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	extra, err := s.obstacles.ExtraHolidays(ctx)
	if err != nil {
		return err
	}
	cal, err := s.obstacleCalendar(ctx)
	if err != nil {
		return err
	}
	year := s.Now().In(holidays.Location()).Year()
	d := holidayData{Extra: extra, Kinds: []holidays.Kind{holidays.Custom, holidays.Makeup}, Errors: errs, Form: form}
	for _, day := range cal.Days() {
		if y := day.Date[:4]; y == itoa(year) || y == itoa(year+1) {
			d.Year = append(d.Year, day)
		}
	}
	if d.Form == nil {
		d.Form = map[string]string{"kind": string(holidays.Custom)}
	}
	p := s.NewPage(c, "obstweb.holidays.title")
	p.Nav = "admin"
	p.Data = d
	return s.Render(c, "obstacles/holidays", p)
}

func itoa(n int) string { return time.Date(n, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") }

func (s *Handlers) holidayList(c *fiber.Ctx) error { return s.holidayView(c, nil, nil) }

func (s *Handlers) holidayAdd(c *fiber.Ctx) error {
	form := web.ReadForm(c, "date", "note").ReadRaw(c, "kind").Values
	bad := apperr.Fields{}
	if form["date"] == "" {
		bad.Add("date", "error.field.required")
	}
	kind := holidays.Kind(form["kind"])
	if kind != holidays.Custom && kind != holidays.Makeup {
		bad.Add("kind", "error.field.invalid")
	}
	err := bad.Err()
	if err == nil {
		ctx, cancel := web.DBContext(c)
		defer cancel()
		err = s.obstacles.AddHoliday(ctx, holidays.Day{Date: form["date"], Kind: kind, Note: form["note"]}, web.ObstacleActor(c), s.Now())
	}
	if err != nil {
		e := apperr.As(err)
		switch e.Code {
		case apperr.CodeInvalid:
			c.Status(fiber.StatusBadRequest)
			return s.holidayView(c, e.Fields, form)
		case apperr.CodeConflict:
			c.Status(fiber.StatusConflict)
			return s.holidayView(c, map[string]string{"date": e.MessageID}, form)
		}
		return err
	}
	s.Flash(c, "obstweb.holidays.added")
	return c.Redirect("/"+web.Lang(c)+"/admin/holidays", fiber.StatusSeeOther)
}

func (s *Handlers) holidayRemove(c *fiber.Ctx) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if err := s.obstacles.RemoveHoliday(ctx, c.Params("date"), web.ObstacleActor(c)); err != nil {
		return err
	}
	s.Flash(c, "obstweb.holidays.removed")
	return c.Redirect("/"+web.Lang(c)+"/admin/holidays", fiber.StatusSeeOther)
}
