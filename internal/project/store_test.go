package project_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

var now = time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)

// seeded returns a store holding the demo projects, and the database.
func seeded(t testing.TB) (*project.Store, *mongo.Database) {
	t.Helper()
	db := mongotest.MustOpenDB(t)
	s := project.NewStore(db)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertMissing(ctx, seed.Projects(1, now), nil); err != nil {
		t.Fatal(err)
	}
	return s, db
}

var (
	sharedOnce  sync.Once
	sharedStore *project.Store
	sharedDB    *mongo.Database
	sharedErr   error
)

// sharedSeeded is seeded for tests that never write (or only try writes
// that must be refused): one demo database for all of them in this test
// binary, seeded once and dropped by TestMain.
func sharedSeeded(t testing.TB) (*project.Store, *mongo.Database) {
	t.Helper()
	sharedOnce.Do(func() {
		db := mongotest.Server(t).Client.Database(fmt.Sprintf("t%d_shared_projects", os.Getpid()))
		s := project.NewStore(db)
		ctx := context.Background()
		if sharedErr = s.EnsureIndexes(ctx); sharedErr == nil {
			sharedErr = s.InsertMissing(ctx, seed.Projects(1, now), nil)
		}
		sharedStore, sharedDB = s, db
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedStore, sharedDB
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDB != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_ = sharedDB.Drop(ctx)
		cancel()
	}
	os.Exit(code)
}

// stored reads every project straight from the collection, bypassing the
// store's snapshot, so the tests compare against what MongoDB holds.
func stored(t testing.TB, db *mongo.Database) []project.Project {
	t.Helper()
	cur, err := db.Collection(project.Collection).Find(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var ps []project.Project
	if err := cur.All(context.Background(), &ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestStatsMatchSumsOfStoredProjects(t *testing.T) {
	t.Parallel()
	s, db := sharedSeeded(t)
	ps := stored(t, db)
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type fig struct{ count, reg, dis int64 }
	want := map[string]map[project.Kind]fig{}
	add := func(dim string, p project.Project) {
		if want[dim] == nil {
			want[dim] = map[project.Kind]fig{}
		}
		f := want[dim][p.Kind]
		f.count++
		f.reg += p.Registered.Amount
		f.dis += p.Disbursed.Amount
		want[dim][p.Kind] = f
	}
	for _, p := range ps {
		add("kind", p)
		add("stage:"+string(p.Stage), p)
		add("sector:"+p.Sector, p)
		add("location:"+p.Location, p)
		if p.LicensedYear > 0 {
			add("year:"+itoa(p.LicensedYear), p)
		}
	}
	check := func(dim string, k project.Kind, ks project.KindStat) {
		t.Helper()
		w := want[dim][k]
		if ks.Count != w.count || ks.Registered.Amount != w.reg || ks.Disbursed.Amount != w.dis {
			t.Errorf("%s/%s = %d, %d, %d; want %d, %d, %d", dim, k, ks.Count, ks.Registered.Amount, ks.Disbursed.Amount, w.count, w.reg, w.dis)
		}
		if ks.Registered.Currency != k.Currency() || ks.Disbursed.Currency != k.Currency() {
			t.Errorf("%s/%s currency %s/%s", dim, k, ks.Registered.Currency, ks.Disbursed.Currency)
		}
	}
	for _, ks := range st.ByKind {
		check("kind", ks.Kind, ks)
	}
	groups := map[string][]project.GroupStat{"stage": st.ByStage, "sector": st.BySector, "location": st.ByLocation, "year": st.ByYear}
	seen := 0
	for dim, gs := range groups {
		for _, g := range gs {
			check(dim+":"+g.Key, project.Domestic, g.Domestic)
			check(dim+":"+g.Key, project.FDI, g.FDI)
			if g.Count != g.Domestic.Count+g.FDI.Count {
				t.Errorf("%s:%s count %d is not the sum of its kinds", dim, g.Key, g.Count)
			}
			seen++
		}
	}
	if want := len(want) - 1; seen != want { // every group in the data is reported
		t.Errorf("stats report %d groups, the data has %d", seen, want)
	}
	// The province's published totals, which the demo is calibrated to.
	if d := st.Kind(project.Domestic); d.Count != 623 || d.Registered.Amount != 363_240_000_000_000 {
		t.Errorf("domestic = %d projects, %d VND", d.Count, d.Registered.Amount)
	}
	if f := st.Kind(project.FDI); f.Count != 112 || f.Registered.Amount != 390_000_000_000 {
		t.Errorf("fdi = %d projects, %d US cents", f.Count, f.Registered.Amount)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCreateGetAndSnapshotSeesOtherProcessWrites(t *testing.T) {
	t.Parallel()
	db := mongotest.MustOpenDB(t)
	ctx := context.Background()
	a, b := project.NewStore(db), project.NewStore(db) // two portal processes
	if err := a.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := b.Stats(ctx); err != nil || st.Kind(project.FDI).Count != 0 {
		t.Fatalf("empty stats = %+v, %v", st, err)
	}
	p := seed.Projects(1, now)[700]
	if err := a.Create(ctx, &p, now); err != nil {
		t.Fatal(err)
	}
	// The consistency contract: another process sees a write within 1 s.
	var got *project.Project
	var err error
	within(t, time.Second, func() bool {
		got, err = b.Get(ctx, p.Code)
		return err == nil
	})
	if err != nil || got.Version != 1 || got.Name.VI != p.Name.VI {
		t.Fatalf("get = %+v, %v", got, err)
	}
	st, err := b.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Kind(p.Kind).Count != 1 || st.Kind(p.Kind).Registered.Amount != p.Registered.Amount {
		t.Errorf("second store did not see the write: %+v", st.Kind(p.Kind))
	}
	dup := p
	if err := a.Create(ctx, &dup, now); apperr.As(err).Fields["code"] != "project.error.code_taken" {
		t.Errorf("duplicate code: %v", err)
	}
	if _, err := b.Get(ctx, "NO-SUCH"); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("missing project: %v", err)
	}
}

// within retries ok until it holds or d has passed, and fails the test
// then.
func within(t testing.TB, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v", d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
