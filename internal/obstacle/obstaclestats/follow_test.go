package obstaclestats_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/internal/project"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// startedStore is a store with the projects' read model as its capital
// source, both following the database in the background, as the portal
// runs them.
func startedStore(t testing.TB, db *mongo.Database) portal {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	projects := project.NewStore(db)
	s := newPortal(db, obstacle.Options{KeySecret: []byte("test-secret"), Projects: projects}, obstaclestats.Options{Projects: projects})
	stopP, stopO := projects.Start(ctx), s.Start(ctx)
	t.Cleanup(func() { cancel(); stopO(); stopP() })
	return s
}

// TestStatsStartedReadOnlyMemory checks the figures of a process that
// follows the database in the background (Start): requests read no
// database at all, a write here is in the very next answer (never stale
// in the writing process), another process's write is seen within
// MaxAge, still without a read per request, and the figures equal a
// computation from scratch, capital from the projects' read model
// included.
func TestStatsStartedReadOnlyMemory(t *testing.T) {
	t.Parallel()
	plain := statsDB(t)
	dbA, countA := mongotest.CountingDB(t, plain)
	dbB, countB := mongotest.CountingDB(t, plain)
	a, b := startedStore(t, dbA), startedStore(t, dbB)
	req := mongotest.Counted(context.Background())
	scratch := newPortal(plain, obstacle.Options{KeySecret: []byte("test-secret")}, obstaclestats.Options{}).Cache
	want, err := obstaclestats.FromScratch(scratch, context.Background(), demoNow)
	if err != nil {
		t.Fatal(err)
	}
	// Wait for both loops to have loaded and computed the figures.
	for _, s := range []portal{a, b} {
		deadline := time.Now().Add(30 * time.Second)
		for {
			got, err := s.Figures(context.Background(), demoNow)
			if err != nil {
				t.Fatal(err)
			}
			if reflect.DeepEqual(got, want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("figures %+v, from scratch %+v", got, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	countA.Store(0)
	countB.Store(0)
	for range 200 {
		for _, s := range []portal{a, b} {
			if _, err := s.Figures(req, demoNow); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := countA.Load() + countB.Load(); n != 0 {
		t.Fatalf("400 requests for the figures sent %d database commands, want 0", n)
	}

	// A filing through a: in a's next answer, read from memory.
	f, err := a.Create(context.Background(), obstacle.Submission{Filer: obstacle.Filer{BusinessName: "Công ty Đếm", TaxCode: "0100109106", ContactPerson: "Lê Văn Đếm",
		Email: "dem@example.vn", Phone: "0905123456", Lang: "vi"}, ProjectCode: "KH-DEMO-003", Category: obstacle.TaxFees, Title: "Hoàn thuế chậm",
		Description: "Hồ sơ hoàn thuế giá trị gia tăng đã quá hạn giải quyết."}, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	countA.Store(0)
	st, err := a.Figures(req, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	if st.Open != want.Open+1 {
		t.Fatalf("writer: open %d right after the filing, want %d", st.Open, want.Open+1)
	}
	if n := countA.Load(); n != 0 {
		t.Errorf("the writer's next answer sent %d database commands, want 0 (the write applies itself)", n)
	}
	if now, err := obstaclestats.FromScratch(scratch, context.Background(), demoNow); err != nil || !reflect.DeepEqual(st, now) {
		t.Fatalf("writer's figures %+v, from scratch %+v (%v)", st, now, err)
	}

	// b, another process, sees it within MaxAge, from memory.
	countB.Store(0)
	start := time.Now()
	for {
		st, err := b.Figures(req, demoNow)
		if err != nil {
			t.Fatal(err)
		}
		if st.Open == want.Open+1 {
			break
		}
		if time.Since(start) > obstaclestats.MaxAge+500*time.Millisecond {
			t.Fatalf("the other process still shows open %d after %v", st.Open, time.Since(start))
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("the other process saw the filing after %v", time.Since(start))
	if n := countB.Load(); n != 0 {
		t.Errorf("the other process's requests sent %d database commands while waiting, want 0", n)
	}

	// A project's capital changes through a third process: both follow
	// within MaxAge, from memory.
	var held struct {
		ProjectCode string `bson:"projectCode"`
	}
	if err := plain.Collection(obstacle.CollObstacles).FindOne(context.Background(), bson.M{"_id": f.Obstacle.ID}).Decode(&held); err != nil {
		t.Fatal(err)
	}
	ps := project.NewStore(plain)
	p, err := ps.Get(context.Background(), held.ProjectCode)
	if err != nil {
		t.Fatal(err)
	}
	reg := p.Registered.Amount + 1_000_000
	if _, err := ps.Update(context.Background(), p.Code, p.Version, project.Changes{Registered: &reg}, project.Actor{ID: "u-board", Role: "board"}, demoNow); err != nil {
		t.Fatal(err)
	}
	want, err = obstaclestats.FromScratch(scratch, context.Background(), demoNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []portal{a, b} {
		start := time.Now()
		for {
			st, err := s.Figures(req, demoNow)
			if err != nil {
				t.Fatal(err)
			}
			if reflect.DeepEqual(st, want) {
				break
			}
			if time.Since(start) > obstaclestats.MaxAge+500*time.Millisecond {
				t.Fatalf("capital %+v after %v, want %+v", st.CapitalTotal, time.Since(start), want.CapitalTotal)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if n := countA.Load() + countB.Load(); n != 0 {
		t.Errorf("requests sent %d database commands while the capital moved, want 0", n)
	}
}

// BenchmarkObstacleStatsStarted measures Figures as the portal serves it:
// the read model followed by its loop, so a request reads only memory.
func BenchmarkObstacleStatsStarted(b *testing.B) {
	s := startedStore(b, statsDB(b))
	ctx := context.Background()
	for {
		if _, err := s.Figures(ctx, time.Now()); err != nil {
			b.Fatal(err)
		}
		st, _ := s.Figures(ctx, time.Now())
		if st.ByStatus != nil {
			break
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Figures(ctx, time.Now()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
