package project_test

import (
	"context"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/seed"
)

func TestIndexPendingAndMarkIndexed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	s := project.NewStore(db)
	all := seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	ps := append(all[:4:4], all[len(all)-1])
	if err := s.InsertMissing(ctx, ps, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountPendingIndex(ctx); err != nil || n != 5 {
		t.Fatalf("pending after insert: %d %v", n, err)
	}
	got, err := s.PendingIndex(ctx, 3)
	if err != nil || len(got) != 3 || got[0].Code != "DA-0001" {
		t.Fatalf("first batch: %v %v", got, err)
	}
	var done []project.IndexedVersion
	for _, p := range got {
		done = append(done, project.IndexedVersion{Code: p.Code, Version: p.Version})
	}
	// DA-0001 is written after it was read, by another process: its mark
	// must not count once this one sees the write (within 1 s).
	other := project.NewStore(db)
	if _, err := other.Update(ctx, "DA-0001", 1, project.Changes{NameEN: ptr("Written elsewhere")}, board, now); err != nil {
		t.Fatal(err)
	}
	within(t, time.Second, func() bool {
		p, err := s.Get(ctx, "DA-0001")
		return err == nil && p.Version == 2
	})
	if err := s.MarkIndexed(ctx, done); err != nil {
		t.Fatal(err)
	}
	rest, err := s.PendingIndex(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range rest {
		codes = append(codes, p.Code)
	}
	if len(rest) != 3 || rest[0].Code != "DA-0001" || rest[0].Version != 2 {
		t.Fatalf("pending after marking: %v", codes)
	}
	// Marking again (an existing record) replaces it.
	if err := s.MarkIndexed(ctx, []project.IndexedVersion{{Code: "DA-0001", Version: 2}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountPendingIndex(ctx); n != 2 {
		t.Fatalf("pending after re-marking: %d", n)
	}
	if m, err := s.MarkAllForIndex(ctx); err != nil || m != 5 {
		t.Fatalf("mark all: %d %v", m, err)
	}
	if n, _ := s.CountPendingIndex(ctx); n != 5 {
		t.Errorf("pending after mark all: %d", n)
	}
	var seen int
	if err := s.Scan(ctx, 2, func(b []project.Project) error { seen += len(b); return nil }); err != nil || seen != 5 {
		t.Errorf("scan saw %d: %v", seen, err)
	}
}
