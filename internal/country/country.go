// Package country is the list of countries an investor can say they are
// from: every ISO 3166-1 alpha-2 country, with its name in Vietnamese and
// English from the Unicode CLDR data that golang.org/x/text carries, plus
// Other for anyone not listed.
package country

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Other is the code kept for "another country, or not given": ISO 3166-1
// leaves ZZ to its users, and CLDR uses it for an unknown region.
const Other = "ZZ"

// notISO are regions CLDR counts as countries that ISO 3166-1 does not
// list (exceptional reservations, groupings, Kosovo's provisional code).
var notISO = map[string]bool{"AC": true, "CP": true, "DG": true, "EA": true, "EZ": true, "IC": true, "TA": true, "UN": true, "XK": true}

// Entry is a country's code and its name in one language.
type Entry struct {
	Code string
	Name string
}

var (
	once  sync.Once
	codes []string
	isISO map[string]bool
	lists sync.Map // lang -> []Entry
)

// load finds the ISO 3166-1 codes among the regions x/text knows: current
// (not deprecated) countries with a name in both languages.
func load() {
	isISO = map[string]bool{}
	vi, en := display.Regions(language.Vietnamese), display.Regions(language.English)
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.Canonicalize() != r || r.String() != code || notISO[code] {
				continue
			}
			if vi.Name(r) == "" || en.Name(r) == "" {
				continue
			}
			codes = append(codes, code)
			isISO[code] = true
		}
	}
}

// Codes returns the ISO 3166-1 alpha-2 codes, sorted.
func Codes() []string {
	once.Do(load)
	return slices.Clone(codes)
}

// Valid reports whether code (upper case) is an ISO 3166-1 country or
// Other.
func Valid(code string) bool {
	once.Do(load)
	return isISO[code] || code == Other
}

// Name returns the country's name in lang ("vi" or "en"), or "" for a
// code that is no ISO 3166-1 country (Other included: its words come
// from the page's messages).
func Name(code, lang string) string {
	once.Do(load)
	if !isISO[code] {
		return ""
	}
	if n, ok := officialVI[code]; ok && lang == "vi" {
		return n
	}
	return display.Regions(tag(lang)).Name(language.MustParseRegion(code))
}

// officialVI are the Vietnamese names that official usage writes with
// "(Trung Quốc)", where CLDR's differ (locales/GLOSSARY.md).
var officialVI = map[string]string{
	"TW": "Đài Loan (Trung Quốc)",
	"HK": "Hồng Kông (Trung Quốc)",
	"MO": "Ma Cao (Trung Quốc)",
}

// List returns every country with its name in lang, in that language's
// alphabetical order (Vietnamese: Đ after D, tones after the base letter).
func List(lang string) []Entry {
	if v, ok := lists.Load(lang); ok {
		return slices.Clone(v.([]Entry))
	}
	once.Do(load)
	out := make([]Entry, 0, len(codes))
	for _, c := range codes {
		out = append(out, Entry{Code: c, Name: Name(c, lang)})
	}
	col := collate.New(tag(lang), collate.IgnoreCase)
	slices.SortStableFunc(out, func(a, b Entry) int { return col.CompareString(a.Name, b.Name) })
	lists.Store(lang, out)
	return slices.Clone(out)
}

// Normalize returns the upper-case code of what a form sent: a code in
// any case, or a country's name in Vietnamese or English. ok is false when
// it names no country and is not Other.
func Normalize(v string) (code string, ok bool) {
	v = strings.TrimSpace(v)
	if up := strings.ToUpper(v); len(up) == 2 && Valid(up) {
		return up, true
	}
	for _, lang := range []string{"en", "vi"} {
		for _, e := range List(lang) {
			if strings.EqualFold(e.Name, v) {
				return e.Code, true
			}
		}
	}
	return "", false
}

func tag(lang string) language.Tag {
	if lang == "en" {
		return language.English
	}
	return language.Vietnamese
}
