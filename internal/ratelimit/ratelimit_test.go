package ratelimit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/ratelimit"
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
