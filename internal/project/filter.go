package project

import (
	"strings"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/place"
)

// Filter selects projects. Zero values mean "any".
type Filter struct {
	Kind     Kind
	Sector   string
	Location string
	// Unit is a current unit's slug; Province a former province's key.
	Unit     string
	Province string
	Stage    Stage
	// CapitalMin and CapitalMax bound registered capital in đồng (FDI
	// capital converted at the reference rate); nil means no bound.
	CapitalMin *int64
	CapitalMax *int64
	// Query matches the code, names or investor (case-insensitive).
	Query string
	Sort  string
	Page  int
	// PerPage is the page size, at most MaxPerPage.
	PerPage int
}

// Sort orders a list may take.
var Sorts = []string{"code", "name", "capital_desc", "capital_asc", "licensed_desc", "licensed_asc"}

// Page sizes.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
	// MaxFilterLen bounds each free-text filter, in characters.
	MaxFilterLen = 200
)

// Validate checks the filter, naming each bad field, and fills defaults.
func (f *Filter) Validate() error {
	e := apperr.Fields{}
	if f.Kind != "" && !f.Kind.Valid() {
		e.Add("kind", "error.field.kind")
	}
	if f.Stage != "" && !f.Stage.Valid() {
		e.Add("stage", "error.field.stage")
	}
	if f.Sector != "" && !ValidSector(f.Sector) {
		e.Add("sector", "error.field.sector")
	}
	if f.Location != "" && !place.ValidLocation(f.Location) {
		e.Add("location", "error.field.location")
	}
	if f.Unit != "" && !place.ValidUnit(f.Unit) {
		e.Add("unit", place.UnitError)
	}
	if f.Province != "" && !place.ValidProvince(f.Province) {
		e.Add("province", "error.field.province")
	}
	if f.CapitalMin != nil && *f.CapitalMin < 0 {
		e.Add("capital_min", "error.field.not_negative")
	}
	if f.CapitalMax != nil && *f.CapitalMax < 0 {
		e.Add("capital_max", "error.field.not_negative")
	}
	if f.CapitalMin != nil && f.CapitalMax != nil && *f.CapitalMin > *f.CapitalMax {
		e.Add("capital_max", "error.field.range")
	}
	f.Query = strings.TrimSpace(f.Query)
	if utf8.RuneCountInString(f.Query) > MaxFilterLen {
		e.Add("q", "error.field.too_long")
	}
	if f.Sort != "" && !contains(Sorts, f.Sort) {
		e.Add("sort", "error.field.sort")
	}
	if f.Page < 0 {
		e.Add("page", "error.field.page")
	}
	if f.PerPage < 0 || f.PerPage > MaxPerPage {
		e.Add("per_page", "error.field.per_page")
	}
	if f.Page == 0 {
		f.Page = 1
	}
	if f.PerPage == 0 {
		f.PerPage = DefaultPerPage
	}
	return e.Err()
}
