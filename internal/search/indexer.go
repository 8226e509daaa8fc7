package search

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The index is kept in step with MongoDB without transactions or change
// streams. Every write bumps a record's version; each record also carries
// the version the index last took in. The Indexer asks each Source for the
// records that are behind, upserts them, and only once the engine has
// confirmed records the version it indexed, which takes effect only while
// that version is still the stored one. A crash, an engine outage or a
// write racing the indexer leaves records pending, and the next pass (after
// a write's Notify, or every Interval) picks them up again.
//
// Several portal processes may share one Meilisearch index. A lease in
// MongoDB lets one indexer work at a time, so an older version read by one
// process can never overwrite a newer one another process indexed. The
// embedded Bleve index belongs to one process and suits one process only.

// Source is one kind of stored record the index is derived from.
type Source interface {
	// Type is the document type the source gives, TypeOpportunity or
	// TypeProject.
	Type() string
	// Pending returns up to limit documents whose index entry is behind.
	Pending(ctx context.Context, limit int) ([]Doc, error)
	// MarkIndexed records that the index holds docs at their Version.
	MarkIndexed(ctx context.Context, docs []Doc) error
	// CountPending counts the records the index is behind on.
	CountPending(ctx context.Context) (int64, error)
	// Count counts all records.
	Count(ctx context.Context) (int64, error)
	// MarkAll makes every record pending again and returns how many there
	// are.
	MarkAll(ctx context.Context) (int64, error)
	// Scan calls fn with every record's document, batch at a time.
	Scan(ctx context.Context, batch int, fn func([]Doc) error) error
}

// Notifier is implemented by an Engine that has an Indexer behind it (see
// Indexer.Engine): callers that wrote a record call Notify so the index
// catches up at once instead of at the next periodic pass.
type Notifier interface {
	Notify()
}

// IndexerOptions configures an Indexer. Zero values take the defaults.
type IndexerOptions struct {
	// Meta is the collection holding the lease and the progress record.
	Meta *mongo.Collection
	// Interval between periodic passes; default 30 s.
	Interval time.Duration
	// Batch is how many documents are upserted at once; default 500.
	Batch int
	// RebuildBatch is how many documents Rebuild, and the refill of an
	// empty index, upsert at once; default 5,000. An embedded index builds
	// much faster from few large batches than from many small ones.
	RebuildBatch int
	// LeaseTTL is how long a lease lasts without renewal; default 2 min.
	LeaseTTL time.Duration
	// LeaseHolder names who holds the lease. Processes that can never
	// index at the same time may share a name: an embedded index belongs
	// to the one process holding DATA_DIR's lock, so the portal names the
	// lease after the index's folder, and a process restarted after a
	// crash takes its lease back at once instead of waiting LeaseTTL with
	// an empty index. Empty: this process alone.
	LeaseHolder string
	Log         *slog.Logger
	// Now returns the current time; tests may fix it.
	Now func() time.Time
}

// Meta document ids.
const (
	indexerStatusID = "search_indexer"
	indexerLeaseID  = "search_indexer_lease"
)

// IndexerStatus is the progress record every indexer updates in MongoDB
// after each pass, so any process (and an administrator) can see the lag.
type IndexerStatus struct {
	Engine string `json:"engine" bson:"engine"`
	// Holder names the process that ran the last pass.
	Holder    string    `json:"holder" bson:"holder"`
	LastRunAt time.Time `json:"lastRunAt" bson:"lastRunAt"`
	// LastSuccessAt is the end of the last pass that left nothing pending.
	LastSuccessAt time.Time `json:"lastSuccessAt" bson:"lastSuccessAt"`
	// LastError is the error of the last pass, empty when it succeeded.
	LastError string `json:"lastError,omitempty" bson:"lastError"`
	// Indexed is how many documents the last pass indexed.
	Indexed int64 `json:"indexed" bson:"indexed"`
	// Pending is how many records were still behind after the last pass.
	Pending int64 `json:"pending" bson:"pending"`
}

// Pass is the outcome of one catch-up pass.
type Pass struct {
	// Indexed is how many documents were upserted and confirmed.
	Indexed int
	// Pending is how many records are still behind (0 after a full pass).
	Pending int64
	// Skipped is true when another process held the lease.
	Skipped bool
}

// ErrLeaseHeld reports that another process is indexing.
var ErrLeaseHeld = errors.New("search: another process holds the indexing lease")

// Indexer keeps an Engine in step with its Sources. Its methods are safe
// for concurrent use; passes run one at a time.
type Indexer struct {
	engine  Engine
	sources []Source
	meta    *mongo.Collection
	opts    IndexerOptions
	holder  string // this process, in the progress record
	lease   string // the lease's holder (IndexerOptions.LeaseHolder)
	log     *slog.Logger
	wake    chan struct{}
	mu      sync.Mutex // one pass at a time
	// ready is set once the engine's index and settings are in place; a
	// search engine that was down at start is set up by the first pass
	// that finds it up.
	ready bool
	// rebuilding is set while the index is being filled from nothing
	// (Rebuild, or the refill of an empty index): searches may miss
	// documents, and say so (Result.Rebuilding).
	rebuilding atomic.Bool
	// checked is set once Run has looked whether the index is empty; until
	// then nobody knows whether searches miss documents.
	checked atomic.Bool
}

// Rebuilding reports whether the index is being filled from nothing, so
// that searches may miss documents.
func (ix *Indexer) Rebuilding() bool { return ix.rebuilding.Load() }

// Checked reports whether Run has looked whether the index is empty (and
// started refilling it if so), so that Rebuilding can be believed.
func (ix *Indexer) Checked() bool { return ix.checked.Load() }

// NewIndexer returns an indexer of engine fed by sources. Start it with
// Run; call Notify after each write.
func NewIndexer(engine Engine, opts IndexerOptions, sources ...Source) *Indexer {
	if opts.Interval <= 0 {
		opts.Interval = 30 * time.Second
	}
	if opts.Batch <= 0 {
		opts.Batch = 500
	}
	if opts.RebuildBatch <= 0 {
		opts.RebuildBatch = 5000
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = 2 * time.Minute
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	holder := fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	return &Indexer{
		engine: engine, sources: sources, meta: opts.Meta, opts: opts,
		holder: holder, lease: cmp.Or(opts.LeaseHolder, holder),
		log:  opts.Log.With("component", "indexer", "engine", engine.Name()),
		wake: make(chan struct{}, 1),
	}
}

// Notify asks for a pass as soon as possible; it never blocks.
func (ix *Indexer) Notify() {
	select {
	case ix.wake <- struct{}{}:
	default:
	}
}

// Engine returns the engine wrapped so that it also implements Notifier.
func (ix *Indexer) Engine() Engine { return notifying{Engine: ix.engine, ix: ix} }

type notifying struct {
	Engine
	ix *Indexer
}

func (n notifying) Notify() { n.ix.Notify() }

// Search runs q and says whether the index was being rebuilt meanwhile.
func (n notifying) Search(ctx context.Context, q Query) (Result, error) {
	before := n.ix.Rebuilding()
	res, err := n.Engine.Search(ctx, q)
	res.Rebuilding = before || n.ix.Rebuilding()
	return res, err
}

// Run makes the index whole if it is empty (a deleted or new index), then
// runs a pass at once, after every Notify and every Interval, until ctx is
// done. Failed passes are logged and retried.
func (ix *Indexer) Run(ctx context.Context) {
	refill, err := ix.refillIfEmpty(ctx)
	ix.checked.Store(true)
	if err != nil && ctx.Err() == nil {
		ix.log.Warn("check search index", "err", err)
	}
	if refill {
		t0 := time.Now()
		p, err := ix.catchUp(ctx, ix.opts.RebuildBatch)
		if err == nil {
			ix.rebuilding.Store(false)
			ix.log.Info("search index filled", "documents", p.Indexed, "ms", time.Since(t0).Milliseconds())
		}
	}
	tick := time.NewTicker(ix.opts.Interval)
	defer tick.Stop()
	var retry <-chan time.Time
	for {
		p, err := ix.CatchUp(ctx)
		retry = nil
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, ErrLeaseHeld):
			// Another process is at work; look again shortly, so a write
			// made here is not left waiting for the next tick.
			retry = time.After(time.Second)
		case err != nil:
			ix.log.Warn("search index pass failed; search falls back to the database", "err", err, "pending", p.Pending)
		default:
			// A refill that failed above is finished by the first whole pass.
			ix.rebuilding.Store(false)
			if p.Indexed > 0 {
				ix.log.Debug("search index pass", "indexed", p.Indexed)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ix.wake:
		case <-tick.C:
		case <-retry:
		}
	}
}

// refillIfEmpty marks every record pending when the engine holds nothing
// but records exist: the index was deleted or is new (or of an older
// format), while MongoDB may still say the records are indexed. It
// reports whether it did, and then searches say the index is rebuilding
// until a pass has taken every record in.
func (ix *Indexer) refillIfEmpty(ctx context.Context) (bool, error) {
	n, err := ix.engine.Count(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	var records int64
	for _, s := range ix.sources {
		c, err := s.Count(ctx)
		if err != nil {
			return false, err
		}
		records += c
	}
	if records == 0 {
		return false, nil
	}
	ix.rebuilding.Store(true)
	for _, s := range ix.sources {
		if _, err := s.MarkAll(ctx); err != nil {
			return true, err
		}
	}
	return true, nil
}

// CatchUp runs one pass: for each source, upsert the pending documents a
// batch at a time and mark each indexed once the engine has confirmed the
// batch, until nothing is pending. It returns ErrLeaseHeld (doing nothing)
// when another process is indexing.
func (ix *Indexer) CatchUp(ctx context.Context) (Pass, error) {
	return ix.catchUp(ctx, ix.opts.Batch)
}

func (ix *Indexer) catchUp(ctx context.Context, batch int) (Pass, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var p Pass
	ok, err := ix.acquire(ctx)
	if err != nil {
		return p, err
	}
	if !ok {
		p.Skipped = true
		return p, ErrLeaseHeld
	}
	defer ix.release()
	err = ix.pass(ctx, &p, batch)
	if err != nil {
		// Count what is left for the progress record; the pass itself
		// reported the error.
		for _, s := range ix.sources {
			if n, cerr := s.CountPending(ctx); cerr == nil {
				p.Pending += n
			}
		}
	}
	ix.record(ctx, p, err)
	return p, err
}

func (ix *Indexer) pass(ctx context.Context, p *Pass, batch int) error {
	if !ix.ready {
		if err := ix.engine.Setup(ctx); err != nil {
			return fmt.Errorf("set up index: %w", err)
		}
		ix.ready = true
	}
	for _, s := range ix.sources {
		var lastFirst string
		var lastVersion int64
		for {
			docs, err := s.Pending(ctx, batch)
			if err != nil {
				return fmt.Errorf("read pending %s: %w", s.Type(), err)
			}
			if len(docs) == 0 {
				break
			}
			if docs[0].ID == lastFirst && docs[0].Version == lastVersion {
				// The same batch again at the same version: its marks did
				// not take. Leave it to the next pass rather than spin.
				break
			}
			lastFirst, lastVersion = docs[0].ID, docs[0].Version
			if err := ix.renew(ctx); err != nil {
				return err
			}
			if err := ix.engine.Upsert(ctx, docs); err != nil {
				return fmt.Errorf("upsert %d %s documents: %w", len(docs), s.Type(), err)
			}
			if err := s.MarkIndexed(ctx, docs); err != nil {
				return fmt.Errorf("mark %s indexed: %w", s.Type(), err)
			}
			p.Indexed += len(docs)
			if len(docs) < batch {
				// A short batch was all there was; anything written since
				// is found by the next pass.
				break
			}
		}
	}
	return nil
}

// Rebuild empties the index and fills it again from every source, telling
// progress how many documents of how many are done. Every record is marked
// pending first, so an interrupted rebuild is finished by the next pass.
func (ix *Indexer) Rebuild(ctx context.Context, progress func(done, total int)) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ok, err := ix.acquire(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return ErrLeaseHeld
	}
	defer ix.release()
	// Left set if the rebuild fails: the next whole pass clears it.
	ix.rebuilding.Store(true)
	if err := ix.engine.Setup(ctx); err != nil {
		return fmt.Errorf("set up index: %w", err)
	}
	ix.ready = true
	var total int64
	for _, s := range ix.sources {
		t0 := time.Now()
		// MarkAll counts the records as it goes: on the embedded database
		// each count of the opportunities reads the whole collection.
		n, err := s.MarkAll(ctx)
		if err != nil {
			return err
		}
		total += n
		ix.log.Debug("rebuild: records pending", "type", s.Type(), "records", n, "ms", time.Since(t0).Milliseconds())
	}
	t0 := time.Now()
	if err := ix.engine.Reset(ctx); err != nil {
		return fmt.Errorf("empty index: %w", err)
	}
	ix.log.Debug("rebuild: index emptied", "ms", time.Since(t0).Milliseconds())
	done := 0
	if progress != nil {
		progress(0, int(total))
	}
	for _, s := range ix.sources {
		t0 := time.Now()
		var upsert, markWait time.Duration
		// A batch is marked indexed in MongoDB while the engine takes the
		// next one; at most one batch's marks are in flight.
		var marking chan error
		waitMarks := func() error {
			if marking == nil {
				return nil
			}
			t := time.Now()
			err := <-marking
			marking, markWait = nil, markWait+time.Since(t)
			return err
		}
		err := s.Scan(ctx, ix.opts.RebuildBatch, func(docs []Doc) error {
			if err := ix.renew(ctx); err != nil {
				return err
			}
			t1 := time.Now()
			if err := ix.engine.Upsert(ctx, docs); err != nil {
				return fmt.Errorf("upsert %s documents: %w", s.Type(), err)
			}
			upsert += time.Since(t1)
			if err := waitMarks(); err != nil {
				return err
			}
			ch := make(chan error, 1)
			go func() { ch <- s.MarkIndexed(ctx, docs) }()
			marking = ch
			done += len(docs)
			if progress != nil {
				progress(done, max(done, int(total)))
			}
			return nil
		})
		if werr := waitMarks(); err == nil {
			err = werr
		}
		if err != nil {
			ix.record(ctx, Pass{Indexed: done}, err)
			return err
		}
		ix.log.Debug("rebuild: source indexed", "type", s.Type(), "ms", time.Since(t0).Milliseconds(),
			"upsert_ms", upsert.Milliseconds(), "mark_wait_ms", markWait.Milliseconds())
	}
	// Records written during the rebuild are pending; take them in now.
	p := Pass{Indexed: done}
	err = ix.pass(ctx, &p, ix.opts.Batch)
	ix.record(ctx, p, err)
	if err == nil {
		ix.rebuilding.Store(false)
	}
	return err
}

// Status returns the progress record of the last pass by any process, and
// false when no pass has been recorded yet.
func (ix *Indexer) Status(ctx context.Context) (IndexerStatus, bool, error) {
	var st IndexerStatus
	if ix.meta == nil {
		return st, false, nil
	}
	err := ix.meta.FindOne(ctx, bson.D{{Key: "_id", Value: indexerStatusID}}).Decode(&st)
	if mongodb.IsNoDocuments(err) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("read indexer status: %w", err)
	}
	return st, true, nil
}

// record writes the progress record; a failure is only logged.
func (ix *Indexer) record(ctx context.Context, p Pass, perr error) {
	if ix.meta == nil {
		return
	}
	now := ix.opts.Now().UTC()
	set := bson.D{
		{Key: "engine", Value: ix.engine.Name()},
		{Key: "holder", Value: ix.holder},
		{Key: "lastRunAt", Value: now},
		{Key: "indexed", Value: int64(p.Indexed)},
		{Key: "pending", Value: p.Pending},
		{Key: "lastError", Value: ""},
	}
	if perr != nil {
		set[5].Value = perr.Error()
	} else {
		set = append(set, bson.E{Key: "lastSuccessAt", Value: now})
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_, err := ix.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: indexerStatusID}},
		bson.D{{Key: "$set", Value: set}}, options.Update().SetUpsert(true))
	if err != nil {
		ix.log.Warn("record indexer status", "err", err)
	}
}

// acquire takes or renews the lease; false means another process holds it.
// Without a meta collection there is no lease (one process).
func (ix *Indexer) acquire(ctx context.Context) (bool, error) {
	if ix.meta == nil {
		return true, nil
	}
	unlock := mongodb.LockDocument(ix.meta, indexerLeaseID)
	defer unlock()
	now := ix.opts.Now().UTC()
	_, err := ix.meta.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: indexerLeaseID}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "holder", Value: ix.lease}},
			bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}},
		}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: ix.lease}, {Key: "expiresAt", Value: now.Add(ix.opts.LeaseTTL)}}}},
		options.Update().SetUpsert(true))
	if mongodb.IsDuplicateKey(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("take indexing lease: %w", err)
	}
	return true, nil
}

// renew extends the lease before each batch; losing it stops the pass.
func (ix *Indexer) renew(ctx context.Context) error {
	ok, err := ix.acquire(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return ErrLeaseHeld
	}
	return nil
}

// release gives the lease up so another process need not wait for it to
// expire.
func (ix *Indexer) release() {
	if ix.meta == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	unlock := mongodb.LockDocument(ix.meta, indexerLeaseID)
	defer unlock()
	_, err := ix.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: indexerLeaseID}, {Key: "holder", Value: ix.lease}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "expiresAt", Value: time.Unix(0, 0).UTC()}}}})
	if err != nil {
		ix.log.Warn("release indexing lease", "err", err)
	}
}

// DocID is the index document id of a record: its type and code.
func DocID(typ, code string) string { return typ + "_" + code }

// millionVND is the unit of the capital sort key, so that every amount
// stays exact in a float64 index.
const millionVND = 1_000_000

// OpportunityDoc is what the index holds for an opportunity: its texts,
// its facets (every investment form among them) and its sort keys.
func OpportunityDoc(o *opportunity.Opportunity) Doc {
	body := Text{VI: o.Description.VI, EN: o.Description.EN}
	for _, in := range o.Incentives {
		body.VI += "\n" + in.Text.VI
		body.EN += "\n" + in.Text.EN
	}
	// The place's names, former and current, so that "Cam Lâm" or "bac
	// cam ranh" finds it in either language.
	places := place.Names(o.Location, o.Unit)
	body.VI += "\n" + places
	body.EN += "\n" + places
	facets := map[string]string{
		"sector":       o.Sector,
		"location":     o.Location,
		"unit":         o.Unit,
		"province":     o.Province(),
		"capital_band": o.CapitalBand(),
		"status":       o.Status,
		"currency":     o.IndicativeCapital.Currency,
	}
	if o.Zone != "" {
		facets["zone"] = o.Zone
	}
	d := Doc{
		ID:          DocID(TypeOpportunity, o.Code),
		Type:        TypeOpportunity,
		Code:        o.Code,
		Title:       Text{VI: o.Title.VI, EN: o.Title.EN},
		Summary:     Text{VI: o.Summary.VI, EN: o.Summary.EN},
		Body:        body,
		Facets:      facets,
		MultiFacets: map[string][]string{"form": o.InvestmentForms},
		Sort: map[string]int64{
			"capital":   opportunity.VNDEquivalent(o.IndicativeCapital) / millionVND,
			"published": o.PublishedAt.Unix(),
			"updated":   o.UpdatedAt.Unix(),
			"created":   o.CreatedAt.Unix(),
		},
		Version: o.Version,
	}
	return d
}

// ProjectDoc is what the index holds for a licensed project: its name, its
// investor, its facets and its sort keys.
func ProjectDoc(p *project.Project) Doc {
	facets := map[string]string{
		"sector":   p.Sector,
		"location": p.Location,
		"unit":     p.Unit,
		"province": p.Province(),
		"kind":     string(p.Kind),
		"stage":    string(p.Stage),
		"currency": p.Registered.Currency,
	}
	if p.Zone != "" {
		facets["zone"] = p.Zone
	}
	if p.LicensedYear > 0 {
		facets["year"] = fmt.Sprint(p.LicensedYear)
	}
	investor := p.Investor.Name
	places := place.Names(p.Location, p.Unit)
	return Doc{
		ID:      DocID(TypeProject, p.Code),
		Type:    TypeProject,
		Code:    p.Code,
		Title:   Text{VI: p.Name.VI, EN: p.Name.EN},
		Summary: Text{VI: investor, EN: investor},
		// The place's names, former and current (place.Names).
		Body:   Text{VI: places, EN: places},
		Facets: facets,
		Sort: map[string]int64{
			"capital": p.CapitalVND / millionVND,
			"updated": p.UpdatedAt.Unix(),
			"created": p.CreatedAt.Unix(),
		},
		Version: p.Version,
	}
}

// OpportunitySource feeds the indexer from the opportunity store.
type OpportunitySource struct{ Store *opportunity.Store }

var _ Source = OpportunitySource{}

// Type returns TypeOpportunity.
func (OpportunitySource) Type() string { return TypeOpportunity }

// Pending returns the opportunities whose index entry is behind.
func (s OpportunitySource) Pending(ctx context.Context, limit int) ([]Doc, error) {
	opps, err := s.Store.PendingIndex(ctx, limit)
	if err != nil {
		return nil, err
	}
	return opportunityDocs(opps), nil
}

func opportunityDocs(opps []opportunity.Opportunity) []Doc {
	out := make([]Doc, len(opps))
	for i := range opps {
		out[i] = OpportunityDoc(&opps[i])
	}
	return out
}

// MarkIndexed records the indexed versions.
func (s OpportunitySource) MarkIndexed(ctx context.Context, docs []Doc) error {
	done := make([]record.Indexed, len(docs))
	for i, d := range docs {
		done[i] = record.Indexed{ID: d.Code, Version: d.Version}
	}
	return s.Store.MarkIndexed(ctx, done...)
}

// CountPending counts the pending opportunities.
func (s OpportunitySource) CountPending(ctx context.Context) (int64, error) {
	return s.Store.CountPendingIndex(ctx)
}

// Count counts every opportunity.
func (s OpportunitySource) Count(ctx context.Context) (int64, error) {
	res, err := s.Store.List(ctx, opportunity.Filter{PerPage: 1})
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

// MarkAll makes every opportunity pending and counts them.
func (s OpportunitySource) MarkAll(ctx context.Context) (int64, error) {
	return s.Store.MarkAllForIndex(ctx)
}

// Scan reads every opportunity in code order, from one cursor.
func (s OpportunitySource) Scan(ctx context.Context, batch int, fn func([]Doc) error) error {
	return s.Store.ScanForIndex(ctx, batch, func(opps []opportunity.Opportunity) error {
		return fn(opportunityDocs(opps))
	})
}

// ProjectSource feeds the indexer from the project store. On the embedded
// database finding the pending projects compares every project with its
// index record, so it computes the whole list once and hands it out a
// batch at a time, and it remembers the read model's revision
// (project.Store.IndexRevision) at which it last found nothing pending, not
// looking again until the revision moves (or fullCheck has passed). On
// MongoDB IndexRevision is -1 and it looks every time.
type ProjectSource struct {
	store     *project.Store
	fullCheck time.Duration

	mu       sync.Mutex
	queue    []project.Project
	clean    bool
	cleanRev int64
	cleanAt  time.Time
}

var _ Source = (*ProjectSource)(nil)

// NewProjectSource returns a source over store; fullCheck (default 5 min)
// bounds how long a quiet revision is trusted.
func NewProjectSource(store *project.Store, fullCheck time.Duration) *ProjectSource {
	if fullCheck <= 0 {
		fullCheck = 5 * time.Minute
	}
	return &ProjectSource{store: store, fullCheck: fullCheck}
}

// Type returns TypeProject.
func (*ProjectSource) Type() string { return TypeProject }

// Pending returns up to limit projects whose index entry is behind.
func (s *ProjectSource) Pending(ctx context.Context, limit int) ([]Doc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		rev, err := s.store.IndexRevision(ctx)
		if err != nil {
			return nil, err
		}
		if s.clean && rev >= 0 && s.cleanRev == rev && time.Since(s.cleanAt) < s.fullCheck {
			return nil, nil
		}
		ps, err := s.store.PendingIndex(ctx, 0)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			s.clean, s.cleanRev, s.cleanAt = true, rev, time.Now()
			return nil, nil
		}
		s.clean, s.queue = false, ps
	}
	n := min(max(limit, 1), len(s.queue))
	out := make([]Doc, n)
	for i := range n {
		out[i] = ProjectDoc(&s.queue[i])
	}
	s.queue = s.queue[n:]
	return out, nil
}

// MarkIndexed records the indexed versions in one batched write.
func (s *ProjectSource) MarkIndexed(ctx context.Context, docs []Doc) error {
	done := make([]project.IndexedVersion, len(docs))
	for i, d := range docs {
		done[i] = project.IndexedVersion{Code: d.Code, Version: d.Version}
	}
	return s.store.MarkIndexed(ctx, done)
}

// CountPending counts the pending projects.
func (s *ProjectSource) CountPending(ctx context.Context) (int64, error) {
	return s.store.CountPendingIndex(ctx)
}

// Count counts every project.
func (s *ProjectSource) Count(ctx context.Context) (int64, error) { return s.store.IndexCount(ctx) }

// MarkAll makes every project pending, forgets what it knew, and counts
// the projects.
func (s *ProjectSource) MarkAll(ctx context.Context) (int64, error) {
	s.mu.Lock()
	s.clean, s.queue = false, nil
	s.mu.Unlock()
	return s.store.MarkAllForIndex(ctx)
}

// Scan reads every project in code order.
func (s *ProjectSource) Scan(ctx context.Context, batch int, fn func([]Doc) error) error {
	return s.store.Scan(ctx, batch, func(ps []project.Project) error {
		out := make([]Doc, len(ps))
		for i := range ps {
			out[i] = ProjectDoc(&ps[i])
		}
		return fn(out)
	})
}
