package opportunity

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
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
	t.Parallel()
	ctx := context.Background()
	s, o := storeWithSample(t)
	for v := int64(2); v <= 3; v++ {
		if _, err := s.history.InsertOne(ctx, bson.D{{Key: "code", Value: o.Code}, {Key: "version", Value: v}, {Key: "actor", Value: "ghost"}, {Key: "changes", Value: bson.A{}}}); err != nil {
			t.Fatal(err)
		}
	}
	status := StatusInNegotiation
	got, err := s.Update(ctx, o.Code, 1, Changes{Status: &status}, by("staff@board"), "talks started")
	if err != nil || got.Version != 2 {
		t.Fatalf("update: %+v %v", got, err)
	}
	got, err = s.LinkProject(ctx, o.Code, "DA-0042", by("staff@board"))
	if err != nil || got.Version != 3 || got.ProjectCode != "DA-0042" {
		t.Fatalf("link: %+v %v", got, err)
	}
	h, err := s.History(ctx, o.Code)
	if err != nil || len(h) != 2 {
		t.Fatalf("history %+v %v", h, err)
	}
	if h[0].Version != 2 || h[0].By.Email != "staff@board" || h[0].Fields[0].Field != "status" ||
		h[1].Version != 3 || h[1].Fields[0] != (record.FieldChange{Field: "project_code", From: "", To: "DA-0042"}) {
		t.Fatalf("history %+v", h)
	}
	// Entries of the older arrangement are still read.
	if _, err := s.history.InsertOne(ctx, bson.D{{Key: "code", Value: o.Code}, {Key: "version", Value: int64(1)}, {Key: "actor", Value: "seed"}, {Key: "changes", Value: bson.A{}}}); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.History(ctx, o.Code); len(h) != 3 || h[0].By.Name != "seed" || h[0].By.ID != "seed" {
		t.Fatalf("history with a legacy entry %+v", h)
	}
	// The history array stays out of ordinary reads.
	var raw bson.M
	if err := s.opps.Mongo().FindOne(ctx, bson.D{{Key: "code", Value: o.Code}}).Decode(&raw); err != nil || len(raw["history"].(bson.A)) != 2 {
		t.Fatalf("stored document: %v %v", raw["history"], err)
	}
}

// TestUpdateWithProjectCodeIsOneWrite: the project link is part of the
// same checked update as the other changes, so a bad code refuses them all.
func TestUpdateWithProjectCodeIsOneWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, o := storeWithSample(t)
	title := project.Text{VI: "Tên mới", EN: "New title"}
	_, err := s.Update(ctx, o.Code, 1, Changes{Title: &title, ProjectCode: ptrTo("not a code")}, by("staff@board"), "")
	if fieldsOf(t, err)["project_code"] != "opportunity.error.project_code" {
		t.Fatalf("got %v", err)
	}
	if got, _ := s.Get(ctx, o.Code); got.Version != 1 || got.Title != o.Title {
		t.Fatalf("a refused update was written: %+v", got)
	}
	got, err := s.Update(ctx, o.Code, 1, Changes{Title: &title, ProjectCode: ptrTo(" DA-0042 ")}, by("staff@board"), "")
	if err != nil || got.Version != 2 || got.ProjectCode != "DA-0042" || got.Title != title {
		t.Fatalf("%+v %v", got, err)
	}
	got, err = s.Update(ctx, o.Code, 2, Changes{ProjectCode: ptrTo("")}, by("staff@board"), "")
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
	t.Parallel()
	for name, tc := range map[string]struct {
		edit  func(o *Opportunity)
		field string
		id    string
	}{
		"TitleNUL":         {func(o *Opportunity) { o.Title.EN = "Wind\x00farm" }, "title_en", "project.error.control_chars"},
		"TitleLineBreak":   {func(o *Opportunity) { o.Title.VI = "Điện gió\nVân Phong" }, "title_vi", "project.error.control_chars"},
		"DescriptionESC":   {func(o *Opportunity) { o.Description.VI = "Mô tả\x1b[31m" }, "description_vi", "project.error.control_chars"},
		"ContactName":      {func(o *Opportunity) { o.Contact.Name = "Desk\x7f" }, "contact_name", "project.error.control_chars"},
		"ContactNameEN":    {func(o *Opportunity) { o.Contact.NameEN = "Investment\nDivision" }, "contact_name_en", "project.error.control_chars"},
		"IncentiveBasisEN": {func(o *Opportunity) { o.Incentives[0].LegalBasisEN = "Decree\x0031" }, "incentives.0.legal_basis_en", "project.error.control_chars"},
		"ContactEmail":     {func(o *Opportunity) { o.Contact.Email = "a@b" }, "contact_email", "error.field.email"},
		"IncentiveBasis":   {func(o *Opportunity) { o.Incentives[0].LegalBasis = "Decree\x0031" }, "incentives.0.legal_basis", "project.error.control_chars"},
		"CapitalMaxInt64":  {func(o *Opportunity) { o.IndicativeCapital.Amount = math.MaxInt64 }, "indicative_capital", "opportunity.error.capital_too_large"},
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
	_, err := newStore(t).Update(context.Background(), "OPP-VP-001", 1, Changes{}, by("staff@board"), "reason\x00")
	if apperr.As(err).Fields["reason"] != "project.error.control_chars" {
		t.Errorf("reason with NUL: %v", err)
	}
}

// TestOldShapedHistoryReadsRight: an opportunity stored by the code before
// internal/record (history entries with a string "actor", "reason" and
// "changes", an "indexedVersion" field, an older entry in the
// opportunity_history collection) reads right, and a new write appends an
// entry of the new shape after them.
func TestOldShapedHistoryReadsRight(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	o := sample("OPP-VP-009")
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	at2 := time.Date(2024, 11, 2, 3, 4, 5, 0, time.UTC)
	at3 := time.Date(2025, 1, 6, 7, 8, 9, 0, time.UTC)
	o.CreatedAt, o.UpdatedAt, o.Version = at2, at3, 3
	old := mustFields(&o)
	old = append(old, derived(&o)...)
	old = append(old,
		bson.E{Key: "indexedVersion", Value: int64(3)},
		bson.E{Key: "needsIndex", Value: false},
		bson.E{Key: "history", Value: bson.A{bson.D{
			{Key: "code", Value: o.Code}, {Key: "version", Value: int64(3)}, {Key: "actor", Value: "lan@board.example"},
			{Key: "reason", Value: "new survey"}, {Key: "at", Value: at3},
			{Key: "changes", Value: bson.A{bson.D{{Key: "field", Value: "status"}, {Key: "from", Value: "in_negotiation"}, {Key: "to", Value: "open"}}}},
		}}})
	if _, err := s.opps.Mongo().InsertOne(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.history.InsertOne(ctx, bson.D{
		{Key: "code", Value: o.Code}, {Key: "version", Value: int64(2)}, {Key: "actor", Value: "seed"},
		{Key: "reason", Value: "imported"}, {Key: "at", Value: at2},
		{Key: "changes", Value: bson.A{bson.D{{Key: "field", Value: "status"}, {Key: "from", Value: "open"}, {Key: "to", Value: "in_negotiation"}}}},
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, o.Code)
	if err != nil || got.Version != 3 || got.Title != o.Title {
		t.Fatalf("get: %+v %v", got, err)
	}
	h, err := s.History(ctx, o.Code)
	if err != nil || len(h) != 2 {
		t.Fatalf("history %+v %v", h, err)
	}
	want := []record.Change{
		{Version: 2, At: at2, By: record.Actor{ID: "seed", Name: "seed"}, Action: ActionEdit, Note: "imported",
			Fields: []record.FieldChange{{Field: "status", From: "open", To: "in_negotiation"}}},
		{Version: 3, At: at3, By: record.Actor{ID: "lan@board.example", Email: "lan@board.example"}, Action: ActionEdit, Note: "new survey",
			Fields: []record.FieldChange{{Field: "status", From: "in_negotiation", To: "open"}}},
	}
	for i := range want {
		if !reflect.DeepEqual(h[i], want[i]) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, h[i], want[i])
		}
	}
	status := StatusClosed
	if _, err := s.Update(ctx, o.Code, 3, Changes{Status: &status}, record.Actor{ID: "u7", Name: "Lan", Email: "lan@board.example"}, "withdrawn"); err != nil {
		t.Fatal(err)
	}
	h, err = s.History(ctx, o.Code)
	if err != nil || len(h) != 3 || h[0].Version != 2 || h[1].Version != 3 || h[2].Version != 4 ||
		h[2].By != (record.Actor{ID: "u7", Name: "Lan", Email: "lan@board.example"}) || h[2].Note != "withdrawn" ||
		!reflect.DeepEqual(h[2].Fields, []record.FieldChange{{Field: "status", From: "open", To: "closed"}}) {
		t.Fatalf("history after a new write %+v %v", h, err)
	}
	if p, err := s.PendingIndex(ctx, 10); err != nil || len(p) != 1 || p[0].Version != 4 {
		t.Fatalf("pending after the write: %+v %v", p, err)
	}
}
