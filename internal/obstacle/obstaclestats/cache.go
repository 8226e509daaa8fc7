package obstacle

import (
	"context"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/changelog"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The figures are public and add up every obstacle, so they are served
// from a read model in memory: one projected row per obstacle, loaded once
// and then followed write by write (internal/changelog), and the figures
// computed from it once per change (or per day, see Stats).
//
// Consistency: this process's own writes to obstacles and the calendar
// (every store method that writes calls changed) are in the next Stats
// answer. Other processes' writes are seen within StatsMaxAge: the
// changelog's head is read by _id every half of it (by Start's loop, so
// that requests read only memory), and only the obstacles written since
// are read again, each by _id. The registered capital of held-up projects
// comes from the projects' read model (CapitalSource) and follows its
// writes; without one it is read from the collection again when the
// projects' revision counter in meta moves (where something keeps one)
// and at least every capitalMaxAge.
const (
	// StatsMaxAge bounds how late Stats shows another process's write.
	StatsMaxAge = time.Second
	// capitalMaxAge bounds how old the registered capital may be where no
	// revision counter tells of project writes (on MongoDB).
	capitalMaxAge = time.Minute
	// statsTimeout bounds one catch-up or load, which runs on its own
	// context so that one impatient caller does not fail the next ones.
	statsTimeout = 2 * time.Minute
	// feedObstacles names the obstacles' changelog feed.
	feedObstacles = "obstacles"
	// A projects' revision counter, read when there is no CapitalSource.
	projectsRevCollection = "meta"
	projectsRevID         = "projects_rev"
)

// CapitalSource gives the registered capital of projects from memory
// (project.Store's read model does). When Options.Projects is one, the
// capital figures come from it and follow every project write at once;
// otherwise they are read from the projects collection (see syncCapital).
type CapitalSource interface {
	// Registered returns the registered capital of the projects named
	// that exist.
	Registered(ctx context.Context, codes map[string]bool) (map[string]money.Amount, error)
	// CapitalGeneration moves whenever a project changes.
	CapitalGeneration(ctx context.Context) (int64, error)
}

// statsCache is the Store's read model, made at its first use.
type statsCache struct {
	once sync.Once
	m    *statsModel
}

// statsModel is the read model behind Stats. The fields below follow's
// lock guard it: rows, cal, the capital read from the collection and cur.
// ver and pub are read without it.
type statsModel struct {
	follow *changelog.Follower
	s      *Store
	src    CapitalSource
	// rows holds every obstacle's figures by id; cal is the calendar they
	// were loaded with.
	rows map[string]statsRow
	cal  *holidays.Calendar
	// ver counts changes to rows and capital, for the figures cache.
	ver atomic.Int64

	// capital is the registered capital of held-up projects (by code)
	// when there is no CapitalSource; gone lists codes asked for and not
	// found.
	capital map[string]money.Amount
	gone    map[string]bool
	capRev  int64
	capAt   time.Time

	// cur is the last figures computed; pub the same, for the requests
	// that read it without the lock while a loop follows (see Start).
	cur *statsEntry
	pub atomic.Pointer[statsEntry]
}

type statsEntry struct {
	version int64
	// capGen is the CapitalSource's generation the capital was read at.
	capGen int64
	// day is the day the figures are for: they change with the day (due
	// soon, overdue, the months), never within it.
	day time.Time
	// base is the figures without the capital, and held the projects
	// held up, so that a project write only sums the capital again.
	base Stats
	held heldProjects
	st   Stats
}

func newStatsModel(s *Store) *statsModel {
	feed := changelog.NewFeed(s.db, feedObstacles)
	src, _ := s.opts.Projects.(CapitalSource)
	return &statsModel{s: s, src: src, follow: changelog.NewFollower(feed, StatsMaxAge/2, s.opts.Logger)}
}

// changed tells the figures of this write; every write calls it, after
// the write (whether or not it reported success), with the obstacle's id,
// or with none when anything may have changed (an import, the calendar).
// Once the figures are loaded, the write is applied before it returns
// (one read by _id), so that the next Stats reads only memory.
func (s *Store) changed(ids ...string) {
	if len(ids) == 0 {
		ids = []string{changelog.All}
	}
	m := s.statsModel()
	for _, id := range ids {
		m.follow.Wrote(id)
	}
	if m.pub.Load() != nil {
		ctx, cancel := context.WithTimeout(context.Background(), statsTimeout)
		defer cancel()
		m.follow.TrySyncOwn(ctx, m)
	}
}

func (s *Store) statsModel() *statsModel {
	s.stats.once.Do(func() { s.stats.m = newStatsModel(s) })
	return s.stats.m
}

// Start loads the figures' read model in the background and then follows
// other processes' writes every StatsMaxAge/2, computing the figures ahead
// of the requests, until ctx ends or stop is called (which waits for the
// loop to end). While it runs, Stats reads only memory (this process's
// own writes are applied by the writer). Without Start, Stats catches up
// itself, at most every StatsMaxAge/2.
func (s *Store) Start(ctx context.Context) (stop func()) {
	m := s.statsModel()
	return m.follow.Start(ctx, m, func(bool) {
		cctx, cancel := context.WithTimeout(ctx, statsTimeout)
		defer cancel()
		m.follow.Lock()
		defer m.follow.Unlock()
		if m.src == nil {
			if err := m.syncCapital(cctx); err != nil {
				s.opts.Logger.Warn("obstacle figures: project capital", "err", err)
				return
			}
		}
		if _, err := m.compute(cctx, time.Now()); err != nil {
			s.opts.Logger.Warn("obstacle figures", "err", err)
		}
	})
}

// Stats returns the dashboard figures at now (see above for how fresh).
// At steady state it reads nothing: the figures are computed again only
// after a write or when now is on another day than the last answer, and
// while Start's loop runs they are read without a lock.
func (s *Store) Stats(ctx context.Context, now time.Time) (Stats, error) {
	m := s.statsModel()
	if e := m.fresh(ctx, holidays.StartOfDay(now)); e != nil {
		return e.st.clone(), nil
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), statsTimeout)
	defer cancel()
	done := make(chan struct{})
	var st Stats
	var err error
	go func() {
		defer close(done)
		st, err = m.stats(cctx, now)
	}()
	select {
	case <-done:
		return st, err
	case <-ctx.Done():
		return Stats{}, apperr.Internal(ctx.Err())
	}
}

// fresh returns the published figures when they hold every write this
// process knows of, for day: a loop follows the others' writes, none of
// this process's is pending, and the capital is that of the projects now.
func (m *statsModel) fresh(ctx context.Context, day time.Time) *statsEntry {
	if !m.follow.Following() || m.follow.Pending() {
		return nil
	}
	e := m.pub.Load()
	if e == nil || e.version != m.ver.Load() || !e.day.Equal(day) {
		return nil
	}
	if m.src != nil {
		if g, err := m.src.CapitalGeneration(ctx); err != nil || g != e.capGen {
			return nil
		}
	}
	return e
}

func (m *statsModel) stats(ctx context.Context, now time.Time) (Stats, error) {
	var err error
	if m.follow.Following() {
		_, err = m.follow.SyncOwn(ctx, m)
	} else {
		_, err = m.follow.Sync(ctx, m)
	}
	if err != nil {
		return Stats{}, apperr.Internal(err)
	}
	m.follow.Lock()
	defer m.follow.Unlock()
	if m.src == nil && !m.follow.Following() {
		if err := m.syncCapital(ctx); err != nil {
			return Stats{}, err
		}
	}
	e, err := m.compute(ctx, now)
	if err != nil {
		return Stats{}, err
	}
	return e.st.clone(), nil
}

// compute returns the figures at now, from the last ones when nothing
// they depend on moved; the caller holds follow's lock. The figures are
// published for the lock-free readers.
func (m *statsModel) compute(ctx context.Context, now time.Time) (*statsEntry, error) {
	day := holidays.StartOfDay(now)
	var capGen int64
	if m.src != nil {
		g, err := m.src.CapitalGeneration(ctx)
		if err != nil {
			return nil, apperr.Internal(err)
		}
		capGen = g
	}
	version := m.ver.Load()
	e := m.cur
	if e != nil && e.version == version && e.day.Equal(day) && e.capGen == capGen {
		m.pub.Store(e)
		return e, nil
	}
	n := &statsEntry{version: version, capGen: capGen, day: day}
	if e != nil && e.version == version && e.day.Equal(day) {
		n.base, n.held = e.base, e.held // only the capital moved
	} else {
		n.base, n.held = addUp(maps.Values(m.rows), m.cal, now)
	}
	capital, err := m.capitalOf(ctx, n.held.all)
	if err != nil {
		return nil, err
	}
	if m.src == nil {
		n.version = m.ver.Load() // capitalOf may have read some
	}
	n.st = n.base // held.sum sets only the capital fields, in new slices
	n.held.sum(&n.st, capital)
	m.cur = n
	m.pub.Store(n)
	return n, nil
}

// capitalOf returns the registered capital of the held projects: from the
// CapitalSource, or from what was read of the collection, reading the
// projects held up for the first time.
func (m *statsModel) capitalOf(ctx context.Context, held map[string]bool) (map[string]money.Amount, error) {
	if m.src != nil {
		c, err := m.src.Registered(ctx, held)
		if err != nil {
			return nil, apperr.Internal(err)
		}
		return c, nil
	}
	if m.capital == nil {
		if err := m.reloadCapital(ctx, m.capRev); err != nil {
			return nil, err
		}
	}
	missing := map[string]bool{}
	for code := range held {
		if _, ok := m.capital[code]; !ok && !m.gone[code] {
			missing[code] = true // held up for the first time
		}
	}
	if len(missing) > 0 {
		if err := m.loadCapital(ctx, missing); err != nil {
			return nil, err
		}
	}
	return m.capital, nil
}

// rowProjection is the fields a statsRow reads.
var rowProjection = func() bson.M {
	proj := bson.M{}
	for _, k := range []string{"status", "category", "leadAgency", "projectCode", "deadline", "pausedSince", "pausedDays", "escalationLevel", "resolvedAt", "createdAt"} {
		proj[k] = 1
	}
	return proj
}()

// Load reads every obstacle's row and the calendar (changelog.Model).
func (m *statsModel) Load(ctx context.Context) (func(), error) {
	cal, err := m.s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := m.s.obstacles.Find(ctx, bson.M{}, options.Find().SetProjection(rowProjection).SetBatchSize(1000))
	if err != nil {
		return nil, apperr.Internal(err)
	}
	defer cur.Close(ctx)
	rows := map[string]statsRow{}
	for cur.Next(ctx) {
		var r statsRow
		if err := cur.Decode(&r); err != nil {
			return nil, apperr.Internal(err)
		}
		rows[r.ID] = r
	}
	if err := cur.Err(); err != nil {
		return nil, apperr.Internal(err)
	}
	return func() {
		m.rows, m.cal = rows, cal
		m.capital, m.gone, m.capAt = nil, nil, time.Time{} // read again for the rows
		m.ver.Add(1)
	}, nil
}

// Fetch reads one obstacle's row again (changelog.Model).
func (m *statsModel) Fetch(ctx context.Context, id string) (func(), error) {
	var r statsRow
	err := m.s.obstacles.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(rowProjection)).Decode(&r)
	switch {
	case mongodb.IsNoDocuments(err):
		return func() { delete(m.rows, id); m.ver.Add(1) }, nil
	case err != nil:
		return nil, apperr.Internal(err)
	}
	return func() { m.rows[id] = r; m.ver.Add(1) }, nil
}

// syncCapital reads the capital of every held-up project again when the
// projects' revision moved (checked as often as the changelog) or, where
// there is no revision counter, when it is older than capitalMaxAge.
func (m *statsModel) syncCapital(ctx context.Context) error {
	if m.capital == nil {
		return m.reloadCapital(ctx, 0)
	}
	if time.Since(m.capAt) < StatsMaxAge/2 {
		return nil
	}
	var doc struct {
		Rev int64 `bson:"rev"`
	}
	err := m.s.db.Collection(projectsRevCollection).FindOne(ctx, bson.M{"_id": projectsRevID}).Decode(&doc)
	if err != nil && !mongodb.IsNoDocuments(err) {
		return apperr.Internal(err)
	}
	noCounter := mongodb.IsNoDocuments(err) || !mongodb.FeaturesOf(m.s.db).Embedded
	if doc.Rev != m.capRev || (noCounter && time.Since(m.capAt) > capitalMaxAge) {
		return m.reloadCapital(ctx, doc.Rev)
	}
	m.capAt = time.Now()
	return nil
}

func (m *statsModel) reloadCapital(ctx context.Context, rev int64) error {
	held := map[string]bool{}
	for _, r := range m.rows {
		if r.ProjectCode != "" && r.Status.Open() {
			held[r.ProjectCode] = true
		}
	}
	m.capital, m.gone = map[string]money.Amount{}, map[string]bool{}
	if err := m.loadCapital(ctx, held); err != nil {
		m.capital = nil
		return err
	}
	m.capRev, m.capAt = rev, time.Now()
	m.ver.Add(1)
	return nil
}

// loadCapital reads the capital of the given projects into m.capital.
func (m *statsModel) loadCapital(ctx context.Context, codes map[string]bool) error {
	got, err := m.s.projectCapital(ctx, codes)
	if err != nil {
		return err
	}
	for c := range codes {
		if a, ok := got[c]; ok {
			m.capital[c] = a
		} else {
			m.gone[c] = true
		}
	}
	m.ver.Add(1)
	return nil
}

// clone copies the maps and slices, so a caller may change what it got.
func (st Stats) clone() Stats {
	c := st
	c.ByStatus = maps.Clone(st.ByStatus)
	c.OpenByCategory = maps.Clone(st.OpenByCategory)
	c.OpenByAgency = maps.Clone(st.OpenByAgency)
	c.ByMonth = slices.Clone(st.ByMonth)
	c.CapitalByCategory = slices.Clone(st.CapitalByCategory)
	c.CapitalByAgency = slices.Clone(st.CapitalByAgency)
	return c
}
