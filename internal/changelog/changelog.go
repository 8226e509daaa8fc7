// Package changelog lets portal processes keep in-memory read models of a
// collection in step with each other's writes, without a change stream
// (FerretDB has none) and without a scan: every write appends the id of the
// record it changed to a numbered log, and a reader that holds the log's
// head number catches up by reading the entries after it, each by _id (the
// one lookup the embedded database answers from an index), then reloading
// only those records.
//
// Consistency: a Follower sees its own process's writes at once (Wrote
// marks the record before the log is told, and the next read applies it
// first) and other processes' writes within its every period: one read
// of the head by _id per period, by the background loop (Start) when one
// runs, so that requests read only memory; without a loop, by the first
// request after the period.
package changelog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection holds every feed's head and entries.
const Collection = "changelog"

// All is the id that stands for every record (an import, a calendar
// change): a reader reloads its whole model.
const All = ""

const (
	// keep is how many entries a feed keeps; a reader further behind
	// reloads everything.
	keep = 4096
	// maxGap is the most entries a reader reads one by one before it
	// reloads everything instead.
	maxGap = 512
	// missingFor is how long a reader waits for an entry whose number is
	// taken but which is not yet written (its writer is between the two
	// steps of Append, or died there) before it reloads everything.
	missingFor = 2 * time.Second
)

// Feed is one collection's log of changed record ids.
type Feed struct {
	c    *mongo.Collection
	name string
}

// NewFeed returns the feed called name in db.
func NewFeed(db *mongo.Database, name string) *Feed {
	return &Feed{c: db.Collection(Collection), name: name}
}

func (f *Feed) entryID(seq int64) string { return fmt.Sprintf("%s:%d", f.name, seq) }

// Append records that the record id changed (All: every record) and
// returns the entry's number. It takes the number with one $inc on the
// head, then writes the entry by _id, and drops the entry that fell out
// of the kept window.
func (f *Feed) Append(ctx context.Context, id string) (int64, error) {
	var head struct {
		Seq int64 `bson:"seq"`
	}
	inc := func() error {
		return f.c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: f.name}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&head)
	}
	// The embedded database can lose concurrent increments (see
	// mongodb.LockDocument); two writes must not share a number.
	unlock := mongodb.LockDocument(f.c, f.name)
	err := inc()
	if mongodb.IsDuplicateKey(err) {
		err = inc() // two first appends raced to create the head
	}
	unlock()
	if err != nil {
		return 0, fmt.Errorf("changelog %s: %w", f.name, err)
	}
	if _, err := f.c.InsertOne(ctx, bson.D{{Key: "_id", Value: f.entryID(head.Seq)}, {Key: "id", Value: id}}); err != nil {
		return 0, fmt.Errorf("changelog %s: %w", f.name, err)
	}
	if head.Seq > keep {
		_, _ = f.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: f.entryID(head.Seq - keep)}})
	}
	return head.Seq, nil
}

// Head returns the number of the last entry (0 when there is none).
func (f *Feed) Head(ctx context.Context) (int64, error) {
	var head struct {
		Seq int64 `bson:"seq"`
	}
	err := f.c.FindOne(ctx, bson.D{{Key: "_id", Value: f.name}}).Decode(&head)
	if mongodb.IsNoDocuments(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("changelog %s: %w", f.name, err)
	}
	return head.Seq, nil
}

// entry returns the id of entry seq; ok is false when it is not (yet) there.
func (f *Feed) entry(ctx context.Context, seq int64) (id string, ok bool, err error) {
	var e struct {
		ID string `bson:"id"`
	}
	err = f.c.FindOne(ctx, bson.D{{Key: "_id", Value: f.entryID(seq)}}).Decode(&e)
	if mongodb.IsNoDocuments(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("changelog %s: %w", f.name, err)
	}
	return e.ID, true, nil
}

// Model is what a Follower keeps in step. Load reads every record and
// Fetch one (which may now be gone); both only read, and return the
// change to make, which the Follower applies with its lock held. So the
// database is read without the lock, and readers that hold it only ever
// wait for memory to change.
type Model interface {
	Load(ctx context.Context) (apply func(), err error)
	Fetch(ctx context.Context, id string) (apply func(), err error)
}

// Follower keeps a Model in step with a Feed. Readers of the model hold
// Lock while they read it; Sync and the loop (Start) take it only to
// apply what they read, so a model needs no lock of its own.
type Follower struct {
	sync.Mutex
	feed *Feed
	// every is how often the feed's head is read.
	every time.Duration
	log   *slog.Logger

	// syncMu admits one catch-up at a time, so that two never apply the
	// same record's versions out of order; it guards the fields below.
	syncMu       sync.Mutex
	loaded       bool
	seq          int64
	checked      time.Time
	missingSince time.Time

	// following is set while Start's loop reads the feed, so readers
	// need not; loadedFlag mirrors loaded for lock-free checks.
	following  atomic.Bool
	loadedFlag atomic.Bool

	// dirty holds this process's writes not yet applied; it has its own
	// lock so that a writer never waits on a reload. pending counts them
	// for lock-free checks.
	dirtyMu sync.Mutex
	dirty   map[string]bool
	pending atomic.Int64
}

// NewFollower follows feed, reading its head at most once per every.
func NewFollower(feed *Feed, every time.Duration, log *slog.Logger) *Follower {
	if log == nil {
		log = slog.Default()
	}
	return &Follower{feed: feed, every: every, log: log, dirty: map[string]bool{}}
}

// Wrote tells the follower, and through the feed every other process, that
// this process changed the record id (All: every record). Call it after
// the write, whether or not it succeeded. Pending is true until a Sync
// here applies it; a failure to append is logged (other processes then
// see the change at their next reload), never returned, as the write
// itself is done.
func (f *Follower) Wrote(id string) {
	f.dirtyMu.Lock()
	if !f.dirty[id] {
		f.dirty[id] = true
		f.pending.Add(1)
	}
	f.dirtyMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := f.feed.Append(ctx, id); err != nil {
		if _, err = f.feed.Append(ctx, id); err != nil {
			f.log.Warn("change not announced to other processes", "feed", f.feed.name, "id", id, "err", err)
		}
	}
}

// Pending reports whether this process wrote something the model does
// not hold yet (or the model was never loaded): a reader that wants its
// own writes must Sync (or SyncOwn) first.
func (f *Follower) Pending() bool { return f.pending.Load() > 0 || !f.loadedFlag.Load() }

// Following reports whether Start's loop reads the feed, so that a
// reader need only apply this process's writes (SyncOwn).
func (f *Follower) Following() bool { return f.following.Load() }

// Sync brings m up to date with this process's writes, and with the feed
// when it was last read more than every ago. The caller must not hold f's
// lock: Sync takes it to apply what it read. It reports whether m changed.
func (f *Follower) Sync(ctx context.Context, m Model) (changed bool, err error) {
	return f.sync(ctx, m, true)
}

// SyncOwn brings m up to date with this process's writes only (the feed
// is Start's loop's business); with none pending it reads nothing.
func (f *Follower) SyncOwn(ctx context.Context, m Model) (changed bool, err error) {
	if !f.Pending() {
		return false, nil
	}
	return f.sync(ctx, m, false)
}

// CatchUp is what a reader calls before it reads m: SyncOwn while Start's
// loop follows the feed (the loop applies the others' writes), else Sync.
func (f *Follower) CatchUp(ctx context.Context, m Model) (changed bool, err error) {
	if f.Following() {
		return f.SyncOwn(ctx, m)
	}
	return f.Sync(ctx, m)
}

// TrySyncOwn is SyncOwn unless another catch-up is under way (then that
// one or the next applies this process's writes): a writer calls it so
// that its own write is in the model when it returns, without waiting on
// a reload. It reports whether it ran.
func (f *Follower) TrySyncOwn(ctx context.Context, m Model) bool {
	if !f.syncMu.TryLock() {
		return false
	}
	defer f.syncMu.Unlock()
	if f.loaded && f.Pending() {
		_, _ = f.syncLocked(ctx, m, false)
	}
	return true
}

func (f *Follower) sync(ctx context.Context, m Model, feed bool) (bool, error) {
	f.syncMu.Lock()
	defer f.syncMu.Unlock()
	return f.syncLocked(ctx, m, feed)
}

// syncLocked is Sync with syncMu held.
func (f *Follower) syncLocked(ctx context.Context, m Model, feed bool) (changed bool, err error) {
	// The writes taken here stay counted in pending until they are
	// applied, so that a reader never takes them for done meanwhile.
	f.dirtyMu.Lock()
	dirty := f.dirty
	f.dirty = map[string]bool{}
	f.dirtyMu.Unlock()
	defer func() {
		f.dirtyMu.Lock()
		defer f.dirtyMu.Unlock()
		if err == nil {
			f.pending.Add(-int64(len(dirty)))
			return
		}
		for id := range dirty { // try again next time
			if f.dirty[id] {
				f.pending.Add(-1) // written again meanwhile: counted there
			} else {
				f.dirty[id] = true
			}
		}
	}()
	if !f.loaded || dirty[All] {
		return true, f.reload(ctx, m)
	}
	var applies []func()
	apply := func() {
		if len(applies) == 0 {
			return
		}
		f.Lock()
		for _, a := range applies {
			a()
		}
		f.Unlock()
		applies, changed = nil, true
	}
	defer apply() // what was read before an error is still applied
	for id := range dirty {
		a, err := m.Fetch(ctx, id)
		if err != nil {
			return changed, err
		}
		applies = append(applies, a)
	}
	if !feed || time.Since(f.checked) < f.every {
		return changed, nil
	}
	head, err := f.feed.Head(ctx)
	if err != nil {
		return changed, err
	}
	f.checked = time.Now()
	if head-f.seq > maxGap || head < f.seq {
		apply()
		return true, f.reload(ctx, m)
	}
	for f.seq < head {
		id, ok, err := f.feed.entry(ctx, f.seq+1)
		if err != nil {
			return changed, err
		}
		if !ok {
			if f.missingSince.IsZero() {
				f.missingSince = time.Now()
			}
			if time.Since(f.missingSince) > missingFor {
				apply()
				return true, f.reload(ctx, m)
			}
			f.checked = time.Time{} // look again at the next call
			return changed, nil
		}
		f.missingSince = time.Time{}
		if id == All {
			apply()
			return true, f.reload(ctx, m)
		}
		a, err := m.Fetch(ctx, id)
		if err != nil {
			return changed, err
		}
		applies = append(applies, a)
		f.seq++
	}
	return changed, nil
}

// reload reads the head first, so that an entry appended during the
// reload is applied again afterwards rather than missed.
func (f *Follower) reload(ctx context.Context, m Model) error {
	head, err := f.feed.Head(ctx)
	if err != nil {
		return err
	}
	apply, err := m.Load(ctx)
	if err != nil {
		return err
	}
	f.Lock()
	apply()
	f.Unlock()
	f.loaded, f.seq, f.checked, f.missingSince = true, head, time.Now(), time.Time{}
	f.loadedFlag.Store(true)
	return nil
}

// Start follows the feed in the background: it loads m, then every
// period reads the feed's head (and the entries after it) and applies
// what changed, until ctx ends or stop is called (which waits for the
// loop to end). After each round it calls after (if not nil) with
// whether m changed, without f's lock, so that the owner can compute
// what it serves from m ahead of the requests. While the loop runs,
// readers need only SyncOwn: another process's write reaches m within
// about every, and a request never reads the feed.
func (f *Follower) Start(ctx context.Context, m Model, after func(changed bool)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	f.following.Store(true)
	go func() {
		defer close(done)
		defer f.following.Store(false)
		t := time.NewTicker(f.every)
		defer t.Stop()
		for {
			// A first load at scale on a busy machine can take minutes;
			// cut short, it would start again from nothing.
			limit := 2 * time.Minute
			if !f.loadedFlag.Load() {
				limit = 15 * time.Minute
			}
			rctx, rcancel := context.WithTimeout(ctx, limit)
			changed, err := f.Sync(rctx, m)
			rcancel()
			if err != nil && ctx.Err() == nil {
				f.log.Warn("follow changes", "feed", f.feed.name, "err", err)
			}
			if after != nil && ctx.Err() == nil {
				after(changed)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
}

// MayHaveWritten reports whether a write that returned err may have
// changed its record, and so must be announced: it succeeded, or its
// outcome is unknown (a timeout, a lost connection). A refusal (invalid
// input, a stale version, not found, forbidden, a duplicate key) wrote
// nothing and announces nothing, so refused requests leave the log alone.
func MayHaveWritten(err error) bool {
	if err == nil {
		return true
	}
	if mongodb.IsDuplicateKey(err) {
		return false
	}
	var e *apperr.Error
	return !errors.As(err, &e) || e.Code == apperr.CodeInternal
}
