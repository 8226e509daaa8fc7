package place_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/adminunit"
	"github.com/khanhhoa/investportal/internal/fold"
	"github.com/khanhhoa/investportal/internal/place"
)

func TestPlaceNamesHoldOldAndNewNames(t *testing.T) {
	got := fold.String(place.Names("cam_ranh", "bac_cam_ranh"))
	for _, want := range []string{"cam ranh", "bac cam ranh"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if place.UnitName("en", "bac_cam_ranh") != "Bac Cam Ranh Ward" || place.DistrictName("vi", "cam_lam") != "Huyện Cam Lâm" {
		t.Errorf("names: %q %q", place.UnitName("en", "bac_cam_ranh"), place.DistrictName("vi", "cam_lam"))
	}
}

// TestFormerDistrictsAreLocations ties the former districts of both former
// provinces (seed/admin/districts_2024.csv) to the portal's location codes
// (kept apart from internal/adminunit, which place imports): the nine of
// Khánh Hòa first, in the portal's long-standing order.
func TestFormerDistrictsAreLocations(t *testing.T) {
	var slugs []string
	for _, d := range adminunit.Std().Districts {
		slugs = append(slugs, d.Slug)
	}
	want := slices.Clone(place.Locations)
	slices.Sort(want)
	slices.Sort(slugs)
	if !slices.Equal(slugs, want) {
		t.Errorf("district slugs %v, want place.Locations %v", slugs, want)
	}
	for i, loc := range place.Locations {
		if (i < 9) != (place.ProvinceOf(loc) == adminunit.ProvinceKhanhHoa) {
			t.Errorf("location %d %s: province %s", i, loc, place.ProvinceOf(loc))
		}
	}
}
