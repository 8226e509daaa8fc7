package project

import (
	"context"
	"sync"
	"testing"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
)

// TestFirstWritesRacingForTheCounterAllSucceed: on an empty database the
// revision counter does not exist yet, and concurrent first writes all
// upsert it; the losers got a duplicate-key error, which answered 500 for
// a project that was stored (found by the crash test).
func TestFirstWritesRacingForTheCounterAllSucceed(t *testing.T) {
	t.Parallel()
	for round := range 5 {
		s := NewStore(mongotest.MustOpenDB(t))
		if !s.embedded() {
			t.Skip("the revision counter exists only on the embedded database")
		}
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.bumpRevision(ctx)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		var doc struct {
			Rev int64 `bson:"rev"`
		}
		if err := s.meta.FindOne(ctx, map[string]any{"_id": revID}).Decode(&doc); err != nil || doc.Rev != 16 {
			t.Fatalf("round %d: counter %d (%v), want 16", round, doc.Rev, err)
		}
	}
}
