package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/seed"
)

// metaCollection holds small facts about the database itself, such as
// whether the demo data was loaded completely.
const metaCollection = "meta"

type seedMarker struct {
	ID    string    `bson:"_id"`
	State string    `bson:"state"` // "loading" or "done"
	Scale int       `bson:"scale"`
	At    time.Time `bson:"at"`
}

// seedIfEmpty loads the demo data on first start: when the database holds
// no project yet, or when an earlier load was interrupted (its marker still
// says "loading"). A database with projects of its own is never touched.
func (a *App) seedIfEmpty(ctx context.Context) error {
	var m seedMarker
	err := a.DB.Database.Collection(metaCollection).FindOne(ctx, bson.D{{Key: "_id", Value: "demo_seed"}}).Decode(&m)
	if err == nil && m.State == "done" {
		return nil
	}
	if err != nil {
		n, cerr := a.Projects.Count(ctx)
		if cerr != nil {
			return fmt.Errorf("count projects: %w", cerr)
		}
		if n > 0 {
			return nil
		}
	}
	return a.Seed(ctx, 1, nil)
}

// Seed writes the synthetic demo data, scale times over; running it again
// adds nothing that is already there. progress, when not nil, is told how
// many projects of how many are written.
func (a *App) Seed(ctx context.Context, scale int, progress func(done, total int)) error {
	start := time.Now()
	meta := a.DB.Database.Collection(metaCollection)
	mark := func(state string) error {
		_, err := meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: "demo_seed"}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: state}, {Key: "scale", Value: scale}, {Key: "at", Value: time.Now().UTC()}}}},
			options.Update().SetUpsert(true))
		return err
	}
	if err := mark("loading"); err != nil {
		return fmt.Errorf("mark demo load: %w", err)
	}
	ps := seed.Projects(scale, time.Now().UTC())
	err := a.Projects.InsertMissing(ctx, ps, func(done int) {
		if progress != nil {
			progress(done, len(ps))
		}
	})
	if err != nil {
		return err
	}
	if err := a.seedOpportunities(ctx); err != nil {
		return err
	}
	n, err := a.Obstacles.Import(ctx, seed.Obstacles(ps, a.Calendar, time.Now().UTC()), time.Now().UTC())
	if err != nil {
		return fmt.Errorf("load demo obstacles: %w", err)
	}
	a.Log.Debug("demo obstacles loaded", "count", n)
	if err := mark("done"); err != nil {
		return fmt.Errorf("mark demo load: %w", err)
	}
	a.Log.Info("demo data loaded", "projects", len(ps), "scale", scale, "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// seedOpportunities stores the demo opportunities that are not stored yet.
func (a *App) seedOpportunities(ctx context.Context) error {
	opps, err := seed.Opportunities()
	if err != nil {
		return err
	}
	for i := range opps {
		err := a.Opportunities.Create(ctx, &opps[i])
		if err != nil && !errors.Is(err, apperr.ErrConflict) {
			return fmt.Errorf("load demo opportunity %s: %w", opps[i].Code, err)
		}
	}
	return nil
}
