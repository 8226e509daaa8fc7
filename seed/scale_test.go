package seed

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/opportunity"
)

func TestScaledOpportunities(t *testing.T) {
	t.Parallel()
	base := mustOpportunities(t)
	one, err := ScaledOpportunities(1)
	if err != nil || !reflect.DeepEqual(one, base) {
		t.Fatalf("scale 1 is not Opportunities: %v", err)
	}
	list, err := ScaledOpportunities(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3*len(base) {
		t.Fatalf("scale 3: %d opportunities, want %d", len(list), 3*len(base))
	}
	if !reflect.DeepEqual(list[:len(base)], base) {
		t.Error("scale 3 does not start with the scale 1 opportunities")
	}
	seen := map[string]bool{}
	for i := range list {
		o := &list[i]
		if seen[o.Code] {
			t.Errorf("duplicate code %s", o.Code)
		}
		seen[o.Code] = true
		if err := o.Validate(); err != nil {
			t.Errorf("%s: %v", o.Code, err)
		}
		if !o.Synthetic {
			t.Errorf("%s is not marked synthetic", o.Code)
		}
	}
	r2 := list[2*len(base)+4]
	parts := strings.Split(base[4].Code, "-")
	if want := parts[0] + "-" + parts[1] + "R2-" + parts[2]; r2.Code != want {
		t.Errorf("replica code = %q, want %q", r2.Code, want)
	}
	r2.Code = base[4].Code
	if !reflect.DeepEqual(r2, base[4]) {
		t.Error("a replica differs from its original beyond the code")
	}
	// The longest code at the largest scale portal seed allows still fits.
	big := replicaOpportunity(opportunity.Opportunity{Code: "OPP-BVP-001"}, 999)
	if !opportunity.ValidCode(big.Code) {
		t.Errorf("replica 999 code %q is not valid", big.Code)
	}
}

func TestScaledObstacles(t *testing.T) {
	t.Parallel()
	base := Projects(1, obstacleNow)
	if got, want := ScaledObstacles(base, 1, obstCal, obstacleNow), Obstacles(base, obstCal, obstacleNow); !reflect.DeepEqual(got, want) {
		t.Fatal("scale 1 is not Obstacles")
	}
	const scale = 3
	projects := Projects(scale, obstacleNow)
	obs := ScaledObstacles(projects, scale, obstCal, obstacleNow)
	if len(obs) != scale*ObstacleCount {
		t.Fatalf("%d obstacles at scale %d, want %d", len(obs), scale, scale*ObstacleCount)
	}
	if again := ScaledObstacles(projects, scale, obstCal, obstacleNow); !reflect.DeepEqual(obs, again) {
		t.Fatal("ScaledObstacles is not deterministic")
	}
	orig := Obstacles(base, obstCal, obstacleNow)
	if !reflect.DeepEqual(obs[:ObstacleCount], orig) {
		t.Fatal("scale 3 does not start with the scale 1 obstacles")
	}
	known := map[string]bool{}
	for _, p := range projects {
		known[p.Code] = true
	}
	byID := map[string]obstacle.Obstacle{}
	ids, codes, keys, hashes := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, o := range obs {
		if err := o.Validate(); err != nil {
			t.Fatalf("%s: %v", o.ID, err)
		}
		if !o.Synthetic || !trackingCode.MatchString(o.TrackingCode) || len(o.ID) != 24 {
			t.Fatalf("%s: synthetic %v, code %s", o.ID, o.Synthetic, o.TrackingCode)
		}
		if ids[o.ID] || codes[o.TrackingCode] || keys[o.IdempotencyKey] || hashes[o.AccessKeyHash] {
			t.Fatalf("%s (%s): id, tracking code, idempotency key or access key repeated", o.ID, o.TrackingCode)
		}
		ids[o.ID], codes[o.TrackingCode], keys[o.IdempotencyKey], hashes[o.AccessKeyHash] = true, true, true, true
		if o.AccessKeyHash != obstacle.HashKey(ObstacleAccessKey(o.TrackingCode)) {
			t.Errorf("%s: access key does not open it", o.TrackingCode)
		}
		if o.ProjectCode != "" && !known[o.ProjectCode] {
			t.Errorf("%s: unknown project %s", o.ID, o.ProjectCode)
		}
		byID[o.ID] = o
	}
	merged := 0
	for i, o := range obs[ObstacleCount:] {
		r := 1 + i/ObstacleCount
		b := orig[i%ObstacleCount]
		if b.ProjectCode != "" && o.ProjectCode != b.ProjectCode+"-R"+strconv.Itoa(r) {
			t.Errorf("%s: replica %d links %s, original %s", o.ID, r, o.ProjectCode, b.ProjectCode)
		}
		if o.Status != b.Status || !o.CreatedAt.Equal(b.CreatedAt) || len(o.Timeline) != len(b.Timeline) {
			t.Errorf("%s: replica %d tells another story than %s", o.ID, r, b.ID)
		}
		// A merged duplicate points at its replica primary, and the
		// primary's merge note names this duplicate's tracking code.
		if o.ParentID != "" {
			merged++
			p, ok := byID[o.ParentID]
			if !ok || p.ID[:8] != o.ID[:8] {
				t.Fatalf("%s: parent %s is not in the same replica", o.ID, o.ParentID)
			}
			found := false
			for _, ev := range p.Timeline {
				found = found || (ev.Act() == obstacle.ActMerge && ev.Note == o.TrackingCode)
			}
			if !found {
				t.Errorf("%s: primary %s has no merge note naming %s", o.ID, p.ID, o.TrackingCode)
			}
		}
	}
	if merged == 0 {
		t.Error("no replica is a merged duplicate")
	}
}
