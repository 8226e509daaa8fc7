package search

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
	"github.com/khanhhoa/investportal/seed"
)

// flaky is an engine whose upserts fail (or block until ctx ends) once a
// budget of successful upserts is spent: an outage or a crash mid-way.
type flaky struct {
	Engine
	budget atomic.Int64
	block  bool
	// upserted counts the documents upserted successfully.
	upserted atomic.Int64
}

var errOutage = errors.New("engine unavailable")

func (f *flaky) Upsert(ctx context.Context, docs []Doc) error {
	if f.budget.Add(-1) < 0 {
		if f.block {
			<-ctx.Done()
			return ctx.Err()
		}
		return errOutage
	}
	if err := f.Engine.Upsert(ctx, docs); err != nil {
		return err
	}
	f.upserted.Add(int64(len(docs)))
	return nil
}

type indexerEnv struct {
	opps     *opportunity.Store
	projects *project.Store
	sources  []Source
	opts     IndexerOptions
	total    int
}

func newIndexerEnv(t *testing.T) *indexerEnv {
	t.Helper()
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	e := &indexerEnv{opps: opportunity.NewStore(db), projects: project.NewStore(db)}
	if err := e.opps.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if err := e.opps.Create(ctx, &list[i]); err != nil {
			t.Fatal(err)
		}
	}
	ps := seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))[:240]
	if err := e.projects.InsertMissing(ctx, ps, nil); err != nil {
		t.Fatal(err)
	}
	e.total = len(list) + len(ps)
	e.sources = []Source{OpportunitySource{Store: e.opps}, NewProjectSource(e.projects, 0)}
	e.opts = IndexerOptions{Meta: db.Collection("meta"), Batch: 40, Interval: time.Hour}
	return e
}

func (e *indexerEnv) pending(t *testing.T) int64 {
	t.Helper()
	var n int64
	for _, s := range e.sources {
		c, err := s.CountPending(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += c
	}
	return n
}

// TestIndexerCatchesUpAfterStopMidway stops an indexer in the middle of a
// pass (its engine hangs, then its context ends, as in a crash or a
// shutdown), then checks that a new indexer finishes the job, that nothing
// is marked indexed that the engine did not confirm, and that a later write
// reaches the index.
func TestIndexerCatchesUpAfterStopMidway(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newIndexerEnv(t)
	bl, err := NewBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer bl.Close()

	hang := &flaky{Engine: bl, block: true}
	hang.budget.Store(3)
	first := NewIndexer(hang, e.opts, e.sources...)
	runCtx, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { first.Run(runCtx); close(stopped) }()
	deadline := time.Now().Add(20 * time.Second)
	for hang.budget.Load() >= 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("indexer did not stop")
	}
	indexed, _ := bl.Count(ctx)
	left := e.pending(t)
	if confirmed := int(hang.upserted.Load()); indexed != confirmed || indexed == 0 || left != int64(e.total-indexed) {
		t.Fatalf("after the stop: %d in the index, %d confirmed, %d pending of %d", indexed, confirmed, left, e.total)
	}

	// A new process: its pass picks up exactly where the first left off.
	second := NewIndexer(bl, e.opts, e.sources...)
	p, err := second.CatchUp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := bl.Count(ctx); n != e.total || p.Indexed != e.total-indexed || e.pending(t) != 0 {
		t.Fatalf("after catch-up: %d in the index, %d indexed by the pass, %d pending; want %d", n, p.Indexed, e.pending(t), e.total)
	}
	st, ok, err := second.Status(ctx)
	if err != nil || !ok || st.Pending != 0 || st.LastError != "" || st.LastSuccessAt.IsZero() {
		t.Errorf("status %+v %v %v", st, ok, err)
	}

	// A write afterwards is pending until the next pass, then searchable.
	o, err := e.opps.Get(ctx, "OPP-VP-005")
	if err != nil {
		t.Fatal(err)
	}
	title := o.Title
	title.EN = "Quokkaville offshore wind farm"
	if _, err := e.opps.Update(ctx, o.Code, o.Version, opportunity.Changes{Title: &title}, record.Actor{ID: "test"}, ""); err != nil {
		t.Fatal(err)
	}
	if e.pending(t) != 1 {
		t.Fatalf("pending after a write: %d", e.pending(t))
	}
	if _, err := second.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := bl.Search(ctx, Query{Text: "quokkaville"})
	if err != nil || res.Total != 1 || res.Hits[0].Code != "OPP-VP-005" {
		t.Errorf("the edited title is not searchable: %+v %v", res, err)
	}
}

// TestIndexerOutageLeavesRecordsPending: while the engine fails, nothing it
// did not confirm is marked indexed and the status names the error and the
// lag; once it is back, a pass completes.
func TestIndexerOutageLeavesRecordsPending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newIndexerEnv(t)
	bl, err := NewBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer bl.Close()
	down := &flaky{Engine: bl}
	down.budget.Store(2)
	ix := NewIndexer(down, e.opts, e.sources...)
	p, err := ix.CatchUp(ctx)
	if !errors.Is(err, errOutage) {
		t.Fatalf("pass during an outage: %v", err)
	}
	want := int64(e.total) - down.upserted.Load()
	if p.Pending != want || e.pending(t) != want {
		t.Fatalf("pending %d (pass says %d), want %d", e.pending(t), p.Pending, want)
	}
	st, _, _ := ix.Status(ctx)
	if st.LastError == "" || st.Pending != want {
		t.Errorf("status during the outage: %+v", st)
	}
	down.budget.Store(1 << 30)
	if _, err := ix.CatchUp(ctx); err != nil || e.pending(t) != 0 {
		t.Fatalf("after the outage: %v, %d pending", err, e.pending(t))
	}
	if n, _ := bl.Count(ctx); n != e.total {
		t.Errorf("index holds %d, want %d", n, e.total)
	}
}

// TestIndexerLeaseAndRebuild: a second indexer on the same database waits
// while the first holds the lease; a rebuild refills an emptied index and
// an empty index found at start is refilled by Run.
func TestIndexerLeaseAndRebuild(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newIndexerEnv(t)
	bl, err := NewBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer bl.Close()
	a := NewIndexer(bl, e.opts, e.sources...)
	b := NewIndexer(bl, e.opts, e.sources...)
	if ok, err := a.acquire(ctx); !ok || err != nil {
		t.Fatalf("first lease: %v %v", ok, err)
	}
	if _, err := b.CatchUp(ctx); !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("second indexer while the lease is held: %v", err)
	}
	a.release()
	var last [2]int
	if err := b.Rebuild(ctx, func(done, total int) { last = [2]int{done, total} }); err != nil {
		t.Fatal(err)
	}
	if n, _ := bl.Count(ctx); n != e.total || last != [2]int{e.total, e.total} || e.pending(t) != 0 {
		t.Fatalf("rebuild: %d in the index, progress %v, %d pending", n, last, e.pending(t))
	}
	// The index is lost (a deleted folder); MongoDB still says indexed.
	if err := bl.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go a.Run(runCtx)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if n, _ := bl.Count(ctx); n == e.total {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n, _ := bl.Count(ctx); n != e.total {
		t.Fatalf("an empty index was not refilled: %d of %d", n, e.total)
	}
	// Several investment forms: an opportunity counts once under each.
	res, err := bl.Search(ctx, Query{Type: TypeOpportunity, Facets: []string{"form"}, Filters: map[string][]string{"form": {"ppp"}}})
	if err != nil {
		t.Fatal(err)
	}
	facets, err := e.opps.Facets(ctx, opportunity.Filter{Forms: []string{"ppp"}})
	if err != nil {
		t.Fatal(err)
	}
	if int64(res.Total) != facets.Form["ppp"] || len(res.Facets["form"]) < 2 {
		t.Errorf("form=ppp: engine %d hits, store %d; engine form counts %v", res.Total, facets.Form["ppp"], res.Facets["form"])
	}
	for k, n := range facets.Form {
		if int64(res.Facets["form"][k]) != n {
			t.Errorf("form %s: engine counts %d, store %d", k, res.Facets["form"][k], n)
		}
	}
}

// gated is an engine whose upserts each wait for a token on release, so a
// test can search while a rebuild is under way.
type gated struct {
	Engine
	entered chan struct{}
	release chan struct{}
}

func (g *gated) Upsert(ctx context.Context, docs []Doc) error {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	select {
	case <-g.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.Engine.Upsert(ctx, docs)
}

// TestSearchSaysRebuilding: while Rebuild runs, and while Run refills an
// empty index, a search through the indexer's engine says the index is
// rebuilding; once the index is whole it no longer does.
func TestSearchSaysRebuilding(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newIndexerEnv(t)
	bl, err := NewBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer bl.Close()
	g := &gated{Engine: bl, entered: make(chan struct{}, 1), release: make(chan struct{})}
	ix := NewIndexer(g, e.opts, e.sources...)
	eng := ix.Engine()
	search := func() Result {
		t.Helper()
		res, err := eng.Search(ctx, Query{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	stopGate := make(chan struct{})
	defer close(stopGate)
	openGate := func() {
		go func() {
			for {
				select {
				case g.release <- struct{}{}:
				case <-stopGate:
					return
				}
			}
		}()
	}

	// Run finds the index empty: the refill is a rebuild.
	runCtx, stopRun := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { ix.Run(runCtx); close(ran) }()
	<-g.entered
	if res := search(); !res.Rebuilding || !ix.Rebuilding() {
		t.Fatalf("search during the refill of an empty index: rebuilding %v", res.Rebuilding)
	}
	openGate()
	deadline := time.Now().Add(20 * time.Second)
	for ix.Rebuilding() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if res := search(); res.Rebuilding || res.Total != e.total {
		t.Fatalf("after the refill: rebuilding %v, %d of %d documents", res.Rebuilding, res.Total, e.total)
	}
	stopRun()
	<-ran

	// Rebuild: the flag holds from start to end.
	stopGate <- struct{}{}
	select {
	case <-g.entered: // a token left by the refill
	default:
	}
	done := make(chan error, 1)
	go func() { done <- ix.Rebuild(ctx, nil) }()
	<-g.entered
	if res := search(); !res.Rebuilding {
		t.Fatal("search during Rebuild does not say so")
	}
	openGate()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if res := search(); res.Rebuilding || res.Total != e.total {
		t.Fatalf("after Rebuild: rebuilding %v, %d of %d documents", res.Rebuilding, res.Total, e.total)
	}
}

// TestLeaseHolderTakesItsLeaseBack: an indexer killed while holding the
// lease leaves it for LeaseTTL. Another process still waits, but one that
// holds the lease under the same name (the embedded index's next process,
// restarted after the crash) takes it back at once.
func TestLeaseHolderTakesItsLeaseBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newIndexerEnv(t)
	bl, err := NewBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer bl.Close()
	opts := e.opts
	opts.LeaseHolder = "embedded:host:/data/search"
	crashed := NewIndexer(bl, opts, e.sources...)
	if ok, err := crashed.acquire(ctx); !ok || err != nil {
		t.Fatalf("first lease: %v %v", ok, err)
	}
	// crashed never releases: it was killed.
	if ok, err := NewIndexer(bl, e.opts, e.sources...).acquire(ctx); ok || err != nil {
		t.Fatalf("another holder took a live lease: %v %v", ok, err)
	}
	restarted := NewIndexer(bl, opts, e.sources...)
	if _, err := restarted.CatchUp(ctx); err != nil {
		t.Fatalf("the restarted process waits for its own lease: %v", err)
	}
	if n, _ := bl.Count(ctx); n != e.total {
		t.Fatalf("restarted indexer indexed %d of %d", n, e.total)
	}
}
