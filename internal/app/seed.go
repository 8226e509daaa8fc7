package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
	"golang.org/x/sync/errgroup"

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

// Seed writes the synthetic demo data, scale times over: projects,
// opportunities and obstacles (see seed.Projects, seed.ScaledOpportunities
// and seed.ScaledObstacles); running it again adds nothing that is already
// there. Each domain's store takes its records in large batches
// (InsertMissing). progress, when not nil, is told how many records of how
// many are written.
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
	now := time.Now().UTC()
	ps := seed.Projects(scale, now)
	opps, err := seed.ScaledOpportunities(scale)
	if err != nil {
		return err
	}
	obs := seed.ScaledObstacles(ps, scale, a.Calendar, now)
	total := len(ps) + len(opps) + len(obs)
	// Projects load beside opportunities then obstacles: each side's
	// encoding (ours and the database's) overlaps the other's writes.
	var mu sync.Mutex
	var doneProjects, doneOthers int
	report := func(side *int, offset int) func(int) {
		return func(done int) {
			mu.Lock()
			defer mu.Unlock()
			*side = offset + done
			if progress != nil {
				progress(doneProjects+doneOthers, total)
			}
		}
	}
	var nOpps, nObs int
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return a.Projects.InsertMissing(gctx, ps, report(&doneProjects, 0))
	})
	g.Go(func() error {
		var err error
		if nOpps, err = a.Opportunities.InsertMissing(gctx, opps, report(&doneOthers, 0)); err != nil {
			return fmt.Errorf("load demo opportunities: %w", err)
		}
		if _, err := seed.Illustrate(gctx, a.Media); err != nil {
			return err
		}
		if a.Indexer != nil && nOpps > 0 {
			a.Indexer.Notify() // the project store wakes it itself
		}
		if nObs, err = a.Obstacles.InsertMissing(gctx, obs, now, report(&doneOthers, len(opps))); err != nil {
			return fmt.Errorf("load demo obstacles: %w", err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return err
	}
	if err := mark("done"); err != nil {
		return fmt.Errorf("mark demo load: %w", err)
	}
	a.Log.Info("demo data loaded", "scale", scale, "projects", len(ps), "opportunities", len(opps), "obstacles", len(obs),
		"new_opportunities", nOpps, "new_obstacles", nObs, "duration_ms", time.Since(start).Milliseconds())
	return nil
}
