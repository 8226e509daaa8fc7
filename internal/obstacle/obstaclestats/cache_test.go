package obstaclestats_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// projectsDB is a database with the demo projects and, on it, an indexed
// obstacle store with no obstacles yet.
func projectsDB(tb testing.TB) (*mongo.Database, *obstacle.Store) {
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
	return db, s
}

// statsDB is a database with the demo projects and obstacles.
func statsDB(tb testing.TB) *mongo.Database {
	tb.Helper()
	db, s := projectsDB(tb)
	if _, err := s.Import(context.Background(), seed.Obstacles(demoProjects(), cal, demoNow), demoNow); err != nil {
		tb.Fatal(err)
	}
	return db
}

// portal is an obstacle store with its figures, as a portal process
// keeps them.
type portal struct {
	*obstacle.Store
	*obstaclestats.Cache
}

// newPortal opens the store and its figures on db.
func newPortal(db *mongo.Database, opts obstacle.Options, stats obstaclestats.Options) portal {
	s := obstacle.NewStore(db, cal, opts)
	return portal{Store: s, Cache: obstaclestats.New(db, s, stats)}
}

// sameAsScratch fails unless s.Figures at now equals a computation from scratch.
func sameAsScratch(t *testing.T, s portal, now time.Time) obstaclestats.Figures {
	t.Helper()
	ctx := context.Background()
	got, err := s.Figures(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	want, err := obstaclestats.FromScratch(s.Cache, ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Figures at %v:\n%+v\nfrom scratch:\n%+v", now, got, want)
	}
	return got
}

// waitStats polls s.Figures until ok holds, and fails after MaxAge and
// some slack for a loaded machine. It returns how long it took.
func waitStats(t *testing.T, s portal, now time.Time, ok func(obstaclestats.Figures) bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		st, err := s.Figures(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		if ok(st) {
			return time.Since(start)
		}
		if time.Since(start) > obstaclestats.MaxAge+500*time.Millisecond {
			t.Fatalf("not seen after %v: %+v", time.Since(start), st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestStatsFollowWrites checks that the cached figures follow writes: at
// once in the writing store, within MaxAge in a second store on the
// same database (another process), and that they always equal a
// computation from scratch, also as the day moves on.
func TestStatsFollowWrites(t *testing.T) {
	t.Parallel()
	db := statsDB(t)
	ctx := context.Background()
	opts := obstacle.Options{KeySecret: []byte("test-secret")}
	a, b := newPortal(db, opts, obstaclestats.Options{}), newPortal(db, opts, obstaclestats.Options{})
	before := sameAsScratch(t, a, demoNow)
	if bs := sameAsScratch(t, b, demoNow); !reflect.DeepEqual(bs, before) {
		t.Fatal("two stores disagree")
	}

	// A filing through a: a counts it at once, b within MaxAge.
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
	took := waitStats(t, b, demoNow, func(x obstaclestats.Figures) bool { return x.Open == before.Open+1 })
	t.Logf("the other store saw the filing after %v", took)
	sameAsScratch(t, b, demoNow)

	// A step through b: b at once, a within MaxAge.
	if _, err := b.Apply(ctx, f.Obstacle.ID, f.Obstacle.Version, obstacle.ActReject, obstacle.Input{Note: "Không thuộc thẩm quyền."},
		obstacle.Actor{ID: "u-tf", Role: obstacle.RoleTaskforce}, demoNow); err != nil {
		t.Fatal(err)
	}
	if st := sameAsScratch(t, b, demoNow); st.Open != before.Open {
		t.Fatalf("writer after reject: open %d, want %d", st.Open, before.Open)
	}
	waitStats(t, a, demoNow, func(x obstaclestats.Figures) bool { return x.Open == before.Open })
	sameAsScratch(t, a, demoNow)

	// A project's capital changes (a project write bumps the projects'
	// revision counter): the capital figures follow within MaxAge.
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
	want, err := obstaclestats.FromScratch(a.Cache, ctx, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(want.CapitalTotal, before.CapitalTotal) {
		t.Fatalf("%s is not counted in the capital", held.ProjectCode)
	}
	waitStats(t, a, demoNow, func(x obstaclestats.Figures) bool { return reflect.DeepEqual(x, want) })

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

// BenchmarkObstacleStats measures Figures at steady state (figures cached,
// the changelog checked every MaxAge/2) over the demo obstacles.
func BenchmarkObstacleStats(b *testing.B) {
	db := statsDB(b)
	s := newPortal(db, obstacle.Options{KeySecret: []byte("test-secret")}, obstaclestats.Options{})
	ctx := context.Background()
	if _, err := s.Figures(ctx, demoNow); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Figures(ctx, demoNow); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// TestStatsSeeOwnWritesAtOnce: the cached figures follow every write of
// this process at once.
func TestStatsSeeOwnWritesAtOnce(t *testing.T) {
	t.Parallel()
	db := mongotest.MustOpenDB(t)
	s := newPortal(db, obstacle.Options{KeySecret: []byte("test-secret")}, obstaclestats.Options{})
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tf := obstacle.Actor{ID: "u-tf", Role: obstacle.RoleTaskforce}
	admin := obstacle.Actor{ID: "u-admin", Role: obstacle.RoleAdmin}
	stats := func() obstaclestats.Figures {
		t.Helper()
		st, err := s.Figures(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	step := func(o obstacle.Obstacle, a obstacle.Action, in obstacle.Input) obstacle.Obstacle {
		t.Helper()
		n, err := s.Apply(ctx, o.ID, o.Version, a, in, tf, now)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		return n
	}
	if st := stats(); st.Open != 0 {
		t.Fatalf("empty store: %d open", st.Open)
	}
	f, err := s.Create(ctx, obstacle.Submission{Filer: obstacle.Filer{BusinessName: "Công ty Đếm", TaxCode: "0100109106", ContactPerson: "Lê Văn Đếm",
		Email: "dem@example.vn", Phone: "0905123456", Lang: "vi"}, Category: obstacle.TaxFees, Title: "Hoàn thuế chậm",
		Description: "Hồ sơ hoàn thuế giá trị gia tăng đã quá hạn giải quyết."}, now)
	if err != nil {
		t.Fatal(err)
	}
	o := f.Obstacle
	if st := stats(); st.Open != 1 || st.ByStatus[obstacle.Submitted] != 1 {
		t.Fatalf("after filing: %+v", st.ByStatus)
	}
	// What a caller gets is its own copy.
	st := stats()
	st.ByStatus[obstacle.Submitted] = 99
	if stats().ByStatus[obstacle.Submitted] != 1 {
		t.Fatal("a caller changed the cached figures")
	}
	o = step(o, obstacle.ActAccept, obstacle.Input{})
	if st := stats(); st.ByStatus[obstacle.Accepted] != 1 || st.ByStatus[obstacle.Submitted] != 0 {
		t.Fatalf("after accept: %+v", st.ByStatus)
	}
	// A deadline two working days after today (three with today) is not
	// due soon.
	var due time.Time
	for k := 1; k < 10; k++ {
		due = cal.AddWorkingDays(now, k)
		probe := obstacle.Obstacle{Status: obstacle.Assigned, Deadline: &due}
		if left, _ := probe.WorkingDaysLeft(cal, now); left == 2 {
			break
		}
	}
	o = step(o, obstacle.ActAssign, obstacle.Input{LeadAgency: "skhdt", Deadline: &due})
	if st := stats(); st.OpenByAgency["skhdt"] != 1 || st.DueSoon != 0 {
		t.Fatalf("after assign: %+v, due soon %d", st.OpenByAgency, st.DueSoon)
	}
	imported := obstacle.Obstacle{ID: "imported-1", TrackingCode: "VM-2026-900001", Status: obstacle.Closed, Category: obstacle.Credit, CreatedAt: now, UpdatedAt: now, Version: 1}
	if _, err := s.Import(ctx, []obstacle.Obstacle{imported}, now); err != nil {
		t.Fatal(err)
	}
	if st := stats(); st.ByStatus[obstacle.Closed] != 1 {
		t.Fatalf("after import: %+v", st.ByStatus)
	}
	// The calendar counts too: a day off before the deadline leaves two
	// working days, so the obstacle is due soon.
	off := cal.AddWorkingDays(now, 1)
	if !holidays.StartOfDay(off).Before(holidays.StartOfDay(*o.Deadline)) {
		t.Fatalf("no working day between now and %s", holidays.DateKey(*o.Deadline))
	}
	if err := s.AddHoliday(ctx, holidays.Day{Date: holidays.DateKey(off), Kind: holidays.Custom}, admin, now); err != nil {
		t.Fatal(err)
	}
	if st := stats(); st.DueSoon != 1 {
		t.Errorf("due soon %d after a day off, want 1", st.DueSoon)
	}
	if err := s.RemoveHoliday(ctx, holidays.DateKey(off), admin); err != nil {
		t.Fatal(err)
	}
	if st := stats(); st.DueSoon != 0 {
		t.Errorf("due soon %d after the day off was removed, want 0", st.DueSoon)
	}
}
