package search

import (
	"context"
	"slices"
	"testing"

	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
)

// TestSearchByOldAndNewPlaceNames indexes a project and an opportunity
// located by current unit and checks that each is found by the former
// district's name and by the current unit's, with and without diacritics,
// and that the unit and province facets filter.
func TestSearchByOldAndNewPlaceNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := NewBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	p := project.Project{Code: "DA-9001", Name: project.Text{VI: "Khách sạn Biển Xanh", EN: "Blue Sea Hotel"},
		Investor: project.Investor{Name: "Công ty B", Country: "VN"}, Kind: project.Domestic, Sector: "tourism",
		Location: "cam_ranh", Unit: "bac_cam_ranh", Stage: project.Licensed, Registered: money.Amount{Amount: 1, Currency: money.VND}}
	o := opportunity.Opportunity{Code: "OPP-9001", Title: project.Text{VI: "Khu nghỉ dưỡng Sao Mai", EN: "Sao Mai resort"},
		Sector: "tourism", Location: "cam_lam", Unit: "cam_hiep", Status: opportunity.StatusOpen,
		IndicativeCapital: money.Amount{Amount: 1, Currency: money.VND}}
	other := project.Project{Code: "DA-9002", Name: project.Text{VI: "Nhà máy điện mặt trời", EN: "Solar plant"},
		Investor: project.Investor{Name: "Công ty C", Country: "VN"}, Kind: project.Domestic, Sector: "energy",
		Location: "ninh_phuoc", Unit: "phuoc_huu", Stage: project.Licensed, Registered: money.Amount{Amount: 1, Currency: money.VND}}
	if !place.UnitInLocation(other.Unit, other.Location) || !place.UnitInLocation(o.Unit, o.Location) {
		t.Fatal("fixture units are not formed from their districts")
	}
	if err := e.Upsert(ctx, []Doc{ProjectDoc(&p), OpportunityDoc(&o), ProjectDoc(&other)}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"Bac Cam Ranh": {"DA-9001"},
		"Bắc Cam Ranh": {"DA-9001"},
		"Cam Lâm":      {"OPP-9001"},
		"cam lam":      {"OPP-9001"},
		"cam hiep":     {"OPP-9001"},
		"Ninh Phước":   {"DA-9002"},
	} {
		for _, lang := range []string{"vi", "en"} {
			res, err := e.Search(ctx, Query{Text: q, Lang: lang})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Code)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%q (%s): %v, want %v", q, lang, got, want)
			}
		}
	}
	res, err := e.Search(ctx, Query{Filters: map[string][]string{"province": {"ninh_thuan"}}, Facets: []string{"unit"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].Code != "DA-9002" || res.Facets["unit"]["phuoc_huu"] != 1 {
		t.Errorf("province filter: %+v", res)
	}
}
