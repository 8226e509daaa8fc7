package opportunity

import (
	"context"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/mongo"
)

// sameFacets fails unless s.Facets(f) equals the database's own count.
func sameFacets(t *testing.T, s *Store, f Filter) *FacetCounts {
	t.Helper()
	ctx := context.Background()
	got, err := s.Facets(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.facetsFromDB(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Facets(%+v) = %+v, the database counts %+v", f, got, want)
	}
	return got
}

// waitFor polls ok until it holds, failing after CatalogueMaxAge and some
// slack for a loaded machine.
func waitFor(t *testing.T, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > CatalogueMaxAge+500*time.Millisecond {
			t.Fatalf("%s: not seen after %v", what, time.Since(start))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// TestCatalogueFollowsWrites checks that the cached facets and lists
// follow writes: at once in the writing store, within CatalogueMaxAge in a
// second store on the same database (another process), and that the
// facets always equal the database's own count.
func TestCatalogueFollowsWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newStore(t)
	b := NewStore(a.opps.Mongo().Database())
	createAll(t, a, fixture())
	filters := []Filter{{}, {Sectors: []string{"energy"}}, {Text: "van phong"},
		{Statuses: []string{StatusOpen}, Forms: []string{"joint_venture", "domestic"}}}
	for _, f := range filters {
		sameFacets(t, a, f)
		sameFacets(t, b, f)
	}
	listA, err := a.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	total := listA.Total
	if _, err := b.List(ctx, Filter{}); err != nil { // b keeps it
		t.Fatal(err)
	}

	// A new opportunity through a: a at once, b within CatalogueMaxAge.
	o := sample("OPP-NEW-001")
	o.Sector = "energy"
	if err := a.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if l, err := a.List(ctx, Filter{}); err != nil || l.Total != total+1 {
		t.Fatalf("writer's list: %v %v, want total %d", l, err, total+1)
	}
	for _, f := range filters {
		sameFacets(t, a, f)
	}
	took := waitFor(t, "b's list", func() bool {
		l, err := b.List(ctx, Filter{})
		return err == nil && l.Total == total+1
	})
	if fc, _ := b.Facets(ctx, Filter{}); fc.Status[StatusOpen] == 0 {
		t.Fatal("no open opportunity counted")
	}
	t.Logf("the other store saw the new opportunity after %v", took)
	for _, f := range filters {
		sameFacets(t, b, f)
	}

	// An edit through b moves it to another sector: b at once, a within
	// CatalogueMaxAge.
	energy := Filter{Sectors: []string{"energy"}}
	before := sameFacets(t, b, energy)
	sector := "tourism"
	got, err := b.Get(ctx, o.Code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Update(ctx, o.Code, got.Version, Changes{Sector: &sector}, record.Actor{ID: "u-board", Role: "board"}, ""); err != nil {
		t.Fatal(err)
	}
	want := sameFacets(t, b, energy)
	if reflect.DeepEqual(before, want) {
		t.Fatal("the edit changed no facet count")
	}
	waitFor(t, "a's facets", func() bool {
		fc, err := a.Facets(ctx, energy)
		return err == nil && reflect.DeepEqual(fc, want)
	})
	for _, f := range filters {
		sameFacets(t, a, f)
	}
}

// BenchmarkFacets measures the catalogue's facets at steady state (served
// from the read model) over the test fixture.
func BenchmarkFacets(b *testing.B) {
	s := NewStore(mongotest.MustOpenDB(b))
	ctx := context.Background()
	for _, o := range fixture() {
		if err := s.Create(ctx, &o); err != nil {
			b.Fatal(err)
		}
	}
	f := Filter{Sectors: []string{"energy"}}
	if _, err := s.Facets(ctx, f); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Facets(ctx, f); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// startedCatalogue is a store on its own client, with the catalogue
// followed by its loop (Start) as the portal runs it; its commands on
// marked contexts are counted.
func startedCatalogue(t *testing.T, db *mongo.Database) (*Store, *atomic.Int64) {
	t.Helper()
	own, n := mongotest.CountingDB(t, db)
	s := NewStore(own)
	ctx, cancel := context.WithCancel(context.Background())
	stop := s.Start(ctx)
	t.Cleanup(func() { cancel(); stop() })
	return s, n
}

// TestCatalogueStartedReadsOnlyMemory checks the facets of processes that
// follow the catalogue in the background: a request reads no database, a
// write is in the writer's next answer without a read, and in another
// process's within CatalogueMaxAge, still without one.
func TestCatalogueStartedReadsOnlyMemory(t *testing.T) {
	t.Parallel()
	plain := newStore(t)
	createAll(t, plain, fixture())
	db := plain.opps.Mongo().Database()
	a, an := startedCatalogue(t, db)
	b, bn := startedCatalogue(t, db)
	ctx := context.Background()
	req := mongotest.Counted(ctx)
	energy := Filter{Sectors: []string{"energy"}}
	want, err := plain.facetsFromDB(ctx, energy)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Store{a, b} {
		waitFor(t, "loaded", func() bool { return s.catalogueModel().loaded.Load() })
		if got, err := s.Facets(req, energy); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Facets = %+v, %v; the database counts %+v", got, err, want)
		}
	}
	for range 100 {
		for _, s := range []*Store{a, b} {
			if _, err := s.Facets(req, energy); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := an.Load() + bn.Load(); n != 0 {
		t.Fatalf("202 facet requests sent %d database commands, want 0", n)
	}

	o := sample("OPP-NEW-002")
	o.Sector = "energy"
	if err := a.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	want, err = plain.facetsFromDB(ctx, energy)
	if err != nil {
		t.Fatal(err)
	}
	an.Store(0)
	if got, err := a.Facets(req, energy); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("the writer's facets right after its write: %+v, %v; the database counts %+v", got, err, want)
	}
	if n := an.Load(); n != 0 {
		t.Errorf("the writer's next facets sent %d database commands, want 0 (the write applies itself)", n)
	}
	bn.Store(0)
	took := waitFor(t, "b's facets", func() bool {
		got, err := b.Facets(req, energy)
		return err == nil && reflect.DeepEqual(got, want)
	})
	t.Logf("the other process saw the new opportunity after %v", took)
	if n := bn.Load(); n != 0 {
		t.Errorf("the other process's facet requests sent %d database commands, want 0", n)
	}
}
