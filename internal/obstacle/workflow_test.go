package obstacle

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/holidays"
)

var cal = holidays.MustEmbedded()

// at reads "2006-01-02 15:04" in Asia/Ho_Chi_Minh.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, holidays.Location())
	if err != nil {
		panic(err)
	}
	return t
}

func validTaxCode(prefix string) string {
	for i := 0; ; i++ {
		nine := fmt.Sprintf("%s%0*d", prefix, 9-len(prefix), i)
		if d, ok := TaxCheckDigit(nine); ok {
			return fmt.Sprintf("%s%d", nine, d)
		}
	}
}

func validObstacle() Obstacle {
	return Obstacle{
		Filer: Filer{
			BusinessName: "Công ty TNHH Thử Nghiệm", TaxCode: validTaxCode("42011"),
			ContactPerson: "Nguyễn Văn An", Email: "an@congty.example", Phone: "0905 123 456", Lang: "vi",
		},
		Category: LandSiteClearance, Title: "Chậm bàn giao mặt bằng",
		Description: "Còn 2 ha chưa bồi thường, giải phóng mặt bằng xong.", Status: Submitted,
	}
}

func TestTaxCode(t *testing.T) {
	t.Parallel()
	// Published tax codes of well-known enterprises satisfy the check digit.
	for _, c := range []string{"0100109106", "0100107518", "0300588569", "0101248141", "0900189284", "0300555450", "0100109106-001"} {
		if !ValidTaxCode(c) {
			t.Errorf("ValidTaxCode(%q) = false", c)
		}
	}
	for _, c := range []string{"0100109107", "010010910", "01001091066", "0100109106-000", "0100109106-01", "0100109106001", "01OO109106", ""} {
		if ValidTaxCode(c) {
			t.Errorf("ValidTaxCode(%q) = true", c)
		}
	}
	// A prefix whose remainder is 0 has no valid check digit.
	for i := 0; i < 100000; i++ {
		nine := fmt.Sprintf("42%07d", i)
		if _, ok := TaxCheckDigit(nine); !ok {
			for d := 0; d <= 9; d++ {
				if ValidTaxCode(fmt.Sprintf("%s%d", nine, d)) {
					t.Fatalf("%s%d accepted though the prefix has no check digit", nine, d)
				}
			}
			return
		}
	}
	t.Fatal("no prefix without a check digit found")
}

func TestPhoneAndEmail(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"0905123456", "090 512 3456", "+84 905 123 456", "84905123456", "0258 3822 123", "(0258) 3822-123", "028.3822.1234", "1900 1234", "0356789012"} {
		if !ValidPhone(p) {
			t.Errorf("ValidPhone(%q) = false", p)
		}
	}
	for _, p := range []string{"0123456789", "090512345", "09051234567", "+1 202 555 0100", "abc", "0258382212", "1700 1234"} {
		if ValidPhone(p) {
			t.Errorf("ValidPhone(%q) = true", p)
		}
	}
	for _, e := range []string{"an@congty.vn", "a.b+c@sub.example.com"} {
		if !ValidEmail(e) {
			t.Errorf("ValidEmail(%q) = false", e)
		}
	}
	for _, e := range []string{"an@congty", "An <an@congty.vn>", "an@@congty.vn", "an@.vn", "an congty.vn"} {
		if ValidEmail(e) {
			t.Errorf("ValidEmail(%q) = true", e)
		}
	}
}

func TestValidateNamesEachField(t *testing.T) {
	t.Parallel()
	o := validObstacle()
	if err := o.Validate(); err != nil {
		t.Fatalf("valid obstacle refused: %v", err)
	}
	o.Filer.TaxCode = "0100109107"
	o.Filer.Email = "x@y"
	o.Filer.Phone = "12345"
	o.Filer.BusinessName = "  "
	o.Filer.Lang = "fr"
	o.Category = "weather"
	o.Title = strings.Repeat("a", MaxTitle+1)
	o.Description = "ngắn"
	o.ProjectCode = "bad code"
	err := o.Validate()
	want := map[string]string{
		"tax_code": "obstacle.error.tax_code_check", "email": "error.field.email", "phone": "obstacle.error.phone",
		"business_name": "error.field.required", "lang": "error.field.invalid", "category": "error.field.invalid",
		"title": "error.field.too_long", "description": "obstacle.error.description_short", "project_code": "error.field.invalid",
	}
	e := apperr.As(err)
	if e.Code != apperr.CodeInvalid {
		t.Fatalf("code %s", e.Code)
	}
	for k, v := range want {
		if e.Fields[k] != v {
			t.Errorf("field %s = %q, want %q", k, e.Fields[k], v)
		}
	}
	if len(e.Fields) != len(want) {
		t.Errorf("fields %v, want exactly %v", e.Fields, want)
	}
}

// expectedTable is the workflow written out independently of the code.
var expectedTable = map[Status]map[Action]Status{
	Submitted:          {ActAccept: Accepted, ActReject: Rejected, ActMerge: Merged},
	Accepted:           {ActAssign: Assigned, ActEscalate: Accepted, ActNote: Accepted, ActMerge: Merged},
	Assigned:           {ActAssign: Assigned, ActStart: InProgress, ActEscalate: Assigned, ActNote: Assigned, ActMerge: Merged},
	InProgress:         {ActAsk: WaitingForBusiness, ActResolve: Resolved, ActEscalate: InProgress, ActNote: InProgress, ActMerge: Merged},
	WaitingForBusiness: {ActAnswer: InProgress, ActResume: InProgress, ActEscalate: WaitingForBusiness, ActNote: WaitingForBusiness, ActMerge: Merged},
	Resolved:           {ActConfirm: Closed, ActAutoClose: Closed, ActReopen: InProgress},
	Closed:             {ActReopen: InProgress},
	Rejected:           {},
	Merged:             {},
}

// fixture builds an obstacle in status s that any allowed action can act on.
func fixture(s Status, now time.Time) Obstacle {
	o := validObstacle()
	o.ID = "o1"
	o.Status = s
	o.Version = 3
	o.LeadAgency = "skhdt"
	o.CoordinatingAgencies = []string{"stnmt"}
	d := cal.AddWorkingDays(now, 5)
	o.Deadline = &d
	if s == WaitingForBusiness {
		p := now.Add(-48 * time.Hour)
		o.PausedSince = &p
	}
	if s == Resolved || s == Closed {
		r := now.Add(-24 * time.Hour)
		o.ResolvedAt = &r
		o.Resolution = "Đã giải quyết"
	}
	return o
}

func fullInput() Input {
	return Input{Note: "Nội dung", LeadAgency: "skhdt", CoordinatingAgencies: []string{"stnmt"}, Resolution: "Đã giải quyết", Rating: 5, ParentID: "o2"}
}

func actorFor(r Role) Actor {
	switch r {
	case RoleAgency:
		return Actor{ID: "u-agency", Role: RoleAgency, Agency: "skhdt"}
	case RoleFiler:
		return FilerActor
	case RoleSystem:
		return SystemActor
	}
	return Actor{ID: "u-" + string(r), Role: r}
}

func TestTransitionTable(t *testing.T) {
	t.Parallel()
	now := at("2026-03-10 10:00")
	allRoles := []Role{RoleTaskforce, RoleAgency, RoleAdmin, RoleFiler, RoleSystem}
	for _, s := range Statuses {
		for _, a := range Actions {
			t.Run(string(s)+"/"+string(a), func(t *testing.T) {
				want, allowed := expectedTable[s][a]
				rule, ok := Lookup(s, a)
				if ok != allowed {
					t.Fatalf("Lookup(%s, %s) = %v, want %v", s, a, ok, allowed)
				}
				if !allowed {
					for _, r := range allRoles {
						_, _, err := Transition(fixture(s, now), a, fullInput(), actorFor(r), now, cal, DefaultRules)
						var e *apperr.Error
						if !errors.As(err, &e) || e.Code != apperr.CodeConflict || e.MessageID != "obstacle.error.transition" {
							t.Fatalf("role %s: got %v, want transition conflict", r, err)
						}
						if e.Data["From"] != string(s) || e.Data["Action"] != string(a) || e.Data["To"] == "" {
							t.Fatalf("error data %v", e.Data)
						}
					}
					return
				}
				if rule.To != want {
					t.Fatalf("%s --%s--> %s, want %s", s, a, rule.To, want)
				}
				permitted := 0
				for _, r := range allRoles {
					o := fixture(s, now)
					n, ev, err := Transition(o, a, fullInput(), actorFor(r), now, cal, DefaultRules)
					if !rule.Allows(r) {
						if !errors.Is(err, apperr.ErrForbidden) {
							t.Errorf("role %s: got %v, want forbidden", r, err)
						}
						continue
					}
					permitted++
					if err != nil {
						t.Fatalf("role %s: %v", r, err)
					}
					if n.Status != want || ev.ToStatus != want || ev.FromStatus != s || ev.Act() != a {
						t.Errorf("role %s: status %s event %+v", r, n.Status, ev)
					}
					if len(n.Timeline) != len(o.Timeline)+1 || !reflect.DeepEqual(n.Timeline[len(n.Timeline)-1], ev) {
						t.Errorf("event not appended")
					}
				}
				if permitted == 0 {
					t.Error("no role may take an allowed step")
				}
			})
		}
	}
}

func TestTransitionRules(t *testing.T) {
	t.Parallel()
	now := at("2026-03-10 10:00")
	tf := actorFor(RoleTaskforce)
	fieldErr := func(err error, field, id string) {
		t.Helper()
		if e := apperr.As(err); e.Code != apperr.CodeInvalid || e.Fields[field] != id {
			t.Fatalf("got %v, want %s=%s", err, field, id)
		}
	}
	t.Run("RejectNeedsReason", func(t *testing.T) {
		_, _, err := Transition(fixture(Submitted, now), ActReject, Input{}, tf, now, cal, DefaultRules)
		fieldErr(err, "note", "error.field.required")
	})
	t.Run("ResolveNeedsResolution", func(t *testing.T) {
		_, _, err := Transition(fixture(InProgress, now), ActResolve, Input{}, tf, now, cal, DefaultRules)
		fieldErr(err, "resolution", "error.field.required")
	})
	t.Run("ConfirmNeedsRating", func(t *testing.T) {
		for _, r := range []int{0, 6, -1} {
			_, _, err := Transition(fixture(Resolved, now), ActConfirm, Input{Rating: r}, FilerActor, now, cal, DefaultRules)
			fieldErr(err, "rating", "obstacle.error.rating")
		}
	})
	t.Run("AssignNeedsAgency", func(t *testing.T) {
		_, _, err := Transition(fixture(Accepted, now), ActAssign, Input{}, tf, now, cal, DefaultRules)
		fieldErr(err, "lead_agency", "error.field.required")
	})
	t.Run("AssignDeadlineInPast", func(t *testing.T) {
		past := now.AddDate(0, 0, -3)
		_, _, err := Transition(fixture(Accepted, now), ActAssign, Input{LeadAgency: "sxd", Deadline: &past}, tf, now, cal, DefaultRules)
		fieldErr(err, "deadline", "obstacle.error.deadline_past")
	})
	t.Run("AssignGivenDeadline", func(t *testing.T) {
		d := at("2026-04-15 17:30")
		n, ev, err := Transition(fixture(Accepted, now), ActAssign, Input{LeadAgency: "sxd", CoordinatingAgencies: []string{"sxd", "stnmt", "stnmt"}, Deadline: &d}, tf, now, cal, DefaultRules)
		if err != nil {
			t.Fatal(err)
		}
		if holidays.DateKey(*n.Deadline) != "2026-04-15" || n.LeadAgency != "sxd" || ev.Agency != "sxd" {
			t.Fatalf("deadline %v lead %s", n.Deadline, n.LeadAgency)
		}
		if len(n.CoordinatingAgencies) != 1 || n.CoordinatingAgencies[0] != "stnmt" {
			t.Fatalf("coordinating %v: lead and repeats must be dropped", n.CoordinatingAgencies)
		}
	})
	t.Run("EscalateStopsAtPPC", func(t *testing.T) {
		o := fixture(InProgress, now)
		for lvl := 1; lvl <= 2; lvl++ {
			n, ev, err := Transition(o, ActEscalate, Input{}, tf, now, cal, DefaultRules)
			if err != nil || n.EscalationLevel != lvl || n.Status != InProgress || ev.Public() {
				t.Fatalf("level %d: %v %d %s public=%v", lvl, err, n.EscalationLevel, n.Status, ev.Public())
			}
			o = n
		}
		_, _, err := Transition(o, ActEscalate, Input{}, tf, now, cal, DefaultRules)
		if e := apperr.As(err); e.Code != apperr.CodeConflict || e.MessageID != "obstacle.error.escalation_max" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ReopenWindow", func(t *testing.T) {
		o := fixture(Closed, now)
		r := cal.AddWorkingDays(now, -(DefaultRules.ReopenWithinDays + 1))
		o.ResolvedAt = &r
		_, _, err := Transition(o, ActReopen, Input{Note: "Chưa xong"}, FilerActor, now, cal, DefaultRules)
		if e := apperr.As(err); e.Code != apperr.CodeConflict || e.MessageID != "obstacle.error.reopen_window" {
			t.Fatalf("got %v", err)
		}
		r = cal.AddWorkingDays(now, -DefaultRules.ReopenWithinDays)
		o.ResolvedAt = &r
		n, _, err := Transition(o, ActReopen, Input{Note: "Chưa xong"}, FilerActor, now, cal, DefaultRules)
		if err != nil || n.Status != InProgress || n.ResolvedAt != nil || n.Resolution != "" || n.ClosedAt != nil {
			t.Fatalf("reopen: %v %+v", err, n)
		}
	})
	t.Run("AgencyOnlyOnItsOwn", func(t *testing.T) {
		other := Actor{ID: "u2", Role: RoleAgency, Agency: "sxd"}
		_, _, err := Transition(fixture(InProgress, now), ActResolve, Input{Resolution: "x"}, other, now, cal, DefaultRules)
		if !errors.Is(err, apperr.ErrForbidden) {
			t.Fatalf("got %v", err)
		}
		coord := Actor{ID: "u3", Role: RoleAgency, Agency: "stnmt"}
		if _, _, err := Transition(fixture(InProgress, now), ActNote, Input{Note: "Đã góp ý"}, coord, now, cal, DefaultRules); err != nil {
			t.Fatalf("coordinating agency note: %v", err)
		}
		if _, _, err := Transition(fixture(InProgress, now), ActResolve, Input{Resolution: "x"}, coord, now, cal, DefaultRules); !errors.Is(err, apperr.ErrForbidden) {
			t.Fatalf("coordinating agency resolve: %v", err)
		}
	})
	t.Run("InputNotAliased", func(t *testing.T) {
		o := fixture(InProgress, now)
		o.Timeline = make([]Event, 1, 10)
		n1, _, _ := Transition(o, ActNote, Input{Note: "một"}, tf, now, cal, DefaultRules)
		n2, _, _ := Transition(o, ActNote, Input{Note: "hai"}, tf, now, cal, DefaultRules)
		if n1.Timeline[1].Note != "một" || n2.Timeline[1].Note != "hai" || len(o.Timeline) != 1 {
			t.Fatal("timelines share storage")
		}
	})
}

func TestDeadlineAcrossTetAndPause(t *testing.T) {
	t.Parallel()
	tf := actorFor(RoleTaskforce)
	ag := actorFor(RoleAgency)
	o := fixture(Accepted, at("2026-02-11 09:00"))
	o.Category = InvestmentProcedures // 10 working days
	o.Deadline = nil

	step := func(a Action, in Input, actor Actor, when string) {
		t.Helper()
		n, _, err := Transition(o, a, in, actor, at(when), cal, DefaultRules)
		if err != nil {
			t.Fatalf("%s at %s: %v", a, when, err)
		}
		o = n
	}
	// Assigned Wednesday 11 Feb 2026: 12, 13 Feb, then Tết 14-22 Feb, then
	// 23, 24, 25, 26, 27 Feb, 2, 3, 4 Mar: the 10th working day is 4 Mar.
	step(ActAssign, Input{LeadAgency: "skhdt"}, tf, "2026-02-11 10:00")
	if got := holidays.DateKey(*o.Deadline); got != "2026-03-04" {
		t.Fatalf("deadline %s, want 2026-03-04", got)
	}
	step(ActStart, Input{}, ag, "2026-02-12 08:30")
	// Asked on Friday 13 Feb; answered Wednesday 25 Feb: the clock stood
	// still for 23, 24, 25 Feb (Tết days are not working days).
	step(ActAsk, Input{Note: "Bổ sung hồ sơ"}, ag, "2026-02-13 15:00")
	if o.PausedSince == nil {
		t.Fatal("clock not paused")
	}
	if o.Overdue(at("2026-04-01 09:00")) {
		t.Fatal("a paused obstacle is overdue")
	}
	if left, _ := o.WorkingDaysLeft(cal, at("2026-04-01 09:00")); left != 8 {
		t.Fatalf("days left while paused = %d, want 8 (the working days after 13 Feb up to 4 Mar)", left)
	}
	step(ActAnswer, Input{Note: "Đã bổ sung"}, FilerActor, "2026-02-25 09:00")
	if o.PausedSince != nil || o.PausedDays != 3 {
		t.Fatalf("paused since %v, days %d; want nil, 3", o.PausedSince, o.PausedDays)
	}
	if got := holidays.DateKey(*o.Deadline); got != "2026-03-09" {
		t.Fatalf("deadline after pause %s, want 2026-03-09", got)
	}
	cases := []struct {
		when             string
		left             int
		dueSoon, overdue bool
	}{
		{"2026-03-05 10:00", 2, false, false},
		{"2026-03-06 10:00", 1, true, false},
		{"2026-03-07 10:00", 1, true, false},  // Saturday: as many as on Friday
		{"2026-03-09 16:59", 0, true, false},  // the deadline's own day
		{"2026-03-10 08:00", -1, false, true}, // one working day overdue
	}
	for _, c := range cases {
		now := at(c.when)
		left, _ := o.WorkingDaysLeft(cal, now)
		if left != c.left || o.DueSoon(cal, now) != c.dueSoon || o.Overdue(now) != c.overdue {
			t.Errorf("%s: left %d dueSoon %v overdue %v; want %d %v %v", c.when, left, o.DueSoon(cal, now), o.Overdue(now), c.left, c.dueSoon, c.overdue)
		}
	}
	step(ActResolve, Input{Resolution: "Đã cấp giấy chứng nhận"}, ag, "2026-03-09 16:00")
	if !o.OnTime() {
		t.Fatal("resolved on the deadline day is on time")
	}
	if o.Overdue(at("2026-03-20 08:00")) {
		t.Fatal("resolved obstacle overdue")
	}
}

// TestDaysLeftOnAssignmentDay checks that a deadline of n working days
// shows n days left on the day it is set, also across Tết, and that a
// closed report counts nothing down.
func TestDaysLeftOnAssignmentDay(t *testing.T) {
	t.Parallel()
	tf := actorFor(RoleTaskforce)
	for _, when := range []string{"2026-02-11 10:00", "2026-02-13 16:00", "2026-03-04 08:00"} {
		o := fixture(Accepted, at(when))
		o.Category = LandSiteClearance
		o.Deadline = nil
		n, _, err := Transition(o, ActAssign, Input{LeadAgency: "skhdt"}, tf, at(when), cal, DefaultRules)
		if err != nil {
			t.Fatal(err)
		}
		want := DefaultWorkingDays(LandSiteClearance)
		if left, ok := n.WorkingDaysLeft(cal, at(when)); !ok || left != want || !n.Counting() {
			t.Errorf("assigned %s: %d days left (counting %v), want %d", when, left, n.Counting(), want)
		}
		// The next working day one is gone.
		next := cal.AddWorkingDays(at(when), 1)
		if left, _ := n.WorkingDaysLeft(cal, next); left != want-1 {
			t.Errorf("assigned %s, on %s: %d days left, want %d", when, holidays.DateKey(next), left, want-1)
		}
	}
	for _, st := range []Status{Closed, Resolved, Rejected, Merged} {
		o := fixture(st, at("2026-03-04 08:00"))
		d := at("2026-03-30 08:00")
		o.Deadline = &d
		if o.Counting() {
			t.Errorf("%s report counts its deadline down", st)
		}
	}
	paused := fixture(WaitingForBusiness, at("2026-03-04 08:00"))
	since, d := at("2026-03-04 08:00"), at("2026-03-30 08:00")
	paused.PausedSince, paused.Deadline = &since, &d
	if !paused.Counting() {
		t.Error("a paused report shows no days left")
	}
}

// TestFirstEventNamesNoNewStatus checks the filing event is not shown as
// "Submitted → Submitted", while a later step names its new status.
func TestFirstEventNamesNoNewStatus(t *testing.T) {
	t.Parallel()
	now := at("2026-03-04 08:00")
	first := NewEvent(now, FilerActor, ActSubmit, "", Submitted, "", true)
	if first.ShowsNewStatus() {
		t.Error("the filing event names its status again")
	}
	if accept := NewEvent(now, actorFor(RoleTaskforce), ActAccept, Submitted, Accepted, "", true); !accept.ShowsNewStatus() {
		t.Error("accepting does not name the new status")
	}
	if note := NewEvent(now, actorFor(RoleTaskforce), ActNote, InProgress, InProgress, "x", false); note.ShowsNewStatus() {
		t.Error("a note names an unchanged status")
	}
}

// TestTaxCodeProblemTellsCheckDigitApart checks a typo in a well-formed
// code is refused for its check digit, and a wrong shape for the shape.
func TestTaxCodeProblemTellsCheckDigitApart(t *testing.T) {
	t.Parallel()
	for c, want := range map[string]string{
		"0100109106":     "",
		"0100109106-001": "",
		"0100109107":     "obstacle.error.tax_code_check",
		"0100109107-001": "obstacle.error.tax_code_check",
		"010010910":      "obstacle.error.tax_code",
		"01OO109106":     "obstacle.error.tax_code",
		"0100109106-000": "obstacle.error.tax_code",
		"0100109106-01":  "obstacle.error.tax_code",
	} {
		if got := TaxCodeProblem(c); got != want {
			t.Errorf("TaxCodeProblem(%q) = %q, want %q", c, got, want)
		}
	}
	o := fixture(Submitted, at("2026-03-04 08:00"))
	o.Filer.TaxCode = "0100109107"
	if got := apperr.As(o.Validate()).Fields["tax_code"]; got != "obstacle.error.tax_code_check" {
		t.Errorf("Validate names tax_code %q", got)
	}
}
