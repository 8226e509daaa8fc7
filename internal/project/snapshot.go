package project

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/khanhhoa/investportal/internal/fold"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"golang.org/x/sync/singleflight"
)

// Lists and figures are served from a snapshot of all projects in memory:
// List, Stats, Exists, Watch, Scan and the search indexer's pending list
// filter, sort and add up in Go. See embedded for where the snapshot is
// kept between requests.

// embedded reports whether the store works around the embedded FerretDB:
// the one place the project store asks mongodb.FeaturesOf. There, and only
// there:
//
//   - The snapshot is kept between requests, checked against a revision
//     counter in the meta collection on every read, and every write bumps
//     that counter, so each of several portal processes sees the others'
//     writes on its next request. FerretDB answers every count, sort or
//     $group by decoding each document (about 0.3 s for the 735 demo
//     projects). On MongoDB every read loads the projects afresh, with no
//     counter; MongoDB itself would answer a list with find, sort, skip,
//     limit and countDocuments and the figures with one $group of several
//     accumulators (issue 11 replaces both with incremental read models).
//   - The search indexer's marks are kept apart from the projects (see
//     index.go): FerretDB rewrites a whole project document, history
//     included, for every update (about 15 to 50 ms each, 20 s to mark all
//     735 demo projects), so marking each project indexed would cost more
//     than indexing it. On MongoDB the marks are the record's needsIndex,
//     set by every write and cleared in one bulk write.
//
// MongoDB stays the truth; a snapshot is only a copy.
func (s *Store) embedded() bool { return mongodb.FeaturesOf(s.c.Database()).Embedded }

// revCollection and revID locate the revision counter.
const (
	revCollection = "meta"
	revID         = "projects_rev"
	// snapshotMaxAge forces a reload even without a new revision, in case a
	// process died between a write and its revision bump.
	snapshotMaxAge = 5 * time.Minute
)

type snapshot struct {
	rev      int64
	loadedAt time.Time
	items    []Project // sorted by code
	folded   []string  // folded searchable text of items[i]
	stats    Stats
}

// snapshots holds the current snapshot and coalesces concurrent reloads.
type snapshots struct {
	mu   sync.Mutex
	cur  *snapshot
	load singleflight.Group
}

func (s *Store) revision(ctx context.Context) (int64, error) {
	var doc struct {
		Rev int64 `bson:"rev"`
	}
	err := s.meta.FindOne(ctx, bson.D{{Key: "_id", Value: revID}}).Decode(&doc)
	if err == mongo.ErrNoDocuments {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read projects revision: %w", err)
	}
	return doc.Rev, nil
}

// bumpRevision tells every process that projects changed.
func (s *Store) bumpRevision(ctx context.Context) error {
	s.dropSnapshot()
	// The embedded database loses concurrent increments (see
	// mongodb.LockDocument); a lost one could hide a write from a process
	// that loaded between two of them.
	unlock := mongodb.LockDocument(s.meta, revID)
	defer unlock()
	inc := func() error {
		_, err := s.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: revID}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "rev", Value: int64(1)}}}},
			options.Update().SetUpsert(true))
		return err
	}
	err := inc()
	if mongodb.IsDuplicateKey(err) {
		// Two first writes raced to create the counter and the other one
		// won: it exists now, so the same upsert is a plain increment.
		err = inc()
	}
	if err != nil {
		return fmt.Errorf("bump projects revision: %w", err)
	}
	return nil
}

// dropSnapshot makes this process's next read load a fresh snapshot.
func (s *Store) dropSnapshot() {
	s.snaps.mu.Lock()
	s.snaps.cur = nil
	s.snaps.mu.Unlock()
}

// written follows a project write that MongoDB has stored. The write is
// done whatever happens here, so a failed revision bump is no failure of
// the request: answering 500 would make the editor retry a change that is
// already in (and get a conflict or "code taken"). The bump only tells
// other processes to reload; it is retried once on a fresh short context
// (the request's may be what ran out) and otherwise logged. This process
// shows the write at once, as its snapshot is dropped first; other
// processes show it at their next reload, which snapshotMaxAge forces
// within five minutes, or sooner at anyone's next successful bump.
func (s *Store) written(ctx context.Context, code string) {
	if !s.embedded() {
		return
	}
	err := s.bumpRevision(ctx)
	if err == nil {
		return
	}
	retry, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err = s.bumpRevision(retry); err != nil {
		s.logger().Warn("project stored but other processes not told; they reload within the snapshot age",
			"project", code, "err", err, "max_age", snapshotMaxAge)
	}
}

// SetLogger sets where the store reports what it handles without failing
// a request (a write stored but not announced); slog.Default() if unset.
func (s *Store) SetLogger(l *slog.Logger) { s.log = l }

func (s *Store) logger() *slog.Logger {
	if s.log == nil {
		return slog.Default()
	}
	return s.log
}

// snapshot returns a snapshot no older than the stored revision, or on
// MongoDB a fresh one (see embedded).
func (s *Store) snapshot(ctx context.Context) (*snapshot, error) {
	if !s.embedded() {
		return s.loadSnapshot(ctx, 0)
	}
	rev, err := s.revision(ctx)
	if err != nil {
		return nil, err
	}
	s.snaps.mu.Lock()
	cur := s.snaps.cur
	s.snaps.mu.Unlock()
	if cur != nil && cur.rev == rev && time.Since(cur.loadedAt) < snapshotMaxAge {
		return cur, nil
	}
	v, err, _ := s.snaps.load.Do(fmt.Sprint(rev), func() (any, error) {
		snap, err := s.loadSnapshot(ctx, rev)
		if err != nil {
			return nil, err
		}
		s.snaps.mu.Lock()
		if s.snaps.cur == nil || s.snaps.cur.rev <= rev {
			s.snaps.cur = snap
		}
		s.snaps.mu.Unlock()
		return snap, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*snapshot), nil
}

func (s *Store) loadSnapshot(ctx context.Context, rev int64) (*snapshot, error) {
	cur, err := s.c.Find(ctx, bson.D{}, options.Find().SetBatchSize(1000).
		SetProjection(s.rec.NoHistory()))
	if err != nil {
		return nil, fmt.Errorf("load projects: %w", err)
	}
	var items []Project
	if err := cur.All(ctx, &items); err != nil {
		return nil, fmt.Errorf("load projects: %w", err)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Code < items[j].Code })
	snap := &snapshot{rev: rev, loadedAt: time.Now(), items: items, folded: make([]string, len(items))}
	for i := range items {
		p := &items[i]
		snap.folded[i] = fold.String(strings.Join([]string{p.Code, p.Name.VI, p.Name.EN, p.Investor.Name}, " \x00 "))
	}
	snap.stats = computeStats(items)
	return snap, nil
}

// List returns one page of projects matching f, which must be validated.
func (s *Store) List(ctx context.Context, f Filter) (Page[Project], error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return Page[Project]{}, err
	}
	q := fold.String(f.Query)
	matched := make([]*Project, 0, len(snap.items))
	for i := range snap.items {
		p := &snap.items[i]
		if f.matches(p) && (q == "" || strings.Contains(snap.folded[i], q)) {
			matched = append(matched, p)
		}
	}
	sort.SliceStable(matched, f.less(matched))
	page := Page[Project]{Items: []Project{}, Total: int64(len(matched)), Page: f.Page, PerPage: f.PerPage}
	from := (f.Page - 1) * f.PerPage
	for i := from; i < len(matched) && i < from+f.PerPage; i++ {
		p := *matched[i]
		p.StageHistory = append([]StageDate(nil), p.StageHistory...)
		page.Items = append(page.Items, p)
	}
	return page, nil
}

// Stats returns the pipeline figures.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return Stats{}, err
	}
	return snap.stats, nil
}

func (f Filter) matches(p *Project) bool {
	switch {
	case f.Kind != "" && p.Kind != f.Kind,
		f.Sector != "" && p.Sector != f.Sector,
		f.Location != "" && p.Location != f.Location,
		f.Stage != "" && p.Stage != f.Stage,
		f.CapitalMin != nil && p.CapitalVND < *f.CapitalMin,
		f.CapitalMax != nil && p.CapitalVND > *f.CapitalMax:
		return false
	}
	return true
}

// less orders by the filter's sort, the code breaking ties (the slice
// starts in code order and the sort is stable).
func (f Filter) less(ps []*Project) func(i, j int) bool {
	switch f.Sort {
	case "name":
		return func(i, j int) bool { return fold.String(ps[i].Name.VI) < fold.String(ps[j].Name.VI) }
	case "capital_desc":
		return func(i, j int) bool { return ps[i].CapitalVND > ps[j].CapitalVND }
	case "capital_asc":
		return func(i, j int) bool { return ps[i].CapitalVND < ps[j].CapitalVND }
	case "licensed_desc":
		return func(i, j int) bool { return ps[i].LicensedYear > ps[j].LicensedYear }
	case "licensed_asc":
		return func(i, j int) bool { return ps[i].LicensedYear < ps[j].LicensedYear }
	default:
		return func(i, j int) bool { return false }
	}
}

// Exists reports whether a project with the code is stored, from the
// revision-checked snapshot (one lookup by _id instead of a scan).
func (s *Store) Exists(ctx context.Context, code string) (bool, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return false, err
	}
	i := sort.Search(len(snap.items), func(i int) bool { return snap.items[i].Code >= code })
	return i < len(snap.items) && snap.items[i].Code == code, nil
}
