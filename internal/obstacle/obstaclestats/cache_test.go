package obstacle_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// statsDB is a database with the demo projects and obstacles.
func statsDB(tb testing.TB) *mongo.Database {
	tb.Helper()
	db := mongotest.MustOpenDB(tb)
	ctx := context.Background()
	s := obstacle.NewStore(db, cal, obstacle.Options{KeySecret: []byte("test-secret")})
	if err := s.EnsureIndexes(ctx); err != nil {
		tb.Fatal(err)
	}
	projects := demoProjects()
	docs := make([]any, len(projects))
	for i, p := range projects {
		docs[i] = p
	}
	if _, err := db.Collection(obstacle.CollProjects).InsertMany(ctx, docs); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.Import(ctx, seed.Obstacles(projects, cal, demoNow), demoNow); err != nil {
		tb.Fatal(err)
	}
	return db
}

// sameAsScratch fails unless s.Stats at now equals a computation from scratch.
func sameAsScratch(t *testing.T, s *obstacle.Store, now time.Time) obstacle.Stats {
	t.Helper()
	ctx := context.Background()
	got, err := s.Stats(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	want, err := obstacle.ComputeStats(s, ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Stats at %v:\n%+v\nfrom scratch:\n%+v", now, got, want)
	}
	return got
}

// waitStats polls s.Stats until ok holds, and fails after StatsMaxAge and
// some slack for a loaded machine. It returns how long it took.
func waitStats(t *testing.T, s *obstacle.Store, now time.Time, ok func(obstacle.Stats) bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		st, err := s.Stats(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		if ok(st) {
			return time.Since(start)
		}
		if time.Since(start) > obstacle.StatsMaxAge+500*time.Millisecond {
			t.Fatalf("not seen after %v: %+v", time.Since(start), st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestStatsFollowWrites checks that the cached figures follow writes: at
// once in the writing store, within StatsMaxAge in a second store on the
// same database (another process), and that they always equal a
// computation from scratch, also as the day moves on.
func TestStatsFollowWrites(t *testing.T) {
	t.Parallel()
	db := statsDB(t)
	ctx := context.Background()
	opts := obstacle.Options{KeySecret: []byte("test-secret")}
	a, b := obstacle.NewStore(db, cal, opts), obstacle.NewStore(db, cal, opts)
	before := sameAsScratch(t, a, demoNow)
	if bs := sameAsScratch(t, b, demoNow); !reflect.DeepEqual(bs, before) {
		t.Fatal("two stores disagree")
	}

	// A filing through a: a counts it at once, b within StatsMaxAge.
	f, err := a.Create(ctx, obstacle.Submission{Filer: obstacle.Filer{BusinessName: "Công ty Đếm", TaxCode: "0100109106", ContactPerson: "Lê Văn Đếm",
		Email: "dem@example.vn", Phone: "0905123456", Lang: "vi"}, ProjectCode: "KH-DEMO-003", Category: obstacle.TaxFees, Title: "Hoàn thuế chậm",
		Description: "Hồ sơ hoàn thuế giá trị gia tăng đã quá hạn giải quyết."}, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	st := sameAsScratch(t, a, demoNow)
	if st.Open != before.Open+1 || st.ByStatus[obstacle.Submitted] != before.ByStatus[obstacle.Submitted]+1 {
		t.Fatalf("writer: open %d → %d", before.Open, st.Open)
	}
	took := waitStats(t, b, demoNow, func(x obstacle.Stats) bool { return x.Open == before.Open+1 })
	t.Logf("the other store saw the filing after %v", took)
	sameAsScratch(t, b, demoNow)

	// A step through b: b at once, a within StatsMaxAge.
	if _, err := b.Apply(ctx, f.Obstacle.ID, f.Obstacle.Version, obstacle.ActReject, obstacle.Input{Note: "Không thuộc thẩm quyền."},
		obstacle.Actor{ID: "u-tf", Role: obstacle.RoleTaskforce}, demoNow); err != nil {
		t.Fatal(err)
	}
	if st := sameAsScratch(t, b, demoNow); st.Open != before.Open {
		t.Fatalf("writer after reject: open %d, want %d", st.Open, before.Open)
	}
	waitStats(t, a, demoNow, func(x obstacle.Stats) bool { return x.Open == before.Open })
	sameAsScratch(t, a, demoNow)

	// A project's capital changes (a project write bumps the projects'
	// revision counter): the capital figures follow within StatsMaxAge.
	var held struct {
		ProjectCode string `bson:"projectCode"`
	}
	if err := db.Collection(obstacle.CollObstacles).FindOne(ctx, bson.M{"status": obstacle.InProgress, "projectCode": bson.M{"$ne": ""}}).Decode(&held); err != nil || held.ProjectCode == "" {
		t.Fatalf("no project held up: %v", err)
	}
	if _, err := db.Collection(obstacle.CollProjects).UpdateOne(ctx, bson.M{"code": held.ProjectCode},
		bson.M{"$inc": bson.M{"registered.amount": int64(1_000_000)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("meta").UpdateOne(ctx, bson.M{"_id": "projects_rev"}, bson.M{"$inc": bson.M{"rev": 1}},
		mongoUpsert()); err != nil {
		t.Fatal(err)
	}
	want, err := obstacle.ComputeStats(a, ctx, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(want.CapitalTotal, before.CapitalTotal) {
		t.Fatalf("%s is not counted in the capital", held.ProjectCode)
	}
	waitStats(t, a, demoNow, func(x obstacle.Stats) bool { return reflect.DeepEqual(x, want) })

	// Days pass with no write: overdue and due soon move, and still equal
	// a computation from scratch.
	for _, d := range []int{1, 3, 10, 40} {
		sameAsScratch(t, a, demoNow.AddDate(0, 0, d))
	}
	late := sameAsScratch(t, a, demoNow.AddDate(0, 0, 10))
	if late.Overdue == want.Overdue {
		t.Errorf("ten days later overdue is still %d", late.Overdue)
	}
}

func mongoUpsert() *options.UpdateOptions { return options.Update().SetUpsert(true) }

// BenchmarkObstacleStats measures Stats at steady state (figures cached,
// the changelog checked every StatsMaxAge/2) over the demo obstacles.
func BenchmarkObstacleStats(b *testing.B) {
	db := statsDB(b)
	s := obstacle.NewStore(db, cal, obstacle.Options{KeySecret: []byte("test-secret")})
	ctx := context.Background()
	if _, err := s.Stats(ctx, demoNow); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Stats(ctx, demoNow); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
