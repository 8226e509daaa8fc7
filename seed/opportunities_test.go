package seed

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
)

var sentenceEnd = regexp.MustCompile(`[.!?](\s+|$)`)

func sentences(s string) int { return len(sentenceEnd.FindAllStringIndex(strings.TrimSpace(s), -1)) }

func mustOpportunities(t *testing.T) []opportunity.Opportunity {
	t.Helper()
	list, err := Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestOpportunitiesAreValidAndDistinct(t *testing.T) {
	list := mustOpportunities(t)
	if len(list) < 40 {
		t.Fatalf("%d demo opportunities, want at least 40", len(list))
	}
	seen := map[string]string{}
	unique := func(kind, text, code string) {
		key := kind + "\x00" + opportunity.Fold(text)
		if other, ok := seen[key]; ok {
			t.Errorf("%s: %s repeats the one of %s", code, kind, other)
		}
		seen[key] = code
	}
	placeholder := regexp.MustCompile(`(?i)lorem|ipsum|todo|tbd|placeholder|xxx|\?\?`)
	for i := range list {
		o := &list[i]
		if err := o.Validate(); err != nil {
			t.Errorf("%s: %v", o.Code, err)
		}
		if !o.Synthetic {
			t.Errorf("%s is not marked synthetic", o.Code)
		}
		unique("code", o.Code, o.Code)
		for _, f := range []struct {
			name     string
			text     project.Text
			min, max int
		}{
			{"title", o.Title, 0, 1},
			{"summary", o.Summary, 1, 2},
			{"description", o.Description, 3, 5},
		} {
			if f.text.VI == "" || f.text.EN == "" {
				t.Errorf("%s: %s lacks a language", o.Code, f.name)
			}
			if opportunity.Fold(f.text.VI) == opportunity.Fold(f.text.EN) {
				t.Errorf("%s: %s is the same in both languages", o.Code, f.name)
			}
			unique(f.name+"_vi", f.text.VI, o.Code)
			unique(f.name+"_en", f.text.EN, o.Code)
			for lang, s := range map[string]string{"vi": f.text.VI, "en": f.text.EN} {
				if placeholder.MatchString(s) {
					t.Errorf("%s: %s_%s looks like a placeholder: %q", o.Code, f.name, lang, s)
				}
				if n := sentences(s); f.name != "title" && (n < f.min || n > f.max) {
					t.Errorf("%s: %s_%s has %d sentences, want %d–%d", o.Code, f.name, lang, n, f.min, f.max)
				}
			}
		}
		// Vietnamese text must be written with its diacritics.
		if opportunity.Fold(o.Description.VI) == strings.ToLower(o.Description.VI) {
			t.Errorf("%s: Vietnamese description has no diacritics", o.Code)
		}
		if len(o.Incentives) == 0 || len(o.PlanningBasis) == 0 {
			t.Errorf("%s: no incentives or planning basis", o.Code)
		}
		lo, hi := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		if o.PublishedAt.Before(lo) || !o.PublishedAt.Before(hi) || o.VerifiedAt.Before(o.PublishedAt) || !o.VerifiedAt.Before(hi) {
			t.Errorf("%s: published %v, verified %v", o.Code, o.PublishedAt, o.VerifiedAt)
		}
	}
}

func TestOpportunitiesCoverTheProvince(t *testing.T) {
	list := mustOpportunities(t)
	count := map[string]map[string]int{}
	add := func(facet, v string) {
		if count[facet] == nil {
			count[facet] = map[string]int{}
		}
		count[facet][v]++
	}
	var all strings.Builder
	pending := 0
	for i := range list {
		o := &list[i]
		add("sector", o.Sector)
		add("location", o.Location)
		add("zone", o.Zone)
		add("status", o.Status)
		add("lang", o.AuthoritativeLang)
		add("band", o.CapitalBand())
		add("currency", o.IndicativeCapital.Currency)
		add("agency", o.Contact.Agency)
		for _, f := range o.InvestmentForms {
			add("form", f)
		}
		for _, in := range o.Incentives {
			add("basis", in.LegalBasis)
		}
		if o.TranslationPending {
			pending++
		}
		all.WriteString(o.SearchText() + " | ")
	}
	for facet, want := range map[string][]string{
		"sector":   project.Sectors,
		"location": {"nha_trang", "cam_ranh", "ninh_hoa", "van_ninh", "cam_lam", "dien_khanh", "khanh_vinh", "khanh_son"},
		"zone":     {"van_phong_ez", "bac_van_phong", "cam_lam_urban", "nha_trang_bay", "cam_ranh_bay", "industrial_park"},
		"status":   opportunity.Statuses,
		"lang":     {"vi", "en"},
		"band":     opportunity.CapitalBands,
		"currency": {"VND", "USD"},
		"agency":   opportunity.Agencies,
		// Every form but BT, which was no PPP contract type at end-2023
		// (TestOpportunitiesFitTheRules); the code stays for stored data.
		"form": slices.DeleteFunc(slices.Clone(opportunity.InvestmentForms), func(f string) bool { return f == "bt" }),
	} {
		for _, v := range want {
			if count[facet][v] == 0 {
				t.Errorf("no demo opportunity has %s %q", facet, v)
			}
		}
	}
	if open := count["status"][opportunity.StatusOpen]; open*2 <= len(list) {
		t.Errorf("only %d of %d are open; most should be", open, len(list))
	}
	if pending == 0 {
		t.Error("no opportunity has a translation pending")
	}
	for _, basis := range []string{"Nghị định số 31/2021/NĐ-CP", "Luật Đầu tư số 61/2020/QH14", "Nghị quyết số 55/2022/QH15"} {
		found := false
		for b := range count["basis"] {
			found = found || strings.Contains(b, basis)
		}
		if !found {
			t.Errorf("no incentive rests on %s", basis)
		}
	}
	// Themes the demo must show, found in the folded text.
	text := all.String()
	for _, theme := range []string{
		"lng", "dien gio", "dien mat troi", "trung chuyen", "dam mon", "hon ong", "dai lanh",
		"do thi san bay cam lam", "vinh cam ranh", "bai dai", "cho dam", "suoi dau", "nam cam ranh",
		"khu cong nghiep van ninh", "ninh thuy", "tom hum", "sau rieng khanh son", "khanh vinh",
		"benh vien", "dai hoc", "dien rac", "nha may nuoc", "bot", "cam ranh international airport",
		"van phong port", "national highway 1", "north south expressway",
	} {
		if !strings.Contains(text, theme) {
			t.Errorf("no demo opportunity mentions %q", theme)
		}
	}
}

func TestOpportunitiesStoreAndSearch(t *testing.T) {
	ctx := context.Background()
	list := mustOpportunities(t)
	s := opportunity.NewStore(mongotest.MustOpenDB(t))
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if err := s.Create(ctx, &list[i]); err != nil {
			t.Fatalf("%s: %v", list[i].Code, err)
		}
	}
	res, err := s.List(ctx, opportunity.Filter{PerPage: 1})
	if err != nil || res.Total != int64(len(list)) {
		t.Fatalf("stored %v of %d: %v", res, len(list), err)
	}
	for q, code := range map[string]string{
		"hon ong":         "OPP-BVP-001",
		"dien gio":        "OPP-VP-005",
		"sau rieng":       "OPP-KS-001",
		"van phong lng":   "OPP-VP-001",
		"cruise terminal": "OPP-NT-001",
	} {
		res, err := s.List(ctx, opportunity.Filter{Text: q, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range res.Items {
			got = append(got, o.Code)
		}
		if !slices.Contains(got, code) {
			t.Errorf("%q found %v, want it to include %s", q, got, code)
		}
	}
	f, err := s.Facets(ctx, opportunity.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range f.Sector {
		n += c
	}
	if n != int64(len(list)) {
		t.Fatalf("sector facet adds up to %d, want %d", n, len(list))
	}
}

// docNumber finds the numbers of laws, decrees and resolutions, such as
// 31/2021 in "Nghị định 31/2021/NĐ-CP".
var docNumber = regexp.MustCompile(`\d+/\d{4}`)

// TestOpportunitiesContactAndCitationsInEnglish: English pages show the
// contact unit and legal citations in English, so every demo opportunity
// has them, written without Vietnamese letters and citing the same laws
// and decrees (every number the Vietnamese text gives).
func TestOpportunitiesContactAndCitationsInEnglish(t *testing.T) {
	for _, o := range mustOpportunities(t) {
		texts := map[string][2]string{"contact": {o.Contact.Name, o.Contact.NameEN}}
		for i, in := range o.Incentives {
			texts["incentive "+strconv.Itoa(i)] = [2]string{in.LegalBasis, in.LegalBasisEN}
		}
		for what, vien := range texts {
			vi, en := vien[0], vien[1]
			if en == "" || en == vi {
				t.Errorf("%s: %s has no English text (%q)", o.Code, what, vi)
				continue
			}
			if strings.IndexFunc(en, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) }) >= 0 {
				t.Errorf("%s: %s English text %q has Vietnamese letters", o.Code, what, en)
			}
			got := docNumber.FindAllString(en, -1)
			for _, n := range docNumber.FindAllString(vi, -1) {
				if !slices.Contains(got, n) {
					t.Errorf("%s: %s cites %s in Vietnamese, not in English (%q)", o.Code, what, n, en)
				}
			}
		}
	}
}

// TestOpportunitiesHaveCurrentUnits checks that every demo opportunity has
// a current unit formed from its former district, and that one whose text
// names a former commune ("xã Ninh Phước, thị xã Ninh Hòa") sits in the
// unit that commune went into.
func TestOpportunitiesHaveCurrentUnits(t *testing.T) {
	list, err := Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list {
		if o.Unit == "" || !place.UnitInLocation(o.Unit, o.Location) {
			t.Errorf("%s: unit %q not formed from %s", o.Code, o.Unit, o.Location)
		}
		if u, _ := place.UnitFromText(o.Location, o.Title.VI, o.Summary.VI, o.Description.VI); u != "" && u != o.Unit {
			t.Errorf("%s: unit %q, its text names %q", o.Code, o.Unit, u)
		}
	}
}
