package project_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/seed"
)

// started returns a store on db whose read model follows the change log
// (as the portal runs it), stopped when the test ends.
func started(t *testing.T, s *project.Store) *project.Store {
	t.Helper()
	stop := s.Start(context.Background())
	t.Cleanup(stop)
	within(t, 10*time.Second, s.Ready)
	return s
}

func listOne(t *testing.T, s *project.Store, code string) (project.Project, bool) {
	t.Helper()
	f := project.Filter{Query: code}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	page, err := s.List(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range page.Items {
		if p.Code == code {
			return p, true
		}
	}
	return project.Project{}, false
}

// TestOwnWritesAtOnceOthersWithinASecond: the consistency contract of the
// README. a and b are two portal processes on one database.
func TestOwnWritesAtOnceOthersWithinASecond(t *testing.T) {
	t.Parallel()
	s, db := seeded(t)
	a := started(t, s)
	b := started(t, project.NewStore(db))
	ctx := context.Background()
	p := firstAt(t, a, project.Licensed)
	before, _ := b.Stats(ctx)

	got, err := a.Update(ctx, p.Code, p.Version, project.Changes{NameEN: ptr("Seen at once"), Stage: ptr(project.Construction)}, board, now)
	if err != nil {
		t.Fatal(err)
	}
	// Own write: no waiting.
	if l, ok := listOne(t, a, p.Code); !ok || l.Name.EN != "Seen at once" || l.Version != got.Version {
		t.Fatalf("a's list does not show its own write: %+v", l)
	}
	if g, err := a.Get(ctx, p.Code); err != nil || g.Stage != project.Construction {
		t.Fatalf("a's detail does not show its own write: %+v %v", g, err)
	}
	st, _ := a.Stats(ctx)
	if stageCount(st, project.Construction) != stageCount(before, project.Construction)+1 {
		t.Fatalf("a's figures do not show its own write")
	}
	// Another process: within 1 s, by the background loop alone.
	start := time.Now()
	within(t, visibleWithin, func() bool {
		l, ok := listOne(t, b, p.Code)
		st, _ := b.Stats(ctx)
		return ok && l.Name.EN == "Seen at once" &&
			stageCount(st, project.Construction) == stageCount(before, project.Construction)+1
	})
	t.Logf("visible in the other process after %v", time.Since(start))

	// A project another process creates, and a disbursement it records.
	np := seed.Projects(1, now)[0]
	np.Code = "DA-NEW-1"
	if err := b.CreateBy(ctx, &np, board, now); err != nil {
		t.Fatal(err)
	}
	d, err := b.RecordDisbursement(ctx, np.Code, 1, project.NewDisbursement{Amount: 5}, board, now)
	if err != nil {
		t.Fatal(err)
	}
	within(t, visibleWithin, func() bool {
		g, err := a.Get(ctx, np.Code)
		ok, _ := a.Exists(ctx, np.Code)
		return err == nil && ok && g.Version == d.Version && g.Disbursed.Amount == d.Disbursed.Amount
	})
}

// visibleWithin is the contract's bound for another process's writes.
var visibleWithin = time.Second

func stageCount(st project.Stats, s project.Stage) int64 {
	for _, g := range st.ByStage {
		if g.Key == string(s) {
			return g.Count
		}
	}
	return 0
}

// TestReadModelMatchesTheDatabaseAfterWrites: after writes in two
// processes, each one's projects and figures equal what is stored, and a
// third process started afterwards (from the checkpoint plus the change
// log) holds the same.
func TestReadModelMatchesTheDatabaseAfterWrites(t *testing.T) {
	t.Parallel()
	s, db := seeded(t)
	a := started(t, s)
	b := started(t, project.NewStore(db))
	ctx := context.Background()
	if err := a.SaveCheckpoint(ctx); err != nil {
		t.Fatal(err)
	}
	for i, st := range []project.Stage{project.Licensed, project.Construction, project.Operating, project.SiteClearance} {
		w := a
		if i%2 == 1 {
			w = b
		}
		p := firstAt(t, w, st)
		reg := p.Registered.Amount + int64(i+1)*1000
		if _, err := w.Update(ctx, p.Code, p.Version, project.Changes{Registered: &reg, Sector: ptr("energy"),
			Reason: "test"}, board, now); err != nil {
			t.Fatal(err)
		}
	}
	want := project.ComputeStats(stored(t, db))
	for name, s := range map[string]*project.Store{"a": a, "b": b} {
		within(t, visibleWithin, func() bool {
			st, err := s.Stats(ctx)
			return err == nil && reflect.DeepEqual(st, want)
		})
		t.Logf("%s: figures equal those recomputed from the stored projects", name)
	}
	c := started(t, project.NewStore(db)) // loads the checkpoint, then the log
	if st, _ := c.Stats(ctx); !reflect.DeepEqual(st, want) {
		t.Fatalf("a process started from the checkpoint shows other figures:\n%+v\nwant\n%+v", st, want)
	}
	for _, p := range stored(t, db) {
		g, err := c.Get(ctx, p.Code)
		if err != nil || g.Version != p.Version || g.Registered != p.Registered || g.Sector != p.Sector {
			t.Fatalf("%s: %+v %v, stored %+v", p.Code, g, err, p)
		}
	}
}

// TestNotReadyBeforeLoad: Ready is false until the read model is loaded.
func TestNotReadyBeforeLoad(t *testing.T) {
	t.Parallel()
	_, db := seeded(t)
	s := project.NewStore(db)
	if s.Ready() {
		t.Fatal("ready before anything was loaded")
	}
	started(t, s)
	if st, err := s.Stats(context.Background()); err != nil || st.Kind(project.Domestic).Count == 0 {
		t.Fatalf("ready with no figures: %+v %v", st, err)
	}
}
