package ratelimit_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/ratelimit"
	"go.mongodb.org/mongo-driver/bson"
)

func TestLimitIsSharedAndWindowed(t *testing.T) {
	db := mongotest.MustOpenDB(t)
	ctx := context.Background()
	a, b := ratelimit.New(db), ratelimit.New(db) // two processes
	rule := ratelimit.Rule{Name: "login", Limit: 10, Window: time.Minute}
	now := time.Date(2026, 11, 28, 9, 0, 10, 0, time.UTC)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := a
			if i%2 == 1 {
				l = b
			}
			ok, _, err := l.Allow(ctx, rule, "1.2.3.4", now)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 10 {
		t.Fatalf("%d of 16 allowed, want 10", allowed)
	}
	ok, wait, _ := a.Allow(ctx, rule, "1.2.3.4", now)
	if ok || wait != 50*time.Second {
		t.Errorf("over the limit: ok=%v wait=%s", ok, wait)
	}
	// A refused key is refused from memory until its window ends: the
	// counter in the database is not written again.
	counter := func() int {
		var doc struct {
			N int `bson:"n"`
		}
		if err := db.Collection(ratelimit.Collection).FindOne(ctx, bson.D{{Key: "_id", Value: "login|1.2.3.4|" + strconv.FormatInt(now.Truncate(time.Minute).Unix(), 10)}}).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		return doc.N
	}
	before := counter()
	for range 20 {
		if ok, wait, err := a.Allow(ctx, rule, "1.2.3.4", now.Add(time.Second)); ok || err != nil || wait != 49*time.Second {
			t.Fatalf("a refused key: ok=%v wait=%s err=%v", ok, wait, err)
		}
	}
	if exceeded, err := a.Exceeded(ctx, rule, "1.2.3.4", now); !exceeded || err != nil {
		t.Errorf("Exceeded of a refused key: %v %v", exceeded, err)
	}
	if after := counter(); after != before {
		t.Errorf("refusals wrote the counter: %d -> %d", before, after)
	}
	if ok, _, _ := a.Allow(ctx, rule, "5.6.7.8", now); !ok {
		t.Error("another key was limited")
	}
	if ok, _, _ := a.Allow(ctx, rule, "1.2.3.4", now.Add(time.Minute)); !ok {
		t.Error("the next window was limited")
	}
	n, err := a.Cleanup(ctx, now.Add(2*time.Minute))
	if err != nil || n != 3 {
		t.Errorf("cleanup removed %d, %v", n, err)
	}
}
