// Package changelog lets portal processes keep in-memory read models of a
// collection in step with each other's writes, without a change stream
// (FerretDB has none) and without a scan: every write appends the id of the
// record it changed to a numbered log, and a reader that holds the log's
// head number catches up by reading the entries after it, each by _id (the
// one lookup the embedded database answers from an index), then reloading
// only those records.
//
// Consistency: a Follower sees its own process's writes at once (Wrote
// marks the record before the log is told) and other processes' writes
// within its Every period (one read of the head by _id per period, shared
// by every request).
package changelog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
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

// Model is what a Follower keeps in step: Reload reads every record,
// Refresh one (which may now be gone).
type Model interface {
	Reload(ctx context.Context) error
	Refresh(ctx context.Context, id string) error
}

// Follower keeps a Model in step with a Feed. The caller holds Lock while
// it calls Sync and reads the model, so a model needs no lock of its own.
type Follower struct {
	sync.Mutex
	feed *Feed
	// every is how often the feed's head is read.
	every time.Duration
	log   *slog.Logger

	loaded       bool
	seq          int64
	checked      time.Time
	missingSince time.Time

	// dirty holds this process's writes not yet applied; it has its own
	// lock so that a writer never waits on a reload.
	dirtyMu sync.Mutex
	dirty   map[string]bool
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
// the write, whether or not it succeeded. The next Sync here applies it;
// a failure to append is logged (other processes then see the change at
// their next reload), never returned, as the write itself is done.
func (f *Follower) Wrote(id string) {
	f.dirtyMu.Lock()
	f.dirty[id] = true
	f.dirtyMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := f.feed.Append(ctx, id); err != nil {
		if _, err = f.feed.Append(ctx, id); err != nil {
			f.log.Warn("change not announced to other processes", "feed", f.feed.name, "id", id, "err", err)
		}
	}
}

// Sync brings m up to date with this process's writes, and with the feed
// when it was last read more than every ago. The caller holds f's lock.
// It reports whether m changed.
func (f *Follower) Sync(ctx context.Context, m Model) (changed bool, err error) {
	f.dirtyMu.Lock()
	dirty := f.dirty
	f.dirty = map[string]bool{}
	f.dirtyMu.Unlock()
	defer func() {
		if err != nil { // try again next time
			f.dirtyMu.Lock()
			for id := range dirty {
				f.dirty[id] = true
			}
			f.dirtyMu.Unlock()
		}
	}()
	if !f.loaded || dirty[All] {
		return true, f.reload(ctx, m)
	}
	for id := range dirty {
		if err := m.Refresh(ctx, id); err != nil {
			return true, err
		}
		changed = true
	}
	if time.Since(f.checked) < f.every {
		return changed, nil
	}
	head, err := f.feed.Head(ctx)
	if err != nil {
		return changed, err
	}
	f.checked = time.Now()
	if head-f.seq > maxGap || head < f.seq {
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
				return true, f.reload(ctx, m)
			}
			f.checked = time.Time{} // look again at the next call
			return changed, nil
		}
		f.missingSince = time.Time{}
		if id == All {
			return true, f.reload(ctx, m)
		}
		if err := m.Refresh(ctx, id); err != nil {
			return changed, err
		}
		f.seq++
		changed = true
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
	if err := m.Reload(ctx); err != nil {
		return err
	}
	f.loaded, f.seq, f.checked, f.missingSince = true, head, time.Now(), time.Time{}
	return nil
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
