package project

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// The board's changes to projects. Every write filters on the version the
// editor read (a stale one is a conflict, never a silent overwrite), pushes
// its history entry in the same updateOne (record.Collection, see
// history.go) and is applied to the read model, so that lists and figures
// show it at once.

// MaxReason is the longest reason a change may carry, in characters.
const MaxReason = 1000

// vietnam is the province's time zone (no daylight saving), which decides
// what "today" is for stage and disbursement dates.
var vietnam = time.FixedZone("ICT", 7*3600)

// Day returns the calendar day of t in Vietnam as midnight UTC, the form in
// which stage and disbursement dates are stored.
func Day(t time.Time) time.Time {
	y, m, d := t.In(vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// stageRank orders the stages of a project's usual course; suspended and
// terminated stand outside it.
var stageRank = map[Stage]int{Proposed: 0, Approved: 1, Licensed: 2, SiteClearance: 3, Construction: 4, Operating: 5}

// CourseStage is the latest stage of the usual course the project reached:
// its stage, or for a suspended or terminated project the stage it had
// before.
func (p *Project) CourseStage() Stage {
	if _, ok := stageRank[p.Stage]; ok {
		return p.Stage
	}
	for i := len(p.StageHistory) - 1; i >= 0; i-- {
		if _, ok := stageRank[p.StageHistory[i].Stage]; ok {
			return p.StageHistory[i].Stage
		}
	}
	return Proposed
}

// LicenceDate is the day the project was last licensed, if it was and has
// not gone back before licensing since.
func (p *Project) LicenceDate() (time.Time, bool) {
	if stageRank[p.CourseStage()] < stageRank[Licensed] {
		return time.Time{}, false
	}
	for i := len(p.StageHistory) - 1; i >= 0; i-- {
		if p.StageHistory[i].Stage == Licensed {
			return p.StageHistory[i].Date, true
		}
	}
	return time.Time{}, false
}

// deriveLicensedYear sets LicensedYear from the stage dates.
func (p *Project) deriveLicensedYear() {
	p.LicensedYear = 0
	if d, ok := p.LicenceDate(); ok {
		p.LicensedYear = d.Year()
	}
}

// IsBackward reports whether moving the project to stage to goes back in
// its usual course (licensed to approved, construction to site clearance,
// a suspended project resuming at an earlier stage than it had).
func (p *Project) IsBackward(to Stage) bool {
	r, ok := stageRank[to]
	return ok && r < stageRank[p.CourseStage()]
}

// NextStages are the stages the project may move to: any other stage,
// except that a terminated project moves no more and only a licensed
// project may be suspended.
func (p *Project) NextStages() []Stage {
	var out []Stage
	for _, s := range Stages {
		if CheckTransition(p, s, "x") == nil {
			out = append(out, s)
		}
	}
	return out
}

// CheckTransition tells whether the project may move to stage to with the
// reason given: terminated is final; a project is suspended only once
// licensed; going back needs a reason. Errors name the field "stage" or
// "reason".
func CheckTransition(p *Project, to Stage, reason string) error {
	f := apperr.Fields{}
	switch {
	case !to.Valid():
		f.Add("stage", "error.field.stage")
	case p.Stage == Terminated:
		f.Add("stage", "project.error.stage_final")
	case to == p.Stage:
		f.Add("stage", "project.error.stage_same")
	case to == Suspended && stageRank[p.CourseStage()] < stageRank[Licensed]:
		f.Add("stage", "project.error.stage_suspend_unlicensed")
	case p.IsBackward(to) && strings.TrimSpace(reason) == "":
		f.Add("reason", "project.error.stage_back_reason")
	}
	return f.Err()
}

// Changes are the board's edits to a project; nil fields stay as they are.
// The kind (and so the currency) and the code never change; the disbursed
// total changes only through RecordDisbursement.
type Changes struct {
	NameVI, NameEN                *string
	InvestorName, InvestorCountry *string
	Sector, Location, Zone        *string
	// Unit is the current unit's slug; it must be formed from Location.
	Unit            *string
	LandAreaCentiHa *int64
	// Registered is the registered capital in minor units of the
	// project's currency.
	Registered *int64
	Jobs       *int
	// ExpectedCompletion sets the expected completion date;
	// ClearExpectedCompletion removes it.
	ExpectedCompletion      *time.Time
	ClearExpectedCompletion bool
	// Stage moves the project (see CheckTransition); the same stage as now
	// is no change. StageDate is the day it reached the stage, today when
	// zero; it may not be in the future nor before the last stage date.
	Stage     *Stage
	StageDate time.Time
	// Reason explains the change. It is required to go back a stage and to
	// set registered capital below the disbursed total.
	Reason string
}

// Apply makes the changes on p, a copy of the stored project, and reports
// every field problem; Update calls it, and forms call it to name all the
// problems at once.
func (ch *Changes) Apply(p *Project, now time.Time) error {
	f := apperr.Fields{}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&p.Name.VI, ch.NameVI)
	set(&p.Name.EN, ch.NameEN)
	set(&p.Investor.Name, ch.InvestorName)
	if ch.InvestorCountry != nil {
		p.Investor.Country = strings.ToUpper(strings.TrimSpace(*ch.InvestorCountry))
	}
	set(&p.Sector, ch.Sector)
	set(&p.Location, ch.Location)
	set(&p.Unit, ch.Unit)
	set(&p.Zone, ch.Zone)
	if ch.LandAreaCentiHa != nil {
		p.LandAreaCentiHa = *ch.LandAreaCentiHa
	}
	if ch.Jobs != nil {
		p.Jobs = *ch.Jobs
	}
	if utf8.RuneCountInString(p.Investor.Name) > MaxText {
		f.Add("investor_name", "error.field.too_long")
	}
	ch.Reason = strings.TrimSpace(ch.Reason)
	if utf8.RuneCountInString(ch.Reason) > MaxReason {
		f.Add("reason", "error.field.too_long")
	} else if !TextOK(ch.Reason, true) {
		f.Add("reason", ControlCharsID)
	}
	if ch.Registered != nil && *ch.Registered != p.Registered.Amount {
		p.Registered.Amount = *ch.Registered
		if p.Registered.Amount >= 0 && p.Registered.Amount < p.Disbursed.Amount && ch.Reason == "" {
			f.Add("registered_capital", "project.error.registered_below_disbursed")
		}
	}
	switch {
	case ch.ClearExpectedCompletion:
		p.ExpectedCompletion = nil
	case ch.ExpectedCompletion != nil:
		d := Day(*ch.ExpectedCompletion)
		p.ExpectedCompletion = &d
	}
	if ch.Stage != nil && *ch.Stage != p.Stage {
		if err := CheckTransition(p, *ch.Stage, ch.Reason); err != nil {
			for k, v := range apperr.As(err).Fields {
				f.Add(k, v)
			}
		} else {
			date := ch.StageDate
			if date.IsZero() {
				date = now
			}
			date = Day(date)
			switch {
			case date.After(Day(now)):
				f.Add("stage_date", "project.error.date_future")
			case len(p.StageHistory) > 0 && date.Before(p.StageHistory[len(p.StageHistory)-1].Date):
				f.Add("stage_date", "project.error.stage_date_order")
			default:
				p.Stage = *ch.Stage
				p.StageHistory = append(append([]StageDate(nil), p.StageHistory...), StageDate{Stage: p.Stage, Date: date})
				p.deriveLicensedYear()
			}
		}
	}
	if err := p.Validate(); err != nil {
		for k, v := range apperr.As(err).Fields {
			f.Add(k, v)
		}
	}
	return f.Err()
}

// stamp truncates a time to what BSON stores (milliseconds, UTC).
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// Create stores a new project as given (an import or a test), with its
// first history entry by the system; a taken code is a field error.
func (s *Store) Create(ctx context.Context, p *Project, now time.Time) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.insert(ctx, p, Actor{ID: "system"}, stamp(now))
}

// CreateBy stores a new project with its first history entry. A project
// given without stage dates gets one: its stage, reached today. The
// disbursed total starts at zero in the kind's currency.
func (s *Store) CreateBy(ctx context.Context, p *Project, by Actor, now time.Time) error {
	now = stamp(now)
	p.Investor.Country = strings.ToUpper(strings.TrimSpace(p.Investor.Country))
	cur := p.Kind.Currency()
	if p.Registered.Currency == "" {
		p.Registered.Currency = cur
	}
	p.Disbursed = money.Amount{Currency: cur}
	p.Disbursements = nil
	if p.ExpectedCompletion != nil {
		d := Day(*p.ExpectedCompletion)
		p.ExpectedCompletion = &d
	}
	if len(p.StageHistory) == 0 && p.Stage.Valid() {
		p.StageHistory = []StageDate{{Stage: p.Stage, Date: Day(now)}}
	}
	p.deriveLicensedYear()
	if err := p.Validate(); err != nil {
		return err
	}
	return s.insert(ctx, p, by, now)
}

// insert stores the validated p as version 1, its history entry naming
// every field set.
func (s *Store) insert(ctx context.Context, p *Project, by Actor, now time.Time) error {
	p.CreatedAt, p.UpdatedAt, p.Version = now, now, 1
	if p.ID.IsZero() {
		p.ID = primitive.NewObjectID()
	}
	empty := Project{Registered: money.Amount{Currency: p.Registered.Currency}, Disbursed: money.Amount{Currency: p.Disbursed.Currency}}
	entry := &Change{Change: record.Change{At: now, By: by, Action: ActionCreate, Fields: diff(&empty, p)}}
	if err := s.rec.Insert(ctx, p, entry); err != nil {
		if mongodb.IsDuplicateKey(err) {
			f := apperr.Fields{}
			f.Add("code", "project.error.code_taken")
			return f.Err()
		}
		// Perhaps stored all the same (see write).
		s.announce(ctx, changeEntry{Code: p.Code, ID: p.ID, Writer: unknownOutcome})
		return err
	}
	s.applied(ctx, p)
	return nil
}

// current reads the project the caller read at version: a conflict when it
// has changed since (project.error.changed), checked before the change is
// worked out so a stale editor is not shown field errors of a newer state.
func (s *Store) current(ctx context.Context, code string, version int64) (*Project, error) {
	cur, err := s.stored(ctx, code)
	if err != nil {
		return nil, err
	}
	if cur.Version != version {
		return nil, s.rec.Conflict()
	}
	return cur, nil
}

// stored reads the project as the database holds it, by _id (one indexed
// read on both backends), for a write to start from the truth rather than
// from the read model.
func (s *Store) stored(ctx context.Context, code string) (*Project, error) {
	id, err := s.idOf(ctx, code)
	if err != nil {
		return nil, err
	}
	var p Project
	if err := s.rec.Get(ctx, id, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Update applies ch to the project if its stored version is still version,
// and records one history entry naming each changed field. It returns the
// project as stored. Nothing changed means nothing written (and no entry).
// A stale version is a conflict (project.error.changed).
func (s *Store) Update(ctx context.Context, code string, version int64, ch Changes, by Actor, now time.Time) (*Project, error) {
	now = stamp(now)
	cur, err := s.current(ctx, code, version)
	if err != nil {
		return nil, err
	}
	next := *cur
	if err := ch.Apply(&next, now); err != nil {
		return nil, err
	}
	fields := diff(cur, &next)
	if len(fields) == 0 {
		return cur, nil
	}
	entry := &Change{Change: record.Change{At: now, By: by, Action: ActionEdit, Fields: fields, Note: ch.Reason}}
	if next.Stage != cur.Stage {
		d := next.StageHistory[len(next.StageHistory)-1].Date
		entry.Date = &d
		if len(fields) == 1 {
			entry.Action = ActionStage
		}
	}
	return s.write(ctx, cur, &next, entry, now)
}

// MoveStage moves the project to stage to, reached on date (today when
// zero); see CheckTransition for the rules.
func (s *Store) MoveStage(ctx context.Context, code string, version int64, to Stage, date time.Time, reason string, by Actor, now time.Time) (*Project, error) {
	cur, err := s.stored(ctx, code)
	if err != nil {
		return nil, err
	}
	if cur.Version == version {
		if err := CheckTransition(cur, to, reason); err != nil {
			return nil, err
		}
	}
	return s.Update(ctx, code, version, Changes{Stage: &to, StageDate: date, Reason: reason}, by, now)
}

// write stores next over cur with the history entry in one versioned
// update (record.Collection: a stale version is a conflict, a vanished
// project not found), then applies it to the read model (see applied:
// once the update is stored, the write succeeded).
func (s *Store) write(ctx context.Context, cur, next *Project, entry *Change, now time.Time) (*Project, error) {
	next.UpdatedAt = now
	next.Version = cur.Version + 1
	next.CapitalVND = money.VNDEquivalent(next.Registered)
	w := record.Write{Entry: entry, Set: bson.D{
		{Key: "name", Value: next.Name}, {Key: "investor", Value: next.Investor},
		{Key: "sector", Value: next.Sector}, {Key: "location", Value: next.Location}, {Key: "zone", Value: next.Zone},
		{Key: "landAreaCentiHa", Value: next.LandAreaCentiHa}, {Key: "registered", Value: next.Registered},
		{Key: "disbursed", Value: next.Disbursed}, {Key: "disbursements", Value: next.Disbursements},
		{Key: "capitalVnd", Value: next.CapitalVND}, {Key: "stage", Value: next.Stage},
		{Key: "stageDates", Value: next.StageHistory}, {Key: "licensedYear", Value: next.LicensedYear},
		{Key: "jobs", Value: next.Jobs}, {Key: "updatedAt", Value: now},
	}}
	if next.ExpectedCompletion != nil {
		w.Set = append(w.Set, bson.E{Key: "expectedCompletion", Value: *next.ExpectedCompletion})
	} else {
		w.Unset = []string{"expectedCompletion"}
	}
	if next.Unit != "" {
		w.Set = append(w.Set, bson.E{Key: "unit", Value: next.Unit})
	} else {
		w.Unset = append(w.Unset, "unit")
	}
	if err := s.rec.Update(ctx, cur.ID, cur.Version, w); err != nil {
		if apperr.As(err).Code == apperr.CodeInternal {
			// A timeout or a lost connection: the update may be stored all
			// the same, so every process (this one too) re-reads it.
			s.announce(ctx, changeEntry{Code: cur.Code, ID: cur.ID, Writer: unknownOutcome})
		}
		return nil, err
	}
	s.applied(ctx, next)
	return next, nil
}

// Disbursement is capital paid into a project on a day. A negative amount
// corrects an earlier entry.
//
// Who recorded it and the reason given are internal: they never appear in
// the JSON form of a project, which anyone may read through the public
// API. Staff read them in the project's history (the same entry records
// the officer and the reason) and on the project page's staff section.
type Disbursement struct {
	Date       time.Time    `json:"date" bson:"date"`
	Amount     money.Amount `json:"amount" bson:"amount"`
	Reason     string       `json:"-" bson:"reason,omitempty"`
	RecordedBy Actor        `json:"-" bson:"recordedBy"`
	RecordedAt time.Time    `json:"recordedAt" bson:"recordedAt"`
}

// NewDisbursement is a disbursement to record. Amount is in minor units of
// the project's currency; Date is today when zero. Reason confirms a total
// above registered capital and explains a correction (negative amount).
type NewDisbursement struct {
	Date   time.Time
	Amount int64
	Reason string
}

// RecordDisbursement adds a disbursement to the project if its version is
// still version. The disbursed total never exceeds registered capital
// without a confirming reason (field "reason",
// project.error.disbursed_over_registered) and never goes below zero.
func (s *Store) RecordDisbursement(ctx context.Context, code string, version int64, d NewDisbursement, by Actor, now time.Time) (*Project, error) {
	now = stamp(now)
	cur, err := s.current(ctx, code, version)
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	d.Reason = strings.TrimSpace(d.Reason)
	if d.Date.IsZero() {
		d.Date = now
	}
	d.Date = Day(d.Date)
	if d.Date.After(Day(now)) {
		f.Add("date", "project.error.date_future")
	}
	if utf8.RuneCountInString(d.Reason) > MaxReason {
		f.Add("reason", "error.field.too_long")
	} else if !TextOK(d.Reason, true) {
		f.Add("reason", ControlCharsID)
	}
	amount := money.Amount{Amount: d.Amount, Currency: cur.Disbursed.Currency}
	total, err := cur.Disbursed.Add(amount)
	switch {
	case d.Amount == 0:
		f.Add("amount", "project.error.amount_zero")
	case err != nil || !money.InRange(amount) || !money.InRange(total):
		f.Add("amount", AmountTooLargeID)
	case total.Amount < 0:
		f.Add("amount", "project.error.disbursed_negative")
	case d.Amount < 0 && d.Reason == "":
		f.Add("reason", "project.error.correction_reason")
	case total.Amount > cur.Registered.Amount && d.Reason == "":
		f.Add("reason", "project.error.disbursed_over_registered")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	next := *cur
	next.Disbursed = total
	next.Disbursements = append(append([]Disbursement(nil), cur.Disbursements...),
		Disbursement{Date: d.Date, Amount: amount, Reason: d.Reason, RecordedBy: by, RecordedAt: now})
	date := d.Date
	entry := &Change{Change: record.Change{At: now, By: by, Action: ActionDisbursement,
		Fields: diff(cur, &next), Note: d.Reason}, Date: &date}
	return s.write(ctx, cur, &next, entry, now)
}
