package project

import (
	"context"
	"sort"
	"sync"
	"testing"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"go.mongodb.org/mongo-driver/bson"
)

// TestConcurrentAnnouncementsAllSucceed: writers in several processes
// (stores) race for the change log's next sequence number; every entry is
// stored, under distinct consecutive numbers (a gap would make readers
// reload everything, a lost entry would hide a write).
func TestConcurrentAnnouncementsAllSucceed(t *testing.T) {
	t.Parallel()
	db := mongotest.MustOpenDB(t)
	ctx := context.Background()
	stores := []*Store{NewStore(db), NewStore(db), NewStore(db), NewStore(db)}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- stores[i%len(stores)].appendChange(ctx, changeEntry{Code: "DA-" + string(rune('A'+i))})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	cur, err := db.Collection(ChangeCollection).Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var es []changeEntry
	if err := cur.All(ctx, &es); err != nil {
		t.Fatal(err)
	}
	sort.Slice(es, func(i, j int) bool { return es[i].Seq < es[j].Seq })
	if len(es) != 32 {
		t.Fatalf("%d entries, want 32", len(es))
	}
	for i, e := range es {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has sequence %d: numbers must run 1..32 without gaps", i, e.Seq)
		}
	}
}
