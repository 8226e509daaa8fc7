package search

import (
	"strings"
	"testing"
	"time"
)

// TestBleveOpenedTwiceFailsInTime: a second open of an index another
// holder has open fails after the bolt timeout instead of blocking for
// ever on the index file's lock.
func TestBleveOpenedTwiceFailsInTime(t *testing.T) {
	dir := t.TempDir() + "/search"
	first, err := NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		second, err := NewBleve(dir)
		if err == nil {
			second.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "in use by another process") {
			t.Fatalf("second open: %v", err)
		}
		t.Logf("refused after %s: %v", time.Since(start).Round(time.Millisecond), err)
	case <-time.After(15 * time.Second):
		t.Fatal("second open still blocked")
	}
}
