package migrate

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// oldShapeDB stores demo projects and opportunities as the portal stored
// them before issue 15: located by former district only, with no unit.
func oldShapeDB(t *testing.T) *mongo.Database {
	t.Helper()
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var ps []project.Project
	for i, p := range seed.Projects(1, now) {
		if i%6 == 0 || p.Location == "truong_sa" {
			p.Unit = ""
			ps = append(ps, p)
		}
	}
	ps = append(ps, project.Project{Code: "OLD-CAMDUC-1", Name: project.Text{VI: "Khu du lịch sinh thái Cam Đức"},
		Investor: project.Investor{Name: "Công ty A", Country: "VN"}, Kind: project.Domestic, Sector: "tourism",
		Location: "cam_lam", Stage: project.Licensed, Registered: ps[0].Registered, Disbursed: ps[0].Disbursed,
		CreatedAt: now, UpdatedAt: now, Version: 1})
	ps[len(ps)-1].Registered.Amount, ps[len(ps)-1].Disbursed.Amount = 1_000_000_000, 0
	if ps[0].Kind != project.Domestic {
		t.Fatal("first sample is not domestic")
	}
	if err := project.NewStore(db).InsertMissing(ctx, ps, nil); err != nil {
		t.Fatal(err)
	}
	opps, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	os := opportunity.NewStore(db)
	for i := range opps {
		opps[i].Unit = ""
		if err := os.Create(ctx, &opps[i]); err != nil {
			t.Fatal(err)
		}
	}
	if n := withUnit(t, db); n != 0 {
		t.Fatalf("%d records with a unit in the old shape", n)
	}
	return db
}

// withUnit counts the stored projects and opportunities that have a unit.
func withUnit(t *testing.T, db *mongo.Database) int64 {
	t.Helper()
	var n int64
	for _, coll := range []string{project.Collection, opportunity.CollOpportunities} {
		c, err := db.Collection(coll).CountDocuments(context.Background(), bson.D{{Key: "unit", Value: bson.D{{Key: "$exists", Value: true}}}})
		if err != nil {
			t.Fatal(err)
		}
		n += c
	}
	return n
}

func runAll(t *testing.T, db *mongo.Database, apply bool) (certain, uncertain []Change) {
	t.Helper()
	for _, s := range LocationSteps() {
		ch, err := s.Run(context.Background(), db, apply, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		for _, c := range ch {
			if c.Uncertain {
				uncertain = append(uncertain, c)
			} else {
				certain = append(certain, c)
			}
		}
	}
	return certain, uncertain
}

// TestLocationStepsOnTheOldShape runs the location steps on a database
// seeded as before issue 15: a dry run changes nothing, applying sets the
// decided units through the stores (history and all), the undecided ones
// stay unset and are listed with their candidates, and a second run finds
// nothing left to change.
func TestLocationStepsOnTheOldShape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := oldShapeDB(t)

	certain, uncertain := runAll(t, db, false)
	if len(certain) == 0 || len(uncertain) == 0 {
		t.Fatalf("dry run: %d certain, %d uncertain; want some of each", len(certain), len(uncertain))
	}
	t.Logf("dry run: %d certain, %d uncertain", len(certain), len(uncertain))
	if n := withUnit(t, db); n != 0 {
		t.Fatalf("dry run wrote %d units", n)
	}
	want := map[string]string{}
	for _, c := range certain {
		want[c.Collection+"/"+c.ID] = c.To
	}
	for key, unit := range map[string]string{
		"projects/OLD-CAMDUC-1":     "cam_lam",       // Cam Đức township went into Xã Cam Lâm
		"opportunities/OPP-VP-001":  "dong_ninh_hoa", // "xã Ninh Phước, thị xã Ninh Hòa"
		"opportunities/OPP-BVP-001": "dai_lanh",
	} {
		if want[key] != unit {
			t.Errorf("%s: planned %q, want %q", key, want[key], unit)
		}
	}
	for _, c := range uncertain {
		if !strings.Contains(c.Note, "candidate units: ") || c.To != "" {
			t.Errorf("uncertain %s: %+v", c.ID, c)
		}
	}

	again, unc := runAll(t, db, true)
	if len(again) != len(certain) || len(unc) != len(uncertain) {
		t.Fatalf("apply: %d/%d changes, dry run planned %d/%d", len(again), len(unc), len(certain), len(uncertain))
	}
	if n := withUnit(t, db); n != int64(len(certain)) {
		t.Fatalf("%d records with a unit after apply, want %d", n, len(certain))
	}
	ps := project.NewStore(db)
	for _, c := range certain {
		var unit string
		if c.Collection == project.Collection {
			p, err := ps.Get(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Version != 2 {
				t.Errorf("%s: version %d, want 2", c.ID, p.Version)
			}
			unit = p.Unit
			if !place.UnitInLocation(p.Unit, p.Location) {
				t.Errorf("%s: unit %s not formed from %s", c.ID, p.Unit, p.Location)
			}
		} else {
			o, err := opportunity.NewStore(db).Get(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			unit = o.Unit
		}
		if unit != c.To {
			t.Errorf("%s: stored unit %q, want %q", c.ID, unit, c.To)
		}
	}
	h, err := ps.History(ctx, "OLD-CAMDUC-1")
	if err != nil || !slices.ContainsFunc(h, func(c project.Change) bool { return c.By.ID == Migrator.ID }) {
		t.Errorf("history of OLD-CAMDUC-1: %v %+v", err, h)
	}

	second, stillUncertain := runAll(t, db, true)
	if len(second) != 0 {
		t.Errorf("second run: %d changes, want 0: %+v", len(second), second[0])
	}
	if len(stillUncertain) != len(uncertain) {
		t.Errorf("second run: %d uncertain, want the same %d listed again", len(stillUncertain), len(uncertain))
	}
}
