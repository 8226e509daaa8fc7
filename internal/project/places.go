package project

import (
	"strings"

	"github.com/khanhhoa/investportal/internal/adminunit"
)

// PlaceNames returns the names a reader may search a record's place by, in
// Vietnamese with diacritics (folding makes them match without): the former
// district, the current unit, and the former communes, wards and townships
// of that district the unit was formed from.
func PlaceNames(location, unit string) string {
	s := adminunit.Std()
	var names []string
	d, okD := s.DistrictBySlug(location)
	if okD {
		names = append(names, d.NameVI)
	}
	if u, ok := s.UnitBySlug(unit); ok {
		names = append(names, u.NameVI)
		for _, part := range u.FormedFrom {
			if !okD || part.Former.DistrictCode == d.Code {
				names = append(names, part.Former.Name)
			}
		}
	}
	return strings.Join(names, " ; ")
}

// UnitName is the full name of a current unit in the language ("Phường
// Bắc Cam Ranh", "Bac Cam Ranh Ward"); the slug itself if unknown.
func UnitName(lang, unit string) string {
	u, ok := adminunit.Std().UnitBySlug(unit)
	if !ok {
		return unit
	}
	if lang == "en" {
		return u.NameEN
	}
	return u.NameVI
}

// DistrictName is the full name of a former district in the language
// ("Thành phố Cam Ranh", "Cam Ranh City"); the slug itself if unknown.
func DistrictName(lang, location string) string {
	d, ok := adminunit.Std().DistrictBySlug(location)
	if !ok {
		return location
	}
	if lang == "en" {
		return d.NameEN
	}
	return d.NameVI
}
