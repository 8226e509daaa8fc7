package obstacle

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/record"
)

// Role is who acts on an obstacle. The staff roles are the account roles
// of the same name; Filer is the business holding the tracking code and
// access key; System is a scheduled job.
type Role string

// Roles that act on obstacles.
const (
	RoleTaskforce Role = "taskforce"
	RoleAgency    Role = "agency"
	RoleAdmin     Role = "admin"
	RoleFiler     Role = "filer"
	RoleSystem    Role = "system"
)

// Actor is who performs an action: a user id and role, and for an agency
// officer the agency id.
type Actor struct {
	ID     string
	Role   Role
	Agency string
}

// Record is the actor as a history entry names it.
func (a Actor) Record() record.Actor { return record.Actor{ID: a.ID, Role: string(a.Role)} }

// FilerActor is the business acting through its tracking code and key.
var FilerActor = Actor{ID: "filer", Role: RoleFiler}

// SystemActor is a scheduled job.
var SystemActor = Actor{ID: "system", Role: RoleSystem}

// Staff reports whether the actor is a signed-in official.
func (a Actor) Staff() bool {
	return a.Role == RoleTaskforce || a.Role == RoleAgency || a.Role == RoleAdmin
}

// Action is a step of the workflow.
type Action string

// Workflow actions.
const (
	ActSubmit    Action = "submit"    // the business files (first event only)
	ActAccept    Action = "accept"    // the task force takes it up
	ActReject    Action = "reject"    // refused, with a reason
	ActAssign    Action = "assign"    // lead agency, coordinating agencies, deadline
	ActStart     Action = "start"     // the lead agency starts work
	ActAsk       Action = "ask"       // a question to the business; the clock pauses
	ActAnswer    Action = "answer"    // the business answers; the clock resumes
	ActResume    Action = "resume"    // staff resume without a written answer
	ActResolve   Action = "resolve"   // resolution recorded
	ActConfirm   Action = "confirm"   // the business confirms, with a rating
	ActAutoClose Action = "autoclose" // closed after the objection period
	ActReopen    Action = "reopen"    // the business objects within the window
	ActEscalate  Action = "escalate"  // one level up; status unchanged
	ActNote      Action = "note"      // internal progress note; status unchanged
	ActMerge     Action = "merge"     // folded into another obstacle as a duplicate
	ActGroup     Action = "group"     // linked to a policy issue; status unchanged
	ActAttach    Action = "attach"    // a file added; status unchanged
	// ActRestructure passes an open obstacle from a former agency to its
	// successor when the agency structure changes; status unchanged.
	ActRestructure Action = "restructure"
)

// Actions lists the actions a transition can name (submit is only the
// first event; group and attach have their own store methods).
var Actions = []Action{ActAccept, ActReject, ActAssign, ActStart, ActAsk, ActAnswer, ActResume, ActResolve, ActConfirm, ActAutoClose, ActReopen, ActEscalate, ActNote, ActMerge}

// Rule is one allowed transition: in status From, action Action by one of
// Roles leads to status To.
type Rule struct {
	From   Status
	Action Action
	To     Status
	Roles  []Role
}

// Allows reports whether role may take the rule's step.
func (r Rule) Allows(role Role) bool {
	for _, x := range r.Roles {
		if x == role {
			return true
		}
	}
	return false
}

var (
	officers  = []Role{RoleTaskforce, RoleAdmin}
	workers   = []Role{RoleTaskforce, RoleAgency, RoleAdmin}
	escalator = []Role{RoleTaskforce, RoleAgency, RoleAdmin, RoleSystem}
	business  = []Role{RoleFiler}
)

// transitions is the workflow. Anything not listed is refused.
var transitions = []Rule{
	{Submitted, ActAccept, Accepted, officers},
	{Submitted, ActReject, Rejected, officers},
	{Accepted, ActAssign, Assigned, officers},
	{Assigned, ActAssign, Assigned, officers}, // reassignment
	{Assigned, ActStart, InProgress, workers},
	{InProgress, ActAsk, WaitingForBusiness, workers},
	{WaitingForBusiness, ActAnswer, InProgress, business},
	{WaitingForBusiness, ActResume, InProgress, workers},
	{InProgress, ActResolve, Resolved, workers},
	{Resolved, ActConfirm, Closed, business},
	{Resolved, ActAutoClose, Closed, []Role{RoleSystem}},
	{Resolved, ActReopen, InProgress, business},
	{Closed, ActReopen, InProgress, business},
	{Accepted, ActEscalate, Accepted, escalator},
	{Assigned, ActEscalate, Assigned, escalator},
	{InProgress, ActEscalate, InProgress, escalator},
	{WaitingForBusiness, ActEscalate, WaitingForBusiness, escalator},
	{Accepted, ActNote, Accepted, workers},
	{Assigned, ActNote, Assigned, workers},
	{InProgress, ActNote, InProgress, workers},
	{WaitingForBusiness, ActNote, WaitingForBusiness, workers},
	{Submitted, ActMerge, Merged, officers},
	{Accepted, ActMerge, Merged, officers},
	{Assigned, ActMerge, Merged, officers},
	{InProgress, ActMerge, Merged, officers},
	{WaitingForBusiness, ActMerge, Merged, officers},
}

// Transitions returns a copy of the workflow table.
func Transitions() []Rule {
	out := make([]Rule, len(transitions))
	copy(out, transitions)
	return out
}

// Lookup returns the rule for action in status from, if the table has one.
func Lookup(from Status, action Action) (Rule, bool) {
	for _, r := range transitions {
		if r.From == from && r.Action == action {
			return r, true
		}
	}
	return Rule{}, false
}

// Allowed lists the actions role may take on an obstacle in status s.
func Allowed(s Status, role Role) []Action {
	var out []Action
	for _, r := range transitions {
		if r.From == s && r.Allows(role) {
			out = append(out, r.Action)
		}
	}
	return out
}

// targetOf names the status an action usually leads to, for error data.
func targetOf(a Action) Status {
	for _, r := range transitions {
		if r.Action == a {
			return r.To
		}
	}
	return ""
}

// ErrTransition is the error for a step the table does not allow; Data
// holds From, To and Action.
func ErrTransition(from Status, a Action) error {
	e := apperr.Conflict("obstacle.error.transition")
	e.Data = map[string]any{"From": string(from), "To": string(targetOf(a)), "Action": string(a)}
	return e
}

// Input carries what an action needs; each action reads its own fields.
type Input struct {
	// Note is the reason (reject), question (ask), answer (answer), rating
	// comment (confirm), objection (reopen) or the note itself (note,
	// escalate, assign, start, resume, merge).
	Note string
	// LeadAgency, CoordinatingAgencies and Deadline are for assign; a nil
	// Deadline means the category's default working days from now.
	LeadAgency           string
	CoordinatingAgencies []string
	Deadline             *time.Time
	// Resolution is for resolve.
	Resolution string
	// Rating (1-5) is for confirm.
	Rating int
	// ParentID is the primary obstacle for merge.
	ParentID string
}

// Rules are the workflow's tunable periods.
type Rules struct {
	// ReopenWithinDays is how many working days after resolution the
	// business may reopen.
	ReopenWithinDays int
	// EscalatePPCAfterDays is how many working days overdue an obstacle
	// must be for EscalateOverdue to raise it to the People's Committee.
	EscalatePPCAfterDays int
}

// DefaultRules are the periods used when none are configured.
var DefaultRules = Rules{ReopenWithinDays: 10, EscalatePPCAfterDays: 5}

// MaxDeadlineDays is how far ahead, in calendar days from today, an
// assignment's deadline may be set: the longest default is 20 working
// days, and a year covers any deadline a task force sets on purpose while
// catching typing slips such as the year 9999.
const MaxDeadlineDays = 366

var agencyPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,39}$`)

// ValidAgencyID reports whether s has the shape of an agency id: 2 to 40
// lower-case letters, digits, "_" or "-", starting with a letter ("skhdt",
// "ubnd-nhatrang").
func ValidAgencyID(s string) bool { return agencyPattern.MatchString(s) }

// Transition applies action to o and returns the changed obstacle and the
// event to append, without touching storage: the table decides whether the
// step is allowed (a refused step is ErrTransition), then the action's
// own rules check the input (field errors) and the actor's rights
// (forbidden). The returned obstacle's Version and UpdatedAt are not
// changed; the store does that when it writes.
func Transition(o Obstacle, action Action, in Input, actor Actor, now time.Time, cal *holidays.Calendar, rules Rules) (Obstacle, Event, error) {
	now = now.UTC().Truncate(time.Millisecond)
	rule, ok := Lookup(o.Status, action)
	if !ok {
		return o, Event{}, ErrTransition(o.Status, action)
	}
	if !rule.Allows(actor.Role) {
		return o, Event{}, apperr.Forbidden()
	}
	if !o.MayAct(actor, action) {
		return o, Event{}, apperr.Forbidden()
	}
	in.Note = strings.TrimSpace(in.Note)
	in.Resolution = strings.TrimSpace(in.Resolution)
	f := apperr.Fields{}
	checkChars(f, "note", in.Note, true)
	checkChars(f, "resolution", in.Resolution, true)
	if utf8.RuneCountInString(in.Note) > MaxNote {
		f.Add("note", "error.field.too_long")
	}
	ev := NewEvent(now, actor, action, o.Status, rule.To, in.Note, true)
	n := o
	n.Timeline = nil // the store appends ev; keep the copy from aliasing o's slice

	switch action {
	case ActReject:
		if in.Note == "" {
			f.Add("note", "error.field.required")
		}
	case ActAssign:
		if !ValidAgencyID(in.LeadAgency) {
			f.Add("lead_agency", "error.field.required")
		}
		var coord []string
		seen := map[string]bool{in.LeadAgency: true}
		for _, a := range in.CoordinatingAgencies {
			a = strings.TrimSpace(a)
			if a == "" || seen[a] {
				continue
			}
			if !ValidAgencyID(a) {
				f.Add("coordinating_agencies", "error.field.invalid")
			}
			seen[a] = true
			coord = append(coord, a)
		}
		var deadline time.Time
		if in.Deadline != nil {
			deadline = holidays.StartOfDay(*in.Deadline)
			today := holidays.StartOfDay(now)
			if deadline.Before(today) {
				f.Add("deadline", "obstacle.error.deadline_past")
			} else if deadline.After(today.AddDate(0, 0, MaxDeadlineDays)) {
				f.Add("deadline", "obstacle.error.deadline_far")
			}
		} else {
			deadline = cal.AddWorkingDays(now, DefaultWorkingDays(o.Category))
		}
		deadline = deadline.UTC()
		n.LeadAgency, n.CoordinatingAgencies, n.Deadline = in.LeadAgency, coord, &deadline
		n.PausedDays, n.PausedSince = 0, nil
		ev.Agency = in.LeadAgency
	case ActAsk:
		if in.Note == "" {
			f.Add("note", "error.field.required")
		}
		t := now
		n.PausedSince = &t
	case ActAnswer, ActResume:
		if action == ActAnswer && in.Note == "" {
			f.Add("note", "error.field.required")
		}
		resumeClock(&n, now, cal)
	case ActResolve:
		if in.Resolution == "" {
			f.Add("resolution", "error.field.required")
		} else if utf8.RuneCountInString(in.Resolution) > MaxDescription {
			f.Add("resolution", "error.field.too_long")
		}
		t := now
		n.Resolution, n.ResolvedAt = in.Resolution, &t
		ev.Note = in.Resolution
	case ActConfirm:
		if in.Rating < 1 || in.Rating > 5 {
			f.Add("rating", "obstacle.error.rating")
		}
		t := now
		n.Rating, n.RatingComment, n.ClosedAt = in.Rating, in.Note, &t
	case ActAutoClose:
		t := now
		n.ClosedAt = &t
	case ActReopen:
		if o.ResolvedAt == nil || cal.WorkingDaysBetween(*o.ResolvedAt, now) > rules.ReopenWithinDays {
			e := apperr.Conflict("obstacle.error.reopen_window")
			e.Data = map[string]any{"Days": rules.ReopenWithinDays}
			return o, Event{}, e
		}
		if in.Note == "" {
			f.Add("note", "error.field.required")
		}
		// The original deadline stands: a resolution the business rejects
		// was not a resolution, and the clock tells the truth about it.
		n.Resolution, n.ResolvedAt, n.ClosedAt, n.Rating, n.RatingComment = "", nil, nil, 0, ""
	case ActEscalate:
		if o.EscalationLevel >= MaxEscalation {
			return o, Event{}, apperr.Conflict("obstacle.error.escalation_max")
		}
		n.EscalationLevel = o.EscalationLevel + 1
		ev.Internal = true
	case ActNote:
		if in.Note == "" {
			f.Add("note", "error.field.required")
		}
		ev.Internal = true
	case ActMerge:
		if in.ParentID == "" || in.ParentID == o.ID {
			f.Add("parent_id", "error.field.invalid")
		}
		n.ParentID = in.ParentID
		if n.PausedSince != nil {
			n.PausedSince = nil
		}
	}
	if err := f.Err(); err != nil {
		return o, Event{}, err
	}
	n.Status = rule.To
	n.Timeline = append(append([]Event(nil), o.Timeline...), ev)
	return n, ev, nil
}

// resumeClock ends a pause: the working days spent waiting are added to the
// deadline and to PausedDays.
func resumeClock(o *Obstacle, now time.Time, cal *holidays.Calendar) {
	if o.PausedSince == nil {
		return
	}
	days := cal.WorkingDaysBetween(*o.PausedSince, now)
	if days < 0 {
		days = 0
	}
	if o.Deadline != nil && days > 0 {
		d := cal.AddWorkingDays(*o.Deadline, days).UTC()
		o.Deadline = &d
	}
	o.PausedDays += days
	o.PausedSince = nil
}

// clockNow is the instant the deadline is measured at: now, or the start
// of the pause while the business is being asked.
func (o *Obstacle) clockNow(now time.Time) time.Time {
	if o.PausedSince != nil && o.PausedSince.Before(now) {
		return *o.PausedSince
	}
	return now
}

// WorkingDaysLeft is the number of working days after today (or after the
// day a pause began) up to and including the deadline's day: on the day a
// 20-day deadline is set it is 20, on the deadline's own day 0, and -k
// when k working days overdue. ok is false without a deadline.
func (o *Obstacle) WorkingDaysLeft(cal *holidays.Calendar, now time.Time) (days int, ok bool) {
	if o.Deadline == nil {
		return 0, false
	}
	return cal.WorkingDaysBetween(o.clockNow(now), *o.Deadline), true
}

// Counting reports whether the obstacle's deadline is still being counted
// down: it has one and is being worked (or paused for the business). A
// closed, resolved, rejected or merged report has no days left to show.
func (o *Obstacle) Counting() bool {
	return o.Deadline != nil && (o.Status.ClockRunning() || o.PausedSince != nil && o.Status.Open())
}

// Overdue reports whether the obstacle is open, its clock running, and its
// deadline's day is over.
func (o *Obstacle) Overdue(now time.Time) bool {
	if o.Deadline == nil || !o.Status.Open() || o.PausedSince != nil || !o.Status.ClockRunning() {
		return false
	}
	return holidays.StartOfDay(now).After(holidays.StartOfDay(*o.Deadline))
}

// DueSoon reports whether an open obstacle with a running clock is due
// within two working days, today included (at most one working day left
// after today), and is not yet overdue.
func (o *Obstacle) DueSoon(cal *holidays.Calendar, now time.Time) bool {
	if !o.Status.ClockRunning() || o.PausedSince != nil || o.Overdue(now) {
		return false
	}
	left, ok := o.WorkingDaysLeft(cal, now)
	return ok && left <= 1
}

// OnTime reports whether a resolved obstacle was resolved by its deadline.
func (o *Obstacle) OnTime() bool {
	if o.ResolvedAt == nil || o.Deadline == nil {
		return false
	}
	return !holidays.StartOfDay(*o.ResolvedAt).After(holidays.StartOfDay(*o.Deadline))
}

// Notifier hears about public status changes, to tell the business (by
// e-mail through an outbox, for example). It is called after the change is
// stored; an error is logged, never undoes the change.
type Notifier interface {
	ObstacleChanged(ctx context.Context, o Obstacle, ev Event) error
}
