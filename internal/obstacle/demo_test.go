package obstacle

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"go.mongodb.org/mongo-driver/bson"
)

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

var demoNow = at("2026-03-16 10:00")

func TestDemoData(t *testing.T) {
	projects := demoProjects()
	obs := Demo(projects, cal, demoNow)
	if len(obs) != DemoCount {
		t.Fatalf("%d obstacles, want %d", len(obs), DemoCount)
	}
	if again := Demo(projects, cal, demoNow); !reflect.DeepEqual(obs, again) {
		t.Fatal("Demo is not deterministic")
	}
	known := map[string]bool{}
	for _, p := range projects {
		known[p.Code] = true
	}
	agencies := map[string]bool{}
	for _, a := range DemoAgencies {
		agencies[a] = true
	}
	statuses, cats := map[Status]int{}, map[Category]int{}
	ids, codes := map[string]bool{}, map[string]bool{}
	overdue, waiting, escalated, linked, late := 0, 0, 0, 0, 0
	for _, o := range obs {
		o := o
		if err := o.Validate(); err != nil {
			t.Fatalf("%s: %v", o.ID, err)
		}
		if !o.Synthetic || ids[o.ID] || codes[o.TrackingCode] || !trackingPattern.MatchString(o.TrackingCode) {
			t.Fatalf("%s: synthetic %v, duplicate id/code or bad code %s", o.ID, o.Synthetic, o.TrackingCode)
		}
		ids[o.ID], codes[o.TrackingCode] = true, true
		statuses[o.Status]++
		cats[o.Category]++
		if o.ProjectCode != "" {
			linked++
			if !known[o.ProjectCode] {
				t.Fatalf("%s: unknown project %s", o.ID, o.ProjectCode)
			}
		}
		if o.LeadAgency != "" && !agencies[o.LeadAgency] {
			t.Fatalf("%s: agency %s", o.ID, o.LeadAgency)
		}
		for _, a := range o.CoordinatingAgencies {
			if !agencies[a] {
				t.Fatalf("%s: coordinating agency %s", o.ID, a)
			}
		}
		if o.Overdue(demoNow) {
			overdue++
		}
		if o.Status == WaitingForBusiness {
			waiting++
			if o.PausedSince == nil {
				t.Fatalf("%s: waiting without a paused clock", o.ID)
			}
		}
		if o.EscalationLevel > 0 {
			escalated++
		}
		if o.ResolvedAt != nil && !o.OnTime() {
			late++
		}
		if o.Status == Merged && (o.ParentID == "" || !ids[o.ParentID] && !containsID(obs, o.ParentID)) {
			t.Fatalf("%s: merged into unknown %q", o.ID, o.ParentID)
		}
		checkTimeline(t, o)
	}
	for _, s := range Statuses {
		if statuses[s] == 0 {
			t.Errorf("no demo obstacle is %s", s)
		}
	}
	for _, c := range Categories {
		if cats[c] == 0 {
			t.Errorf("no demo obstacle in %s", c)
		}
	}
	if overdue < 5 || waiting < 5 || escalated < 3 || late < 3 || linked < DemoCount/2 {
		t.Errorf("overdue %d waiting %d escalated %d late %d linked %d", overdue, waiting, escalated, late, linked)
	}
}

func containsID(obs []Obstacle, id string) bool {
	for _, o := range obs {
		if o.ID == id {
			return true
		}
	}
	return false
}

// checkTimeline asserts the events form a path through the workflow table.
func checkTimeline(t *testing.T, o Obstacle) {
	t.Helper()
	if len(o.Timeline) == 0 || o.Timeline[0].Action != ActSubmit || !o.Timeline[0].At.Equal(o.CreatedAt) {
		t.Fatalf("%s: timeline must start with the submission", o.ID)
	}
	st := Submitted
	prev := o.CreatedAt
	for i, ev := range o.Timeline[1:] {
		if ev.At.Before(prev) || ev.At.After(demoNow) {
			t.Fatalf("%s: event %d at %v out of order", o.ID, i+1, ev.At)
		}
		prev = ev.At
		if ev.FromStatus != st {
			t.Fatalf("%s: event %d (%s) from %s, but status was %s", o.ID, i+1, ev.Action, ev.FromStatus, st)
		}
		if ev.Action == ActMerge && ev.FromStatus == ev.ToStatus {
			st = ev.ToStatus // note on the primary
			continue
		}
		r, ok := Lookup(st, ev.Action)
		if !ok || r.To != ev.ToStatus || !r.Allows(ev.ActorRole) {
			t.Fatalf("%s: event %d %s --%s--> %s by %s is not in the table", o.ID, i+1, st, ev.Action, ev.ToStatus, ev.ActorRole)
		}
		st = ev.ToStatus
	}
	if st != o.Status {
		t.Fatalf("%s: timeline ends in %s, status is %s", o.ID, st, o.Status)
	}
	if !o.UpdatedAt.Equal(prev) && o.UpdatedAt.Before(prev) {
		t.Fatalf("%s: updatedAt before the last event", o.ID)
	}
}

// TestStatsMatchStoredObstacles imports the demo data and checks every
// dashboard figure against sums computed here from the stored obstacles.
func TestStatsMatchStoredObstacles(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	projects := demoProjects()
	docs := make([]any, len(projects))
	for i, p := range projects {
		docs[i] = p
	}
	if _, err := s.db.Collection(CollProjects).InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	n, err := s.Import(ctx, Demo(projects, cal, demoNow), demoNow)
	if err != nil || n != DemoCount {
		t.Fatalf("imported %d: %v", n, err)
	}
	if again, _ := s.Import(ctx, Demo(projects, cal, demoNow), demoNow); again != 0 {
		t.Fatalf("second import inserted %d", again)
	}
	st, err := s.Stats(ctx, demoNow)
	if err != nil {
		t.Fatal(err)
	}

	cur, err := s.obstacles.Find(ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	var all []Obstacle
	if err := cur.All(ctx, &all); err != nil {
		t.Fatal(err)
	}
	if len(all) != DemoCount {
		t.Fatalf("%d stored", len(all))
	}
	capital := map[string]money.Amount{}
	for _, p := range projects {
		capital[p.Code] = p.Registered
	}
	byStatus := map[Status]int64{}
	byCat := map[Category]int64{}
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
		if o.Status == Resolved || o.Status == Closed {
			resolved++
			if !holidays.StartOfDay(*o.ResolvedAt).After(holidays.StartOfDay(*o.Deadline)) {
				onTime++
			}
			days = append(days, max(0, cal.WorkingDaysBetween(o.CreatedAt, *o.ResolvedAt)-o.PausedDays))
		}
		switch o.Status {
		case Submitted, Accepted, Assigned, InProgress, WaitingForBusiness:
		default:
			continue
		}
		open++
		byCat[o.Category]++
		byAgency[o.LeadAgency]++
		if (o.Status == Assigned || o.Status == InProgress) && holidays.StartOfDay(demoNow).After(holidays.StartOfDay(*o.Deadline)) {
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
	for _, x := range Statuses {
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
	sumHeld := func(key string, codes map[string]bool) Capital {
		c := Capital{Key: key, VND: money.Amount{Currency: money.VND}, USD: money.Amount{Currency: money.USD}}
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
	checkCap := func(name string, got []Capital, held map[string]map[string]bool) {
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
	agg, err := s.obstacles.Aggregate(ctx, bson.A{bson.M{"$group": bson.M{"_id": "$status", "n": bson.M{"$sum": 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ID Status `bson:"_id"`
		N  int64  `bson:"n"`
	}
	if err := agg.All(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if st.ByStatus[r.ID] != r.N {
			t.Errorf("$group says %s = %d, Stats %d", r.ID, r.N, st.ByStatus[r.ID])
		}
	}

	// Demo keys open demo obstacles; a new filing continues the numbering.
	sample := all[0]
	if _, err := s.GetByTracking(ctx, sample.TrackingCode, DemoAccessKey(sample.TrackingCode)); err != nil {
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
	o, _, err := s.Create(ctx, submission(1), demoNow.Add(time.Hour))
	if err != nil || o.TrackingCode != FormatTrackingCode(2026, maxSeq+1) {
		t.Fatalf("after import: %s, want %s (%v)", o.TrackingCode, FormatTrackingCode(2026, maxSeq+1), err)
	}
}
