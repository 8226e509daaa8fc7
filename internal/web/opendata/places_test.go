package opendata_test

import (
	"encoding/json"
	"testing"

	"github.com/khanhhoa/investportal/internal/web/opendata"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestExportsAndFeedByCurrentUnit: the exports filter by current unit and
// carry the unit and former province columns; the feed describes a
// project's location as its current unit and keeps the former district in
// investment.
func TestExportsAndFeedByCurrentUnit(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	recs := parseCSV(t, e.Get("/en/projects.csv?unit=bac_cam_ranh"))
	if len(recs) < 2 {
		t.Fatalf("%d rows for unit=bac_cam_ranh", len(recs)-1)
	}
	head := recs[0]
	if head[len(head)-2] != "Commune, ward or special zone" || head[len(head)-1] != "Former province" || head[6] != "Former district" {
		t.Fatalf("header %q", head)
	}
	for _, row := range recs[1:] {
		if row[len(row)-2] != "Bac Cam Ranh Ward" || row[6] != "Cam Ranh" || row[len(row)-1] != "Khanh Hoa (former province)" {
			t.Fatalf("row %q", row)
		}
	}
	if r := e.Get("/en/projects.csv?unit=atlantis"); r.Status != 400 {
		t.Errorf("unit=atlantis: %d", r.Status)
	}
	opps := parseCSV(t, e.Get("/vi/opportunities.csv?unit=dong_ninh_hoa"))
	if len(opps) < 2 || opps[1][len(opps[1])-2] != "Phường Đông Ninh Hòa" {
		t.Fatalf("opportunities by unit: %q", opps)
	}
	r := e.Get("/api/v1/open/projects?lang=en&unit=bac_cam_ranh&per_page=5")
	var pkg opendata.OpenProjectPackage
	if err := json.Unmarshal([]byte(r.Body), &pkg); err != nil || len(pkg.Projects) == 0 {
		t.Fatalf("feed: %d %v", r.Status, err)
	}
	for _, p := range pkg.Projects {
		loc := p.Locations[0]
		if loc.ID != "bac_cam_ranh" || loc.Description != "Bac Cam Ranh Ward" || p.Investment.Location != "cam_ranh" ||
			p.Investment.Unit != "bac_cam_ranh" || p.Investment.FormerProvince != "khanh_hoa" {
			t.Errorf("%s: location %+v investment %s/%s/%s", p.ID, loc, p.Investment.Location, p.Investment.Unit, p.Investment.FormerProvince)
		}
	}
}
