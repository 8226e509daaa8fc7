package web_test

import (
	"sync"
	"testing"

	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestPublicExportsUnderACrowdAnswerBusyNot500 sends 24 anonymous
// downloads of the public obstacle export at once: each read every
// obstacle before exports were gated. Now at most a few are built at a
// time; the rest are told to come back (503 with Retry-After), and none
// fails.
func TestPublicExportsUnderACrowdAnswerBusyNot500(t *testing.T) {
	e := sitetest.NewObstacles(t, true)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.Anonymous().Get("/api/v1/exports/obstacles?format=xlsx")
			mu.Lock()
			defer mu.Unlock()
			statuses[r.Status]++
			if r.Status == 503 && r.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		}()
	}
	wg.Wait()
	t.Logf("statuses: %v", statuses)
	for st, n := range statuses {
		if st != 200 && st != 503 {
			t.Errorf("%d answers with status %d", n, st)
		}
	}
	if statuses[200] == 0 {
		t.Error("no export was served")
	}
}
