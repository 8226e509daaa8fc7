package project_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/project"
	"go.mongodb.org/mongo-driver/bson"
)

var board = project.Actor{ID: "u1", Name: "Board officer", Email: "board@demo.local"}

// firstAt returns a stored project at stage st.
func firstAt(t *testing.T, s *project.Store, st project.Stage) *project.Project {
	t.Helper()
	f := project.Filter{Stage: st}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	page, err := s.List(context.Background(), f)
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no project at %s: %v", st, err)
	}
	p, err := s.Get(context.Background(), page.Items[0].Code)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fieldErr(t *testing.T, err error, field, id string) {
	t.Helper()
	e := apperr.As(err)
	if e.Code != apperr.CodeInvalid || e.Fields[field] != id {
		t.Fatalf("got %v, want field %s = %s", err, field, id)
	}
}

func ptr[T any](v T) *T { return &v }

func TestUpdateKeepsHistoryAndShowsInStats(t *testing.T) {
	t.Parallel()
	s, db := seeded(t)
	ctx := context.Background()
	p := firstAt(t, s, project.Operating)
	before, _ := s.Stats(ctx)
	newReg := p.Registered.Amount + 1_000
	got, err := s.Update(ctx, p.Code, p.Version, project.Changes{NameEN: ptr("Renamed project"), Registered: &newReg, Reason: "licence amended"}, board, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != p.Version+1 || got.Name.EN != "Renamed project" || got.Registered.Amount != newReg {
		t.Fatalf("returned %+v", got)
	}
	stored, _ := s.Get(ctx, p.Code)
	if stored.Version != p.Version+1 || stored.Name.EN != "Renamed project" || stored.CapitalVND != newReg && p.Kind == project.Domestic {
		t.Fatalf("stored %+v", stored)
	}
	h, err := s.History(ctx, p.Code)
	if err != nil || len(h) != 1 {
		t.Fatalf("history %v %v", h, err)
	}
	e := h[0]
	if e.Version != p.Version+1 || e.By != board || e.Action != project.ActionEdit || e.Note != "licence amended" || !e.At.Equal(now) {
		t.Errorf("entry %+v", e)
	}
	want := map[string][2]string{"name_en": {p.Name.EN, "Renamed project"}, "registered_capital": {itoa64(p.Registered.Amount) + " " + p.Registered.Currency, itoa64(newReg) + " " + p.Registered.Currency}}
	if len(e.Fields) != len(want) {
		t.Errorf("fields %+v", e.Fields)
	}
	for _, f := range e.Fields {
		if w, ok := want[f.Field]; !ok || f.From != w[0] || f.To != w[1] {
			t.Errorf("field %+v, want %v", f, w)
		}
	}
	after, _ := s.Stats(ctx)
	if d := after.Kind(p.Kind).Registered.Amount - before.Kind(p.Kind).Registered.Amount; d != 1_000 {
		t.Errorf("stats moved by %d, want 1000 (snapshot not refreshed)", d)
	}
	// The history stays out of what lists and Get return.
	var raw bson.M
	if err := db.Collection(project.Collection).FindOne(ctx, bson.D{{Key: "code", Value: p.Code}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["history"]; !ok {
		t.Error("history is not kept in the project document")
	}

	t.Run("StaleVersionIsConflict", func(t *testing.T) {
		_, err := s.Update(ctx, p.Code, p.Version, project.Changes{NameEN: ptr("Lost update")}, board, now)
		if !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("got %v", err)
		}
		if cur, _ := s.Get(ctx, p.Code); cur.Name.EN != "Renamed project" {
			t.Errorf("stale write landed: %q", cur.Name.EN)
		}
	})
	t.Run("NoChangeWritesNothing", func(t *testing.T) {
		got, err := s.Update(ctx, p.Code, p.Version+1, project.Changes{NameEN: ptr("Renamed project")}, board, now)
		if err != nil || got.Version != p.Version+1 {
			t.Fatalf("%v %v", got, err)
		}
		if h, _ := s.History(ctx, p.Code); len(h) != 1 {
			t.Errorf("history has %d entries", len(h))
		}
	})
	t.Run("InvalidFieldsNamed", func(t *testing.T) {
		_, err := s.Update(ctx, p.Code, p.Version+1, project.Changes{NameVI: ptr(" "), Sector: ptr("mining")}, board, now)
		e := apperr.As(err)
		if e.Fields["name_vi"] != "error.field.required" || e.Fields["sector"] != "error.field.sector" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("RegisteredBelowDisbursedNeedsReason", func(t *testing.T) {
		low := int64(1)
		_, err := s.Update(ctx, p.Code, p.Version+1, project.Changes{Registered: &low}, board, now)
		fieldErr(t, err, "registered_capital", "project.error.registered_below_disbursed")
	})
}

func itoa64(n int64) string { return itoa(int(n)) }

func TestStageTransitions(t *testing.T) {
	t.Parallel()
	s, _ := seeded(t)
	ctx := context.Background()
	t.Run("ForwardAppendsStageDateAndKeepsLicensedYear", func(t *testing.T) {
		p := firstAt(t, s, project.Licensed)
		got, err := s.MoveStage(ctx, p.Code, p.Version, project.SiteClearance, time.Time{}, "", board, now)
		if err != nil {
			t.Fatal(err)
		}
		last := got.StageHistory[len(got.StageHistory)-1]
		if got.Stage != project.SiteClearance || last.Stage != project.SiteClearance || !last.Date.Equal(project.Day(now)) || got.LicensedYear != p.LicensedYear {
			t.Errorf("moved: stage %s last %+v year %d (was %d)", got.Stage, last, got.LicensedYear, p.LicensedYear)
		}
		h, _ := s.History(ctx, p.Code)
		if len(h) != 1 || h[0].Action != project.ActionStage || h[0].Fields[0] != (project.FieldChange{Field: "stage", From: "licensed", To: "site_clearance"}) {
			t.Errorf("history %+v", h)
		}
	})
	t.Run("ErrStageBackwardsWithoutReason", func(t *testing.T) {
		p := firstAt(t, s, project.Construction)
		_, err := s.MoveStage(ctx, p.Code, p.Version, project.SiteClearance, time.Time{}, "", board, now)
		fieldErr(t, err, "reason", "project.error.stage_back_reason")
		got, err := s.MoveStage(ctx, p.Code, p.Version, project.SiteClearance, time.Time{}, "land dispute reopened", board, now)
		if err != nil || got.Stage != project.SiteClearance {
			t.Fatalf("%v %v", got, err)
		}
		if h, _ := s.History(ctx, p.Code); h[0].Note != "land dispute reopened" {
			t.Errorf("reason not kept: %+v", h[0])
		}
	})
	t.Run("BackBeforeLicensingClearsLicensedYear", func(t *testing.T) {
		p := firstAt(t, s, project.Licensed)
		got, err := s.MoveStage(ctx, p.Code, p.Version, project.Approved, time.Time{}, "licence withdrawn", board, now)
		if err != nil || got.LicensedYear != 0 {
			t.Fatalf("%+v %v", got, err)
		}
	})
	t.Run("ErrTerminatedIsFinal", func(t *testing.T) {
		p := firstAt(t, s, project.Terminated)
		_, err := s.MoveStage(ctx, p.Code, p.Version, project.Operating, time.Time{}, "reopened", board, now)
		fieldErr(t, err, "stage", "project.error.stage_final")
		if len(p.NextStages()) != 0 {
			t.Errorf("terminated project offers %v", p.NextStages())
		}
	})
	t.Run("ErrSameStage", func(t *testing.T) {
		p := firstAt(t, s, project.Operating)
		_, err := s.MoveStage(ctx, p.Code, p.Version, project.Operating, time.Time{}, "", board, now)
		fieldErr(t, err, "stage", "project.error.stage_same")
	})
	t.Run("ErrSuspendBeforeLicence", func(t *testing.T) {
		p := firstAt(t, s, project.Proposed)
		_, err := s.MoveStage(ctx, p.Code, p.Version, project.Suspended, time.Time{}, "", board, now)
		fieldErr(t, err, "stage", "project.error.stage_suspend_unlicensed")
	})
	t.Run("SuspendedResumesWithoutReason", func(t *testing.T) {
		p := firstAt(t, s, project.Operating)
		got, err := s.MoveStage(ctx, p.Code, p.Version, project.Suspended, time.Time{}, "", board, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.MoveStage(ctx, p.Code, got.Version, project.Operating, time.Time{}, "", board, now); err != nil {
			t.Fatalf("resume: %v", err)
		}
	})
	t.Run("ErrDates", func(t *testing.T) {
		p := firstAt(t, s, project.Approved)
		_, err := s.MoveStage(ctx, p.Code, p.Version, project.Licensed, now.AddDate(0, 0, 2), "", board, now)
		fieldErr(t, err, "stage_date", "project.error.date_future")
		_, err = s.MoveStage(ctx, p.Code, p.Version, project.Licensed, p.StageHistory[0].Date.AddDate(0, 0, -1), "", board, now)
		fieldErr(t, err, "stage_date", "project.error.stage_date_order")
		got, err := s.MoveStage(ctx, p.Code, p.Version, project.Licensed, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), "", board, now)
		if err != nil || got.LicensedYear != 2026 {
			t.Fatalf("%+v %v", got, err)
		}
		if st, _ := s.Stats(ctx); !hasYear(st, "2026") {
			t.Error("the newly licensed year is not in the figures")
		}
	})
}

func hasYear(st project.Stats, y string) bool {
	for _, g := range st.ByYear {
		if g.Key == y && g.Count > 0 {
			return true
		}
	}
	return false
}

func TestRecordDisbursement(t *testing.T) {
	t.Parallel()
	s, _ := seeded(t)
	ctx := context.Background()
	p := firstAt(t, s, project.Construction)
	room := p.Registered.Amount - p.Disbursed.Amount
	got, err := s.RecordDisbursement(ctx, p.Code, p.Version, project.NewDisbursement{Amount: 500, Date: now.AddDate(0, 0, -3)}, board, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Disbursed.Amount != p.Disbursed.Amount+500 || len(got.Disbursements) != 1 || got.Disbursements[0].Amount.Currency != p.Registered.Currency {
		t.Fatalf("%+v", got)
	}
	h, _ := s.History(ctx, p.Code)
	if len(h) != 1 || h[0].Action != project.ActionDisbursement || h[0].Fields[0].Field != "disbursed_capital" || h[0].Date == nil {
		t.Fatalf("history %+v", h)
	}
	v := got.Version
	t.Run("ErrOverRegisteredWithoutReason", func(t *testing.T) {
		_, err := s.RecordDisbursement(ctx, p.Code, v, project.NewDisbursement{Amount: room}, board, now)
		fieldErr(t, err, "reason", "project.error.disbursed_over_registered")
		got, err := s.RecordDisbursement(ctx, p.Code, v, project.NewDisbursement{Amount: room, Reason: "capital increase pending approval"}, board, now)
		if err != nil || got.Disbursed.Amount <= got.Registered.Amount {
			t.Fatalf("%+v %v", got, err)
		}
		v = got.Version
	})
	t.Run("ErrCorrections", func(t *testing.T) {
		_, err := s.RecordDisbursement(ctx, p.Code, v, project.NewDisbursement{Amount: -10}, board, now)
		fieldErr(t, err, "reason", "project.error.correction_reason")
		_, err = s.RecordDisbursement(ctx, p.Code, v, project.NewDisbursement{Amount: -(p.Registered.Amount * 3), Reason: "x"}, board, now)
		fieldErr(t, err, "amount", "project.error.disbursed_negative")
		_, err = s.RecordDisbursement(ctx, p.Code, v, project.NewDisbursement{Amount: 0}, board, now)
		fieldErr(t, err, "amount", "project.error.amount_zero")
		_, err = s.RecordDisbursement(ctx, p.Code, v, project.NewDisbursement{Amount: 5, Date: now.AddDate(0, 0, 3)}, board, now)
		fieldErr(t, err, "date", "project.error.date_future")
	})
	t.Run("StaleVersion", func(t *testing.T) {
		_, err := s.RecordDisbursement(ctx, p.Code, p.Version, project.NewDisbursement{Amount: 5}, board, now)
		if !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestCreateByKeepsFirstHistoryEntry(t *testing.T) {
	t.Parallel()
	s, _ := seeded(t)
	ctx := context.Background()
	p := &project.Project{Code: "DA-NEW-1", Name: project.Text{VI: "Khu nghỉ dưỡng mới"}, Investor: project.Investor{Name: "Công ty A", Country: "vn"},
		Kind: project.Domestic, Sector: "tourism", Location: "nha_trang", Stage: project.Licensed, Registered: project.Project{}.Registered}
	p.Registered.Amount = 5_000_000_000
	before, _ := s.Stats(ctx)
	if err := s.CreateBy(ctx, p, board, now); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "DA-NEW-1")
	if err != nil || got.Version != 1 || got.LicensedYear != 2026 || got.Investor.Country != "VN" || got.Registered.Currency != "VND" {
		t.Fatalf("%+v %v", got, err)
	}
	h, _ := s.History(ctx, "DA-NEW-1")
	if len(h) != 1 || h[0].Action != project.ActionCreate || h[0].Version != 1 {
		t.Fatalf("history %+v", h)
	}
	after, _ := s.Stats(ctx)
	if after.Kind(project.Domestic).Count != before.Kind(project.Domestic).Count+1 {
		t.Error("the new project is not counted")
	}
	err = s.CreateBy(ctx, p, board, now)
	fieldErr(t, err, "code", "project.error.code_taken")
}

// TestConcurrentEditorsOneWinnerPerVersion: 50 editors read the same
// version and all write; exactly one succeeds, the others conflict, and
// the stored document holds the winner's change with one history entry.
func TestConcurrentEditorsOneWinnerPerVersion(t *testing.T) {
	t.Parallel()
	s, db := seeded(t)
	ctx := context.Background()
	p := firstAt(t, s, project.Operating)
	const editors = 50
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		mu       sync.Mutex
		winners  []string
		conflict int
	)
	for i := range editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "Editor " + itoa(i)
			<-start
			_, err := s.Update(ctx, p.Code, p.Version, project.Changes{NameEN: &name}, project.Actor{ID: itoa(i), Name: name}, now)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				winners = append(winners, name)
			case errors.Is(err, apperr.ErrConflict):
				conflict++
			default:
				t.Errorf("editor %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 || conflict != editors-1 {
		t.Fatalf("%d winners, %d conflicts", len(winners), conflict)
	}
	var raw struct {
		Name    project.Text     `bson:"name"`
		Version int64            `bson:"version"`
		History []project.Change `bson:"history"`
	}
	if err := db.Collection(project.Collection).FindOne(ctx, bson.D{{Key: "code", Value: p.Code}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if raw.Name.EN != winners[0] || raw.Version != p.Version+1 || len(raw.History) != 1 || raw.History[0].By.Name != winners[0] {
		t.Errorf("stored %q v%d with %d history entries; winner %q", raw.Name.EN, raw.Version, len(raw.History), winners[0])
	}
}

func TestWatch(t *testing.T) {
	t.Parallel()
	s, db := seeded(t)
	ctx := context.Background()
	t.Run("SettingsDefaultSaveAndConflict", func(t *testing.T) {
		w, err := s.WatchSettings(ctx)
		if err != nil || w != project.DefaultWatchSettings() {
			t.Fatalf("%+v %v", w, err)
		}
		fieldErr(t, func() error {
			_, err := s.SaveWatchSettings(ctx, project.WatchSettings{Months: 0, SharePercent: 50}, 0, board, now)
			return err
		}(), "months", "project.error.watch_months")
		saved, err := s.SaveWatchSettings(ctx, project.WatchSettings{Months: 36, SharePercent: 40}, 0, board, now)
		if err != nil || saved.Version != 1 {
			t.Fatalf("%+v %v", saved, err)
		}
		if _, err := s.SaveWatchSettings(ctx, project.WatchSettings{Months: 12, SharePercent: 40}, 0, board, now); !errors.Is(err, apperr.ErrConflict) {
			t.Errorf("stale save: %v", err)
		}
		got, _ := s.WatchSettings(ctx)
		if got.Months != 36 || got.SharePercent != 40 || got.Version != 1 || got.UpdatedBy == nil || got.UpdatedBy.Name != board.Name {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("Rules", func(t *testing.T) {
		lic := time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC)
		ec := time.Date(2030, 1, 15, 0, 0, 0, 0, time.UTC)
		at := func(stage project.Stage, disbursedBP int64, extra ...project.Stage) *project.Project {
			p := &project.Project{Stage: stage, StageHistory: []project.StageDate{{Stage: project.Licensed, Date: lic}}, ExpectedCompletion: &ec}
			for _, st := range extra {
				p.StageHistory = append(p.StageHistory, project.StageDate{Stage: st, Date: lic.AddDate(1, 0, 0)})
			}
			p.Registered.Amount, p.Disbursed.Amount = 10_000, disbursedBP
			return p
		}
		w := project.WatchSettings{Months: 24, SharePercent: 50}
		// At now (Nov 2026) the schedule calls for about 69% disbursed.
		codes := func(p *project.Project) []string {
			var out []string
			for _, r := range p.WatchReasons(w, now) {
				out = append(out, r.Code)
			}
			return out
		}
		cases := []struct {
			name string
			p    *project.Project
			want []string
		}{
			{"LicensedLongAgoAndLittlePaid", at(project.Licensed, 100), []string{project.ReasonNotStarted, project.ReasonSlowDisbursement}},
			{"LicensedLongAgoWellPaid", at(project.Licensed, 5000), []string{project.ReasonNotStarted}},
			{"ConstructionOnSchedule", at(project.Construction, 4000, project.Construction), nil},
			{"ConstructionSlow", at(project.Construction, 3000, project.Construction), []string{project.ReasonSlowDisbursement}},
			{"SuspendedBeforeConstruction", at(project.Suspended, 9000, project.Suspended), []string{project.ReasonNotStarted}},
			{"SuspendedAfterConstruction", at(project.Suspended, 9000, project.Construction, project.Suspended), nil},
			{"Operating", at(project.Operating, 0, project.Operating), nil},
		}
		for _, c := range cases {
			if got := codes(c.p); !equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		recent := at(project.Licensed, 0)
		recent.StageHistory[0].Date = now.AddDate(0, -23, 0)
		recent.ExpectedCompletion = nil
		if got := codes(recent); got != nil {
			t.Errorf("licensed 23 months ago: %v", got)
		}
	})
	t.Run("ListMatchesRules", func(t *testing.T) {
		w := project.DefaultWatchSettings()
		items, err := s.Watch(ctx, w, now)
		if err != nil || len(items) == 0 {
			t.Fatalf("%d items, %v", len(items), err)
		}
		flagged := map[string]bool{}
		for i, it := range items {
			flagged[it.Project.Code] = true
			if i > 0 && it.LicenceDate.Before(items[i-1].LicenceDate) {
				t.Fatal("not sorted by licence date")
			}
		}
		for _, p := range stored(t, db) {
			if want := len(p.WatchReasons(w, now)) > 0; want != flagged[p.Code] {
				t.Errorf("%s: flagged %v, rules say %v", p.Code, flagged[p.Code], want)
			}
		}
		t.Logf("%d of the demo projects are on the watch list", len(items))
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
