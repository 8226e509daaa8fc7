// Package holidays is the working-day calendar of Vietnamese state agencies
// (Monday to Friday, less public holidays, plus make-up Saturdays), in
// Asia/Ho_Chi_Minh. The years 2023-2028 are embedded (vn_holidays.json, with
// days not yet decided marked as estimates); an administrator's extra days
// are merged in with With.
package holidays

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

//go:embed vn_holidays.json
var embedded []byte

// FirstYear and LastYear bound the years the embedded data covers. Outside
// them only weekends (and days given to With) are days off.
const (
	FirstYear = 2023
	LastYear  = 2028
)

// Kind says what a calendar day is.
type Kind string

// Day kinds.
const (
	// Holiday is a statutory public holiday or a day of the decreed Tết break.
	Holiday Kind = "holiday"
	// Compensatory is a day off given for a holiday that fell on a weekend.
	Compensatory Kind = "compensatory"
	// Swap is a weekday off in exchange for a make-up Saturday.
	Swap Kind = "swap"
	// Makeup is a weekend day that is a working day.
	Makeup Kind = "makeup"
	// Custom is a day off an administrator added (a local event, a new decree).
	Custom Kind = "custom"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case Holiday, Compensatory, Swap, Makeup, Custom:
		return true
	}
	return false
}

// Off reports whether a day of this kind is a day off.
func (k Kind) Off() bool { return k != Makeup }

// Occasions name what a day is for; each has a message id
// "obstacle.holiday.<occasion>" in locales/.
const (
	OccasionNewYear       = "new_year"
	OccasionTet           = "tet"
	OccasionHungKings     = "hung_kings"
	OccasionReunification = "reunification"
	OccasionLabour        = "labour"
	OccasionNationalDay   = "national_day"
	OccasionCustom        = "custom"
)

// Day is one entry of the calendar.
type Day struct {
	// Date is the civil date, "2006-01-02".
	Date     string `json:"date" bson:"_id"`
	Occasion string `json:"occasion" bson:"occasion"`
	Kind     Kind   `json:"kind" bson:"kind"`
	// Estimate marks a day that was not yet decreed when the data was written.
	Estimate bool `json:"estimate,omitempty" bson:"estimate,omitempty"`
	// Note says where the day comes from; it is data for administrators,
	// not a user interface string.
	Note string `json:"note,omitempty" bson:"note,omitempty"`
}

// Time returns the start of the day in Asia/Ho_Chi_Minh.
func (d Day) Time() (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, d.Date, Location())
}

// Validate checks the date and the kind.
func (d Day) Validate() error {
	if _, err := d.Time(); err != nil {
		return fmt.Errorf("holidays: bad date %q", d.Date)
	}
	if !d.Kind.Valid() {
		return fmt.Errorf("holidays: bad kind %q on %s", d.Kind, d.Date)
	}
	if d.Occasion == "" {
		return fmt.Errorf("holidays: no occasion on %s", d.Date)
	}
	return nil
}

var hcm = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	// Vietnam has kept UTC+7 without daylight saving since 1975.
	return time.FixedZone("ICT", 7*3600)
}()

// Location is Asia/Ho_Chi_Minh, the zone every date here is read in.
func Location() *time.Location { return hcm }

// StartOfDay returns midnight in Asia/Ho_Chi_Minh of the civil date t falls on.
func StartOfDay(t time.Time) time.Time {
	y, m, d := t.In(hcm).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, hcm)
}

// DateKey returns t's civil date in Asia/Ho_Chi_Minh as "2006-01-02".
func DateKey(t time.Time) string { return t.In(hcm).Format(time.DateOnly) }

// Calendar answers which days are working days. It is immutable and safe
// for concurrent use; With returns a new one.
type Calendar struct {
	days map[string]Day
}

// New builds a calendar from the given days; a later day for the same date
// replaces an earlier one.
func New(days []Day) (*Calendar, error) {
	c := &Calendar{days: make(map[string]Day, len(days))}
	for _, d := range days {
		if err := d.Validate(); err != nil {
			return nil, err
		}
		c.days[d.Date] = d
	}
	return c, nil
}

// Embedded returns the calendar of the embedded 2023-2028 data.
func Embedded() (*Calendar, error) {
	var f struct {
		Days []Day `json:"days"`
	}
	if err := json.Unmarshal(embedded, &f); err != nil {
		return nil, fmt.Errorf("holidays: embedded data: %w", err)
	}
	return New(f.Days)
}

// MustEmbedded is Embedded for program start and tests; it panics if the
// embedded file is broken, which a test of this package would catch first.
func MustEmbedded() *Calendar {
	c, err := Embedded()
	if err != nil {
		panic(err)
	}
	return c
}

// With returns a copy of the calendar with extra days added; an extra day
// replaces an embedded one of the same date.
func (c *Calendar) With(extra ...Day) (*Calendar, error) {
	all := make([]Day, 0, len(c.days)+len(extra))
	for _, d := range c.days {
		all = append(all, d)
	}
	all = append(all, extra...)
	return New(all)
}

// Days lists the calendar's entries in date order.
func (c *Calendar) Days() []Day {
	out := make([]Day, 0, len(c.days))
	for _, d := range c.days {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// Lookup returns the entry for t's civil date, if there is one.
func (c *Calendar) Lookup(t time.Time) (Day, bool) {
	d, ok := c.days[DateKey(t)]
	return d, ok
}

// IsWorkingDay reports whether t's civil date in Asia/Ho_Chi_Minh is a
// working day for state agencies.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	if d, ok := c.days[DateKey(t)]; ok {
		return !d.Kind.Off()
	}
	wd := t.In(hcm).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the start (midnight, Asia/Ho_Chi_Minh) of the n-th
// working day after from's civil date; from's own day is not counted, so a
// deadline of 10 working days from a filing is the end of the returned day.
// n = 0 returns the start of from's day; a negative n counts backwards.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	day := StartOfDay(from)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		day = day.AddDate(0, 0, step)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return day
}

// WorkingDaysBetween counts the working days d with a < d <= b, comparing
// civil dates in Asia/Ho_Chi_Minh; it is negative when b is before a. For a
// working day b, AddWorkingDays(a, WorkingDaysBetween(a, b)) is b's day.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	da, db := StartOfDay(a), StartOfDay(b)
	sign := 1
	if db.Before(da) {
		da, db, sign = db, da, -1
	}
	n := 0
	for d := da.AddDate(0, 0, 1); !d.After(db); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return sign * n
}
