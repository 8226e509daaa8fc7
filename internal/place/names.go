package place

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/adminunit"
	"github.com/khanhhoa/investportal/internal/fold"
	"github.com/khanhhoa/investportal/internal/i18n"
)

// Names returns the names a reader may search a record's place by, in
// Vietnamese with diacritics (folding makes them match without): the former
// district, the current unit, and the former communes, wards and townships
// of that district the unit was formed from.
func Names(location, unit string) string {
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
	return inLang(lang, u.NameVI, u.NameEN)
}

// DistrictName is the full name of a former district in the language
// ("Thành phố Cam Ranh", "Cam Ranh City"); the slug itself if unknown.
func DistrictName(lang, location string) string {
	d, ok := adminunit.Std().DistrictBySlug(location)
	if !ok {
		return location
	}
	return inLang(lang, d.NameVI, d.NameEN)
}

// inLang picks a name by language: English for "en", else Vietnamese.
func inLang(lang, vi, en string) string {
	if lang == "en" {
		return en
	}
	return vi
}

// placeKinds are the words written before a unit's name in Vietnamese,
// folded: "xã Ninh Phước", "phường Vĩnh Hòa", "thị trấn Cam Đức".
var placeKinds = []string{"xa", "phuong", "thi tran", "dac khu"}

// UnitFromText decides the current unit of a record in the former district
// location from the district alone (it went into exactly one unit) or from
// the units named in texts with their kind word ("xã Ninh Phước",
// "phường Bắc Cam Ranh"): a former commune, ward or township of the
// district names the unit(s) it went into, a current unit of the district
// names itself. It returns the unit when exactly one is named, else ""
// and the candidates: the units named, or all the district's units when
// none is.
func UnitFromText(location string, texts ...string) (string, []string) {
	s := adminunit.Std()
	d, ok := s.DistrictBySlug(location)
	if !ok {
		return "", nil
	}
	all := s.UnitsOf(d.Code)
	if len(all) == 1 {
		return all[0].Slug, nil
	}
	text := " " + fold.Words(strings.Join(texts, " ")) + " "
	// "thị xã Ninh Hòa" is the former town, not a commune.
	text = strings.ReplaceAll(text, " thi xa ", " thixa ")
	named := func(name string) bool {
		n := fold.Words(name)
		for _, k := range placeKinds {
			if strings.Contains(text, " "+k+" "+n+" ") {
				return true
			}
		}
		return false
	}
	var found []string
	add := func(slug string) {
		if !slices.Contains(found, slug) {
			found = append(found, slug)
		}
	}
	for _, u := range all {
		if named(u.Name) {
			add(u.Slug)
		}
		for _, part := range u.FormedFrom {
			if part.Former.DistrictCode == d.Code && named(part.Former.Name) {
				add(u.Slug)
			}
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if len(found) == 0 {
		for _, u := range all {
			found = append(found, u.Slug)
		}
	}
	return "", found
}

// MainUnit is the current unit that bears the former district's name (or,
// failing that, the first unit formed from it): where a record with no
// better clue is put in the demo data.
func MainUnit(location string) string {
	s := adminunit.Std()
	d, ok := s.DistrictBySlug(location)
	if !ok {
		return ""
	}
	units := s.UnitsOf(d.Code)
	for _, u := range units {
		if u.Slug == d.Slug {
			return u.Slug
		}
	}
	if len(units) == 0 {
		return ""
	}
	return units[0].Slug
}

// UnitFromName is UnitFromText for names that carry a place without its
// kind word ("Khu du lịch Cam Đức"): a former commune, ward or township of
// the district, or a current unit formed from it, whose name appears as
// whole words. The district's own name is left out (it names the district
// as well as a unit). It returns the unit when exactly one is named, else
// "" and the units named (nil when none is).
func UnitFromName(location string, texts ...string) (string, []string) {
	s := adminunit.Std()
	d, ok := s.DistrictBySlug(location)
	if !ok {
		return "", nil
	}
	text := " " + fold.Words(strings.Join(texts, " ")) + " "
	own := fold.Words(d.Name)
	named := func(name string) bool {
		n := fold.Words(name)
		return n != own && strings.Contains(text, " "+n+" ")
	}
	var found []string
	for _, u := range s.UnitsOf(d.Code) {
		hit := named(u.Name)
		for _, part := range u.FormedFrom {
			hit = hit || part.Former.DistrictCode == d.Code && named(part.Former.Name)
		}
		if hit {
			found = append(found, u.Slug)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return "", found
}

// UnitsOf lists the slugs of the current units formed (wholly or partly)
// from the former district.
func UnitsOf(location string) []string {
	var out []string
	for _, u := range adminunit.Std().UnitsOfDistrict(location) {
		out = append(out, u.Slug)
	}
	return out
}

// Show gives a record's place in the localizer's language: the current
// unit with the former district as history ("Phường Bắc Cam Ranh (trước
// đây thuộc thành phố Cam Ranh)", "Bac Cam Ranh Ward (formerly Cam Ranh
// City)"), or, for a record not yet migrated, the former district marked
// as former.
func Show(l *i18n.Localizer, location, unit string) string {
	district := DistrictName(l.Lang, location)
	if l.Lang != "en" {
		// Inside a sentence the kind word is lower-case: "thành phố Cam Ranh".
		if r, n := utf8.DecodeRuneInString(district); n > 0 {
			district = string(unicode.ToLower(r)) + district[n:]
		}
	}
	if ValidUnit(unit) {
		return l.T("place.with_former", "Unit", UnitName(l.Lang, unit), "District", district)
	}
	return l.T("place.former_only", "District", district)
}

// UnitGroup is one former district with the current units formed from it,
// for a unit select grouped by former district.
type UnitGroup struct {
	District string
	Units    []UnitOption
}

// UnitOption is a current unit as a select shows it.
type UnitOption struct{ Slug, VI, EN string }

// In is the unit's full name in the language.
func (u UnitOption) In(lang string) string { return inLang(lang, u.VI, u.EN) }

// UnitGroups lists every former district with its current units; a unit
// formed from several districts appears under each.
func UnitGroups() []UnitGroup {
	var out []UnitGroup
	for _, loc := range Locations {
		g := UnitGroup{District: loc}
		for _, u := range adminunit.Std().UnitsOfDistrict(loc) {
			g.Units = append(g.Units, UnitOption{Slug: u.Slug, VI: u.NameVI, EN: u.NameEN})
		}
		out = append(out, g)
	}
	return out
}
