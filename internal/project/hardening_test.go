package project_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"go.mongodb.org/mongo-driver/bson"
)

// TestAmountsBeyondTheBoundAreRefused: no write path stores an amount
// beyond money.Max, and a refused write leaves the project as it was.
func TestAmountsBeyondTheBoundAreRefused(t *testing.T) {
	t.Parallel()
	s, _ := sharedSeeded(t)
	ctx := context.Background()
	t.Run("Create", func(t *testing.T) {
		for _, kind := range project.Kinds {
			p := &project.Project{Code: "DA-HUGE-" + strings.ToUpper(string(kind)), Name: project.Text{VI: "Dự án lớn"}, Investor: project.Investor{Name: "Công ty A", Country: "VN"},
				Kind: kind, Sector: "tourism", Location: "nha_trang", Stage: project.Licensed,
				Registered: money.Amount{Amount: math.MaxInt64, Currency: kind.Currency()}}
			fieldErr(t, s.CreateBy(ctx, p, board, now), "registered_capital", project.AmountTooLargeID)
			p.Registered.Amount = money.Max(kind.Currency()) + 1
			fieldErr(t, s.CreateBy(ctx, p, board, now), "registered_capital", project.AmountTooLargeID)
			if _, err := s.Get(ctx, p.Code); err == nil {
				t.Errorf("%s: a refused project was stored", p.Code)
			}
		}
	})
	p := firstAt(t, s, project.Construction)
	t.Run("Update", func(t *testing.T) {
		_, err := s.Update(ctx, p.Code, p.Version, project.Changes{NameEN: ptr("Renamed"), Registered: ptr(int64(math.MaxInt64)), Reason: "x"}, board, now)
		fieldErr(t, err, "registered_capital", project.AmountTooLargeID)
	})
	t.Run("Disbursement", func(t *testing.T) {
		for _, amount := range []int64{math.MaxInt64, money.Max(p.Kind.Currency()) + 1, math.MinInt64} {
			_, err := s.RecordDisbursement(ctx, p.Code, p.Version, project.NewDisbursement{Amount: amount, Reason: "x"}, board, now)
			fieldErr(t, err, "amount", project.AmountTooLargeID)
		}
	})
	if got, _ := s.Get(ctx, p.Code); got.Version != p.Version || got.Name.EN != p.Name.EN || got.Registered != p.Registered || got.Disbursed != p.Disbursed {
		t.Errorf("a refused write changed the project: %+v", got)
	}
}

// TestControlCharactersAreRefused: names and reasons with control
// characters are refused, naming the field; a reason may hold line breaks.
func TestControlCharactersAreRefused(t *testing.T) {
	t.Parallel()
	s, _ := seeded(t)
	ctx := context.Background()
	p := firstAt(t, s, project.Construction)
	for _, tc := range []struct {
		field string
		ch    project.Changes
	}{
		{"name_vi", project.Changes{NameVI: ptr("Khu\x00 nghỉ dưỡng")}},
		{"name_en", project.Changes{NameEN: ptr("Resort\x1b[31m")}},
		{"investor_name", project.Changes{InvestorName: ptr("Công ty\u0085 A")}},
		{"name_en", project.Changes{NameEN: ptr("two\nlines")}},
		{"reason", project.Changes{NameEN: ptr("Renamed"), Reason: "licence\x07 amended"}},
		{"name_vi", project.Changes{NameVI: ptr("bad \xff utf-8")}},
	} {
		_, err := s.Update(ctx, p.Code, p.Version, tc.ch, board, now)
		fieldErr(t, err, tc.field, project.ControlCharsID)
	}
	_, err := s.RecordDisbursement(ctx, p.Code, p.Version, project.NewDisbursement{Amount: -1, Reason: "wrong\x00entry"}, board, now)
	fieldErr(t, err, "reason", project.ControlCharsID)
	got, err := s.Update(ctx, p.Code, p.Version, project.Changes{NameEN: ptr("Renamed"), Reason: "licence amended\r\n\tsee decision 12"}, board, now)
	if err != nil || got.Name.EN != "Renamed" {
		t.Fatalf("a multi-line reason was refused: %v", err)
	}
}

// TestWriteIsNotAFailureWhenTheAnnouncementFails: the change-log entry
// that follows a stored write only tells other processes; when it cannot
// be written the write is still done, so it is answered as a success and
// this process shows it at once.
func TestWriteIsNotAFailureWhenTheAnnouncementFails(t *testing.T) {
	t.Parallel()
	s, db := seeded(t)
	ctx := context.Background()
	p := firstAt(t, s, project.Operating)
	changes := db.Collection(project.ChangeCollection)
	// A sequence number that is not a number makes every read of the log's
	// head fail, and the numbers after the seed's are taken, so the store
	// (which tries the number after its last append first) must read it.
	if _, err := changes.InsertOne(ctx, bson.D{{Key: "_id", Value: "broken"}, {Key: "code", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	for seq := int64(1); seq <= 50; seq++ {
		_, _ = changes.InsertOne(ctx, bson.D{{Key: "_id", Value: seq}, {Key: "code", Value: "x"}})
	}
	got, err := s.Update(ctx, p.Code, p.Version, project.Changes{NameEN: ptr("Stored despite the log")}, board, now)
	if err != nil || got.Version != p.Version+1 {
		t.Fatalf("update answered %v after it was stored", err)
	}
	d, err := s.RecordDisbursement(ctx, p.Code, got.Version, project.NewDisbursement{Amount: 1}, board, now)
	if err != nil || d.Version != p.Version+2 {
		t.Fatalf("disbursement answered %v after it was stored", err)
	}
	np := &project.Project{Code: "DA-BUMP-1", Name: project.Text{VI: "Dự án mới"}, Investor: project.Investor{Name: "Công ty A", Country: "VN"},
		Kind: project.Domestic, Sector: "tourism", Location: "nha_trang", Stage: project.Licensed,
		Registered: money.Amount{Amount: 1_000, Currency: money.VND}}
	if err := s.CreateBy(ctx, np, board, now); err != nil {
		t.Fatalf("create answered %v after it was stored", err)
	}
	if h, _ := s.History(ctx, p.Code); len(h) != 2 {
		t.Errorf("%d history entries, want 2", len(h))
	}
	if n, err := changes.CountDocuments(ctx, bson.D{{Key: "code", Value: "DA-BUMP-1"}}); err != nil || n != 0 {
		t.Fatalf("the change log was written after all (%d, %v); the test shows nothing", n, err)
	}
	page, err := s.List(ctx, project.Filter{Query: p.Code, Page: 1, PerPage: 1})
	if err != nil || len(page.Items) != 1 || page.Items[0].Name.EN != "Stored despite the log" {
		t.Fatalf("this process does not show its own write: %+v %v", page.Items, err)
	}
	if ok, _ := s.Exists(ctx, "DA-BUMP-1"); !ok {
		t.Error("this process does not show the project it created")
	}
}
