package project

import (
	"context"
	"strconv"
	"time"

	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/record"
)

// Where the history lives. Every change to a project is pushed into the
// project's own document, in a "history" array, by the same updateOne that
// makes the change and filters on the version read (record.Collection).
// Without transactions (the embedded FerretDB has none) this is the only
// arrangement in which a change and its history entry are stored together
// or not at all. The array is left out of the read model, of Get and of the
// JSON form of a project, and read only by History. A project changed ten
// times a day for ten years keeps about 36,500 entries of some hundred
// bytes, far below MongoDB's 16 MB limit. On the embedded FerretDB,
// though, every update reads, decodes and rewrites the whole document
// (and SQLite re-parses it for each index): record's BenchmarkUpdate
// measured about 20 ms per write with an empty history and about 1 s with
// 1,000 entries, so a much-edited project's history would have to move
// out of the document there (not done yet).

// Actor is who made a change, as recorded in history.
type Actor = record.Actor

// FieldChange is one field's value before and after a change, both in a
// canonical text form: amounts as "<minor units> <currency>", dates as
// 2006-01-02, numbers in decimal, codes as stored. Field names are those
// of the edit form and of Validate (name_vi, registered_capital, stage…).
type FieldChange = record.FieldChange

// The actions history records (record.Change.Action).
const (
	ActionCreate       = "create"
	ActionEdit         = "edit"
	ActionStage        = "stage"
	ActionDisbursement = "disbursement"
	// ActionWatchSettings is a change of the progress watch's thresholds.
	ActionWatchSettings = "watch_settings"
)

// Change is one history entry of a project: the common record.Change (who,
// when, each field from and to, the reason given as Note) and the date the
// change took effect, when it has one (the day a stage was reached, the day
// of a disbursement).
type Change struct {
	record.Change `bson:",inline"`
	Date          *time.Time `json:"date,omitempty" bson:"date,omitempty"`
}

// storedChange reads history entries of every stored shape: entries
// written before record.Change kept the reason under "reason".
type storedChange struct {
	Change `bson:",inline"`
	Reason string `bson:"reason,omitempty"`
}

// History returns the project's history, newest first.
func (s *Store) History(ctx context.Context, code string) ([]Change, error) {
	id, err := s.idOf(ctx, code)
	if err != nil {
		return nil, err
	}
	var stored []storedChange
	if err := s.rec.History(ctx, id, &stored); err != nil {
		return nil, err
	}
	out := make([]Change, len(stored))
	for i, c := range stored {
		if c.Note == "" {
			c.Note = c.Reason
		}
		out[len(out)-1-i] = c.Change
	}
	return out, nil
}

// Canonical text forms of field values, for FieldChange.

func amountText(a money.Amount) string { return strconv.FormatInt(a.Amount, 10) + " " + a.Currency }

// ParseAmountText reads an amount written by FieldChange ("<minor> <cur>").
func ParseAmountText(s string) (money.Amount, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			n, err := strconv.ParseInt(s[:i], 10, 64)
			if err != nil || !money.Valid(s[i+1:]) {
				return money.Amount{}, false
			}
			return money.Amount{Amount: n, Currency: s[i+1:]}, true
		}
	}
	return money.Amount{}, false
}

// DateLayout is the canonical form of a date in history and forms.
const DateLayout = "2006-01-02"

func dateText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(DateLayout)
}

// diff lists the fields that differ between a and b.
func diff(a, b *Project) []FieldChange {
	var d record.Diff
	d.Add("name_vi", a.Name.VI, b.Name.VI)
	d.Add("name_en", a.Name.EN, b.Name.EN)
	d.Add("investor_name", a.Investor.Name, b.Investor.Name)
	d.Add("investor_country", a.Investor.Country, b.Investor.Country)
	d.Add("sector", a.Sector, b.Sector)
	d.Add("location", a.Location, b.Location)
	d.Add("unit", a.Unit, b.Unit)
	d.Add("zone", a.Zone, b.Zone)
	d.Add("land_area", strconv.FormatInt(a.LandAreaCentiHa, 10), strconv.FormatInt(b.LandAreaCentiHa, 10))
	d.Add("registered_capital", amountText(a.Registered), amountText(b.Registered))
	d.Add("disbursed_capital", amountText(a.Disbursed), amountText(b.Disbursed))
	d.Add("jobs", strconv.Itoa(a.Jobs), strconv.Itoa(b.Jobs))
	d.Add("expected_completion", dateText(a.ExpectedCompletion), dateText(b.ExpectedCompletion))
	d.Add("stage", string(a.Stage), string(b.Stage))
	return d
}
