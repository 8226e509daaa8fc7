// Package place is where a project or an opportunity lies, as the portal
// keeps it: the former district (Location, before 1 July 2025) and the
// current commune-level unit formed from it (Unit). It checks them, names
// them in both languages, groups the units for a select, and infers a
// record's unit from its texts for the migration. The units themselves
// are data in internal/adminunit.
package place

import (
	"slices"

	"github.com/khanhhoa/investportal/internal/adminunit"
	"github.com/khanhhoa/investportal/internal/apperr"
)

// Locations are the former districts (before 1 July 2025) a project or
// opportunity is located by: the nine of the former Khánh Hòa in the
// portal's long-standing order, then the seven of the former Ninh Thuận
// (seed/admin/districts_2024.csv). The current unit is in Unit.
var Locations = locations()

func locations() []string {
	out := []string{
		"nha_trang", "cam_ranh", "ninh_hoa", "van_ninh", "cam_lam", "dien_khanh",
		"khanh_vinh", "khanh_son", "truong_sa",
	}
	for _, d := range adminunit.Std().Districts {
		if !slices.Contains(out, d.Slug) {
			out = append(out, d.Slug)
		}
	}
	return out
}

// Provinces are the former provinces' keys (filter province=).
var Provinces = adminunit.Provinces

// ValidLocation reports whether s is a known location code.
func ValidLocation(s string) bool { return slices.Contains(Locations, s) }

// ValidProvince reports whether s is a former province's key.
func ValidProvince(s string) bool { return slices.Contains(Provinces, s) }

// ValidUnit reports whether s is the slug of a current unit.
func ValidUnit(s string) bool {
	_, ok := adminunit.Std().UnitBySlug(s)
	return ok
}

// UnitInLocation reports whether the current unit was formed (wholly or
// partly) from the former district location.
func UnitInLocation(unit, location string) bool { return adminunit.Std().InDistrict(unit, location) }

// ProvinceOf is the former province ("khanh_hoa" or "ninh_thuan") of a
// former district.
func ProvinceOf(location string) string { return adminunit.Std().ProvinceOf(location) }

// UnitError is the field message of a unit that is unknown or not formed
// from the former district given.
const UnitError = "error.field.unit"

// CheckUnit adds to f what is wrong with a unit for the former district
// location; required says an empty unit is wrong too.
func CheckUnit(f apperr.Fields, unit, location string, required bool) {
	switch {
	case unit == "":
		if required {
			f.Add("unit", "error.field.required")
		}
	case !ValidUnit(unit) || (ValidLocation(location) && !UnitInLocation(unit, location)):
		f.Add("unit", UnitError)
	}
}
