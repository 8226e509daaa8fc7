// Package ratelimit counts requests per key in fixed windows stored in
// MongoDB, so that every portal process behind a load balancer shares the
// same counts (login attempts, public forms).
package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection holds the counters.
const Collection = "rate_limits"

// Rule allows Limit events per Window for one key.
type Rule struct {
	Name   string
	Limit  int
	Window time.Duration
}

// window returns the start of the window now falls in and the id of
// key's counter for it.
func (r Rule) window(key string, now time.Time) (time.Time, string) {
	start := now.Truncate(r.Window)
	return start, fmt.Sprintf("%s|%s|%d", r.Name, key, start.Unix())
}

// Limiter checks rules against counters in MongoDB.
type Limiter struct {
	c *mongo.Collection
	// over remembers the counters this process saw past their limit, until
	// their window ends: a count only grows within its window, so a key
	// refused once is refused without a database write until then (a
	// client hammering a form cannot queue writes on its counter).
	over     sync.Map // counter id → window end (time.Time)
	overSize atomic.Int64
}

// maxOver bounds the refused counters remembered; past it, refusals are
// counted in the database again.
const maxOver = 100_000

// New returns a limiter on db.
func New(db *mongo.Database) *Limiter { return &Limiter{c: db.Collection(Collection)} }

// refused reports whether id is remembered past its limit at now, and how
// long until its window ends.
func (l *Limiter) refused(id string, now time.Time) (time.Duration, bool) {
	v, ok := l.over.Load(id)
	if !ok {
		return 0, false
	}
	end := v.(time.Time)
	if !now.Before(end) {
		if l.over.CompareAndDelete(id, v) {
			l.overSize.Add(-1)
		}
		return 0, false
	}
	return end.Sub(now), true
}

func (l *Limiter) remember(id string, end time.Time) {
	if l.overSize.Load() >= maxOver {
		return
	}
	if _, loaded := l.over.LoadOrStore(id, end); !loaded {
		l.overSize.Add(1)
	}
}

// EnsureIndexes creates the index the clean-up uses.
func (l *Limiter) EnsureIndexes(ctx context.Context) error {
	return mongodb.EnsureIndexes(ctx, l.c, mongo.IndexModel{
		Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("expires"),
	})
}

// Allow counts one event for key under rule and reports whether it is
// within the limit, and if not, how long until the window ends.
func (l *Limiter) Allow(ctx context.Context, r Rule, key string, now time.Time) (bool, time.Duration, error) {
	start, id := r.window(key, now)
	if wait, ok := l.refused(id, now); ok {
		return false, wait, nil
	}
	unlock := mongodb.LockDocument(l.c, id)
	defer unlock()
	var doc struct {
		N int `bson:"n"`
	}
	err := l.c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{
			{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "expiresAt", Value: start.Add(r.Window)}}},
		},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&doc)
	if err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	if doc.N > r.Limit {
		l.remember(id, start.Add(r.Window))
		return false, start.Add(r.Window).Sub(now), nil
	}
	return true, 0, nil
}

// Exceeded reports, without counting anything, whether key has already
// used up rule's limit in the current window: for checks that only count
// failures, such as a tracking cookie that opens the right case.
func (l *Limiter) Exceeded(ctx context.Context, r Rule, key string, now time.Time) (bool, error) {
	_, id := r.window(key, now)
	if _, ok := l.refused(id, now); ok {
		return true, nil
	}
	var doc struct {
		N int `bson:"n"`
	}
	err := l.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc)
	if err != nil && !mongodb.IsNoDocuments(err) {
		return false, fmt.Errorf("rate limit: %w", err)
	}
	return doc.N >= r.Limit, nil
}

// Cleanup removes counters of windows that have ended (there is no TTL
// index on the embedded database).
func (l *Limiter) Cleanup(ctx context.Context, now time.Time) (int64, error) {
	res, err := l.c.DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil {
		return 0, fmt.Errorf("rate limit cleanup: %w", err)
	}
	return res.DeletedCount, nil
}
