package project_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/adminunit"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/fold"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
)

func TestLocationsAreTheSixteenFormerDistricts(t *testing.T) {
	if len(project.Locations) != 16 {
		t.Fatalf("%d locations, want 16: %v", len(project.Locations), project.Locations)
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

func TestPlaceNamesHoldOldAndNewNames(t *testing.T) {
	got := fold.String(project.PlaceNames("cam_ranh", "bac_cam_ranh"))
	for _, want := range []string{"cam ranh", "bac cam ranh"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if project.UnitName("en", "bac_cam_ranh") != "Bac Cam Ranh Ward" || project.DistrictName("vi", "cam_lam") != "Huyện Cam Lâm" {
		t.Errorf("names: %q %q", project.UnitName("en", "bac_cam_ranh"), project.DistrictName("vi", "cam_lam"))
	}
}

func unitSlugsOf(loc string) []string {
	var out []string
	for _, u := range adminunit.Std().UnitsOfDistrict(loc) {
		out = append(out, u.Slug)
	}
	return out
}

// TestFormerDistrictsAreLocations ties the former districts of both former
// provinces (seed/admin/districts_2024.csv) to the portal's location codes
// (moved from internal/adminunit, which project now imports): the nine of
// Khánh Hòa first, in the portal's long-standing order.
func TestFormerDistrictsAreLocations(t *testing.T) {
	var slugs []string
	for _, d := range adminunit.Std().Districts {
		slugs = append(slugs, d.Slug)
	}
	want := slices.Clone(project.Locations)
	slices.Sort(want)
	slices.Sort(slugs)
	if !slices.Equal(slugs, want) {
		t.Errorf("district slugs %v, want project.Locations %v", slugs, want)
	}
	for i, loc := range project.Locations {
		if (i < 9) != (project.ProvinceOf(loc) == adminunit.ProvinceKhanhHoa) {
			t.Errorf("location %d %s: province %s", i, loc, project.ProvinceOf(loc))
		}
	}
}
