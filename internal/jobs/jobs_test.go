package jobs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/jobs"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/seed"
)

// clock is a settable time for the runners.
type clock struct{ t atomic.Pointer[time.Time] }

func (c *clock) now() time.Time      { return *c.t.Load() }
func (c *clock) set(t time.Time)     { c.t.Store(&t) }
func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }

func TestEachRunIsClaimedOnceAcrossProcesses(t *testing.T) {
	db := mongotest.MustOpenDB(t)
	hcm := holidays.Location()
	var hourly, daily atomic.Int32
	list := []jobs.Job{
		{Name: "hourly", Every: time.Hour, Run: func(context.Context, time.Time) error { hourly.Add(1); return nil }},
		{Name: "daily", Daily: true, Hour: 7, Run: func(context.Context, time.Time) error { daily.Add(1); return nil }},
	}
	var c clock
	c.set(time.Date(2026, 3, 2, 6, 0, 0, 0, hcm))
	// Two portal processes on one database.
	a := jobs.New(db, list, jobs.Options{Now: c.now})
	b := jobs.New(db, list, jobs.Options{Now: c.now})
	ctx := context.Background()
	runBoth := func() {
		a.RunDue(ctx)
		b.RunDue(ctx)
	}
	runBoth()
	if hourly.Load() != 1 || daily.Load() != 0 {
		t.Fatalf("06:00: hourly %d daily %d, want 1 and 0 (before the digest hour)", hourly.Load(), daily.Load())
	}
	c.add(30 * time.Minute)
	runBoth()
	if hourly.Load() != 1 {
		t.Errorf("06:30: hourly ran %d times", hourly.Load())
	}
	c.add(time.Hour) // 07:30
	runBoth()
	if hourly.Load() != 2 || daily.Load() != 1 {
		t.Errorf("07:30: hourly %d daily %d, want 2 and 1", hourly.Load(), daily.Load())
	}
	c.add(12 * time.Hour) // 19:30, same day
	runBoth()
	if daily.Load() != 1 {
		t.Errorf("the daily job ran twice on one day")
	}
	c.add(12 * time.Hour) // 07:30 next day
	runBoth()
	if daily.Load() != 2 || hourly.Load() != 4 {
		t.Errorf("next day: hourly %d daily %d, want 4 and 2", hourly.Load(), daily.Load())
	}
}

func TestStartAndStop(t *testing.T) {
	db := mongotest.MustOpenDB(t)
	var ran atomic.Int32
	r := jobs.New(db, []jobs.Job{{Name: "tick", Every: time.Millisecond, Run: func(context.Context, time.Time) error { ran.Add(1); return nil }}},
		jobs.Options{Tick: 5 * time.Millisecond, Delay: time.Millisecond})
	r.Start(context.Background())
	deadline := time.Now().Add(5 * time.Second)
	for ran.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	r.Stop()
	n := ran.Load()
	if n < 2 {
		t.Fatalf("ran %d times in 5 s", n)
	}
	time.Sleep(30 * time.Millisecond)
	if ran.Load() != n {
		t.Error("the job ran after Stop")
	}
}

func TestPortalJobsEscalateOverdue(t *testing.T) {
	db := mongotest.MustOpenDB(t)
	ctx := context.Background()
	st := obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{})
	if err := st.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ps := seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if _, err := st.Import(ctx, seed.Obstacles(ps, holidays.MustEmbedded(), now), now); err != nil {
		t.Fatal(err)
	}
	list := jobs.Portal(jobs.Deps{Obstacles: st})
	if len(list) != 2 || list[0].Name != jobs.EscalateOverdue || list[1].Name != jobs.CloseStale {
		t.Fatalf("jobs: %+v", list)
	}
	// The demo data escalates what is overdue as of now, as the job would
	// have; run the jobs a month later, when obstacles whose deadlines are
	// still ahead today are overdue and not yet escalated, so the test does
	// not hang on whether some deadline happens to fall on today.
	later := now.AddDate(0, 1, 0)
	before, _ := st.List(ctx, obstacle.Filter{Overdue: true, MinEscalation: 1, PerPage: 100}, obstacle.SystemActor, later)
	overdue, _ := st.List(ctx, obstacle.Filter{Overdue: true, PerPage: 100}, obstacle.SystemActor, later)
	r := jobs.New(db, list, jobs.Options{Now: func() time.Time { return later }})
	if ran := r.RunDue(ctx); len(ran) != 2 {
		t.Fatalf("ran %v", ran)
	}
	after, _ := st.List(ctx, obstacle.Filter{Overdue: true, MinEscalation: 1, PerPage: 100}, obstacle.SystemActor, later)
	if after.Total != overdue.Total || after.Total <= before.Total {
		t.Errorf("escalated overdue: before %d after %d of %d overdue", before.Total, after.Total, overdue.Total)
	}
	resolved, _ := st.List(ctx, obstacle.Filter{Status: []obstacle.Status{obstacle.Resolved}, PerPage: 100}, obstacle.SystemActor, later)
	cal, _ := st.Calendar(ctx)
	for _, o := range resolved.Items {
		if cal.WorkingDaysBetween(*o.ResolvedAt, later) >= st.Rules().ReopenWithinDays {
			t.Errorf("%s resolved %d working days ago is still open", o.TrackingCode, cal.WorkingDaysBetween(*o.ResolvedAt, later))
		}
	}
}
