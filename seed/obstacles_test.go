package seed

import (
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

var (
	obstCal      = holidays.MustEmbedded()
	obstacleNow  = time.Date(2026, 3, 16, 10, 0, 0, 0, holidays.Location())
	trackingCode = regexp.MustCompile(`^VM-\d{4}-\d{6,}$`)
)

func TestObstacles(t *testing.T) {
	t.Parallel()
	projects := Projects(1, obstacleNow)
	obs := Obstacles(projects, obstCal, obstacleNow)
	if len(obs) != ObstacleCount {
		t.Fatalf("%d obstacles, want %d", len(obs), ObstacleCount)
	}
	if again := Obstacles(projects, obstCal, obstacleNow); !reflect.DeepEqual(obs, again) {
		t.Fatal("Obstacles is not deterministic")
	}
	known := map[string]bool{}
	for _, p := range projects {
		known[p.Code] = true
	}
	// Today's agencies, and their predecessors before the 2025 mergers.
	agencies := map[string]bool{}
	for _, a := range ObstacleAgencies {
		agencies[a], agencies[agencyOn(a, "2024-12-31")], agencies[agencyOn(a, "2025-06-01")] = true, true, true
	}
	statuses, cats := map[obstacle.Status]int{}, map[obstacle.Category]int{}
	ids, codes := map[string]bool{}, map[string]bool{}
	overdue, waiting, escalated, linked, late := 0, 0, 0, 0, 0
	for _, o := range obs {
		o := o
		if err := o.Validate(); err != nil {
			t.Fatalf("%s: %v", o.ID, err)
		}
		if !o.Synthetic || ids[o.ID] || codes[o.TrackingCode] || !trackingCode.MatchString(o.TrackingCode) {
			t.Fatalf("%s: synthetic %v, duplicate id/code or bad code %s", o.ID, o.Synthetic, o.TrackingCode)
		}
		ids[o.ID], codes[o.TrackingCode] = true, true
		statuses[o.Status]++
		cats[o.Category]++
		if o.ProjectCode != "" {
			linked++
			if !known[o.ProjectCode] {
				t.Fatalf("%s: unknown project %s", o.ID, o.ProjectCode)
			}
		}
		if o.LeadAgency != "" && !agencies[o.LeadAgency] {
			t.Fatalf("%s: agency %s", o.ID, o.LeadAgency)
		}
		for _, a := range o.CoordinatingAgencies {
			if !agencies[a] {
				t.Fatalf("%s: coordinating agency %s", o.ID, a)
			}
		}
		if o.Overdue(obstacleNow) {
			overdue++
		}
		if o.Status == obstacle.WaitingForBusiness {
			waiting++
			if o.PausedSince == nil {
				t.Fatalf("%s: waiting without a paused clock", o.ID)
			}
		}
		if o.EscalationLevel > 0 {
			escalated++
		}
		if o.ResolvedAt != nil && !o.OnTime() {
			late++
		}
		if o.Status == obstacle.Merged && (o.ParentID == "" || !ids[o.ParentID] && !containsID(obs, o.ParentID)) {
			t.Fatalf("%s: merged into unknown %q", o.ID, o.ParentID)
		}
		checkTimeline(t, o)
	}
	for _, s := range obstacle.Statuses {
		if statuses[s] == 0 {
			t.Errorf("no demo obstacle is %s", s)
		}
	}
	for _, c := range obstacle.Categories {
		if cats[c] == 0 {
			t.Errorf("no demo obstacle in %s", c)
		}
	}
	if overdue < 5 || waiting < 5 || escalated < 3 || late < 3 || linked < ObstacleCount/2 {
		t.Errorf("overdue %d waiting %d escalated %d late %d linked %d", overdue, waiting, escalated, late, linked)
	}
}

func containsID(obs []obstacle.Obstacle, id string) bool {
	for _, o := range obs {
		if o.ID == id {
			return true
		}
	}
	return false
}

// checkTimeline asserts the events form a path through the workflow table.
func checkTimeline(t *testing.T, o obstacle.Obstacle) {
	t.Helper()
	if len(o.Timeline) == 0 || o.Timeline[0].Act() != obstacle.ActSubmit || !o.Timeline[0].At.Equal(o.CreatedAt) {
		t.Fatalf("%s: timeline must start with the submission", o.ID)
	}
	for i, ev := range o.Timeline {
		if ev.Version != int64(i+1) {
			t.Fatalf("%s: event %d made version %d", o.ID, i, ev.Version)
		}
	}
	if o.Version != int64(len(o.Timeline)) {
		t.Fatalf("%s: version %d after %d events", o.ID, o.Version, len(o.Timeline))
	}
	st := obstacle.Submitted
	prev := o.CreatedAt
	for i, ev := range o.Timeline[1:] {
		if ev.At.Before(prev) || ev.At.After(obstacleNow) {
			t.Fatalf("%s: event %d at %v out of order", o.ID, i+1, ev.At)
		}
		prev = ev.At
		if ev.FromStatus != st {
			t.Fatalf("%s: event %d (%s) from %s, but status was %s", o.ID, i+1, ev.Act(), ev.FromStatus, st)
		}
		if ev.Act() == obstacle.ActMerge && ev.FromStatus == ev.ToStatus {
			st = ev.ToStatus // note on the primary
			continue
		}
		r, ok := obstacle.Lookup(st, ev.Act())
		if !ok || r.To != ev.ToStatus || !r.Allows(ev.ActorRole()) {
			t.Fatalf("%s: event %d %s --%s--> %s by %s is not in the table", o.ID, i+1, st, ev.Act(), ev.ToStatus, ev.ActorRole())
		}
		st = ev.ToStatus
	}
	if st != o.Status {
		t.Fatalf("%s: timeline ends in %s, status is %s", o.ID, st, o.Status)
	}
	if !o.UpdatedAt.Equal(prev) && o.UpdatedAt.Before(prev) {
		t.Fatalf("%s: updatedAt before the last event", o.ID)
	}
}
