package obstacle

import (
	"context"
	"maps"
	"slices"
	"sync"
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
// changelog's head is read by _id at most every half of it, and only the
// obstacles written since are read again, each by _id. The registered
// capital of held-up projects is read again when the projects' revision
// counter moves (checked with the changelog) and at least every
// capitalMaxAge.
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
	// The projects' revision counter, bumped by every project write on the
	// embedded database (internal/project, snapshot.go).
	projectsRevCollection = "meta"
	projectsRevID         = "projects_rev"
)

// statsCache is the Store's read model, made at its first use.
type statsCache struct {
	once sync.Once
	m    *statsModel
}

// statsModel is the read model behind Stats. Its fields are guarded by
// follow's lock.
type statsModel struct {
	follow *changelog.Follower
	s      *Store
	// rows holds every obstacle's figures by id; cal is the calendar they
	// were loaded with.
	rows map[string]statsRow
	cal  *holidays.Calendar
	// version counts changes to rows and capital, for the figures cache.
	version int64

	// capital is the registered capital of held-up projects (by code);
	// gone lists codes asked for and not found.
	capital map[string]money.Amount
	gone    map[string]bool
	capRev  int64
	capAt   time.Time

	cur *statsEntry
}

type statsEntry struct {
	version int64
	// day is the day the figures are for: they change with the day (due
	// soon, overdue, the months), never within it.
	day time.Time
	st  Stats
}

func newStatsModel(s *Store) *statsModel {
	feed := changelog.NewFeed(s.db, feedObstacles)
	return &statsModel{s: s, follow: changelog.NewFollower(feed, StatsMaxAge/2, s.opts.Logger)}
}

// changed tells the figures of this write; every write calls it, after
// the write (whether or not it reported success), with the obstacle's id,
// or with none when anything may have changed (an import, the calendar).
func (s *Store) changed(ids ...string) {
	if len(ids) == 0 {
		ids = []string{changelog.All}
	}
	for _, id := range ids {
		s.statsModel().follow.Wrote(id)
	}
}

func (s *Store) statsModel() *statsModel {
	s.stats.once.Do(func() { s.stats.m = newStatsModel(s) })
	return s.stats.m
}

// Stats returns the dashboard figures at now (see above for how fresh).
// At steady state it reads nothing: the figures are computed again only
// after a write or when now is on another day than the last answer.
func (s *Store) Stats(ctx context.Context, now time.Time) (Stats, error) {
	m := s.statsModel()
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

func (m *statsModel) stats(ctx context.Context, now time.Time) (Stats, error) {
	m.follow.Lock()
	defer m.follow.Unlock()
	if _, err := m.follow.Sync(ctx, m); err != nil {
		return Stats{}, apperr.Internal(err)
	}
	if err := m.syncCapital(ctx); err != nil {
		return Stats{}, err
	}
	day := holidays.StartOfDay(now)
	if e := m.cur; e != nil && e.version == m.version && e.day.Equal(day) {
		return e.st.clone(), nil
	}
	st, held := addUp(maps.Values(m.rows), m.cal, now)
	missing := map[string]bool{}
	for code := range held.all {
		if _, ok := m.capital[code]; !ok && !m.gone[code] {
			missing[code] = true // held up for the first time
		}
	}
	if len(missing) > 0 {
		if err := m.loadCapital(ctx, missing); err != nil {
			return Stats{}, err
		}
	}
	held.sum(&st, m.capital)
	m.cur = &statsEntry{version: m.version, day: day, st: st}
	return st.clone(), nil
}

// rowProjection is the fields a statsRow reads.
var rowProjection = func() bson.M {
	proj := bson.M{}
	for _, k := range []string{"status", "category", "leadAgency", "projectCode", "deadline", "pausedSince", "pausedDays", "escalationLevel", "resolvedAt", "createdAt"} {
		proj[k] = 1
	}
	return proj
}()

// Reload reads every obstacle's row and the calendar (changelog.Model).
func (m *statsModel) Reload(ctx context.Context) error {
	cal, err := m.s.Calendar(ctx)
	if err != nil {
		return err
	}
	cur, err := m.s.obstacles.Find(ctx, bson.M{}, options.Find().SetProjection(rowProjection).SetBatchSize(1000))
	if err != nil {
		return apperr.Internal(err)
	}
	defer cur.Close(ctx)
	rows := map[string]statsRow{}
	for cur.Next(ctx) {
		var r statsRow
		if err := cur.Decode(&r); err != nil {
			return apperr.Internal(err)
		}
		rows[r.ID] = r
	}
	if err := cur.Err(); err != nil {
		return apperr.Internal(err)
	}
	m.rows, m.cal = rows, cal
	m.capital, m.gone, m.capAt = nil, nil, time.Time{} // read again for the rows
	m.version++
	return nil
}

// Refresh reads one obstacle's row again (changelog.Model).
func (m *statsModel) Refresh(ctx context.Context, id string) error {
	var r statsRow
	err := m.s.obstacles.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(rowProjection)).Decode(&r)
	switch {
	case mongodb.IsNoDocuments(err):
		delete(m.rows, id)
	case err != nil:
		return apperr.Internal(err)
	default:
		m.rows[id] = r
	}
	m.version++
	return nil
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
	m.version++
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
	m.version++
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
