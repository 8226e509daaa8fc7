package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/seed"
)

// openEmpty opens a portal on a new data directory without the demo data.
func openEmpty(tb testing.TB) *app.App {
	tb.Helper()
	cfg := apptest.Config(tb, tb.TempDir())
	cfg.Demo = false
	a, err := app.OpenWith(context.Background(), cfg, slog.New(slog.DiscardHandler), app.Options{Command: "portal seed (test " + tb.Name() + ")"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = a.Close() })
	return a
}

// counts returns how many projects, opportunities and obstacles are stored.
func counts(tb testing.TB, a *app.App) [3]int64 {
	tb.Helper()
	var out [3]int64
	for i, c := range []string{project.Collection, opportunity.CollOpportunities, obstacle.CollObstacles} {
		n, err := a.DB.Database.Collection(c).CountDocuments(context.Background(), bson.D{})
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = n
	}
	return out
}

// BenchmarkSeed loads the demo data into a new database opened as portal
// seed opens it, SEED_SCALE times over (default 2). Profile it with
//
//	SEED_SCALE=10 go test ./internal/app/ -run '^$' -bench Seed -benchtime 1x -cpuprofile /tmp/seed.prof
func BenchmarkSeed(b *testing.B) {
	scale := 2
	if v := os.Getenv("SEED_SCALE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("SEED_SCALE=%q: want a positive number", v)
		}
		scale = n
	}
	for range b.N {
		b.StopTimer()
		// As portal seed opens it; its Close, which syncs the files, counts.
		cfg := apptest.Config(b, b.TempDir())
		cfg.Demo = false
		a, err := app.OpenWith(context.Background(), cfg, slog.New(slog.DiscardHandler), app.Options{Command: "portal seed (benchmark)", BulkLoad: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := a.Seed(context.Background(), scale, nil); err != nil {
			b.Fatal(err)
		}
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(scale*(seed.DomesticCount+seed.FDICount))*float64(b.N)/b.Elapsed().Seconds(), "projects/s")
}

// TestSeedScaled seeds 3 times the demo data: every domain is scaled, with
// unique codes, the records are stored as their stores' Create would store
// them, and seeding again adds nothing.
func TestSeedScaled(t *testing.T) {
	t.Parallel()
	const scale = 3
	ctx := context.Background()
	a := openEmpty(t)
	var last, total int
	if err := a.Seed(ctx, scale, func(done, all int) { last, total = done, all }); err != nil {
		t.Fatal(err)
	}
	opps, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	want := [3]int64{scale * (seed.DomesticCount + seed.FDICount), int64(scale * len(opps)), scale * seed.ObstacleCount}
	if got := counts(t, a); got != want {
		t.Fatalf("stored projects, opportunities, obstacles = %v, want %v", got, want)
	}
	if sum := int(want[0] + want[1] + want[2]); last != sum || total != sum {
		t.Errorf("progress ended at %d of %d, want %d of %d", last, total, sum, sum)
	}
	// Codes are unique by the stores' unique indexes; check them anyway,
	// and that each field holds what the domain's reads expect.
	for _, f := range []struct{ coll, key string }{
		{project.Collection, "code"}, {opportunity.CollOpportunities, "code"},
		{obstacle.CollObstacles, "trackingCode"}, {obstacle.CollObstacles, "idempotencyKey"},
	} {
		vals, err := a.DB.Database.Collection(f.coll).Distinct(ctx, f.key, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := a.DB.Database.Collection(f.coll).CountDocuments(ctx, bson.D{}); int64(len(vals)) != n {
			t.Errorf("%s: %d distinct %s for %d records", f.coll, len(vals), f.key, n)
		}
	}
	o, err := a.Opportunities.Get(ctx, "OPP-VPR2-001")
	if err != nil || o.Version != 1 || !o.Synthetic || o.CreatedAt.IsZero() {
		t.Fatalf("replica opportunity: %+v, %v", o, err)
	}
	if h, err := a.Opportunities.History(ctx, "OPP-VPR2-001"); err != nil || len(h) != 0 {
		t.Errorf("replica opportunity history = %v, %v; want empty, as Create leaves it", h, err)
	}
	// The catalogue finds the replicas as it finds the originals.
	res, err := a.Opportunities.List(ctx, opportunity.Filter{Sectors: []string{o.Sector}, PerPage: opportunity.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total%scale != 0 || res.Total == 0 {
		t.Errorf("%d opportunities in sector %s at scale %d", res.Total, o.Sector, scale)
	}
	if n, err := a.Opportunities.CountPendingIndex(ctx); err != nil || n != want[1] {
		t.Errorf("%d opportunities pending for the search index, want %d (%v)", n, want[1], err)
	}
	p, err := a.Projects.Get(ctx, "FDI-0112-R2")
	if err != nil || p.Version != 1 {
		t.Fatalf("replica project: %+v, %v", p, err)
	}
	st, err := a.ObstacleStats.Figures(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var byStatus int64
	for _, n := range st.ByStatus {
		byStatus += n
	}
	if byStatus != want[2] {
		t.Errorf("obstacle stats count %d, want %d", byStatus, want[2])
	}
	// The tracking counters stand past every replica's number, so the
	// next filing gets a new one.
	maxSeq := map[string]int64{}
	codes, err := a.DB.Database.Collection(obstacle.CollObstacles).Distinct(ctx, "trackingCode", bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		var y int
		var seq int64
		if _, err := fmt.Sscanf(c.(string), "VM-%d-%d", &y, &seq); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("obstacle-%d", y)
		maxSeq[id] = max(maxSeq[id], seq)
	}
	for id, seq := range maxSeq {
		var c struct {
			Seq int64 `bson:"seq"`
		}
		if err := a.DB.Database.Collection(obstacle.CollCounters).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&c); err != nil || c.Seq != seq {
			t.Errorf("counter %s = %d (%v), want %d", id, c.Seq, err, seq)
		}
	}
	if err := a.Seed(ctx, scale, nil); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, a); got != want {
		t.Fatalf("after seeding again: %v, want %v", got, want)
	}
}

// TestSeedInterruptedIsRepaired: a seed stopped half-way, on a database
// opened for a bulk load as portal seed opens it, leaves what it wrote on
// disk (Close reports no error), and the next run adds exactly what is
// missing.
func TestSeedInterruptedIsRepaired(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	open := func(bulk bool) *app.App {
		cfg := apptest.Config(t, dir)
		cfg.Demo = false
		a, err := app.OpenWith(context.Background(), cfg, slog.New(slog.DiscardHandler), app.Options{Command: "portal seed (test)", BulkLoad: bulk})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := open(true)
	ctx, cancel := context.WithCancel(context.Background())
	err := a.Seed(ctx, 1, func(done, total int) {
		if done >= total/2 {
			cancel()
		}
	})
	cancel()
	if err == nil {
		t.Fatal("a seed cancelled half-way succeeded")
	}
	half := counts(t, a)
	if err := a.Close(); err != nil {
		t.Fatalf("close after a bulk load: %v", err)
	}
	a = open(false)
	t.Cleanup(func() { _ = a.Close() })
	if got := counts(t, a); got != half {
		t.Fatalf("after reopening: %v stored, %v before closing", got, half)
	}
	opps, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	want := [3]int64{seed.DomesticCount + seed.FDICount, int64(len(opps)), seed.ObstacleCount}
	if half == want {
		t.Fatalf("the cancelled seed stored everything (%v): nothing to repair", half)
	}
	if err := a.Seed(context.Background(), 1, nil); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, a); got != want {
		t.Fatalf("after the second run: %v stored, want %v", got, want)
	}
	if n, err := a.Projects.Count(context.Background()); err != nil || n != want[0] {
		t.Fatalf("project store counts %d (%v), want %d", n, err, want[0])
	}
}
