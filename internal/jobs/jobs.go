// Package jobs runs the portal's periodic work (escalating overdue
// obstacles, closing stale ones, the officers' daily digest, clean-ups) in
// the background of every portal process. Each run is claimed in MongoDB
// first, so that several processes behind a load balancer do the work
// once per period between them, not once each.
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Collection holds one claim document per job: when it may run next.
const Collection = "jobs"

// Job is one periodic task.
type Job struct {
	// Name identifies the job in the claims collection and the logs.
	Name string
	// Every is the period between runs.
	Every time.Duration
	// Daily, when set, runs the job once per calendar day
	// (Asia/Ho_Chi_Minh), at the first check on or after this hour.
	Daily bool
	// Hour is the hour of day a Daily job may start (0-23).
	Hour int
	// Run does the work at now.
	Run func(ctx context.Context, now time.Time) error
}

// Runner checks its jobs on a tick and runs those that are due and that
// this process manages to claim.
type Runner struct {
	jobs  []Job
	coll  *mongo.Collection
	log   *slog.Logger
	now   func() time.Time
	tick  time.Duration
	delay time.Duration

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// Options tune a Runner; zero values take the defaults.
type Options struct {
	// Tick is how often due jobs are checked (default one minute).
	Tick time.Duration
	// Delay is the wait before the first check after Start (default 30 s),
	// so that a starting process serves requests first.
	Delay time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger records each run and its failures.
	Logger *slog.Logger
}

// New returns a runner of jobs whose claims live in db.
func New(db *mongo.Database, jobs []Job, o Options) *Runner {
	if o.Tick <= 0 {
		o.Tick = time.Minute
	}
	if o.Delay <= 0 {
		o.Delay = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{jobs: jobs, coll: db.Collection(Collection), log: o.Logger, now: o.Now, tick: o.Tick, delay: o.Delay}
}

// Start runs the checks in the background until Stop or ctx ends.
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		return
	}
	ctx, r.cancel = context.WithCancel(ctx)
	r.done = make(chan struct{})
	go func() {
		defer close(r.done)
		t := time.NewTimer(r.delay)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			r.RunDue(ctx)
			t.Reset(r.tick)
		}
	}()
}

// Stop ends the background checks and waits for a running job to finish.
func (r *Runner) Stop() {
	r.mu.Lock()
	cancel, done := r.cancel, r.done
	r.cancel = nil
	r.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// RunDue runs, one after the other, every job that is due at the
// runner's now and that this process claims; it returns the names of the
// jobs it ran. A failing job is logged and tried again next period.
func (r *Runner) RunDue(ctx context.Context) []string {
	var ran []string
	for _, j := range r.jobs {
		if ctx.Err() != nil {
			break
		}
		now := r.now()
		ok, err := r.claim(ctx, j, now)
		if err != nil {
			r.log.Error("job claim failed", "job", j.Name, "err", err)
			continue
		}
		if !ok {
			continue
		}
		start := time.Now()
		jctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		err = j.Run(jctx, now)
		cancel()
		if err != nil {
			r.log.Error("job failed", "job", j.Name, "err", err, "duration_ms", time.Since(start).Milliseconds())
		} else {
			r.log.Info("job ran", "job", j.Name, "duration_ms", time.Since(start).Milliseconds())
		}
		ran = append(ran, j.Name)
	}
	return ran
}

// claimDoc is a job's claim: it may run again from NextAt.
type claimDoc struct {
	ID        string    `bson:"_id"`
	NextAt    time.Time `bson:"nextAt"`
	LastRunAt time.Time `bson:"lastRunAt"`
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
	Version   int64     `bson:"version"`
}

// next is when a job that ran at now may run again.
func (j Job) next(now time.Time) time.Time {
	if !j.Daily {
		return now.Add(j.Every)
	}
	day := holidays.StartOfDay(now).AddDate(0, 0, 1)
	return day.Add(time.Duration(j.Hour) * time.Hour)
}

// due reports whether a daily job may start at now (its hour reached).
func (j Job) due(now time.Time) bool {
	if !j.Daily {
		return true
	}
	return !now.Before(holidays.StartOfDay(now).Add(time.Duration(j.Hour) * time.Hour))
}

// claim moves the job's NextAt forward if it is due, with a version check,
// and reports whether this process won the run.
func (r *Runner) claim(ctx context.Context, j Job, now time.Time) (bool, error) {
	if !j.due(now) {
		return false, nil
	}
	now = now.UTC().Truncate(time.Millisecond)
	unlock := mongodb.LockDocument(r.coll, j.Name)
	defer unlock()
	var doc claimDoc
	err := r.coll.FindOne(ctx, bson.M{"_id": j.Name}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		_, err = r.coll.InsertOne(ctx, claimDoc{ID: j.Name, NextAt: j.next(now).UTC(), LastRunAt: now, CreatedAt: now, UpdatedAt: now, Version: 1})
		if mongodb.IsDuplicateKey(err) {
			return false, nil // another process made the first claim
		}
		return err == nil, err
	}
	if err != nil {
		return false, err
	}
	if now.Before(doc.NextAt) {
		return false, nil
	}
	res, err := r.coll.UpdateOne(ctx, bson.M{"_id": j.Name, "version": doc.Version}, bson.M{"$set": bson.M{
		"nextAt": j.next(now).UTC(), "lastRunAt": now, "updatedAt": now, "version": doc.Version + 1,
	}})
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}
