package opportunity

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

// TestContactUnitAndCitationsInBothLanguages stores the contact unit and
// the legal citations in English beside Vietnamese, and reads a record
// written before they had English (no nameEn, no legalBasisEn) as
// Vietnamese that the English page marks as a fallback.
func TestContactUnitAndCitationsInBothLanguages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	o := sample("OPP-VP-001")
	o.Contact.NameEN = "  Investment Division  "
	o.Incentives[0].LegalBasisEN = "Decree No. 31/2021/ND-CP"
	if err := s.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, o.Code)
	if err != nil {
		t.Fatal(err)
	}
	if en, fell := got.Contact.Unit().In(LangEN); en != "Investment Division" || fell {
		t.Errorf("contact unit in English = %q (fallback %v), want the trimmed English name", en, fell)
	}
	if vi, _ := got.Contact.Unit().In(LangVI); vi != "Phòng Đầu tư" {
		t.Errorf("contact unit in Vietnamese = %q", vi)
	}
	if en, fell := got.Incentives[0].Basis().In(LangEN); en != "Decree No. 31/2021/ND-CP" || fell {
		t.Errorf("citation in English = %q (fallback %v)", en, fell)
	}

	// A record as written before the English fields existed.
	coll := s.opps.Mongo()
	if _, err := coll.UpdateOne(ctx, bson.M{"code": o.Code},
		bson.M{"$unset": bson.M{"contact.nameEn": "", "incentives.0.legalBasisEn": ""}}); err != nil {
		t.Fatal(err)
	}
	var raw bson.M
	if err := coll.FindOne(ctx, bson.M{"code": o.Code}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if c := raw["contact"].(bson.M); c["nameEn"] != nil {
		t.Fatalf("the old-shape record still has nameEn: %v", c)
	}
	old, err := NewStore(coll.Database()).Get(ctx, o.Code)
	if err != nil {
		t.Fatalf("a record without English does not read: %v", err)
	}
	if en, fell := old.Contact.Unit().In(LangEN); en != "Phòng Đầu tư" || !fell {
		t.Errorf("old contact unit in English = %q (fallback %v), want Vietnamese marked as fallback", en, fell)
	}
	if en, fell := old.Incentives[0].Basis().In(LangEN); en != "Nghị định 31/2021/NĐ-CP" || !fell {
		t.Errorf("old citation in English = %q (fallback %v), want Vietnamese marked as fallback", en, fell)
	}
}
