package changelog_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/changelog"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// names is a model of a collection of {_id, name}: the names by id.
type names struct {
	c    *mongo.Collection
	f    *changelog.Follower
	byID map[string]string // guarded by f's lock
}

func (m *names) Load(ctx context.Context) (func(), error) {
	cur, err := m.c.Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID   string `bson:"_id"`
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	all := map[string]string{}
	for _, d := range docs {
		all[d.ID] = d.Name
	}
	return func() { m.byID = all }, nil
}

func (m *names) Fetch(ctx context.Context, id string) (func(), error) {
	var d struct {
		Name string `bson:"name"`
	}
	err := m.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if err == mongo.ErrNoDocuments {
		return func() { delete(m.byID, id) }, nil
	}
	if err != nil {
		return nil, err
	}
	return func() { m.byID[id] = d.Name }, nil
}

// read returns the name of id as a request would: with a loop following,
// only this process's pending writes are applied.
func (m *names) read(ctx context.Context, id string) (string, error) {
	if _, err := m.f.SyncOwn(ctx, m); err != nil {
		return "", err
	}
	m.f.Lock()
	defer m.f.Unlock()
	return m.byID[id], nil
}

// process is one portal process's view of the collection, on a client
// of its own whose commands on marked contexts are counted.
func process(t *testing.T, db *mongo.Database) (*names, *atomic.Int64) {
	t.Helper()
	own, n := mongotest.CountingDB(t, db)
	m := &names{c: own.Collection("names"), f: changelog.NewFollower(changelog.NewFeed(own, "names"), 250*time.Millisecond, nil)}
	ctx, cancel := context.WithCancel(context.Background())
	stop := m.f.Start(ctx, m, nil)
	t.Cleanup(func() { cancel(); stop() })
	return m, n
}

// TestFollowerStarted checks a follower with its loop: a write is read at
// once by the process that made it, within the period (and some slack) by
// another, and reads send no database command unless this process has a
// write pending.
func TestFollowerStarted(t *testing.T) {
	t.Parallel()
	db := mongotest.MustOpenDB(t)
	ctx := context.Background()
	if _, err := db.Collection("names").InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "name", Value: "one"}}); err != nil {
		t.Fatal(err)
	}
	p, pn := process(t, db)
	q, qn := process(t, db)
	req := mongotest.Counted(ctx)
	for _, m := range []*names{p, q} {
		deadline := time.Now().Add(30 * time.Second)
		for m.f.Pending() {
			if time.Now().After(deadline) {
				t.Fatal("the loop did not load the model")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if got, err := m.read(req, "a"); err != nil || got != "one" {
			t.Fatalf("read a = %q, %v; want one", got, err)
		}
	}
	if n := pn.Load() + qn.Load(); n != 0 {
		t.Fatalf("reads of a loaded model sent %d commands, want 0", n)
	}

	// p writes: p reads it at once (one read by _id), q within the period.
	if _, err := p.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "a"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "two"}}}}); err != nil {
		t.Fatal(err)
	}
	p.f.Wrote("a")
	if got, err := p.read(req, "a"); err != nil || got != "two" {
		t.Fatalf("the writer reads %q, %v right after its write; want two", got, err)
	}
	if n := pn.Load(); n > 1 {
		t.Errorf("the writer's read after its write sent %d commands, want at most 1 (the record by _id, unless the loop applied it)", n)
	}
	start := time.Now()
	for {
		got, err := q.read(req, "a")
		if err != nil {
			t.Fatal(err)
		}
		if got == "two" {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("the other process still reads %q after %v", got, time.Since(start))
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("the other process saw the write after %v", time.Since(start))
	if n := qn.Load(); n != 0 {
		t.Errorf("the other process's reads sent %d commands, want 0", n)
	}

	// TrySyncOwn applies a write in the writer, so its next read sends
	// nothing; a record deleted everywhere goes (All reloads).
	if _, err := q.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: "a"}}); err != nil {
		t.Fatal(err)
	}
	q.f.Wrote(changelog.All)
	for !q.f.TrySyncOwn(ctx, q) { // the loop is catching up: it applies the write, or the next try
		time.Sleep(time.Millisecond)
	}
	if q.f.Pending() {
		t.Fatal("TrySyncOwn did not apply the write")
	}
	qn.Store(0)
	if got, err := q.read(req, "a"); err != nil || got != "" || qn.Load() != 0 {
		t.Fatalf("after TrySyncOwn the writer reads %q, %v with %d commands; want \"\" and 0", got, err, qn.Load())
	}
	start = time.Now()
	for {
		got, err := p.read(req, "a")
		if err != nil {
			t.Fatal(err)
		}
		if got == "" {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("the other process still reads %q after %v", got, time.Since(start))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
