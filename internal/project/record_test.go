package project_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// TestOldStoredProjectsReadAndIndex: a project stored by the code before
// record.Collection (history entries with "reason", no needsIndex mark)
// shows its reason as the entry's note, is taken in by the search indexer,
// and takes new writes whose entries sit after the old ones.
func TestOldStoredProjectsReadAndIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	p := seed.Projects(1, now)[3]
	at := now.Add(-48 * time.Hour)
	old := bson.D{
		{Key: "code", Value: p.Code}, {Key: "name", Value: p.Name}, {Key: "investor", Value: p.Investor},
		{Key: "kind", Value: p.Kind}, {Key: "sector", Value: p.Sector}, {Key: "location", Value: p.Location},
		{Key: "registered", Value: p.Registered}, {Key: "disbursed", Value: p.Disbursed},
		{Key: "stage", Value: p.Stage}, {Key: "stageDates", Value: p.StageHistory}, {Key: "jobs", Value: p.Jobs},
		{Key: "createdAt", Value: at}, {Key: "updatedAt", Value: at}, {Key: "version", Value: int64(2)},
		{Key: "history", Value: bson.A{
			bson.D{{Key: "version", Value: int64(1)}, {Key: "at", Value: at}, {Key: "by", Value: bson.D{{Key: "id", Value: "u9"}, {Key: "name", Value: "Old officer"}}},
				{Key: "action", Value: "create"}, {Key: "fields", Value: bson.A{}}},
			bson.D{{Key: "version", Value: int64(2)}, {Key: "at", Value: at}, {Key: "by", Value: bson.D{{Key: "id", Value: "u9"}, {Key: "name", Value: "Old officer"}}},
				{Key: "action", Value: "edit"}, {Key: "fields", Value: bson.A{bson.D{{Key: "field", Value: "jobs"}, {Key: "from", Value: "1"}, {Key: "to", Value: "2"}}}},
				{Key: "reason", Value: "licence amended in 2025"}},
		}},
	}
	if _, err := db.Collection(project.Collection).InsertOne(ctx, old); err != nil {
		t.Fatal(err)
	}
	s := project.NewStore(db)
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, p.Code)
	if err != nil || len(h) != 2 {
		t.Fatalf("history %+v, %v", h, err)
	}
	if h[0].Version != 2 || h[0].Note != "licence amended in 2025" || h[0].By.Name != "Old officer" || h[0].Action != project.ActionEdit ||
		len(h[0].Fields) != 1 || h[0].Fields[0] != (project.FieldChange{Field: "jobs", From: "1", To: "2"}) {
		t.Errorf("old entry read as %+v", h[0])
	}
	pending, err := s.PendingIndex(ctx, 0)
	if err != nil || len(pending) != 1 || pending[0].Code != p.Code || pending[0].Version != 2 {
		t.Fatalf("pending %+v, %v: the old project is not taken in by the indexer", pending, err)
	}
	if err := s.MarkIndexed(ctx, []project.IndexedVersion{{Code: p.Code, Version: 2}}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountPendingIndex(ctx); err != nil || n != 0 {
		t.Fatalf("%d pending after marking, %v", n, err)
	}
	got, err := s.Update(ctx, p.Code, 2, project.Changes{Jobs: ptr(p.Jobs + 5), Reason: "new entry"}, board, now)
	if err != nil || got.Version != 3 {
		t.Fatalf("update of an old project: %+v, %v", got, err)
	}
	h, _ = s.History(ctx, p.Code)
	if len(h) != 3 || h[0].Version != 3 || h[0].Note != "new entry" || h[1].Note != "licence amended in 2025" {
		t.Errorf("history after a new write: %+v", h)
	}
	if n, _ := s.CountPendingIndex(ctx); n != 1 {
		t.Errorf("%d pending after a new write, want 1", n)
	}
}

// TestOnWriteFollowsEveryStoredWrite: the hook the search indexer wakes on
// runs once for each stored write, and not for a refused one.
func TestOnWriteFollowsEveryStoredWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := project.NewStore(mongotest.MustOpenDB(t))
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	s.OnWrite(func() { calls.Add(1) })
	step := func(name string, want int64, err error) {
		t.Helper()
		if n := calls.Load(); n != want {
			t.Errorf("%s: OnWrite called %d times in all, want %d (err %v)", name, n, want, err)
		}
	}
	ps := seed.Projects(1, now)
	err := s.InsertMissing(ctx, ps[:3], nil)
	step("InsertMissing", 1, err)
	p := ps[700]
	p.Code = "FDI-HOOK-1"
	err = s.CreateBy(ctx, &p, board, now)
	step("CreateBy", 2, err)
	got, err := s.Update(ctx, p.Code, 1, project.Changes{Jobs: ptr(p.Jobs + 1)}, board, now)
	step("Update", 3, err)
	_, err = s.Update(ctx, p.Code, 1, project.Changes{Jobs: ptr(p.Jobs + 2)}, board, now)
	if !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("stale update: %v", err)
	}
	step("stale Update", 3, err)
	_, err = s.RecordDisbursement(ctx, p.Code, got.Version, project.NewDisbursement{Amount: 100}, board, now)
	step("RecordDisbursement", 4, err)
	err = s.CreateBy(ctx, &p, board, now)
	step("duplicate CreateBy", 4, err)
}

// TestWatchSettingsKeepHistory: saving the watch thresholds is a versioned
// write with a history entry, like every other record.
func TestWatchSettingsKeepHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	s := project.NewStore(db)
	w, err := s.SaveWatchSettings(ctx, project.WatchSettings{Months: 36, SharePercent: 50}, 0, board, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveWatchSettings(ctx, project.WatchSettings{Months: 36, SharePercent: 30}, w.Version, board, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveWatchSettings(ctx, project.WatchSettings{Months: 12, SharePercent: 30}, 7, board, now); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a version never stored: %v", err)
	}
	var hist []record.Change
	if err := record.New(db.Collection("meta"), record.Options{}).History(ctx, "watch_settings", &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[1].Version != 2 || hist[1].By != board ||
		len(hist[1].Fields) != 1 || hist[1].Fields[0] != (record.FieldChange{Field: "share", From: "50", To: "30"}) {
		t.Errorf("settings history %+v", hist)
	}
}

// asMongoDB returns db as seen through a second client that the features
// switch takes for a real MongoDB, so the store's MongoDB paths (marks in
// needsIndex, no cached snapshot) run on the test database whichever
// server it is. Tests using it write one document at a time.
func asMongoDB(t *testing.T, db *mongo.Database) *mongo.Database {
	t.Helper()
	ctx := context.Background()
	c, err := mongo.Connect(ctx, options.Client().ApplyURI(mongotest.Server(t).URI))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	mongodb.SetFeatures(c, mongodb.Features{})
	return c.Database(db.Name())
}

// TestMongoDBPaths: on MongoDB the indexer's marks are the record's
// needsIndex (older projects without one are marked by EnsureIndexes), and
// another process's write shows in lists within 1 s.
func TestMongoDBPaths(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := asMongoDB(t, mongotest.MustOpenDB(t))
	ps := seed.Projects(1, now)[:3]
	legacy := ps[2]
	legacy.Version = 4
	if _, err := db.Collection(project.Collection).InsertOne(ctx, &legacy); err != nil {
		t.Fatal(err)
	}
	a, b := project.NewStore(db), project.NewStore(db) // two portal processes
	if err := a.InsertMissing(ctx, ps[:2], nil); err != nil {
		t.Fatal(err)
	}
	if err := a.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if rev, err := a.IndexRevision(ctx); err != nil || rev != -1 {
		t.Fatalf("IndexRevision = %d, %v; want -1 (no counter)", rev, err)
	}
	pending, err := a.PendingIndex(ctx, 0)
	if err != nil || len(pending) != 3 || pending[0].Code != ps[0].Code || pending[2].Code != legacy.Code || pending[2].Version != 4 {
		t.Fatalf("pending %+v, %v", pending, err)
	}
	var done []project.IndexedVersion
	for _, p := range pending {
		done = append(done, project.IndexedVersion{Code: p.Code, Version: p.Version})
	}
	got, err := b.Update(ctx, ps[0].Code, 1, project.Changes{NameEN: ptr("Written by b")}, board, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.MarkIndexed(ctx, done); err != nil {
		t.Fatal(err)
	}
	if rest, err := a.PendingIndex(ctx, 0); err != nil || len(rest) != 1 || rest[0].Code != ps[0].Code || rest[0].Version != got.Version {
		t.Fatalf("pending after marking %+v, %v: a write made after the read must stay pending", rest, err)
	}
	f := project.Filter{Query: ps[0].Code}
	_ = f.Validate()
	// The consistency contract: another process's write shows within 1 s.
	deadline := time.Now().Add(time.Second)
	for {
		page, err := a.List(ctx, f)
		if err == nil && len(page.Items) == 1 && page.Items[0].Name.EN == "Written by b" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a does not show b's write within 1 s: %+v, %v", page.Items, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n, err := a.MarkAllForIndex(ctx); err != nil || n != 3 {
		t.Errorf("mark all: %d, %v", n, err)
	}
	if n, err := b.CountPendingIndex(ctx); err != nil || n != 3 {
		t.Errorf("%d pending after mark all, %v", n, err)
	}
	if n, err := db.Collection("meta").CountDocuments(ctx, bson.D{{Key: "_id", Value: "projects_rev"}}); err != nil || n != 0 {
		t.Errorf("a revision counter was kept on MongoDB (%d, %v)", n, err)
	}
}
