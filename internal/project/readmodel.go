package project

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/khanhhoa/investportal/internal/fold"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/place"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The read model. Lists, figures, details, the progress watch and the
// search indexer's view are served from every project (without history)
// held in memory, on MongoDB and on the embedded FerretDB alike.
//
// Consistency contract (also in the README):
//   - A process sees its own writes at once: a write that MongoDB stored is
//     applied to the model before the call returns (O(1) for a change,
//     O(log n) to find it; figures are adjusted, not recomputed).
//   - Another process sees them within about 1 s: every write also appends
//     {seq, code, _id, version, writer} to ChangeCollection, and a loop
//     (Start) reads the entries after its cursor every PollInterval and
//     re-reads only the projects they name, by _id. A request never waits
//     on the database for this.
//   - A process that died between its project write and its change entry
//     leaves that write unannounced until the other processes restart.
//
// Sequence numbers are the last stored one plus one, inserted under the
// unique _id: a concurrent writer that took the same number gets a
// duplicate key and takes the next. Entry n+1 can only be written once n is
// visible, so a reader never sees a gap that a slower writer fills later.
// Entries covered by the checkpoint (see checkpoint.go) and older than
// pruneAge are deleted, always keeping the newest.

// ChangeCollection is the append-only log of project writes.
const ChangeCollection = "project_changes"

const (
	// PollInterval is how often Start's loop reads the change log.
	PollInterval = 500 * time.Millisecond
	// reloadAll in a change entry makes readers reload every project (an
	// import or a seed wrote many at once).
	reloadAll = "*"
	pruneAge  = 2 * time.Minute
	// unknownOutcome prefixes the writer of an entry for a write whose
	// outcome this process does not know (it timed out): the writer
	// re-reads it too.
	unknownOutcome = "?"
	pollBatch      = 2000
)

type changeEntry struct {
	Seq     int64     `bson:"_id"`
	Code    string    `bson:"code"`
	ID      any       `bson:"id,omitempty"`
	Version int64     `bson:"v,omitempty"`
	Writer  string    `bson:"w"`
	At      time.Time `bson:"at"`
}

// entry is one project in the model with its precomputed sort and search
// keys. The project is never changed in place; a write replaces it.
type entry struct {
	p       *Project
	folded  string // code, names and investor, folded, for the text filter
	nameKey string // the folded Vietnamese name, for sort=name
	// The filtered fields, inline so that a list scans the entries without
	// following each pointer: codes are positions in Kinds, Stages,
	// Sectors and place.Locations plus one (0 for a value not in the list).
	capital                       int64
	kind, stage, sector, location uint8
}

func newEntry(p *Project) entry {
	return entry{p: p,
		folded:   fold.String(strings.Join([]string{p.Code, p.Name.VI, p.Name.EN, p.Investor.Name, place.Names(p.Location, p.Unit)}, " \x00 ")),
		nameKey:  fold.String(p.Name.VI),
		capital:  p.CapitalVND,
		kind:     position(Kinds, p.Kind),
		stage:    position(Stages, p.Stage),
		sector:   position(Sectors, p.Sector),
		location: position(place.Locations, p.Location),
	}
}

// position returns where v is in list, plus one; 0 if it is not there.
func position[T comparable](list []T, v T) uint8 {
	for i, x := range list {
		if x == v {
			return uint8(i + 1)
		}
	}
	return 0
}

// readModel is the projects in memory. Readers hold mu for reading while
// they scan; a write holds it for the few steps of a replacement.
type readModel struct {
	mu     sync.RWMutex
	items  []entry // by code
	agg    aggregates
	stats  *Stats // cached figures; nil after a change
	gen    int64  // moves on every change
	seq    int64  // the change log is applied up to here
	loaded bool
}

// find returns the index of code in items, or where it would go.
func (m *readModel) find(code string) (int, bool) {
	i := sort.Search(len(m.items), func(i int) bool { return m.items[i].p.Code >= code })
	return i, i < len(m.items) && m.items[i].p.Code == code
}

// put stores p unless the model holds a newer version of it; m.mu must be
// held for writing.
func (m *readModel) put(p *Project) {
	i, ok := m.find(p.Code)
	if ok {
		old := m.items[i].p
		if old.Version > p.Version {
			return
		}
		m.agg.add(old, -1)
		m.items[i] = newEntry(p)
	} else {
		m.items = append(m.items, entry{})
		copy(m.items[i+1:], m.items[i:])
		m.items[i] = newEntry(p)
	}
	m.agg.add(p, 1)
	m.stats = nil
	m.gen++
}

// putAll stores ps as put would, one by one, but adds the codes the model
// does not hold in one merge instead of one slice shift each (a bulk
// insert of n projects would otherwise cost O(n²)); m.mu must be held for
// writing.
func (m *readModel) putAll(ps []*Project) {
	var fresh []entry
	for _, p := range ps {
		if _, ok := m.find(p.Code); ok {
			m.put(p)
		} else {
			fresh = append(fresh, newEntry(p))
		}
	}
	if len(fresh) == 0 {
		return
	}
	sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].p.Code < fresh[j].p.Code })
	items := make([]entry, 0, len(m.items)+len(fresh))
	i := 0
	for j, e := range fresh {
		if j > 0 && fresh[j-1].p.Code == e.p.Code {
			// The same code twice in ps: the later one, as put would keep.
			if last := &items[len(items)-1]; last.p.Version <= e.p.Version {
				m.agg.add(last.p, -1)
				*last = e
				m.agg.add(e.p, 1)
			}
			continue
		}
		for i < len(m.items) && m.items[i].p.Code < e.p.Code {
			items = append(items, m.items[i])
			i++
		}
		items = append(items, e)
		m.agg.add(e.p, 1)
	}
	m.items = append(items, m.items[i:]...)
	m.stats = nil
	m.gen++
}

// remove drops code; m.mu must be held for writing.
func (m *readModel) remove(code string) {
	i, ok := m.find(code)
	if !ok {
		return
	}
	m.agg.add(m.items[i].p, -1)
	m.items = append(m.items[:i], m.items[i+1:]...)
	m.stats = nil
	m.gen++
}

// replaceAll swaps in a freshly loaded set of projects (sorted by code)
// applied up to seq.
func (m *readModel) replaceAll(ps []*Project, seq int64) {
	items := make([]entry, len(ps))
	var agg aggregates
	for i, p := range ps {
		items[i] = newEntry(p)
		agg.add(p, 1)
	}
	m.mu.Lock()
	m.items, m.agg, m.stats, m.seq, m.loaded = items, agg, nil, seq, true
	m.gen++
	m.mu.Unlock()
}

// get returns the stored project with the code from the model.
func (m *readModel) get(code string) (*Project, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.find(code)
	if !ok {
		return nil, false
	}
	return m.items[i].p, true
}

// figures returns the cached figures, rolling them up after a change.
func (m *readModel) figures() Stats {
	m.mu.RLock()
	st := m.stats
	m.mu.RUnlock()
	if st != nil {
		return *st
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stats == nil {
		s := m.agg.stats()
		m.stats = &s
	}
	return *m.stats
}

// follower is the store's side of the read model: loading, following the
// change log and announcing this process's writes.
type follower struct {
	m      readModel
	writer string // this store's id in the change log
	// loadSem admits one load at a time; waiters give up with their ctx.
	loadSem chan struct{}
	// pollSem admits one poll at a time.
	pollSem chan struct{}
	// logMu serializes this process's appends, so they only race other
	// processes for a sequence number.
	logMu sync.Mutex
	// lastAppended is the sequence number this process last appended (0:
	// not known), guarded by logMu: the next append tries the number after
	// it and reads the log's head only when another process took it, since
	// on the embedded database reading the head sorts the whole log.
	lastAppended int64
	following    atomic.Bool  // Start's loop is running
	lastPoll     atomic.Int64 // unix nanoseconds
	lastPrune    time.Time
	ready        chan struct{}
	readyOnce    sync.Once
}

func newFollower() follower {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return follower{writer: hex.EncodeToString(b), loadSem: make(chan struct{}, 1),
		pollSem: make(chan struct{}, 1), ready: make(chan struct{})}
}

func (s *Store) changes() *mongo.Collection { return s.c.Database().Collection(ChangeCollection) }

// Ready reports whether the read model is loaded, for /readyz.
func (s *Store) Ready() bool {
	select {
	case <-s.f.ready:
		return true
	default:
		return false
	}
}

// Start loads the read model in the background (Ready turns true when it
// is in) and then follows other processes' writes every PollInterval
// until ctx ends or stop is called (which waits for the loop to end).
// Without Start, the first read loads the model and reads catch up with
// the change log themselves, at most every PollInterval.
func (s *Store) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var maintaining sync.Mutex
	s.f.following.Store(true)
	go func() {
		defer close(done)
		defer s.f.following.Store(false)
		for ctx.Err() == nil {
			err := s.ensureLoaded(ctx)
			if err == nil {
				break
			}
			s.logger().Warn("load projects read model; retrying", "err", err)
			sleep(ctx, 2*time.Second)
		}
		t := time.NewTicker(PollInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			pctx, cancel := context.WithTimeout(ctx, time.Minute)
			if err := s.poll(pctx); err != nil && ctx.Err() == nil {
				s.logger().Warn("follow project changes", "err", err)
			}
			cancel()
			// Checkpoints take seconds at scale: apart, so polls go on.
			if time.Since(s.f.lastPrune) >= checkpointEvery && maintaining.TryLock() {
				s.f.lastPrune = time.Now()
				go func() {
					defer maintaining.Unlock()
					mctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
					defer cancel()
					s.maintain(mctx)
				}()
			}
		}
	}()
	var stopped sync.Once
	return func() {
		stopped.Do(func() {
			cancel()
			<-done
			// Wait for a checkpoint being written: taking the lock is the
			// wait, and it stays taken so that none starts after the stop.
			maintaining.Lock()
		})
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// model returns the loaded read model; a reader that finds it loaded
// never touches the database unless no loop follows the change log (see
// Start).
func (s *Store) model(ctx context.Context) (*readModel, error) {
	if err := s.ensureLoaded(ctx); err != nil {
		return nil, err
	}
	if !s.f.following.Load() && time.Since(time.Unix(0, s.f.lastPoll.Load())) >= PollInterval {
		if err := s.poll(ctx); err != nil {
			return nil, err
		}
	}
	return &s.f.m, nil
}

// readNumber returns what read takes from the current model, under its
// read lock.
func (s *Store) readNumber(ctx context.Context, read func(*readModel) int64) (int64, error) {
	m, err := s.model(ctx)
	if err != nil {
		return 0, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return read(m), nil
}

func (s *Store) ensureLoaded(ctx context.Context) error {
	if s.Ready() {
		return nil
	}
	select {
	case s.f.loadSem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("wait for the projects read model: %w", ctx.Err())
	}
	defer func() { <-s.f.loadSem }()
	if s.Ready() {
		return nil
	}
	start := time.Now()
	from, err := s.loadCheckpoint(ctx)
	if err != nil {
		s.logger().Warn("projects checkpoint unusable; loading every project", "err", err)
	}
	if from == "" {
		if err := s.loadAll(ctx); err != nil {
			return err
		}
		from = "database"
	}
	if err := s.poll(ctx); err != nil {
		return err
	}
	s.f.m.mu.RLock()
	n, seq := len(s.f.m.items), s.f.m.seq
	s.f.m.mu.RUnlock()
	s.logger().Info("projects read model loaded", "projects", n, "from", from, "seq", seq,
		"duration_ms", time.Since(start).Milliseconds())
	s.f.readyOnce.Do(func() { close(s.f.ready) })
	return nil
}

// lastSeq returns the newest sequence number in the change log (0 when
// empty).
func (s *Store) lastSeq(ctx context.Context) (int64, error) {
	var e changeEntry
	err := s.changes().FindOne(ctx, bson.D{}, options.FindOne().
		SetSort(bson.D{{Key: "_id", Value: -1}}).SetProjection(bson.D{{Key: "_id", Value: 1}})).Decode(&e)
	if mongodb.IsNoDocuments(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read project change log: %w", err)
	}
	return e.Seq, nil
}

// loadAll reads every project (without history) into the model. The
// change log's position is read first: every write it names was stored
// before, so the load sees it, and later ones are applied by poll.
func (s *Store) loadAll(ctx context.Context) error {
	seq, err := s.lastSeq(ctx)
	if err != nil {
		return err
	}
	cur, err := s.c.Find(ctx, bson.D{}, options.Find().SetBatchSize(2000).SetProjection(s.rec.NoHistory()))
	if err != nil {
		return fmt.Errorf("load projects: %w", err)
	}
	defer cur.Close(ctx)
	ps := []*Project{}
	for cur.Next(ctx) {
		p := new(Project)
		if err := cur.Decode(p); err != nil {
			return fmt.Errorf("load projects: %w", err)
		}
		ps = append(ps, p)
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("load projects: %w", err)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Code < ps[j].Code })
	s.f.m.replaceAll(ps, seq)
	return nil
}

// poll applies the change log after the model's cursor: it re-reads the
// projects other processes wrote, by _id, and reloads everything when an
// entry says so or the entries it needs were pruned.
func (s *Store) poll(ctx context.Context) error {
	select {
	case s.f.pollSem <- struct{}{}:
	default:
		return nil // a poll is under way; it applies what this one would
	}
	defer func() { <-s.f.pollSem }()
	for {
		s.f.m.mu.RLock()
		cursor := s.f.m.seq
		s.f.m.mu.RUnlock()
		cur, err := s.changes().Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: cursor}}}},
			options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(pollBatch))
		if err != nil {
			return fmt.Errorf("read project change log: %w", err)
		}
		var es []changeEntry
		if err := cur.All(ctx, &es); err != nil {
			return fmt.Errorf("read project change log: %w", err)
		}
		s.f.lastPoll.Store(time.Now().UnixNano())
		if len(es) == 0 {
			return nil
		}
		if err := s.applyChanges(ctx, cursor, es); err != nil {
			return err
		}
		if len(es) < pollBatch {
			return nil
		}
	}
}

func (s *Store) applyChanges(ctx context.Context, cursor int64, es []changeEntry) error {
	last := es[len(es)-1].Seq
	full := es[0].Seq != cursor+1 // pruned past this cursor
	var ids []any
	var codes []string
	seen := map[string]bool{}
	for _, e := range es {
		if e.Writer == s.f.writer {
			continue // this process applied its own writes already
		}
		if e.Code == reloadAll {
			full = true
		}
		if full || seen[e.Code] {
			continue
		}
		if p, ok := s.f.m.get(e.Code); ok && p.Version >= e.Version && e.Version > 0 {
			continue
		}
		seen[e.Code] = true
		codes = append(codes, e.Code)
		if e.ID != nil {
			ids = append(ids, e.ID)
		}
	}
	if full {
		return s.loadAll(ctx)
	}
	found, err := s.readChanged(ctx, codes, ids)
	if err != nil {
		return err
	}
	m := &s.f.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seq != cursor {
		return nil // a reload moved the cursor meanwhile; read again next time
	}
	for _, code := range codes {
		if p := found[code]; p != nil {
			m.put(p)
		} else {
			m.remove(code)
		}
	}
	m.seq = last
	return nil
}

// readChanged reads the named projects without history: by _id one at a
// time when there are few (the embedded FerretDB finds a document by _id
// equality without reading the others, but not by $in), else in one query.
func (s *Store) readChanged(ctx context.Context, codes []string, ids []any) (map[string]*Project, error) {
	found := map[string]*Project{}
	if len(codes) == 0 {
		return found, nil
	}
	if len(ids) == len(codes) && len(ids) <= 32 {
		for _, id := range ids {
			p := new(Project)
			err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(s.rec.NoHistory())).Decode(p)
			if mongodb.IsNoDocuments(err) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("read changed project: %w", err)
			}
			found[p.Code] = p
		}
		return found, nil
	}
	filter := bson.D{{Key: "code", Value: bson.D{{Key: "$in", Value: codes}}}}
	if len(ids) == len(codes) {
		filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}
	}
	cur, err := s.c.Find(ctx, filter, options.Find().SetProjection(s.rec.NoHistory()))
	if err != nil {
		return nil, fmt.Errorf("read changed projects: %w", err)
	}
	var ps []*Project
	if err := cur.All(ctx, &ps); err != nil {
		return nil, fmt.Errorf("read changed projects: %w", err)
	}
	for _, p := range ps {
		found[p.Code] = p
	}
	return found, nil
}

// applied puts a project this process stored into the model at once and
// announces it in the change log. The write is done whatever happens here,
// so a failed announcement is logged, not returned: answering 500 would
// make the editor retry a change already in. It is retried once on a fresh
// short context (the request's may be what ran out).
func (s *Store) applied(ctx context.Context, p *Project) {
	cp := *p
	cp.StageHistory = append([]StageDate(nil), p.StageHistory...)
	cp.Disbursements = append([]Disbursement(nil), p.Disbursements...)
	if len(cp.Disbursements) == 0 {
		cp.Disbursements = nil
	}
	s.f.m.mu.Lock()
	s.f.m.put(&cp)
	s.f.m.mu.Unlock()
	e := changeEntry{Code: p.Code, Version: p.Version, ID: p.ID}
	if p.ID.IsZero() {
		e.ID = nil
	}
	s.announce(ctx, e)
}

func (s *Store) announce(ctx context.Context, e changeEntry) {
	if e.Writer == unknownOutcome {
		// The request's context may be what ran out: a short one of its own.
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		ctx = c
	}
	err := s.appendChange(ctx, e)
	if err == nil {
		return
	}
	retry, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err = s.appendChange(retry, e); err != nil {
		s.logger().Warn("project stored but other processes not told; they see it after their restart",
			"project", e.Code, "err", err)
	}
}

// appendChange writes e to the change log under the next sequence number.
func (s *Store) appendChange(ctx context.Context, e changeEntry) error {
	s.f.logMu.Lock()
	defer s.f.logMu.Unlock()
	e.Writer, e.At = e.Writer+s.f.writer, time.Now().UTC()
	for range 100 {
		if s.f.lastAppended == 0 {
			last, err := s.lastSeq(ctx)
			if err != nil {
				return err
			}
			s.f.lastAppended = last
		}
		e.Seq = s.f.lastAppended + 1
		_, err := s.changes().InsertOne(ctx, e)
		if err == nil {
			s.f.lastAppended = e.Seq
			return nil
		}
		s.f.lastAppended = 0 // taken by another process, or unknown: read the head
		if !mongodb.IsDuplicateKey(err) {
			return fmt.Errorf("append project change: %w", err)
		}
	}
	return errors.New("append project change: no free sequence number after 100 tries")
}

// maintain writes a checkpoint now and then and prunes the change log
// entries it covers.
func (s *Store) maintain(ctx context.Context) {
	seq, err := s.saveCheckpointIfBehind(ctx)
	if err != nil {
		s.logger().Warn("save projects checkpoint", "err", err)
		return
	}
	if seq <= 0 {
		return
	}
	last, err := s.lastSeq(ctx)
	if err != nil {
		return
	}
	_, err = s.changes().DeleteMany(ctx, bson.D{
		{Key: "_id", Value: bson.D{{Key: "$lte", Value: seq}, {Key: "$lt", Value: last}}},
		{Key: "at", Value: bson.D{{Key: "$lt", Value: time.Now().Add(-pruneAge)}}},
	})
	if err != nil {
		s.logger().Warn("prune project change log", "err", err)
	}
}
