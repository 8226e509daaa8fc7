package project_test

import (
	"context"
	"errors"
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
	s, db := seeded(t)
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

func itoa(n int) string {
	b := []byte{}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestListFiltersAndPages(t *testing.T) {
	t.Parallel()
	s, db := seeded(t)
	ps := stored(t, db)
	ctx := context.Background()
	min := int64(1000) * 1_000_000_000
	cases := []struct {
		name string
		f    project.Filter
		keep func(p project.Project) bool
	}{
		{"All", project.Filter{}, func(project.Project) bool { return true }},
		{"KindFDI", project.Filter{Kind: project.FDI}, func(p project.Project) bool { return p.Kind == project.FDI }},
		{"SectorAndLocation", project.Filter{Sector: "tourism", Location: "nha_trang"}, func(p project.Project) bool { return p.Sector == "tourism" && p.Location == "nha_trang" }},
		{"Stage", project.Filter{Stage: project.Operating}, func(p project.Project) bool { return p.Stage == project.Operating }},
		{"CapitalAtLeast1000Billion", project.Filter{CapitalMin: &min}, func(p project.Project) bool { return p.CapitalVND >= min }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := 0
			for _, p := range ps {
				if tc.keep(p) {
					want++
				}
			}
			f := tc.f
			f.PerPage = 7
			if err := f.Validate(); err != nil {
				t.Fatal(err)
			}
			got := 0
			seen := map[string]bool{}
			for page := 1; ; page++ {
				f.Page = page
				res, err := s.List(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != int64(want) {
					t.Fatalf("total %d, want %d", res.Total, want)
				}
				for _, p := range res.Items {
					if !tc.keep(p) {
						t.Errorf("%s does not match the filter", p.Code)
					}
					if seen[p.Code] {
						t.Errorf("%s on two pages", p.Code)
					}
					seen[p.Code] = true
				}
				got += len(res.Items)
				if len(res.Items) < f.PerPage {
					break
				}
			}
			if got != want {
				t.Errorf("pages held %d projects, want %d", got, want)
			}
		})
	}
	t.Run("SortCapitalDesc", func(t *testing.T) {
		f := project.Filter{Sort: "capital_desc", PerPage: 100}
		_ = f.Validate()
		res, err := s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(res.Items); i++ {
			if res.Items[i-1].CapitalVND < res.Items[i].CapitalVND {
				t.Fatalf("not sorted at %d", i)
			}
		}
	})
	t.Run("QueryIgnoresDiacritics", func(t *testing.T) {
		f := project.Filter{Query: "van ninh", PerPage: 100}
		_ = f.Validate()
		res, err := s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 {
			t.Fatal("no project found for 'van ninh'")
		}
	})
}

func TestFilterValidateNamesFields(t *testing.T) {
	t.Parallel()
	neg := int64(-5)
	f := project.Filter{Kind: "offshore", Stage: "dreaming", CapitalMin: &neg, PerPage: 101}
	err := f.Validate()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
		t.Fatalf("err = %v", err)
	}
	for _, field := range []string{"kind", "stage", "capital_min", "per_page"} {
		if e.Fields[field] == "" {
			t.Errorf("field %s not named: %v", field, e.Fields)
		}
	}
}

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
