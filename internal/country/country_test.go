package country

import (
	"slices"
	"testing"
)

// TestEveryISOCountryInBothLanguages checks the list holds the 249 ISO
// 3166-1 countries, each named in Vietnamese and English, and no region
// that ISO does not list.
func TestEveryISOCountryInBothLanguages(t *testing.T) {
	t.Parallel()
	codes := Codes()
	if len(codes) != 249 {
		t.Fatalf("%d countries, want the 249 of ISO 3166-1", len(codes))
	}
	for _, c := range []string{"VN", "KR", "JP", "SG", "US", "DE", "PS", "TW", "SS", "CW", "AQ", "BV", "AX", "VA"} {
		if !slices.Contains(codes, c) {
			t.Errorf("%s missing", c)
		}
	}
	for _, c := range []string{"XK", "EU", "UN", "EZ", "AC", "IC", "ZZ", "YU", "CS", "AN", "SU", "UK", "QO"} {
		if slices.Contains(codes, c) {
			t.Errorf("%s is no ISO 3166-1 country", c)
		}
	}
	for _, lang := range []string{"vi", "en"} {
		l := List(lang)
		if len(l) != 249 {
			t.Fatalf("%s: %d entries", lang, len(l))
		}
		for _, e := range l {
			if e.Name == "" || e.Name == e.Code {
				t.Errorf("%s: %s has no name", lang, e.Code)
			}
		}
	}
	for code, want := range map[string][2]string{"DE": {"Đức", "Germany"}, "KR": {"Hàn Quốc", "South Korea"}, "VN": {"Việt Nam", "Vietnam"}} {
		if vi, en := Name(code, "vi"), Name(code, "en"); vi != want[0] || en != want[1] {
			t.Errorf("%s: %q %q, want %q", code, vi, en, want)
		}
	}
}

func TestListOrderFollowsTheLanguage(t *testing.T) {
	t.Parallel()
	idx := func(l []Entry, code string) int {
		return slices.IndexFunc(l, func(e Entry) bool { return e.Code == code })
	}
	vi := List("vi")
	// Vietnamese: Đ (Đức, DE) comes after every D (Đan Mạch is DK; Dominica, DM).
	if idx(vi, "DM") > idx(vi, "DE") {
		t.Errorf("vi: Dominica at %d after Đức at %d", idx(vi, "DM"), idx(vi, "DE"))
	}
	en := List("en")
	if idx(en, "AF") != 0 {
		t.Errorf("en starts with %s", en[0].Name)
	}
}

func TestValidAndNormalize(t *testing.T) {
	t.Parallel()
	if !Valid("VN") || !Valid(Other) || Valid("vn") || Valid("XK") || Valid("") {
		t.Error("Valid")
	}
	for in, want := range map[string]string{"kr": "KR", " SG ": "SG", "South Korea": "KR", "hàn quốc": "KR", "Đức": "DE", "zz": Other} {
		if got, ok := Normalize(in); !ok || got != want {
			t.Errorf("Normalize(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "XK", "Atlantis", "E"} {
		if got, ok := Normalize(in); ok {
			t.Errorf("Normalize(%q) = %q", in, got)
		}
	}
}

// TestOfficialVietnameseNames: Taiwan, Hong Kong and Macao are written
// with "(Trung Quốc)" in Vietnamese, as official usage requires.
func TestOfficialVietnameseNames(t *testing.T) {
	for code, want := range map[string]string{"TW": "Đài Loan (Trung Quốc)", "HK": "Hồng Kông (Trung Quốc)", "MO": "Ma Cao (Trung Quốc)"} {
		if got := Name(code, "vi"); got != want {
			t.Errorf("%s in vi = %q, want %q", code, got, want)
		}
		found := false
		for _, e := range List("vi") {
			if e.Code == code {
				found = e.Name == want
			}
		}
		if !found {
			t.Errorf("%s is not listed as %q", code, want)
		}
	}
}
