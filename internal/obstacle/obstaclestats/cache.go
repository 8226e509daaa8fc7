package obstaclestats

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/changelog"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The figures are public and add up every obstacle, so they are served
// from a read model in memory: one projected row per obstacle, loaded once
// and then followed write by write (obstacle.Store.Changes, on
// internal/changelog), and the figures computed from it once per change
// (or per day, see Figures).
//
// Consistency: this process's own writes to obstacles and the calendar
// (the store tells Changes of every one) are in the next Figures answer.
// Other processes' writes are seen within MaxAge: the changelog's head is
// read by _id every half of it (by Start's loop, so that requests read
// only memory), and only the obstacles written since are read again, each
// by _id. The registered capital of held-up projects comes from the
// projects' read model (CapitalSource) and follows its writes; without
// one it is read from the collection again when the projects' revision
// counter in meta moves (where something keeps one) and at least every
// capitalMaxAge.
const (
	// MaxAge bounds how late Figures shows another process's write.
	MaxAge = 2 * obstacle.ChangesEvery
	// capitalMaxAge bounds how old the registered capital may be where no
	// revision counter tells of project writes (on MongoDB).
	capitalMaxAge = time.Minute
	// timeout bounds one catch-up or load, which runs on its own context
	// so that one impatient caller does not fail the next ones.
	timeout = 2 * time.Minute
	// A projects' revision counter, read when there is no CapitalSource.
	projectsRevCollection = "meta"
	projectsRevID         = "projects_rev"
)

// CapitalSource gives the registered capital of projects from memory
// (project.Store's read model does). When Options.Projects is set, the
// capital figures come from it and follow every project write at once;
// otherwise they are read from the projects collection (see syncCapital).
type CapitalSource interface {
	// Registered returns the registered capital of the projects named
	// that exist.
	Registered(ctx context.Context, codes map[string]bool) (map[string]money.Amount, error)
	// CapitalGeneration moves whenever a project changes.
	CapitalGeneration(ctx context.Context) (int64, error)
}

// Options configure a Cache.
type Options struct {
	// Projects gives the registered capital; nil reads the projects
	// collection.
	Projects CapitalSource
	// Logger records failures of the background loop; nil discards them.
	Logger *slog.Logger
}

// Cache serves the figures of one obstacle store. A store has one Cache:
// it follows the store's Changes.
type Cache struct{ m *model }

// model is the read model behind Cache. The fields below follow's lock
// guard it: rows, cal, the capital read from the collection and cur. ver
// and pub are read without it.
type model struct {
	follow    *changelog.Follower
	store     *obstacle.Store
	db        *mongo.Database
	obstacles *mongo.Collection
	projects  *mongo.Collection
	src       CapitalSource
	log       *slog.Logger
	// rows holds every obstacle's figures by id; cal is the calendar they
	// were loaded with.
	rows map[string]row
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
	cur *entry
	pub atomic.Pointer[entry]
}

type entry struct {
	version int64
	// capGen is the CapitalSource's generation the capital was read at.
	capGen int64
	// day is the day the figures are for: they change with the day (due
	// soon, overdue, the months), never within it.
	day time.Time
	// base is the figures without the capital, and held the projects
	// held up, so that a project write only sums the capital again.
	base Figures
	held heldProjects
	st   Figures
}

// New returns the figures of store, whose collections are in db; call it
// once per store, as it takes the store's Changes and OnWrite. The
// store's writes are applied as they are made once the figures were
// computed.
func New(db *mongo.Database, store *obstacle.Store, opts Options) *Cache {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	m := &model{follow: store.Changes(), store: store, db: db, src: opts.Projects, log: opts.Logger,
		obstacles: db.Collection(obstacle.CollObstacles), projects: db.Collection(obstacle.CollProjects)}
	store.OnWrite(m.applyOwn)
	return &Cache{m: m}
}

// applyOwn applies this process's write before the writer returns (one
// read by _id), so that the next Figures reads only memory.
func (m *model) applyOwn() {
	if m.pub.Load() != nil {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		m.follow.TrySyncOwn(ctx, m)
	}
}

// Start loads the figures' read model in the background and then follows
// other processes' writes every MaxAge/2, computing the figures ahead of
// the requests, until ctx ends or stop is called (which waits for the
// loop to end). While it runs, Figures reads only memory (this process's
// own writes are applied by the writer). Without Start, Figures catches
// up itself, at most every MaxAge/2.
func (c *Cache) Start(ctx context.Context) (stop func()) {
	m := c.m
	return m.follow.Start(ctx, m, func(bool) {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		m.follow.Lock()
		defer m.follow.Unlock()
		if m.src == nil {
			if err := m.syncCapital(cctx); err != nil {
				m.log.Warn("obstacle figures: project capital", "err", err)
				return
			}
		}
		if _, err := m.compute(cctx, time.Now()); err != nil {
			m.log.Warn("obstacle figures", "err", err)
		}
	})
}

// Figures returns the dashboard figures at now (see above for how fresh).
// At steady state it reads nothing: the figures are computed again only
// after a write or when now is on another day than the last answer, and
// while Start's loop runs they are read without a lock.
func (c *Cache) Figures(ctx context.Context, now time.Time) (Figures, error) {
	m := c.m
	if e := m.fresh(ctx, holidays.StartOfDay(now)); e != nil {
		return e.st.clone(), nil
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	done := make(chan struct{})
	var st Figures
	var err error
	go func() {
		defer close(done)
		st, err = m.figures(cctx, now)
	}()
	select {
	case <-done:
		return st, err
	case <-ctx.Done():
		return Figures{}, apperr.Internal(ctx.Err())
	}
}

// fresh returns the published figures when they hold every write this
// process knows of, for day: a loop follows the others' writes, none of
// this process's is pending, and the capital is that of the projects now.
func (m *model) fresh(ctx context.Context, day time.Time) *entry {
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

func (m *model) figures(ctx context.Context, now time.Time) (Figures, error) {
	if _, err := m.follow.CatchUp(ctx, m); err != nil {
		return Figures{}, apperr.Internal(err)
	}
	m.follow.Lock()
	defer m.follow.Unlock()
	if m.src == nil && !m.follow.Following() {
		if err := m.syncCapital(ctx); err != nil {
			return Figures{}, err
		}
	}
	e, err := m.compute(ctx, now)
	if err != nil {
		return Figures{}, err
	}
	return e.st.clone(), nil
}

// compute returns the figures at now, from the last ones when nothing
// they depend on moved; the caller holds follow's lock. The figures are
// published for the lock-free readers.
func (m *model) compute(ctx context.Context, now time.Time) (*entry, error) {
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
	n := &entry{version: version, capGen: capGen, day: day}
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
func (m *model) capitalOf(ctx context.Context, held map[string]bool) (map[string]money.Amount, error) {
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

// rowProjection is the fields a row reads.
var rowProjection = func() bson.M {
	proj := bson.M{}
	for _, k := range []string{"status", "category", "leadAgency", "projectCode", "deadline", "pausedSince", "pausedDays", "escalationLevel", "resolvedAt", "createdAt"} {
		proj[k] = 1
	}
	return proj
}()

// Load reads every obstacle's row and the calendar (changelog.Model).
func (m *model) Load(ctx context.Context) (func(), error) {
	cal, err := m.store.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := m.obstacles.Find(ctx, bson.M{}, options.Find().SetProjection(rowProjection).SetBatchSize(1000))
	if err != nil {
		return nil, apperr.Internal(err)
	}
	defer cur.Close(ctx)
	rows := map[string]row{}
	for cur.Next(ctx) {
		var r row
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
func (m *model) Fetch(ctx context.Context, id string) (func(), error) {
	var r row
	err := m.obstacles.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(rowProjection)).Decode(&r)
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
func (m *model) syncCapital(ctx context.Context) error {
	if m.capital == nil {
		return m.reloadCapital(ctx, 0)
	}
	if time.Since(m.capAt) < MaxAge/2 {
		return nil
	}
	var doc struct {
		Rev int64 `bson:"rev"`
	}
	err := m.db.Collection(projectsRevCollection).FindOne(ctx, bson.M{"_id": projectsRevID}).Decode(&doc)
	if err != nil && !mongodb.IsNoDocuments(err) {
		return apperr.Internal(err)
	}
	noCounter := mongodb.IsNoDocuments(err) || !mongodb.FeaturesOf(m.db).Embedded
	if doc.Rev != m.capRev || (noCounter && time.Since(m.capAt) > capitalMaxAge) {
		return m.reloadCapital(ctx, doc.Rev)
	}
	m.capAt = time.Now()
	return nil
}

func (m *model) reloadCapital(ctx context.Context, rev int64) error {
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
func (m *model) loadCapital(ctx context.Context, codes map[string]bool) error {
	got, err := m.projectCapital(ctx, codes)
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
func (st Figures) clone() Figures {
	c := st
	c.ByStatus = maps.Clone(st.ByStatus)
	c.OpenByCategory = maps.Clone(st.OpenByCategory)
	c.OpenByAgency = maps.Clone(st.OpenByAgency)
	c.ByMonth = slices.Clone(st.ByMonth)
	c.CapitalByCategory = slices.Clone(st.CapitalByCategory)
	c.CapitalByAgency = slices.Clone(st.CapitalByAgency)
	return c
}
