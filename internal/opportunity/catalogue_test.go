package opportunity

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/record"
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
