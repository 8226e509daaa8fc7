package obstacle

import (
	"context"
	"slices"
	"testing"
)

// ReplaceAgency passes an open obstacle from a former agency to its
// successor, lead and coordinator alike, with a public event naming both;
// a closed obstacle keeps the former agency.
func TestReplaceAgency(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	now := at("2026-03-02 09:00")
	file := func(i int, lead string, coord ...string) Obstacle {
		o, _, err := create(ctx, s, submission(i), now)
		if err != nil {
			t.Fatal(err)
		}
		return walk(t, s, o, now, ActAccept, Input{}, tf, ActAssign, Input{LeadAgency: lead, CoordinatingAgencies: coord}, tf)
	}
	led := file(1, "skhdt", "stnmt")
	coord := file(2, "stnmt", "skhdt", "stc")
	closed := walk(t, s, file(3, "skhdt"), now.Add(5*3600e9), ActStart, Input{}, agency("skhdt"),
		ActResolve, Input{Resolution: "Đã giải quyết xong."}, agency("skhdt"), ActConfirm, Input{Rating: 5}, FilerActor)
	if closed.Status != Closed {
		t.Fatalf("status %s", closed.Status)
	}

	open, err := s.WithAgency(ctx, "skhdt")
	if err != nil || len(open) != 2 || open[0].ID != led.ID || open[1].ID != coord.ID {
		t.Fatalf("open with skhdt: %v %+v", err, open)
	}
	later := now.Add(48 * 3600e9)
	n, err := s.ReplaceAgency(ctx, led.ID, led.Version, "skhdt", "stc", "Nghị định 45/2025/NĐ-CP", SystemActor, later)
	if err != nil || n.LeadAgency != "stc" || !slices.Equal(n.CoordinatingAgencies, []string{"stnmt"}) || n.Status != led.Status || n.Deadline == nil || !n.Deadline.Equal(*led.Deadline) {
		t.Fatalf("lead: %v %+v", err, n)
	}
	ev := n.Timeline[len(n.Timeline)-1]
	if ev.Act() != ActRestructure || ev.Agency != "stc" || ev.FromAgency != "skhdt" || ev.Internal || ev.Note != "Nghị định 45/2025/NĐ-CP" {
		t.Fatalf("event %+v", ev)
	}
	stored, err := s.Get(ctx, led.ID)
	if err != nil || stored.Version != led.Version+1 || stored.LeadAgency != "stc" || len(stored.Timeline) != len(led.Timeline)+1 {
		t.Fatalf("stored %v %+v", err, stored)
	}
	// Coordinating: "stc" already coordinates, so skhdt just goes.
	n, err = s.ReplaceAgency(ctx, coord.ID, coord.Version, "skhdt", "stc", "x", SystemActor, later)
	if err != nil || n.LeadAgency != "stnmt" || !slices.Equal(n.CoordinatingAgencies, []string{"stc"}) {
		t.Fatalf("coordinating: %v %+v", err, n)
	}
	if _, err := s.ReplaceAgency(ctx, closed.ID, closed.Version, "skhdt", "stc", "x", SystemActor, later); err == nil {
		t.Fatal("a closed obstacle was passed on")
	}
	if c, _ := s.Get(ctx, closed.ID); c.LeadAgency != "skhdt" || c.Version != closed.Version {
		t.Fatalf("closed obstacle changed: %+v", c)
	}
	// A stale version is refused.
	if _, err := s.ReplaceAgency(ctx, led.ID, led.Version, "stc", "skhdt", "x", SystemActor, later); !IsStale(err) {
		t.Fatalf("stale: %v", err)
	}
	if left, _ := s.WithAgency(ctx, "skhdt"); len(left) != 0 {
		t.Fatalf("still with skhdt: %+v", left)
	}
}
