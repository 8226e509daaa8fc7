package project

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Where the history lives. Every change to a project is pushed into the
// project's own document, in a "history" array, by the same updateOne that
// makes the change and filters on the version read. Without transactions
// (the embedded FerretDB has none) this is the only arrangement in which a
// change and its history entry are stored together or not at all: a
// separate collection written after the update loses the entry when the
// process dies between the two writes. The array is left out of the
// snapshot, of Get and of the JSON form of a project, and read only by
// History. A project changed ten times a day for ten years keeps about
// 36,500 entries of some hundred bytes, far below MongoDB's 16 MB limit.
const historyField = "history"

// Actor is who made a change, as recorded in history: the user's id and
// their name at the time.
type Actor struct {
	ID    string `json:"id" bson:"id"`
	Name  string `json:"name" bson:"name"`
	Email string `json:"email,omitempty" bson:"email,omitempty"`
}

// Action is the kind of change a history entry records.
type Action string

// The actions history records.
const (
	ActionCreate       Action = "create"
	ActionEdit         Action = "edit"
	ActionStage        Action = "stage"
	ActionDisbursement Action = "disbursement"
)

// FieldChange is one field's value before and after a change, both in a
// canonical text form: amounts as "<minor units> <currency>", dates as
// 2006-01-02, numbers in decimal, codes as stored. Field names are those
// of the edit form and of Validate (name_vi, registered_capital, stage…).
type FieldChange struct {
	Field string `json:"field" bson:"field"`
	From  string `json:"from" bson:"from"`
	To    string `json:"to" bson:"to"`
}

// Change is one history entry: who changed the project, when, each field
// from and to, and the reason given.
type Change struct {
	// Version is the project version the change produced.
	Version int64     `json:"version" bson:"version"`
	At      time.Time `json:"at" bson:"at"`
	By      Actor     `json:"by" bson:"by"`
	Action  Action    `json:"action" bson:"action"`
	// Date is the date the change took effect, when it has one (the day a
	// stage was reached, the day of a disbursement).
	Date   *time.Time    `json:"date,omitempty" bson:"date,omitempty"`
	Fields []FieldChange `json:"fields" bson:"fields"`
	Reason string        `json:"reason,omitempty" bson:"reason,omitempty"`
}

// projectDoc is a project as inserted, with its first history entry.
type projectDoc struct {
	Project `bson:",inline"`
	History []Change `bson:"history"`
}

// History returns the project's history, newest first.
func (s *Store) History(ctx context.Context, code string) ([]Change, error) {
	var doc struct {
		History []Change `bson:"history"`
	}
	err := s.c.FindOne(ctx, bson.D{{Key: "code", Value: code}},
		options.FindOne().SetProjection(bson.D{{Key: historyField, Value: 1}})).Decode(&doc)
	if mongodb.IsNoDocuments(err) {
		return nil, apperr.NotFound("project.error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", code, err)
	}
	out := make([]Change, len(doc.History))
	for i, c := range doc.History {
		out[len(out)-1-i] = c
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
	var out []FieldChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, FieldChange{Field: field, From: from, To: to})
		}
	}
	add("name_vi", a.Name.VI, b.Name.VI)
	add("name_en", a.Name.EN, b.Name.EN)
	add("investor_name", a.Investor.Name, b.Investor.Name)
	add("investor_country", a.Investor.Country, b.Investor.Country)
	add("sector", a.Sector, b.Sector)
	add("location", a.Location, b.Location)
	add("zone", a.Zone, b.Zone)
	add("land_area", strconv.FormatInt(a.LandAreaCentiHa, 10), strconv.FormatInt(b.LandAreaCentiHa, 10))
	add("registered_capital", amountText(a.Registered), amountText(b.Registered))
	add("disbursed_capital", amountText(a.Disbursed), amountText(b.Disbursed))
	add("jobs", strconv.Itoa(a.Jobs), strconv.Itoa(b.Jobs))
	add("expected_completion", dateText(a.ExpectedCompletion), dateText(b.ExpectedCompletion))
	add("stage", string(a.Stage), string(b.Stage))
	return out
}
