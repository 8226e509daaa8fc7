package mongodb_test

import (
	"context"
	"sync"
	"testing"

	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// TestLockedVersionCheckLetsOneWriterWin: 30 writers read version 1 and
// each updates only if the version is still 1; exactly one must match.
func TestLockedVersionCheckLetsOneWriterWin(t *testing.T) {
	db := mongotest.MustOpenDB(t)
	c := db.Collection("docs")
	ctx := context.Background()
	if _, err := c.InsertOne(ctx, bson.M{"_id": "a", "version": int64(1), "n": 0}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock := mongodb.LockDocument(c, "a")
			defer unlock()
			res, err := c.UpdateOne(ctx, bson.M{"_id": "a", "version": int64(1)},
				bson.M{"$set": bson.M{"n": i}, "$inc": bson.M{"version": int64(1)}})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			won += int(res.MatchedCount)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d writers matched version 1, want exactly 1", won)
	}
	var doc struct{ Version int64 }
	if err := c.FindOne(ctx, bson.M{"_id": "a"}, options.FindOne()).Decode(&doc); err != nil || doc.Version != 2 {
		t.Fatalf("version %d, %v", doc.Version, err)
	}
}
