package obstaclestats_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/bson"
)

var (
	cal     = holidays.MustEmbedded()
	demoNow = time.Date(2026, 3, 16, 10, 0, 0, 0, holidays.Location())
)

// demoProjects are twenty projects in both currencies for the demo
// obstacles to hold up.
func demoProjects() []project.Project {
	stages := []project.Stage{project.Licensed, project.SiteClearance, project.Construction, project.Operating, project.Proposed}
	var out []project.Project
	for i := range 20 {
		kind := project.Domestic
		reg := money.Amount{Amount: int64(i+1) * 150_000_000_000, Currency: money.VND}
		if i%4 == 0 {
			kind = project.FDI
			reg = money.Amount{Amount: int64(i+1) * 2_500_000_000, Currency: money.USD} // cents
		}
		out = append(out, project.Project{
			Code: fmt.Sprintf("KH-DEMO-%03d", i), Name: project.Text{VI: fmt.Sprintf("Dự án mẫu %d", i)},
			Investor: project.Investor{Name: fmt.Sprintf("Nhà đầu tư mẫu %d", i), Country: "VN"},
			Kind:     kind, Sector: "tourism", Location: "nha_trang", Stage: stages[i%len(stages)],
			Registered: reg, Disbursed: money.Amount{Currency: reg.Currency}, Synthetic: true,
		})
	}
	return out
}

// TestStatsMatchStoredObstacles imports the demo data and checks every
// dashboard figure against sums computed here from the stored obstacles.
func TestStatsMatchStoredObstacles(t *testing.T) {
	t.Parallel()
	db, store := projectsDB(t)
	s := portal{Store: store, Cache: obstaclestats.New(db, store, obstaclestats.Options{})}
	ctx := context.Background()
	projects := demoProjects()
	n, err := s.Import(ctx, seed.Obstacles(projects, cal, demoNow), demoNow)
	if err != nil || n != seed.ObstacleCount {
		t.Fatalf("imported %d: %v", n, err)
	}
	if again, _ := s.Import(ctx, seed.Obstacles(projects, cal, demoNow), demoNow); again != 0 {
		t.Fatalf("second import inserted %d", again)
	}
	st, err := s.Figures(ctx, demoNow)
	if err != nil {
		t.Fatal(err)
	}

	cur, err := db.Collection(obstacle.CollObstacles).Find(ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	var all []obstacle.Obstacle
	if err := cur.All(ctx, &all); err != nil {
		t.Fatal(err)
	}
	if len(all) != seed.ObstacleCount {
		t.Fatalf("%d stored", len(all))
	}
	capital := map[string]money.Amount{}
	for _, p := range projects {
		capital[p.Code] = p.Registered
	}
	byStatus := map[obstacle.Status]int64{}
	byCat := map[obstacle.Category]int64{}
	byAgency := map[string]int64{}
	var open, overdue, dueSoon, escalated, resolved, onTime int64
	var days []int
	filed, done := map[string]int64{}, map[string]int64{}
	heldCat, heldAg, heldAll := map[string]map[string]bool{}, map[string]map[string]bool{}, map[string]bool{}
	for _, o := range all {
		byStatus[o.Status]++
		filed[o.CreatedAt.In(holidays.Location()).Format("2006-01")]++
		if o.ResolvedAt != nil {
			done[o.ResolvedAt.In(holidays.Location()).Format("2006-01")]++
		}
		if o.Status == obstacle.Resolved || o.Status == obstacle.Closed {
			resolved++
			if !holidays.StartOfDay(*o.ResolvedAt).After(holidays.StartOfDay(*o.Deadline)) {
				onTime++
			}
			days = append(days, max(0, cal.WorkingDaysBetween(o.CreatedAt, *o.ResolvedAt)-o.PausedDays))
		}
		switch o.Status {
		case obstacle.Submitted, obstacle.Accepted, obstacle.Assigned, obstacle.InProgress, obstacle.WaitingForBusiness:
		default:
			continue
		}
		open++
		byCat[o.Category]++
		byAgency[o.LeadAgency]++
		if (o.Status == obstacle.Assigned || o.Status == obstacle.InProgress) && holidays.StartOfDay(demoNow).After(holidays.StartOfDay(*o.Deadline)) {
			overdue++
		}
		if o.DueSoon(cal, demoNow) {
			dueSoon++
		}
		if o.EscalationLevel > 0 {
			escalated++
		}
		if o.ProjectCode != "" {
			for _, m := range []struct {
				h   map[string]map[string]bool
				key string
			}{{heldCat, string(o.Category)}, {heldAg, o.LeadAgency}} {
				if m.h[m.key] == nil {
					m.h[m.key] = map[string]bool{}
				}
				m.h[m.key][o.ProjectCode] = true
			}
			heldAll[o.ProjectCode] = true
		}
	}
	for _, x := range obstacle.Statuses {
		if st.ByStatus[x] != byStatus[x] {
			t.Errorf("status %s: %d, want %d", x, st.ByStatus[x], byStatus[x])
		}
	}
	if !reflect.DeepEqual(st.OpenByCategory, byCat) || !reflect.DeepEqual(st.OpenByAgency, byAgency) {
		t.Errorf("open by category %v want %v; by agency %v want %v", st.OpenByCategory, byCat, st.OpenByAgency, byAgency)
	}
	if st.Open != open || st.Overdue != overdue || st.DueSoon != dueSoon || st.Escalated != escalated {
		t.Errorf("open %d/%d overdue %d/%d dueSoon %d/%d escalated %d/%d", st.Open, open, st.Overdue, overdue, st.DueSoon, dueSoon, st.Escalated, escalated)
	}
	if overdue == 0 || resolved == 0 || onTime == resolved {
		t.Fatalf("demo data too thin for this test: overdue %d resolved %d on time %d", overdue, resolved, onTime)
	}
	wantBP := (onTime*10000 + resolved/2) / resolved
	if st.Resolved != resolved || st.ResolvedOnTime != onTime || st.OnTimeBP != wantBP {
		t.Errorf("resolved %d/%d on time %d/%d bp %d/%d", st.Resolved, resolved, st.ResolvedOnTime, onTime, st.OnTimeBP, wantBP)
	}
	sort.Ints(days)
	wantMedian := float64(days[len(days)/2])
	if len(days)%2 == 0 {
		wantMedian = float64(days[len(days)/2-1]+days[len(days)/2]) / 2
	}
	if st.MedianDaysToResolve != wantMedian {
		t.Errorf("median %v, want %v", st.MedianDaysToResolve, wantMedian)
	}
	if len(st.ByMonth) != 12 || st.ByMonth[11].Month != "2026-03" || st.ByMonth[0].Month != "2025-04" {
		t.Fatalf("months %v", st.ByMonth)
	}
	var monthsFiled int64
	for _, m := range st.ByMonth {
		if m.Filed != filed[m.Month] || m.Resolved != done[m.Month] {
			t.Errorf("month %s: filed %d/%d resolved %d/%d", m.Month, m.Filed, filed[m.Month], m.Resolved, done[m.Month])
		}
		monthsFiled += m.Filed
	}
	if monthsFiled == 0 {
		t.Error("no filings in the last twelve months")
	}
	sumHeld := func(key string, codes map[string]bool) obstaclestats.Capital {
		c := obstaclestats.Capital{Key: key, VND: money.Amount{Currency: money.VND}, USD: money.Amount{Currency: money.USD}}
		for code := range codes {
			a := capital[code]
			c.Projects++
			if a.Currency == money.VND {
				c.VND.Amount += a.Amount
			} else {
				c.USD.Amount += a.Amount
			}
		}
		return c
	}
	checkCap := func(name string, got []obstaclestats.Capital, held map[string]map[string]bool) {
		if len(got) != len(held) {
			t.Errorf("%s: %d keys, want %d", name, len(got), len(held))
		}
		for _, c := range got {
			if want := sumHeld(c.Key, held[c.Key]); c != want {
				t.Errorf("%s %q: %+v, want %+v", name, c.Key, c, want)
			}
		}
	}
	checkCap("capital by category", st.CapitalByCategory, heldCat)
	checkCap("capital by agency", st.CapitalByAgency, heldAg)
	if want := sumHeld("", heldAll); st.CapitalTotal != want || want.VND.Amount == 0 || want.USD.Amount == 0 {
		t.Errorf("capital total %+v, want %+v (both currencies non-zero)", st.CapitalTotal, want)
	}

	// The database's own count agrees (one accumulator per $group).
	agg, err := db.Collection(obstacle.CollObstacles).Aggregate(ctx, bson.A{bson.M{"$group": bson.M{"_id": "$status", "n": bson.M{"$sum": 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ID obstacle.Status `bson:"_id"`
		N  int64           `bson:"n"`
	}
	if err := agg.All(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if st.ByStatus[r.ID] != r.N {
			t.Errorf("$group says %s = %d, Figures %d", r.ID, r.N, st.ByStatus[r.ID])
		}
	}

	// Demo keys open demo obstacles; a new filing continues the numbering.
	sample := all[0]
	if _, err := s.GetByTracking(ctx, sample.TrackingCode, seed.ObstacleAccessKey(sample.TrackingCode)); err != nil {
		t.Fatalf("demo key: %v", err)
	}
	var maxSeq int64
	for _, o := range all {
		var y int
		var q int64
		fmt.Sscanf(o.TrackingCode, "VM-%d-%d", &y, &q)
		if y == 2026 && q > maxSeq {
			maxSeq = q
		}
	}
	f, err := s.Create(ctx, obstacle.Submission{Filer: obstacle.Filer{BusinessName: "Công ty Thư", TaxCode: "0100109106", ContactPerson: "Ngô Thị Thư",
		Email: "thu@example.vn", Phone: "0905123456", Lang: "vi"}, Category: obstacle.TaxFees, Title: "Hoàn thuế chậm",
		Description: "Hồ sơ hoàn thuế giá trị gia tăng đã quá hạn giải quyết."}, demoNow.Add(time.Hour))
	if o := f.Obstacle; err != nil || o.TrackingCode != obstacle.FormatTrackingCode(2026, maxSeq+1) {
		t.Fatalf("after import: %s, want %s (%v)", o.TrackingCode, obstacle.FormatTrackingCode(2026, maxSeq+1), err)
	}
}
