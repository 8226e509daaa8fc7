package record_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
)

type thing struct {
	Code    string `bson:"code"`
	Name    string `bson:"name"`
	Note    string `bson:"note,omitempty"`
	Version int64  `bson:"version"`
}

// event is a domain entry that embeds the common change.
type event struct {
	record.Change `bson:",inline"`
	Status        string `bson:"status,omitempty"`
}

func newThings(t *testing.T) *record.Collection {
	t.Helper()
	db := mongotest.MustOpenDB(t)
	c := record.New(db.Collection("things"), record.Options{Key: "code", NotFound: "thing.not_found", Conflict: "thing.changed"})
	if err := c.Insert(context.Background(), thing{Code: "T-1", Name: "first", Note: "x"},
		&record.Change{At: time.Now().UTC(), By: record.Actor{ID: "u1"}, Action: "create"}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestUpdateWritesFieldsHistoryVersionAndIndexMarkInOneStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newThings(t)
	woke := 0
	c.OnWrite(func() { woke++ })
	if err := c.MarkIndexed(ctx, record.Indexed{ID: "T-1", Version: 1}); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.CountPending(ctx); n != 0 {
		t.Fatalf("%d pending after marking indexed", n)
	}
	var d record.Diff
	d.Add("name", "first", "second")
	d.Add("same", "a", "a")
	entry := &event{Change: record.Change{At: time.Now().UTC(), By: record.Actor{ID: "u2", Name: "Lan"}, Action: "edit", Fields: d, Note: "typo", Internal: true}, Status: "open"}
	err := c.Update(ctx, "T-1", 1, record.Write{Set: bson.D{{Key: "name", Value: "second"}}, Unset: []string{"note"}, Entry: entry})
	if err != nil {
		t.Fatal(err)
	}
	var got thing
	if err := c.Get(ctx, "T-1", &got); err != nil {
		t.Fatal(err)
	}
	if got.Name != "second" || got.Version != 2 || got.Note != "" {
		t.Fatalf("stored %+v", got)
	}
	var hist []event
	if err := c.History(ctx, "T-1", &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Version != 1 || hist[1].Version != 2 || hist[1].By.Name != "Lan" ||
		len(hist[1].Fields) != 1 || hist[1].Fields[0] != (record.FieldChange{Field: "name", From: "first", To: "second"}) ||
		!hist[1].Internal || hist[1].Note != "typo" || hist[1].Status != "open" {
		t.Fatalf("history %+v", hist)
	}
	var pending []thing
	if err := c.Pending(ctx, 10, bson.D{{Key: "code", Value: 1}}, &pending); err != nil || len(pending) != 1 || pending[0].Version != 2 {
		t.Fatalf("pending %+v, %v", pending, err)
	}
	// Marking an older version indexed leaves the record pending.
	if err := c.MarkIndexed(ctx, record.Indexed{ID: "T-1", Version: 1}); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.CountPending(ctx); n != 1 {
		t.Fatalf("%d pending after marking a stale version", n)
	}
	if woke != 1 {
		t.Fatalf("OnWrite called %d times for one update", woke)
	}
}

func TestUpdateTellsStaleFromMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newThings(t)
	err := c.Update(ctx, "T-1", 7, record.Write{Set: bson.D{{Key: "name", Value: "x"}}, Entry: &record.Change{Action: "edit"}})
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.CodeConflict || e.MessageID != "thing.changed" {
		t.Fatalf("stale version: %v", err)
	}
	err = c.Update(ctx, "NOPE", 1, record.Write{Set: bson.D{{Key: "name", Value: "x"}}})
	if !errors.As(err, &e) || e.Code != apperr.CodeNotFound || e.MessageID != "thing.not_found" {
		t.Fatalf("missing record: %v", err)
	}
	var hist []record.Change
	if err := c.History(ctx, "T-1", &hist); err != nil || len(hist) != 1 {
		t.Fatalf("a refused write left history %+v, %v", hist, err)
	}
}

// TestOneWriterWinsPerVersion: 24 writers read version 1 and write at
// once; exactly one succeeds, the rest get a conflict, and the history
// holds exactly one entry for version 2.
func TestOneWriterWinsPerVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newThings(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, stale := 0, 0
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.Update(ctx, "T-1", 1, record.Write{Set: bson.D{{Key: "name", Value: i}}, Entry: &record.Change{Action: "edit"}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, apperr.ErrConflict):
				stale++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var hist []record.Change
	if err := c.History(ctx, "T-1", &hist); err != nil {
		t.Fatal(err)
	}
	if won != 1 || stale != 23 || len(hist) != 2 {
		t.Fatalf("won %d, stale %d, history %d entries", won, stale, len(hist))
	}
}

func TestETagRoundTrip(t *testing.T) {
	t.Parallel()
	tag := record.ETag("DA-0001", 12)
	if tag != `"DA-0001-v12"` {
		t.Fatalf("ETag = %s", tag)
	}
	if v, ok := record.VersionOf(tag, "DA-0001"); !ok || v != 12 {
		t.Fatalf("VersionOf(%s) = %d, %v", tag, v, ok)
	}
	for _, bad := range []string{`W/"DA-0001-v12"`, `"DA-0002-v12"`, `"DA-0001-v"`, `"DA-0001-v012"`, `"DA-0001-v+1"`, `"DA-0001-v99999999999999999999"`, `DA-0001-v12`, `"DA-0001-v0"`} {
		if _, ok := record.VersionOf(bad, "DA-0001"); ok {
			t.Errorf("VersionOf accepted %s", bad)
		}
	}
}

// TestInsertWithoutFirstEntry: a nil first entry stores version 1 with an
// empty history, and the first update's entry is then the only one.
func TestInsertWithoutFirstEntry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := record.New(mongotest.MustOpenDB(t).Collection("things"), record.Options{Key: "code"})
	if err := c.Insert(ctx, thing{Code: "T-2", Name: "plain"}, nil); err != nil {
		t.Fatal(err)
	}
	var hist []record.Change
	if err := c.History(ctx, "T-2", &hist); err != nil || len(hist) != 0 {
		t.Fatalf("history after insert %+v, %v", hist, err)
	}
	if n, err := c.CountPending(ctx); err != nil || n != 1 {
		t.Fatalf("%d pending after insert, %v", n, err)
	}
	if err := c.Update(ctx, "T-2", 1, record.Write{Set: bson.D{{Key: "name", Value: "edited"}}, Entry: &record.Change{Action: "edit"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.History(ctx, "T-2", &hist); err != nil || len(hist) != 1 || hist[0].Version != 2 {
		t.Fatalf("history after update %+v, %v", hist, err)
	}
}
