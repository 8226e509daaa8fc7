package record_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// filler pads a stored record to the size of a project (about 2.3 kB).
var filler = strings.Repeat("x", 2200)

// insertRecords stores n versioned records keyed by _id (version 1, no
// history) in batches, as `portal seed` does, and returns their ids.
func insertRecords(tb testing.TB, c *record.Collection, n int) []primitive.ObjectID {
	tb.Helper()
	ctx := context.Background()
	ids := make([]primitive.ObjectID, n)
	for start := 0; start < n; start += 1000 {
		var docs []any
		for i := start; i < min(n, start+1000); i++ {
			ids[i] = primitive.NewObjectID()
			docs = append(docs, bson.D{{Key: "_id", Value: ids[i]}, {Key: "name", Value: fmt.Sprint("record ", i)},
				{Key: "filler", Value: filler}, {Key: record.FieldVersion, Value: int64(1)}, {Key: record.FieldNeedsIndex, Value: false}})
		}
		if _, err := c.Mongo().InsertMany(ctx, docs); err != nil {
			tb.Fatal(err)
		}
	}
	return ids
}

// TestUpdateByIDIsAnIndexedLookup: records addressed by _id are written
// through an indexed lookup on the embedded database (the lookup index is
// made by the first write, also for a collection created after the
// database was opened), and the write is still version-checked.
func TestUpdateByIDIsAnIndexedLookup(t *testing.T) {
	t.Parallel()
	if os.Getenv(mongotest.URIEnv) != "" {
		t.Skip("the lookup index is for the embedded database only")
	}
	ctx := context.Background()
	c := record.New(mongotest.MustOpenDB(t).Collection("records"), record.Options{})
	ids := insertRecords(t, c, 30)
	if plan, _ := mongodb.ExplainLookup(ctx, c.Mongo()); !strings.Contains(plan, "SCAN") {
		t.Fatalf("a new collection starts without the lookup index: %q", plan)
	}
	last := ids[len(ids)-1]
	entry := &record.Change{At: time.Now().UTC(), By: record.Actor{ID: "u1"}, Action: "edit"}
	if err := c.Update(ctx, last, 1, record.Write{Set: bson.D{{Key: "name", Value: "renamed"}}, Entry: entry}); err != nil {
		t.Fatal(err)
	}
	plan, err := mongodb.ExplainLookup(ctx, c.Mongo())
	if err != nil || !strings.Contains(plan, "USING INDEX") {
		t.Fatalf("after a write the lookup by _id should be indexed: plan %q %v", plan, err)
	}
	if err := c.Update(ctx, last, 1, record.Write{Set: bson.D{{Key: "name", Value: "stale"}}, Entry: entry}); apperr.As(err).Code != apperr.CodeConflict {
		t.Fatalf("stale version: %v", err)
	}
	var got struct {
		Name    string          `bson:"name"`
		Version int64           `bson:"version"`
		History []record.Change `bson:"history"`
	}
	if err := c.Mongo().FindOne(ctx, bson.D{{Key: "_id", Value: last}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Name != "renamed" || got.Version != 2 || len(got.History) != 1 || got.History[0].Version != 2 {
		t.Fatalf("stored %+v", got)
	}
	// The indexer's mark: cleared for the version indexed, kept for a
	// version written since.
	if err := c.MarkIndexed(ctx, record.Indexed{ID: last, Version: 1}); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.CountPending(ctx); n != 1 {
		t.Fatalf("%d pending after marking a stale version indexed, want 1", n)
	}
	if err := c.MarkIndexed(ctx, record.Indexed{ID: last, Version: 2}, record.Indexed{ID: primitive.NewObjectID(), Version: 1}); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.CountPending(ctx); n != 0 {
		t.Fatalf("%d pending after marking the stored version indexed, want 0", n)
	}
}

// BenchmarkUpdate is one versioned write (fields, history entry, version,
// index mark) of the last-stored record among n records of a project's
// size, keyed by _id like projects, whose history already holds h entries.
// On the embedded database its cost must not grow with n (before the
// lookup index it was a pass over all n: 5-9 s at the 73,500 projects of
// --scale 100); it grows with h, since FerretDB reads and rewrites the
// whole document, history included, on every update.
func BenchmarkUpdate(b *testing.B) {
	for _, size := range []struct{ n, h int }{{1000, 0}, {10000, 0}, {1000, 1000}} {
		b.Run(fmt.Sprintf("records=%d/history=%d", size.n, size.h), func(b *testing.B) {
			ctx := context.Background()
			c := record.New(mongotest.MustOpenDB(b).Collection("records"), record.Options{})
			ids := insertRecords(b, c, size.n)
			id := ids[size.n-1]
			edit := func(v int64) *record.Change {
				return &record.Change{Version: v, At: time.Now().UTC(), By: record.Actor{ID: "u1", Name: "Nguyễn Văn An"}, Action: "edit",
					Fields: []record.FieldChange{{Field: "name", From: fmt.Sprint("v", v-1), To: fmt.Sprint("v", v)}}}
			}
			if size.h > 0 {
				hist := make(bson.A, size.h)
				for i := range hist {
					hist[i] = edit(int64(i + 1))
				}
				if _, err := c.Mongo().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
					bson.D{{Key: "$set", Value: bson.D{{Key: record.FieldHistory, Value: hist}}}}); err != nil {
					b.Fatal(err)
				}
			}
			version := int64(1)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				err := c.Update(ctx, id, version, record.Write{Set: bson.D{{Key: "name", Value: fmt.Sprint("v", version+1)}}, Entry: edit(version + 1)})
				if err != nil {
					b.Fatal(err)
				}
				version++
			}
		})
	}
}
