// Package adminunit loads and checks the administrative units of Khánh Hòa
// as data: the 65 commune-level units in force since 1 July 2025 (after the
// merger with Ninh Thuận and the end of the district level), the 16 former
// districts of the two former provinces, and for each current unit the
// former communes, wards and townships it was formed from.
//
// The data lives in seed/admin (CSV files with their sources); this package
// only reads and validates it. A change of the map is a change of those
// files, which Validate then checks.
package adminunit

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/khanhhoa/investportal/internal/fold"
	admin "github.com/khanhhoa/investportal/seed/admin"
	"golang.org/x/text/unicode/norm"
)

// The data files inside the file system given to Load.
const (
	UnitsFile      = "units_2025.csv"
	DistrictsFile  = "districts_2024.csv"
	FormedFromFile = "formed_from_2025.csv"
	SourcesFile    = "sources.csv"
)

// Effective is the day the current units came into force (Resolutions
// 202/2025/QH15 and 1667/NQ-UBTVQH15).
var Effective = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// Kinds of unit, current and former.
const (
	Xa       = "xa"       // commune (xã)
	Phuong   = "phuong"   // ward (phường)
	DacKhu   = "dac_khu"  // special zone (đặc khu)
	ThiTran  = "thi_tran" // township (thị trấn), former only
	ThanhPho = "thanh_pho"
	ThiXa    = "thi_xa"
	Huyen    = "huyen"
)

// Expected shape of the current province (Resolution 1667/NQ-UBTVQH15).
const (
	WantUnits     = 65
	WantXa        = 48
	WantPhuong    = 16
	WantDacKhu    = 1
	WantDistricts = 16 // 9 of Khánh Hòa, 7 of Ninh Thuận
)

// Province codes of the statistics office.
const (
	KhanhHoa  = "56"
	NinhThuan = "58"
)

// Share says whether all of a former unit went into the current one or
// only part of it.
const (
	ShareWhole = "whole"
	SharePart  = "part"
)

// Former-unit status of a current unit: confirmed when a source lists what
// it was formed from, unconfirmed (and then no former units) otherwise.
const (
	Confirmed   = "confirmed"
	Unconfirmed = "unconfirmed"
)

// unitWords gives, per kind, the Vietnamese word put before the name and
// the English word put after it ("Phường Nha Trang", "Nha Trang Ward").
var unitWords = map[string][2]string{
	Xa:       {"Xã", "Commune"},
	Phuong:   {"Phường", "Ward"},
	DacKhu:   {"Đặc khu", "Special Zone"},
	ThiTran:  {"Thị trấn", "Township"},
	ThanhPho: {"Thành phố", "City"},
	ThiXa:    {"Thị xã", "Town"},
	Huyen:    {"Huyện", "District"},
}

// Source is one entry of sources.csv: where some of the data comes from.
type Source struct {
	ID    string
	Kind  string // official-data or secondary
	Title string
	URL   string
	Date  string
	Gave  string
}

// Unit is a current commune-level unit. Name is the proper name, the same
// in both languages (diacritics kept); NameVI and NameEN are the full
// names ("Phường Bắc Nha Trang", "Bắc Nha Trang Ward"); Slug is the folded
// name in ASCII for URLs and search.
type Unit struct {
	Code         string // statistics office code, 5 digits
	Kind         string
	Name         string
	NameVI       string
	NameEN       string
	Slug         string
	Effective    time.Time
	Clause       int // clause of Article 1 of Resolution 1667/NQ-UBTVQH15 that forms it
	FormerStatus string
	Sources      []string
	FormedFrom   []Part
}

// Part is one former unit (or part of one) that a current unit was formed
// from.
type Part struct {
	Former  Former
	Share   string
	Sources []string
}

// Former is a commune, ward or township as it was before 1 July 2025.
type Former struct {
	Code         string // statistics office code before the merger
	Kind         string
	Name         string
	DistrictCode string
}

// District is a former district-level unit of Khánh Hòa or Ninh Thuận.
// For Khánh Hòa, Slug is the portal's location code (place.Locations).
type District struct {
	Code         string
	ProvinceCode string
	Province     string
	Kind         string
	Name         string
	NameVI       string
	NameEN       string
	Slug         string
	Sources      []string
}

// Set is the loaded data.
type Set struct {
	Units     []Unit
	Districts []District
	Sources   []Source

	unit     map[string]int
	district map[string]int
	became   map[string][]int // former code → indexes of current units
}

// Default loads the data embedded from seed/admin.
func Default() (*Set, error) { return Load(admin.Files) }

// Load reads the four data files from fsys and validates them.
func Load(fsys fs.FS) (*Set, error) {
	s := &Set{}
	src, err := readCSV(fsys, SourcesFile, []string{"id", "kind", "title", "url", "date", "gave"})
	if err != nil {
		return nil, err
	}
	for _, r := range src {
		s.Sources = append(s.Sources, Source{ID: r["id"], Kind: r["kind"], Title: r["title"], URL: r["url"], Date: r["date"], Gave: r["gave"]})
	}
	ds, err := readCSV(fsys, DistrictsFile, []string{"code", "province_code", "province", "kind", "name", "name_vi", "name_en", "slug", "source"})
	if err != nil {
		return nil, err
	}
	for _, r := range ds {
		s.Districts = append(s.Districts, District{
			Code: r["code"], ProvinceCode: r["province_code"], Province: r["province"], Kind: r["kind"],
			Name: r["name"], NameVI: r["name_vi"], NameEN: r["name_en"], Slug: r["slug"], Sources: ids(r["source"]),
		})
	}
	us, err := readCSV(fsys, UnitsFile, []string{"code", "kind", "name", "name_vi", "name_en", "slug", "effective", "clause", "former_status", "source"})
	if err != nil {
		return nil, err
	}
	var errs []error
	for i, r := range us {
		eff, err := time.Parse(time.DateOnly, r["effective"])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s line %d: effective %q is not a date", UnitsFile, i+2, r["effective"]))
		}
		clause, err := strconv.Atoi(r["clause"])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s line %d: clause %q is not a number", UnitsFile, i+2, r["clause"]))
		}
		s.Units = append(s.Units, Unit{
			Code: r["code"], Kind: r["kind"], Name: r["name"], NameVI: r["name_vi"], NameEN: r["name_en"],
			Slug: r["slug"], Effective: eff, Clause: clause, FormerStatus: r["former_status"], Sources: ids(r["source"]),
		})
	}
	ff, err := readCSV(fsys, FormedFromFile, []string{"unit_code", "former_code", "former_kind", "former_name", "former_district_code", "share", "source"})
	if err != nil {
		return nil, err
	}
	s.index()
	for i, r := range ff {
		j, ok := s.unit[r["unit_code"]]
		if !ok {
			errs = append(errs, fmt.Errorf("%s line %d: unit %q is not in %s", FormedFromFile, i+2, r["unit_code"], UnitsFile))
			continue
		}
		s.Units[j].FormedFrom = append(s.Units[j].FormedFrom, Part{
			Former: Former{Code: r["former_code"], Kind: r["former_kind"], Name: r["former_name"], DistrictCode: r["former_district_code"]},
			Share:  r["share"], Sources: ids(r["source"]),
		})
	}
	s.index()
	errs = append(errs, s.Validate())
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// index rebuilds the look-up maps after Units or Districts change.
func (s *Set) index() {
	s.unit = make(map[string]int, len(s.Units))
	s.district = make(map[string]int, len(s.Districts))
	s.became = map[string][]int{}
	for i, u := range s.Units {
		if _, dup := s.unit[u.Code]; !dup {
			s.unit[u.Code] = i
		}
		for _, p := range u.FormedFrom {
			s.became[p.Former.Code] = append(s.became[p.Former.Code], i)
		}
	}
	for i, d := range s.Districts {
		if _, dup := s.district[d.Code]; !dup {
			s.district[d.Code] = i
		}
	}
}

// Unit returns the current unit with the given code.
func (s *Set) Unit(code string) (Unit, bool) {
	i, ok := s.unit[code]
	if !ok {
		return Unit{}, false
	}
	return s.Units[i], true
}

// District returns the former district with the given code.
func (s *Set) District(code string) (District, bool) {
	i, ok := s.district[code]
	if !ok {
		return District{}, false
	}
	return s.Districts[i], true
}

// Became returns the current units that the former commune, ward or
// township with the given code went into (more than one when it was split).
func (s *Set) Became(formerCode string) []Unit {
	var out []Unit
	for _, i := range s.became[formerCode] {
		out = append(out, s.Units[i])
	}
	return out
}

// FormerDistricts returns the former districts a current unit was formed
// from, in the order of its former units: one for every unit of the former
// Khánh Hòa, up to three in the former Ninh Thuận (Phước Dinh).
func (s *Set) FormerDistricts(u Unit) []District {
	var out []District
	for _, p := range u.FormedFrom {
		d, ok := s.District(p.Former.DistrictCode)
		if ok && !slices.ContainsFunc(out, func(x District) bool { return x.Code == d.Code }) {
			out = append(out, d)
		}
	}
	return out
}

// UnitsOf returns the current units that took in all or part of a former
// district, in file order.
func (s *Set) UnitsOf(districtCode string) []Unit {
	var out []Unit
	for _, u := range s.Units {
		if slices.ContainsFunc(u.FormedFrom, func(p Part) bool { return p.Former.DistrictCode == districtCode }) {
			out = append(out, u)
		}
	}
	return out
}

// Formers returns every former commune, ward and township once, in the
// order they first appear.
func (s *Set) Formers() []Former {
	seen := map[string]bool{}
	var out []Former
	for _, u := range s.Units {
		for _, p := range u.FormedFrom {
			if !seen[p.Former.Code] {
				seen[p.Former.Code] = true
				out = append(out, p.Former)
			}
		}
	}
	return out
}

var (
	unitCode     = regexp.MustCompile(`^\d{5}$`)
	districtCode = regexp.MustCompile(`^\d{3}$`)
)

// Validate checks the whole set and returns every problem found, joined.
func (s *Set) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	known := map[string]bool{}
	for _, src := range s.Sources {
		if src.ID == "" || src.Title == "" || src.URL == "" || src.Gave == "" {
			bad("source %q: id, title, url and gave are required", src.ID)
		}
		if known[src.ID] {
			bad("source %q: listed twice", src.ID)
		}
		known[src.ID] = true
	}
	checkSources := func(what string, list []string) {
		if len(list) == 0 {
			bad("%s: no source", what)
		}
		for _, id := range list {
			if !known[id] {
				bad("%s: source %q is not in %s", what, id, SourcesFile)
			}
		}
	}

	// Former districts.
	perProvince := map[string]int{}
	seenD := map[string]bool{}
	seenDSlug := map[string]bool{}
	for _, d := range s.Districts {
		what := "district " + d.Code
		if !districtCode.MatchString(d.Code) {
			bad("%s: code is not 3 digits", what)
		}
		if seenD[d.Code] {
			bad("%s: code listed twice", what)
		}
		seenD[d.Code] = true
		if seenDSlug[d.Slug] {
			bad("%s: slug %q listed twice", what, d.Slug)
		}
		seenDSlug[d.Slug] = true
		if d.ProvinceCode != KhanhHoa && d.ProvinceCode != NinhThuan {
			bad("%s: province %q is neither Khánh Hòa (56) nor Ninh Thuận (58)", what, d.ProvinceCode)
		}
		perProvince[d.ProvinceCode]++
		if d.Kind != ThanhPho && d.Kind != ThiXa && d.Kind != Huyen {
			bad("%s: kind %q is not a district kind", what, d.Kind)
		}
		checkNames(bad, what, d.Kind, d.Name, d.NameVI, d.NameEN, d.Slug)
		checkSources(what, d.Sources)
	}
	if len(s.Districts) != WantDistricts || perProvince[KhanhHoa] != 9 || perProvince[NinhThuan] != 7 {
		bad("districts: %d (%d Khánh Hòa, %d Ninh Thuận), want %d (9 and 7)",
			len(s.Districts), perProvince[KhanhHoa], perProvince[NinhThuan], WantDistricts)
	}

	// Current units.
	kinds := map[string]int{}
	seen := map[string]map[string]bool{"code": {}, "name": {}, "name_vi": {}, "name_en": {}, "slug": {}, "clause": {}}
	once := func(what, field, v string) {
		if seen[field][v] {
			bad("%s: %s %q listed twice", what, field, v)
		}
		seen[field][v] = true
	}
	for _, u := range s.Units {
		what := "unit " + u.Code
		if !unitCode.MatchString(u.Code) {
			bad("%s: code is not 5 digits", what)
		}
		once(what, "code", u.Code)
		once(what, "name", u.Name)
		once(what, "name_vi", u.NameVI)
		once(what, "name_en", u.NameEN)
		once(what, "slug", u.Slug)
		if u.Kind != Xa && u.Kind != Phuong && u.Kind != DacKhu {
			bad("%s: kind %q is not xa, phuong or dac_khu", what, u.Kind)
		}
		kinds[u.Kind]++
		checkNames(bad, what, u.Kind, u.Name, u.NameVI, u.NameEN, u.Slug)
		if !u.Effective.Equal(Effective) {
			bad("%s: effective %s, want %s", what, u.Effective.Format(time.DateOnly), Effective.Format(time.DateOnly))
		}
		if u.Clause < 1 || u.Clause > WantUnits {
			bad("%s: clause %d is not between 1 and %d", what, u.Clause, WantUnits)
		} else {
			once(what, "clause", strconv.Itoa(u.Clause))
		}
		checkSources(what, u.Sources)
		switch u.FormerStatus {
		case Confirmed:
			if len(u.FormedFrom) == 0 {
				bad("%s: confirmed but formed from nothing", what)
			}
		case Unconfirmed:
			if len(u.FormedFrom) != 0 {
				bad("%s: unconfirmed but lists former units", what)
			}
		default:
			bad("%s: former_status %q is neither confirmed nor unconfirmed", what, u.FormerStatus)
		}
	}
	if len(s.Units) != WantUnits || kinds[Xa] != WantXa || kinds[Phuong] != WantPhuong || kinds[DacKhu] != WantDacKhu {
		bad("units: %d (%d xã, %d phường, %d đặc khu), want %d (%d, %d, %d)",
			len(s.Units), kinds[Xa], kinds[Phuong], kinds[DacKhu], WantUnits, WantXa, WantPhuong, WantDacKhu)
	}

	// Former units: each one is the same wherever it appears, lies in a
	// known district, and goes wholly to one unit or in parts to several.
	first := map[string]Former{}
	shares := map[string][]string{}
	byName := map[Former]string{}
	for _, u := range s.Units {
		for _, p := range u.FormedFrom {
			f := p.Former
			what := fmt.Sprintf("unit %s: former %s %q", u.Code, f.Code, f.Name)
			if !unitCode.MatchString(f.Code) {
				bad("%s: code is not 5 digits", what)
			}
			if f.Kind != Xa && f.Kind != Phuong && f.Kind != ThiTran {
				bad("%s: kind %q is not xa, phuong or thi_tran", what, f.Kind)
			}
			if f.Name == "" {
				bad("%s: no name", what)
			}
			if _, ok := s.district[f.DistrictCode]; !ok {
				bad("%s: district %q is not in %s", what, f.DistrictCode, DistrictsFile)
			}
			if p.Share != ShareWhole && p.Share != SharePart {
				bad("%s: share %q is neither whole nor part", what, p.Share)
			}
			checkSources(what, p.Sources)
			if g, ok := first[f.Code]; ok && g != f {
				bad("%s: differs from an earlier row for the same code (%v)", what, g)
			}
			first[f.Code] = f
			name := Former{Kind: f.Kind, Name: f.Name, DistrictCode: f.DistrictCode}
			if c, ok := byName[name]; ok && c != f.Code {
				bad("%s: same kind, name and district as former %s", what, c)
			}
			byName[name] = f.Code
			shares[f.Code] = append(shares[f.Code], p.Share)
		}
	}
	for code, sh := range shares {
		for _, v := range sh {
			if len(sh) > 1 && v == ShareWhole {
				bad("former %s: goes to %d units but is marked whole", code, len(sh))
			}
		}
	}
	return errors.Join(errs...)
}

// checkNames checks that the full names and the slug follow from the
// proper name and the kind.
func checkNames(bad func(string, ...any), what, kind, name, vi, en, slug string) {
	w, ok := unitWords[kind]
	if !ok || name == "" {
		bad("%s: no name or unknown kind", what)
		return
	}
	if want := w[0] + " " + name; vi != want {
		bad("%s: Vietnamese name %q, want %q", what, vi, want)
	}
	if want := ASCII(name) + " " + w[1]; en != want {
		bad("%s: English name %q, want %q", what, en, want)
	}
	if want := Slug(name); slug != want {
		bad("%s: slug %q, want %q", what, slug, want)
	}
}

// ASCII drops the diacritics of a name and keeps its case ("Đồng Xoài"
// becomes "Dong Xoai"): the portal writes Vietnamese names so in English.
func ASCII(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case r == 'Đ':
			r = 'D'
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// Slug folds a proper name to lower-case ASCII words joined by "_":
// "Phan Rang-Tháp Chàm" becomes "phan_rang_thap_cham".
func Slug(name string) string {
	return strings.ReplaceAll(fold.Words(name), " ", "_")
}

// ids splits a source column ("a;b") into its ids.
func ids(v string) []string {
	var out []string
	for _, id := range strings.Split(v, ";") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// readCSV reads a CSV file whose header must be exactly cols and returns
// its rows as maps from column to value.
func readCSV(fsys fs.FS, name string, cols []string) ([]map[string]string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(cols)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	if strings.Join(head, ",") != strings.Join(cols, ",") {
		return nil, fmt.Errorf("%s: header %q, want %q", name, strings.Join(head, ","), strings.Join(cols, ","))
	}
	var rows []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		row := make(map[string]string, len(cols))
		for i, c := range cols {
			row[c] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, row)
	}
}

// Province keys of the former provinces, as the portal's filters name them.
const (
	ProvinceKhanhHoa  = "khanh_hoa"
	ProvinceNinhThuan = "ninh_thuan"
)

// Provinces lists the former provinces' keys in display order.
var Provinces = []string{ProvinceKhanhHoa, ProvinceNinhThuan}

// ProvinceKey is the key of the former province a district belonged to.
func (d District) ProvinceKey() string {
	if d.ProvinceCode == NinhThuan {
		return ProvinceNinhThuan
	}
	return ProvinceKhanhHoa
}

var std = sync.OnceValues(Default)

// Std returns the embedded data, loaded once. The data is checked by this
// package's tests, so a failure to load it is a programming error.
func Std() *Set {
	s, err := std()
	if err != nil {
		panic("adminunit: embedded data: " + err.Error())
	}
	return s
}

// UnitBySlug returns the current unit with the given slug.
func (s *Set) UnitBySlug(slug string) (Unit, bool) {
	for _, u := range s.Units {
		if u.Slug == slug && slug != "" {
			return u, true
		}
	}
	return Unit{}, false
}

// DistrictBySlug returns the former district with the given slug (the
// portal's location code).
func (s *Set) DistrictBySlug(slug string) (District, bool) {
	for _, d := range s.Districts {
		if d.Slug == slug && slug != "" {
			return d, true
		}
	}
	return District{}, false
}

// DistrictSlugs lists the former districts' slugs in file order.
func (s *Set) DistrictSlugs() []string {
	out := make([]string, len(s.Districts))
	for i, d := range s.Districts {
		out[i] = d.Slug
	}
	return out
}

// UnitSlugs lists the current units' slugs in file order.
func (s *Set) UnitSlugs() []string {
	out := make([]string, len(s.Units))
	for i, u := range s.Units {
		out[i] = u.Slug
	}
	return out
}

// UnitsOfDistrict is UnitsOf by district slug.
func (s *Set) UnitsOfDistrict(slug string) []Unit {
	d, ok := s.DistrictBySlug(slug)
	if !ok {
		return nil
	}
	return s.UnitsOf(d.Code)
}

// InDistrict reports whether the current unit (by slug) was formed wholly
// or partly from the former district (by slug).
func (s *Set) InDistrict(unitSlug, districtSlug string) bool {
	u, ok := s.UnitBySlug(unitSlug)
	if !ok {
		return false
	}
	return slices.ContainsFunc(s.FormerDistricts(u), func(d District) bool { return d.Slug == districtSlug })
}

// ProvinceOf returns the former province key of a district slug ("" for
// an unknown slug).
func (s *Set) ProvinceOf(districtSlug string) string {
	d, ok := s.DistrictBySlug(districtSlug)
	if !ok {
		return ""
	}
	return d.ProvinceKey()
}
