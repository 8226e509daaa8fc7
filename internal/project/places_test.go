package project_test

import (
	"testing"

	"github.com/khanhhoa/investportal/internal/adminunit"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
)

func TestLocationsAreTheSixteenFormerDistricts(t *testing.T) {
	if len(place.Locations) != 16 {
		t.Fatalf("%d locations, want 16: %v", len(place.Locations), place.Locations)
	}
	for loc, want := range map[string]string{"cam_lam": "khanh_hoa", "truong_sa": "khanh_hoa", "ninh_hai": "ninh_thuan", "phan_rang_thap_cham": "ninh_thuan"} {
		p := project.Project{Location: loc}
		if got := p.Province(); got != want {
			t.Errorf("%s: province %q, want %q", loc, got, want)
		}
	}
}

func TestUnitMustBeFormedFromTheFormerDistrict(t *testing.T) {
	base := func(loc, unit string) *project.Project {
		return &project.Project{Code: "DA-UNIT-1", Name: project.Text{VI: "Dự án"}, Investor: project.Investor{Name: "A", Country: "VN"},
			Kind: project.Domestic, Sector: "tourism", Location: loc, Unit: unit, Stage: project.Licensed,
			Registered: money.Amount{Currency: money.VND}, Disbursed: money.Amount{Currency: money.VND}}
	}
	for _, c := range []struct {
		loc, unit string
		ok        bool
	}{
		{"cam_ranh", "bac_cam_ranh", true},
		{"cam_lam", "", true}, // not yet migrated
		{"ninh_hai", "", true},
		{"nha_trang", "bac_cam_ranh", false}, // exists, wrong district
		{"cam_ranh", "no_such_unit", false},
	} {
		err := base(c.loc, c.unit).Validate()
		bad := err != nil && apperr.As(err).Fields["unit"] != ""
		if bad == c.ok {
			t.Errorf("%s/%s: err %v, want ok=%v", c.loc, c.unit, err, c.ok)
		}
	}
	// Every unit of a Ninh Thuận district is valid with it.
	for _, loc := range []string{"ninh_hai", "thuan_nam", "bac_ai"} {
		p := base(loc, "")
		units := 0
		for _, slug := range unitSlugsOf(loc) {
			p.Unit = slug
			if err := p.Validate(); err != nil {
				t.Errorf("%s/%s: %v", loc, slug, err)
			}
			units++
		}
		if units == 0 {
			t.Errorf("%s: no units", loc)
		}
	}
	f := project.Filter{Unit: "nowhere", Province: "binh_dinh"}
	if err := f.Validate(); err == nil || apperr.As(err).Fields["unit"] == "" || apperr.As(err).Fields["province"] == "" {
		t.Errorf("filter: %v, want unit and province named", err)
	}
}

func unitSlugsOf(loc string) []string {
	var out []string
	for _, u := range adminunit.Std().UnitsOfDistrict(loc) {
		out = append(out, u.Slug)
	}
	return out
}
