package obstacle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

type recNotifier struct {
	mu     sync.Mutex
	events []Event
}

func (r *recNotifier) ObstacleChanged(_ context.Context, _ Obstacle, ev Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	return nil
}

func (r *recNotifier) actions() []Action {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Action
	for _, e := range r.events {
		out = append(out, e.Act())
	}
	return out
}

func newStore(t *testing.T) (*Store, *recNotifier) {
	t.Helper()
	db := mongotest.MustOpenDB(t)
	n := &recNotifier{}
	s := NewStore(db, holidays.MustEmbedded(), Options{Notifier: n, KeySecret: []byte("test-secret")})
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	return s, n
}

// create files sub and returns the obstacle and its access key.
func create(ctx context.Context, s *Store, sub Submission, now time.Time) (Obstacle, string, error) {
	f, err := s.Create(ctx, sub, now)
	return f.Obstacle, f.AccessKey, err
}

func submission(i int) Submission {
	o := validObstacle()
	return Submission{Filer: o.Filer, Category: Categories[i%len(Categories)], Title: fmt.Sprintf("Vướng mắc số %d", i), Description: o.Description}
}

var (
	tf    = Actor{ID: "u-tf", Role: RoleTaskforce}
	admin = Actor{ID: "u-admin", Role: RoleAdmin}
)

func agency(id string) Actor { return Actor{ID: "u-" + id, Role: RoleAgency, Agency: id} }

// walk applies steps to a stored obstacle, failing the test on error.
func walk(t *testing.T, s *Store, o Obstacle, when time.Time, steps ...any) Obstacle {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < len(steps); i += 3 {
		a, in, actor := steps[i].(Action), steps[i+1].(Input), steps[i+2].(Actor)
		n, err := s.Apply(ctx, o.ID, o.Version, a, in, actor, when)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		o = n
		when = when.Add(time.Hour)
	}
	return o
}

func TestCreateIdempotentUnderConcurrency(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	now := at("2026-03-02 09:00")
	sub := submission(1)
	sub.IdempotencyKey = "form-7f3c9a2e-4b1d-4c8e-9f00-123456789abc"
	const n = 20
	type res struct {
		o       Obstacle
		key     string
		created bool
		err     error
	}
	out := make([]res, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f, err := s.Create(ctx, sub, now)
			out[i] = res{f.Obstacle, f.AccessKey, f.Created, err}
		}()
	}
	close(start)
	wg.Wait()
	created := 0
	for i, r := range out {
		if r.err != nil {
			t.Fatalf("submit %d: %v", i, r.err)
		}
		if r.created {
			created++
		}
		if r.o.ID != out[0].o.ID || r.o.TrackingCode != out[0].o.TrackingCode || r.key != out[0].key {
			t.Fatalf("submit %d gave %s/%s/%s, submit 0 gave %s/%s/%s", i, r.o.ID, r.o.TrackingCode, r.key, out[0].o.ID, out[0].o.TrackingCode, out[0].key)
		}
	}
	count, err := s.obstacles.CountDocuments(ctx, bson.M{})
	if err != nil || count != 1 {
		t.Fatalf("%d obstacles stored (%v), want 1", count, err)
	}
	if created != 1 {
		t.Fatalf("%d racers were told they created it, want 1", created)
	}
	// The key shown to every racer opens the obstacle.
	if _, err := s.GetByTracking(ctx, out[0].o.TrackingCode, out[0].key); err != nil {
		t.Fatalf("key from a repeated submit does not open it: %v", err)
	}
	// A different key makes a different obstacle with the next number.
	sub.IdempotencyKey = "form-00000000-0000-0000-0000-000000000002"
	o2, k2, err := create(ctx, s, sub, now)
	if err != nil || o2.ID == out[0].o.ID || k2 == out[0].key {
		t.Fatalf("second submission: %v", err)
	}
	if o2.TrackingCode[:8] != "VM-2026-" {
		t.Fatalf("tracking code %s", o2.TrackingCode)
	}
}

func TestCreateValidatesAndNumbers(t *testing.T) {
	t.Parallel()
	s, notes := newStore(t)
	ctx := context.Background()
	now := at("2026-01-05 09:00")
	bad := submission(0)
	bad.Filer.TaxCode = "123"
	bad.IdempotencyKey = "short"
	_, _, err := create(ctx, s, bad, now)
	e := apperr.As(err)
	if e.Fields["tax_code"] != "obstacle.error.tax_code" || e.Fields["idempotency_key"] != "error.field.invalid" {
		t.Fatalf("got %v", err)
	}
	unknown := submission(0)
	unknown.ProjectCode = "KH-NOPE-01"
	if _, _, err := create(ctx, s, unknown, now); apperr.As(err).Fields["project_code"] != "obstacle.error.project_unknown" {
		t.Fatalf("unknown project: %v", err)
	}
	var codes []string
	for i := range 3 {
		o, key, err := create(ctx, s, submission(i), now)
		if err != nil {
			t.Fatal(err)
		}
		if len(key) != 29 || o.AccessKeyHash == "" || o.AccessKeyHash == key {
			t.Fatalf("key %q hash %q", key, o.AccessKeyHash)
		}
		codes = append(codes, o.TrackingCode)
	}
	want := []string{"VM-2026-000001", "VM-2026-000002", "VM-2026-000003"}
	if !reflect.DeepEqual(codes, want) {
		t.Fatalf("codes %v, want %v", codes, want)
	}
	o, _, _ := create(ctx, s, submission(9), at("2027-01-04 09:00"))
	if o.TrackingCode != "VM-2027-000001" {
		t.Fatalf("new year restarts the counter: %s", o.TrackingCode)
	}
	if got := notes.actions(); len(got) != 4 || got[0] != ActSubmit {
		t.Fatalf("notifier heard %v", got)
	}
}

func TestGetByTrackingSameErrorForWrongCodeAndKey(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	o, key, err := create(ctx, s, submission(1), at("2026-03-02 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetByTracking(ctx, " "+o.TrackingCode+" ", key)
	if err != nil || got.ID != o.ID {
		t.Fatalf("right code and key: %v", err)
	}
	// Typed in lower case, without dashes, with a 0 for an O: still opens.
	loose := bytes.ToLower([]byte(key))
	loose = bytes.ReplaceAll(loose, []byte("-"), nil)
	if _, err := s.GetByTracking(ctx, o.TrackingCode, string(loose)); err != nil {
		t.Fatalf("normalised key: %v", err)
	}
	errWrongCode := func() error { _, err := s.GetByTracking(ctx, "VM-2026-999999", key); return err }()
	errWrongKey := func() error {
		_, err := s.GetByTracking(ctx, o.TrackingCode, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
		return err
	}()
	errMalformed := func() error { _, err := s.GetByTracking(ctx, "nonsense", key); return err }()
	errEmptyKey := func() error { _, err := s.GetByTracking(ctx, o.TrackingCode, ""); return err }()
	if errWrongCode == nil || !errors.Is(errWrongCode, apperr.ErrNotFound) {
		t.Fatalf("wrong code: %v", errWrongCode)
	}
	for _, e := range []error{errWrongKey, errMalformed, errEmptyKey} {
		if !reflect.DeepEqual(e, errWrongCode) || e.Error() != errWrongCode.Error() {
			t.Fatalf("errors differ: %#v vs %#v", e, errWrongCode)
		}
	}
}

func TestApplyStaleVersionConflicts(t *testing.T) {
	t.Parallel()
	s, notes := newStore(t)
	ctx := context.Background()
	now := at("2026-03-02 09:00")
	o, _, _ := create(ctx, s, submission(1), now)
	acc, err := s.Apply(ctx, o.ID, o.Version, ActAccept, Input{}, tf, now)
	if err != nil || acc.Version != o.Version+1 {
		t.Fatalf("accept: %v version %d", err, acc.Version)
	}
	_, err = s.Apply(ctx, o.ID, o.Version, ActAssign, Input{LeadAgency: "skhdt"}, tf, now)
	if e := apperr.As(err); e.Code != apperr.CodeConflict || e.MessageID != "error.conflict" {
		t.Fatalf("stale version: %v", err)
	}
	// Two officers racing on the same version: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Apply(ctx, o.ID, acc.Version, ActNote, Input{Note: fmt.Sprintf("ghi chú %d", i)}, tf, now)
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("race: %v", err)
		}
	}
	got, _ := s.Get(ctx, o.ID)
	if wins != 1 || len(got.Timeline) != 3 || got.Version != acc.Version+1 {
		t.Fatalf("wins %d, timeline %d, version %d", wins, len(got.Timeline), got.Version)
	}
	// An illegal step on the stored obstacle is the transition conflict.
	_, err = s.Apply(ctx, o.ID, got.Version, ActResolve, Input{Resolution: "x"}, tf, now)
	if e := apperr.As(err); e.MessageID != "obstacle.error.transition" || e.Data["From"] != "accepted" || e.Data["To"] != "resolved" {
		t.Fatalf("illegal: %v %v", err, apperr.As(err).Data)
	}
	if _, err := s.Apply(ctx, "missing", 1, ActAccept, Input{}, tf, now); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	// Notes are internal: the business hears of submit and accept only.
	if a := notes.actions(); !reflect.DeepEqual(a, []Action{ActSubmit, ActAccept}) {
		t.Fatalf("notifier heard %v", a)
	}
}

func TestFullWorkflowStored(t *testing.T) {
	t.Parallel()
	s, notes := newStore(t)
	ctx := context.Background()
	o, key, _ := create(ctx, s, submission(2), at("2026-02-11 09:00"))
	o = walk(t, s, o, at("2026-02-11 10:00"),
		ActAccept, Input{}, tf,
		ActAssign, Input{LeadAgency: "skhdt", CoordinatingAgencies: []string{"stnmt"}}, tf,
		ActStart, Input{}, agency("skhdt"))
	if o.Category != InvestmentProcedures || holidays.DateKey(*o.Deadline) != "2026-03-04" {
		t.Fatalf("category %s deadline %v", o.Category, o.Deadline)
	}
	o = walk(t, s, o, at("2026-02-13 15:00"), ActAsk, Input{Note: "Bổ sung"}, agency("skhdt"))
	o = walk(t, s, o, at("2026-02-25 09:00"), ActAnswer, Input{Note: "Đã bổ sung"}, FilerActor)
	o = walk(t, s, o, at("2026-03-05 09:00"), ActResolve, Input{Resolution: "Đã giải quyết"}, agency("skhdt"))
	o = walk(t, s, o, at("2026-03-06 09:00"), ActConfirm, Input{Rating: 4, Note: "Tốt"}, FilerActor)
	stored, err := s.GetByTracking(ctx, o.TrackingCode, key)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status != Closed || stored.Rating != 4 || stored.PausedDays != 3 || holidays.DateKey(*stored.Deadline) != "2026-03-09" || !stored.OnTime() {
		t.Fatalf("stored %+v", stored)
	}
	if stored.PausedSince != nil || stored.ClosedAt == nil || stored.Version != 8 {
		t.Fatalf("pausedSince %v closedAt %v version %d", stored.PausedSince, stored.ClosedAt, stored.Version)
	}
	wantActions := []Action{ActSubmit, ActAccept, ActAssign, ActStart, ActAsk, ActAnswer, ActResolve, ActConfirm}
	var got []Action
	prev := Status("")
	for i, ev := range stored.Timeline {
		got = append(got, ev.Act())
		if i > 0 && ev.FromStatus != prev {
			t.Fatalf("event %d from %s, previous to %s", i, ev.FromStatus, prev)
		}
		prev = ev.ToStatus
	}
	if !reflect.DeepEqual(got, wantActions) {
		t.Fatalf("timeline %v", got)
	}
	if !reflect.DeepEqual(notes.actions(), wantActions) {
		t.Fatalf("notifier %v", notes.actions())
	}
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	now := at("2026-03-02 09:00")
	mk := func(i int, lead string, coord ...string) Obstacle {
		o, _, err := create(ctx, s, submission(i), now)
		if err != nil {
			t.Fatal(err)
		}
		return walk(t, s, o, now, ActAccept, Input{}, tf, ActAssign, Input{LeadAgency: lead, CoordinatingAgencies: coord}, tf)
	}
	a := mk(0, "skhdt")
	b := mk(1, "stnmt", "skhdt")
	c := mk(2, "sxd")
	_, _, _ = create(ctx, s, submission(3), now)

	ids := func(p Page) map[string]bool {
		m := map[string]bool{}
		for _, o := range p.Items {
			m[o.ID] = true
		}
		return m
	}
	p, err := s.List(ctx, Filter{Agency: "sxd"}, agency("skhdt"), now)
	if err != nil || p.Total != 2 || !ids(p)[a.ID] || !ids(p)[b.ID] {
		t.Fatalf("agency officer sees %v (%v)", ids(p), err)
	}
	p, _ = s.List(ctx, Filter{Agency: "sxd"}, tf, now)
	if p.Total != 1 || !ids(p)[c.ID] {
		t.Fatalf("task force filter: %v", ids(p))
	}
	p, _ = s.List(ctx, Filter{Status: []Status{Submitted}}, tf, now)
	if p.Total != 1 {
		t.Fatalf("submitted: %d", p.Total)
	}
	p, _ = s.List(ctx, Filter{Text: "số 2"}, tf, now)
	if p.Total != 1 || !ids(p)[c.ID] {
		t.Fatalf("text: %v", ids(p))
	}
	p, _ = s.List(ctx, Filter{Text: c.TrackingCode}, tf, now)
	if p.Total != 1 || !ids(p)[c.ID] {
		t.Fatalf("tracking code text: %v", ids(p))
	}
	later := cal.AddWorkingDays(*a.Deadline, 1).Add(10 * time.Hour) // land: the latest deadline
	p, _ = s.List(ctx, Filter{Overdue: true}, tf, later)
	if p.Total != 3 {
		t.Fatalf("overdue after the latest deadline: %d", p.Total)
	}
	p, _ = s.List(ctx, Filter{Overdue: true}, tf, now)
	if p.Total != 0 {
		t.Fatalf("overdue now: %d", p.Total)
	}
	p, _ = s.List(ctx, Filter{PerPage: 2, Page: 2}, tf, now)
	if p.Total != 4 || len(p.Items) != 2 || p.Page != 2 {
		t.Fatalf("paging: total %d items %d", p.Total, len(p.Items))
	}
	if _, err := s.List(ctx, Filter{}, FilerActor, now); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("filer list: %v", err)
	}
	if _, err := s.List(ctx, Filter{}, Actor{Role: RoleAgency}, now); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("agency without agency: %v", err)
	}
}

func TestBulkAssignMergeAndPolicy(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	now := at("2026-03-02 09:00")
	var ids []string
	for i := range 3 {
		o, _, _ := create(ctx, s, submission(i), now)
		if i < 2 {
			o = walk(t, s, o, now, ActAccept, Input{}, tf)
		}
		ids = append(ids, o.ID)
	}
	res, err := s.BulkAssign(ctx, ids, Input{LeadAgency: "sgtvt"}, tf, now)
	if err != nil || len(res) != 3 {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[1].Err != nil || res[0].Obstacle.Status != Assigned || res[0].Obstacle.LeadAgency != "sgtvt" {
		t.Fatalf("bulk: %+v", res)
	}
	if e := apperr.As(res[2].Err); e.MessageID != "obstacle.error.transition" {
		t.Fatalf("submitted one: %v", res[2].Err)
	}

	primary, _ := s.Get(ctx, ids[0])
	dup, _ := s.Get(ctx, ids[2])
	m, err := s.Merge(ctx, dup.ID, dup.Version, primary.ID, "Trùng nội dung", tf, now)
	if err != nil || m.Status != Merged || m.ParentID != primary.ID {
		t.Fatalf("merge: %v %+v", err, m)
	}
	primary, _ = s.Get(ctx, ids[0])
	last := primary.Timeline[len(primary.Timeline)-1]
	if last.Act() != ActMerge || last.Note != dup.TrackingCode || last.Public() || primary.Status != Assigned {
		t.Fatalf("primary note %+v", last)
	}
	other, _ := s.Get(ctx, ids[1])
	if _, err := s.Merge(ctx, other.ID, other.Version, dup.ID, "", tf, now); apperr.As(err).MessageID != "obstacle.error.merge_target" {
		t.Fatalf("merge into a merged one: %v", err)
	}

	p, err := s.CreatePolicyIssue(ctx, PolicyIssue{Title: "Thiếu bảng giá đất cụ thể"}, tf, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreatePolicyIssue(ctx, PolicyIssue{Title: "x"}, agency("sxd"), now); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("agency creating policy issue: %v", err)
	}
	for _, id := range ids[:2] {
		o, _ := s.Get(ctx, id)
		g, err := s.GroupIntoPolicyIssue(ctx, id, o.Version, p.ID, tf, now)
		if err != nil || g.PolicyIssueID != p.ID || g.Status != Assigned {
			t.Fatalf("group: %v", err)
		}
	}
	page, _ := s.List(ctx, Filter{PolicyIssueID: p.ID}, tf, now)
	if page.Total != 2 {
		t.Fatalf("linked: %d", page.Total)
	}
	if _, err := s.ResolvePolicyIssue(ctx, p.ID, p.Version+1, "Đã ban hành", tf, now); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("stale policy: %v", err)
	}
	p2, err := s.ResolvePolicyIssue(ctx, p.ID, p.Version, "UBND tỉnh đã ban hành bảng giá", tf, now)
	if err != nil || p2.Status != PolicyResolved {
		t.Fatalf("resolve policy: %v", err)
	}
	if _, err := s.ResolvePolicyIssue(ctx, p.ID, p2.Version, "lại", tf, now); apperr.As(err).MessageID != "obstacle.error.transition" {
		t.Fatalf("resolve twice: %v", err)
	}
	o, _ := s.Get(ctx, ids[1])
	if _, err := s.GroupIntoPolicyIssue(ctx, o.ID, o.Version, p.ID, tf, now); apperr.As(err).MessageID != "obstacle.error.policy_closed" {
		t.Fatalf("group into resolved: %v", err)
	}
	list, _ := s.ListPolicyIssues(ctx, PolicyResolved)
	if len(list) != 1 || list[0].ID != p.ID {
		t.Fatalf("list policy: %v", list)
	}
	g, err := s.GroupIntoPolicyIssue(ctx, o.ID, o.Version, "", tf, now)
	if err != nil || g.PolicyIssueID != "" {
		t.Fatalf("unlink: %v", err)
	}
	if stored, _ := s.Get(ctx, o.ID); stored.PolicyIssueID != "" {
		t.Fatal("unlink not stored")
	}
}

func TestJobs(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	start := at("2026-03-02 09:00") // Monday
	mk := func(i int) Obstacle {
		o, _, _ := create(ctx, s, submission(i), start)
		return walk(t, s, o, start, ActAccept, Input{}, tf, ActAssign, Input{LeadAgency: "skhdt"}, tf, ActStart, Input{}, agency("skhdt"))
	}
	// Deadlines: land 20 working days, planning 15, investment procedures 10.
	land, plan, inv := mk(0), mk(1), mk(2)
	// Resolved long ago and resolved just now.
	old := walk(t, s, mk(4), start.Add(5*time.Hour), ActResolve, Input{Resolution: "Xong"}, agency("skhdt"))
	now := cal.AddWorkingDays(*land.Deadline, 1).Add(9 * time.Hour) // land overdue by 1
	recent := walk(t, s, mk(5), now.Add(-time.Hour), ActResolve, Input{Resolution: "Xong"}, agency("skhdt"))

	steps, err := s.EscalateOverdue(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	landNow, _ := s.Get(ctx, land.ID)
	planNow, _ := s.Get(ctx, plan.ID)
	planOver := cal.WorkingDaysBetween(*plan.Deadline, now)
	if planOver < DefaultRules.EscalatePPCAfterDays {
		t.Fatalf("test set-up: planning only %d days overdue", planOver)
	}
	invNow, _ := s.Get(ctx, inv.ID)
	if landNow.EscalationLevel != 1 || planNow.EscalationLevel != 2 || invNow.EscalationLevel != 2 || steps != 5 {
		t.Fatalf("levels land %d plan %d inv %d, steps %d", landNow.EscalationLevel, planNow.EscalationLevel, invNow.EscalationLevel, steps)
	}
	if ev := planNow.Timeline[len(planNow.Timeline)-1]; ev.Act() != ActEscalate || ev.By.ID != "system" || ev.Public() || planNow.Status != InProgress {
		t.Fatalf("escalation event %+v", ev)
	}
	if again, _ := s.EscalateOverdue(ctx, now); again != 0 {
		t.Fatalf("second run escalated %d", again)
	}
	closed, err := s.CloseStale(ctx, now, 10)
	if err != nil || closed != 1 {
		t.Fatalf("closed %d (%v)", closed, err)
	}
	if o, _ := s.Get(ctx, old.ID); o.Status != Closed || o.Timeline[len(o.Timeline)-1].By.ID != "system" {
		t.Fatalf("old resolved: %s", o.Status)
	}
	if o, _ := s.Get(ctx, recent.ID); o.Status != Resolved {
		t.Fatalf("recent resolved: %s", o.Status)
	}
}

func TestAddHolidayMovesDeadlines(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	now := at("2026-03-02 09:00")
	day := holidays.Day{Date: "2026-03-03", Occasion: holidays.OccasionCustom, Kind: holidays.Custom}
	if err := s.AddHoliday(ctx, day, tf, now); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("task force adding a holiday: %v", err)
	}
	o1, _, _ := create(ctx, s, submission(2), now)
	o1 = walk(t, s, o1, now, ActAccept, Input{}, tf, ActAssign, Input{LeadAgency: "skhdt"}, tf)
	if err := s.AddHoliday(ctx, day, admin, now); err != nil {
		t.Fatal(err)
	}
	if err := s.AddHoliday(ctx, day, admin, now); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("same day twice: %v", err)
	}
	if err := s.AddHoliday(ctx, holidays.Day{Date: "2026-02-30"}, admin, now); apperr.As(err).Fields["date"] == "" {
		t.Fatalf("bad date: %v", err)
	}
	o2, _, _ := create(ctx, s, submission(12), now)
	o2 = walk(t, s, o2, now, ActAccept, Input{}, tf, ActAssign, Input{LeadAgency: "skhdt"}, tf)
	if got := cal.WorkingDaysBetween(*o1.Deadline, *o2.Deadline); got != 1 {
		t.Fatalf("deadline moved by %d working days, want 1 (%s vs %s)", got, holidays.DateKey(*o1.Deadline), holidays.DateKey(*o2.Deadline))
	}
	c, _ := s.Calendar(ctx)
	if c.IsWorkingDay(at("2026-03-03 10:00")) {
		t.Fatal("added day is a working day")
	}
	if err := s.RemoveHoliday(ctx, "2026-03-03", admin); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Calendar(ctx); !c.IsWorkingDay(at("2026-03-03 10:00")) {
		t.Fatal("removed day still off")
	}
}

// ---- attachments ----

const tinyPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

func tinyPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	now := at("2026-03-02 09:00")
	o, _, _ := create(ctx, s, submission(1), now)
	fileErrID := func(err error) string { return apperr.As(err).Fields["file"] }

	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 200)...)
	if _, _, err := s.AddAttachment(ctx, o.ID, "hoso.pdf", bytes.NewReader(exe), FilerActor, now); fileErrID(err) != "obstacle.error.file_type" {
		t.Fatalf(".exe renamed .pdf: %v", err)
	}
	if _, _, err := s.AddAttachment(ctx, o.ID, "trang.pdf", bytes.NewReader(nil), FilerActor, now); fileErrID(err) != "obstacle.error.file_type" {
		t.Fatalf("empty file: %v", err)
	}
	big := append([]byte(tinyPDF), bytes.Repeat([]byte("x"), 11<<20)...)
	if _, _, err := s.AddAttachment(ctx, o.ID, "lon.pdf", bytes.NewReader(big), FilerActor, now); fileErrID(err) != "obstacle.error.file_size" {
		t.Fatalf("11 MB: %v", err)
	}
	pngData := tinyPNG(t)
	o2, att, err := s.AddAttachment(ctx, o.ID, `C:\Users\an\ban-ve.jpeg`, bytes.NewReader(pngData), FilerActor, now)
	if err != nil {
		t.Fatal(err)
	}
	if att.ContentType != "image/png" || att.Name != "ban-ve.png" || att.Size != int64(len(pngData)) || len(o2.Attachments) != 1 || o2.Version != o.Version+1 {
		t.Fatalf("png attachment %+v", att)
	}
	_, pdfAtt, err := s.AddAttachment(ctx, o.ID, "cong-van.pdf", bytes.NewReader([]byte(tinyPDF)), FilerActor, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		a    Attachment
		want []byte
	}{{att, pngData}, {pdfAtt, []byte(tinyPDF)}} {
		meta, rc, err := s.OpenAttachment(ctx, o.ID, c.a.FileID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, c.want) || meta.ContentType != c.a.ContentType {
			t.Fatalf("read back %s: %d bytes, %v", c.a.Name, len(got), err)
		}
	}
	for i := range 3 {
		if _, _, err := s.AddAttachment(ctx, o.ID, fmt.Sprintf("f%d.pdf", i), bytes.NewReader([]byte(tinyPDF)), tf, now); err != nil {
			t.Fatalf("file %d: %v", i+3, err)
		}
	}
	if _, _, err := s.AddAttachment(ctx, o.ID, "f6.pdf", bytes.NewReader([]byte(tinyPDF)), FilerActor, now); fileErrID(err) != "obstacle.error.file_count" {
		t.Fatalf("6th file: %v", err)
	}
	stored, _ := s.Get(ctx, o.ID)
	if len(stored.Attachments) != MaxAttachments {
		t.Fatalf("%d attachments stored", len(stored.Attachments))
	}
	n, _ := s.db.Collection(AttachmentsBucket+".files").CountDocuments(ctx, bson.M{})
	if n != MaxAttachments {
		t.Fatalf("%d files in GridFS, want %d (refused ones must not stay)", n, MaxAttachments)
	}
	// Another obstacle cannot reach these files.
	other, _, _ := create(ctx, s, submission(2), now)
	if _, _, err := s.OpenAttachment(ctx, other.ID, att.FileID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("file of another obstacle: %v", err)
	}
	if _, _, err := s.AddAttachment(ctx, o.ID, "x.pdf", bytes.NewReader([]byte(tinyPDF)), agency("sxd"), now); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("unrelated agency: %v", err)
	}
}

func TestConcurrentFilingsGetDistinctNumbers(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	now := at("2026-03-02 09:00")
	const n = 10
	codes := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := submission(i)
			sub.IdempotencyKey = fmt.Sprintf("form-concurrent-%04d-abcdef", i)
			o, _, err := create(ctx, s, sub, now)
			codes[i], errs[i] = o.TrackingCode, err
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, c := range codes {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		seen[c] = true
	}
	for i := 1; i <= n; i++ {
		if !seen[FormatTrackingCode(2026, int64(i))] {
			t.Fatalf("codes %v: %s missing", codes, FormatTrackingCode(2026, int64(i)))
		}
	}
}

// TestOldTimelineShapeReads stores an obstacle as the code before
// record.Change wrote it (events with an "actor" id, "actorRole" and
// "public") with the raw driver, and reads it back through the store and
// through the history, then writes a step on it.
func TestOldTimelineShapeReads(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	o, _, err := create(ctx, s, submission(1), at("2026-03-02 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := at("2026-03-02 09:00").UTC()
	old := bson.A{
		bson.M{"at": t0, "actor": "filer", "actorRole": "filer", "action": "submit", "toStatus": "submitted", "public": true},
		bson.M{"at": t0.Add(time.Hour), "actor": "u-old", "actorRole": "taskforce", "action": "accept", "fromStatus": "submitted", "toStatus": "accepted", "public": true},
		bson.M{"at": t0.Add(2 * time.Hour), "actor": "u-old", "actorRole": "taskforce", "action": "escalate", "fromStatus": "accepted", "toStatus": "accepted", "note": "lên tổ trưởng", "public": false},
	}
	if _, err := s.obstacles.UpdateOne(ctx, bson.M{"_id": o.ID}, bson.M{"$set": bson.M{"timeline": old, "status": "accepted", "version": int64(3)}}); err != nil {
		t.Fatal(err)
	}
	check := func(name string, tl []Event) {
		t.Helper()
		if len(tl) < 3 {
			t.Fatalf("%s: %d events", name, len(tl))
		}
		if e := tl[0]; e.By.ID != "filer" || e.ActorRole() != RoleFiler || e.Act() != ActSubmit || !e.Public() || !e.At.Equal(t0) {
			t.Errorf("%s: submit %+v", name, e)
		}
		if e := tl[1]; e.By != (record.Actor{ID: "u-old", Role: "taskforce"}) || e.FromStatus != Submitted || e.ToStatus != Accepted || e.Internal {
			t.Errorf("%s: accept %+v", name, e)
		}
		if e := tl[2]; e.Act() != ActEscalate || !e.Internal || e.Note != "lên tổ trưởng" || e.By.ID != "u-old" {
			t.Errorf("%s: escalate %+v", name, e)
		}
	}
	got, err := s.Get(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("Get", got.Timeline)
	if pub := got.PublicTimeline(); len(pub) != 2 || pub[1].Act() != ActAccept {
		t.Errorf("public timeline %+v", pub)
	}
	var hist []Event
	if err := s.records.History(ctx, o.ID, &hist); err != nil {
		t.Fatal(err)
	}
	check("History", hist)

	// A step on it appends an event in the new shape after the old ones.
	n, err := s.Apply(ctx, o.ID, 3, ActAssign, Input{LeadAgency: "skhdt"}, tf, at("2026-03-03 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.Get(ctx, o.ID)
	check("after a step", again.Timeline)
	last := again.Timeline[3]
	if len(again.Timeline) != 4 || n.Version != 4 || last.Version != 4 || last.By != (record.Actor{ID: tf.ID, Role: "taskforce"}) || last.Agency != "skhdt" {
		t.Fatalf("new event %+v (version %d)", last, n.Version)
	}
	var raw bson.M
	if err := s.obstacles.FindOne(ctx, bson.M{"_id": o.ID}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	stored := raw["timeline"].(bson.A)[3].(bson.M)
	if _, ok := stored["actor"]; ok || stored["by"] == nil || stored["public"] != nil {
		t.Errorf("new event stored as %v", stored)
	}
}

// BenchmarkFile measures filing an obstacle (validation, the new record
// with its first timeline entry, the access key, the notifier) on the
// embedded database.
func BenchmarkFile(b *testing.B) {
	db := mongotest.MustOpenDB(b)
	s := NewStore(db, holidays.MustEmbedded(), Options{Notifier: &recNotifier{}, KeySecret: []byte("test-secret")})
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.Create(ctx, submission(i), now); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNewFilingReadsNoObstacleButByID: filing a new obstacle looks for a
// repeat through the idempotency lookup (by _id) only, never with a
// filter the embedded database answers by decoding every obstacle; a
// repeat is still answered with the first filing.
func TestNewFilingReadsNoObstacleButByID(t *testing.T) {
	ctx := context.Background()
	var (
		mu    sync.Mutex
		other []string
	)
	monitor := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if coll, _ := e.Command.Lookup(e.CommandName).StringValueOK(); coll != CollObstacles {
			return
		}
		var f bson.Raw
		switch e.CommandName {
		case "find":
			f, _ = e.Command.Lookup("filter").DocumentOK()
		case "aggregate", "count":
			f = bson.Raw(bsoncore.NewDocumentBuilder().AppendString("x", "").Build())
		default:
			return
		}
		if elems, _ := f.Elements(); len(elems) != 1 || elems[0].Key() != "_id" {
			mu.Lock()
			other = append(other, e.CommandName+" "+f.String())
			mu.Unlock()
		}
	}}
	db := mongotest.MonitoredDB(t, mongotest.MustOpenDB(t), monitor)
	s := NewStore(db, holidays.MustEmbedded(), Options{Notifier: &recNotifier{}, KeySecret: []byte("test-secret")})
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	sub := submission(1)
	sub.IdempotencyKey = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
	first, err := s.Create(ctx, sub, now)
	if err != nil || !first.Created {
		t.Fatalf("first filing: %+v %v", first, err)
	}
	for i := 2; i < 5; i++ {
		if _, err := s.Create(ctx, submission(i), now); err != nil {
			t.Fatal(err)
		}
	}
	again, err := s.Create(ctx, sub, now)
	if err != nil || again.Created || again.Obstacle.TrackingCode != first.Obstacle.TrackingCode {
		t.Fatalf("the repeat: %+v %v", again, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(other) > 0 {
		t.Errorf("filing read obstacles by more than _id: %v", other)
	}
}
