package opportunity

import (
	"context"
	"math"
	"testing"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"go.mongodb.org/mongo-driver/bson"
)

// TestWriteAndHistoryAreOneUpdate: a change and its history entry are
// stored by one update, so nothing that happens to the separate history
// collection of earlier versions can fail a write that is already stored.
// Here that collection already holds an entry for the version the write
// produces (as a crash between the two writes of the old arrangement, or
// a restored backup, leaves it), which made the old second insert fail
// with a duplicate key and the request answer 500 after the change was
// stored.
func TestWriteAndHistoryAreOneUpdate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	o := sample("OPP-VP-001")
	if err := s.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	for v := int64(2); v <= 3; v++ {
		if _, err := s.history.InsertOne(ctx, HistoryEntry{Code: o.Code, Version: v, Actor: "ghost", Changes: []FieldChange{}}); err != nil {
			t.Fatal(err)
		}
	}
	status := StatusInNegotiation
	got, err := s.Update(ctx, o.Code, 1, Changes{Status: &status}, "staff@board", "talks started")
	if err != nil || got.Version != 2 {
		t.Fatalf("update: %+v %v", got, err)
	}
	got, err = s.LinkProject(ctx, o.Code, "DA-0042", "staff@board")
	if err != nil || got.Version != 3 || got.ProjectCode != "DA-0042" {
		t.Fatalf("link: %+v %v", got, err)
	}
	h, err := s.History(ctx, o.Code)
	if err != nil || len(h) != 2 {
		t.Fatalf("history %+v %v", h, err)
	}
	if h[0].Version != 2 || h[0].Actor != "staff@board" || h[0].Changes[0].Field != "status" ||
		h[1].Version != 3 || h[1].Changes[0] != (FieldChange{"project_code", "", "DA-0042"}) {
		t.Fatalf("history %+v", h)
	}
	// Entries of the older arrangement are still read.
	if _, err := s.history.InsertOne(ctx, HistoryEntry{Code: o.Code, Version: 1, Actor: "seed", Changes: []FieldChange{}}); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.History(ctx, o.Code); len(h) != 3 || h[0].Actor != "seed" {
		t.Fatalf("history with a legacy entry %+v", h)
	}
	// The history array stays out of ordinary reads.
	var raw bson.M
	if err := s.opps.FindOne(ctx, bson.D{{Key: "code", Value: o.Code}}).Decode(&raw); err != nil || len(raw["history"].(bson.A)) != 2 {
		t.Fatalf("stored document: %v %v", raw["history"], err)
	}
}

// TestUpdateWithProjectCodeIsOneWrite: the project link is part of the
// same checked update as the other changes, so a bad code refuses them all.
func TestUpdateWithProjectCodeIsOneWrite(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	o := sample("OPP-VP-001")
	if err := s.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	title := project.Text{VI: "Tên mới", EN: "New title"}
	_, err := s.Update(ctx, o.Code, 1, Changes{Title: &title, ProjectCode: ptrTo("not a code")}, "staff@board", "")
	if fieldsOf(t, err)["project_code"] != "opportunity.error.project_code" {
		t.Fatalf("got %v", err)
	}
	if got, _ := s.Get(ctx, o.Code); got.Version != 1 || got.Title != o.Title {
		t.Fatalf("a refused update was written: %+v", got)
	}
	got, err := s.Update(ctx, o.Code, 1, Changes{Title: &title, ProjectCode: ptrTo(" DA-0042 ")}, "staff@board", "")
	if err != nil || got.Version != 2 || got.ProjectCode != "DA-0042" || got.Title != title {
		t.Fatalf("%+v %v", got, err)
	}
	got, err = s.Update(ctx, o.Code, 2, Changes{ProjectCode: ptrTo("")}, "staff@board", "")
	if err != nil || got.ProjectCode != "" {
		t.Fatalf("unlink: %+v %v", got, err)
	}
	if stored, _ := s.Get(ctx, o.Code); stored.ProjectCode != "" || stored.Version != 3 {
		t.Fatalf("stored %+v", stored)
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestOpportunityTextAndAmountRules: control characters and amounts beyond
// money.Max are refused on every write, naming the field.
func TestOpportunityTextAndAmountRules(t *testing.T) {
	for name, tc := range map[string]struct {
		edit  func(o *Opportunity)
		field string
		id    string
	}{
		"TitleNUL":        {func(o *Opportunity) { o.Title.EN = "Wind\x00farm" }, "title_en", "project.error.control_chars"},
		"TitleLineBreak":  {func(o *Opportunity) { o.Title.VI = "Điện gió\nVân Phong" }, "title_vi", "project.error.control_chars"},
		"DescriptionESC":  {func(o *Opportunity) { o.Description.VI = "Mô tả\x1b[31m" }, "description_vi", "project.error.control_chars"},
		"ContactName":     {func(o *Opportunity) { o.Contact.Name = "Desk\x7f" }, "contact_name", "project.error.control_chars"},
		"ContactEmail":    {func(o *Opportunity) { o.Contact.Email = "a@b" }, "contact_email", "error.field.email"},
		"IncentiveBasis":  {func(o *Opportunity) { o.Incentives[0].LegalBasis = "Decree\x0031" }, "incentives.0.legal_basis", "project.error.control_chars"},
		"CapitalMaxInt64": {func(o *Opportunity) { o.IndicativeCapital.Amount = math.MaxInt64 }, "indicative_capital", "opportunity.error.capital_too_large"},
		"CapitalUSD": {func(o *Opportunity) {
			o.IndicativeCapital = money.Amount{Amount: money.Max(money.USD) + 1, Currency: money.USD}
		}, "indicative_capital", "opportunity.error.capital_too_large"},
	} {
		t.Run(name, func(t *testing.T) {
			o := sample("OPP-VP-001")
			if len(o.Incentives) == 0 {
				o.Incentives = []Incentive{{Text: project.Text{VI: "Ưu đãi"}, LegalBasis: "Nghị định 31/2021"}}
			}
			tc.edit(&o)
			if got := fieldsOf(t, o.Validate()); got[tc.field] != tc.id {
				t.Fatalf("got %v, want %s = %s", got, tc.field, tc.id)
			}
		})
	}
	o := sample("OPP-VP-001")
	o.Description.VI = "Dòng một\r\n\tDòng hai"
	if err := o.Validate(); err != nil {
		t.Errorf("a multi-line description was refused: %v", err)
	}
	_, err := newStore(t).Update(context.Background(), "OPP-VP-001", 1, Changes{}, "staff@board", "reason\x00")
	if apperr.As(err).Fields["reason"] != "project.error.control_chars" {
		t.Errorf("reason with NUL: %v", err)
	}
}
