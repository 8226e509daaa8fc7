package migrate

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Names of the location steps.
const (
	StepProjectLocations     = "project-locations"
	StepOpportunityLocations = "opportunity-locations"
)

// Migrator is the actor the location steps write history entries as.
var Migrator = record.Actor{ID: "system:migrate", Name: "portal migrate", Role: "system"}

// LocationSteps are the steps that give projects and opportunities located
// only by their former district (before 1 July 2025) their current unit;
// they run after the agencies step.
func LocationSteps() []Step {
	return []Step{ProjectLocationsStep(), OpportunityLocationsStep()}
}

// located is what a location step reads of one record.
type located struct {
	Code     string       `bson:"code"`
	Location string       `bson:"location"`
	Unit     string       `bson:"unit"`
	Version  int64        `bson:"version"`
	Name     project.Text `bson:"name"`
	Title    project.Text `bson:"title"`
	Summary  project.Text `bson:"summary"`
	Desc     project.Text `bson:"description"`
}

// decideUnit works out a record's current unit from its former district
// and its text: the district went into one unit, or the text names one
// ("xã Ninh Phước", or a place name such as "Cam Đức" in a project name).
// It returns the unit and how it was decided, or "" and the candidates.
func decideUnit(r located) (unit, how string, candidates []string) {
	texts := []string{r.Name.VI, r.Name.EN, r.Title.VI, r.Title.EN, r.Summary.VI, r.Summary.EN, r.Desc.VI, r.Desc.EN}
	u, named := place.UnitFromText(r.Location, texts...)
	if u != "" {
		if len(place.UnitsOf(r.Location)) == 1 {
			return u, "the former district went into this unit only", nil
		}
		return u, "the record's text names the unit or one of its former communes", nil
	}
	all := place.UnitsOf(r.Location)
	if len(named) < len(all) {
		return "", "", named // several units named with their kind word
	}
	u, bare := place.UnitFromName(r.Location, r.Name.VI, r.Title.VI)
	if u != "" {
		return u, "the record's name holds the name of the unit or of one of its former communes", nil
	}
	if len(bare) > 0 {
		return "", "", bare
	}
	return "", "", all
}

// plan reads the records of coll without a unit and works out each one's
// change, in code order.
func plan(ctx context.Context, db *mongo.Database, step, coll string) ([]Change, []located, error) {
	cur, err := db.Collection(coll).Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{
		{Key: "code", Value: 1}, {Key: "location", Value: 1}, {Key: "unit", Value: 1}, {Key: "version", Value: 1},
		{Key: "name", Value: 1}, {Key: "title", Value: 1}, {Key: "summary", Value: 1}, {Key: "description", Value: 1}}))
	if err != nil {
		return nil, nil, err
	}
	var all []located
	if err := cur.All(ctx, &all); err != nil {
		return nil, nil, err
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Code < all[j].Code })
	var changes []Change
	var decided []located
	for _, r := range all {
		if r.Unit != "" {
			continue
		}
		c := Change{Step: step, Collection: coll, ID: r.Code, Field: "unit"}
		if !place.ValidLocation(r.Location) {
			c.Uncertain, c.Note = true, fmt.Sprintf("former district %q is not one of the 16 known", r.Location)
			changes = append(changes, c)
			continue
		}
		unit, how, cands := decideUnit(r)
		if unit == "" {
			c.Uncertain = true
			c.Note = fmt.Sprintf("former district %s; candidate units: %s", r.Location, strings.Join(cands, ", "))
		} else {
			c.To, c.Note = unit, how
			r.Unit = unit
			decided = append(decided, r)
		}
		changes = append(changes, c)
	}
	return changes, decided, nil
}

// unitReason is the history note of a unit the migration set (stored
// data, like an officer's reason, in both languages).
const unitReason = "Đơn vị hành chính hiện nay (từ 01/7/2025) / current administrative unit (from 1 July 2025)"

// locationStep gives the records of coll without a unit the unit their
// data decides, each through its domain's store, which setter opens once
// per run (history entry, change log for the read model and search
// index); the rest are listed as uncertain.
func locationStep(name, coll string, setter func(db *mongo.Database) func(ctx context.Context, r located, now time.Time) error) Step {
	return Step{Name: name, Run: func(ctx context.Context, db *mongo.Database, apply bool, now time.Time) ([]Change, error) {
		changes, decided, err := plan(ctx, db, name, coll)
		if err != nil || !apply {
			return changes, err
		}
		setUnit := setter(db)
		for _, r := range decided {
			if err := setUnit(ctx, r, now); err != nil {
				return changes, fmt.Errorf("%s %s: %w", coll, r.Code, err)
			}
		}
		return changes, nil
	}}
}

// ProjectLocationsStep gives projects without a unit the unit their data
// decides.
func ProjectLocationsStep() Step {
	return locationStep(StepProjectLocations, project.Collection, func(db *mongo.Database) func(context.Context, located, time.Time) error {
		s := project.NewStore(db)
		return func(ctx context.Context, r located, now time.Time) error {
			u := r.Unit
			_, err := s.Update(ctx, r.Code, r.Version, project.Changes{Unit: &u, Reason: unitReason}, Migrator, now)
			return err
		}
	})
}

// OpportunityLocationsStep is ProjectLocationsStep for opportunities.
func OpportunityLocationsStep() Step {
	return locationStep(StepOpportunityLocations, opportunity.CollOpportunities, func(db *mongo.Database) func(context.Context, located, time.Time) error {
		s := opportunity.NewStore(db)
		return func(ctx context.Context, r located, _ time.Time) error {
			u := r.Unit
			_, err := s.Update(ctx, r.Code, r.Version, opportunity.Changes{Unit: &u}, Migrator, unitReason)
			return err
		}
	})
}
