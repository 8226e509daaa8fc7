package money

import (
	"errors"
	"math"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	cases := []struct {
		lang, in string
		dec      int
		want     int64
		err      error
	}{
		// Vietnamese: "." groups thousands, "," marks decimals.
		{"vi", "12,5", 2, 1250, nil},
		{"vi", "1250000,50", 2, 125000050, nil},
		{"vi", "1.250.000", 0, 1250000, nil},
		{"vi", "1.250.000,5", 2, 125000050, nil},
		{"vi", "1.250", 0, 1250, nil},
		{"vi", " 1 250 000 ", 0, 1250000, nil},
		{"vi", "0,125", 3, 125, nil},
		{"vi", "1250,500", 3, 1250500, nil},
		{"vi", ",5", 2, 50, nil},
		{"vi", "7", 2, 700, nil},
		{"vi", "1,250", 3, 0, ErrAmbiguous},
		{"vi", "1,250,000", 0, 0, ErrAmbiguous},
		{"vi", "1.5", 2, 0, ErrGrouping},
		{"vi", "1.25.000", 0, 0, ErrGrouping},
		{"vi", "1250.000", 0, 0, ErrGrouping},
		{"vi", "1,250.5", 2, 0, ErrGrouping},
		{"vi", "-5", 0, 0, ErrNegative},
		{"vi", "12,345", 2, 0, ErrAmbiguous},
		{"vi", "1234,567", 2, 0, ErrDecimals},
		{"vi", "99.999.999.999.999.999.999", 0, 0, ErrTooLarge},
		{"vi", "abc", 0, 0, ErrSyntax},
		{"vi", ",", 2, 0, ErrSyntax},
		{"vi", "", 2, 0, ErrSyntax},
		// English: "," groups thousands, "." marks decimals.
		{"en", "12.5", 2, 1250, nil},
		{"en", "1,250,000.50", 2, 125000050, nil},
		{"en", "1250000.50", 2, 125000050, nil},
		{"en", "1,250", 0, 1250, nil},
		{"en", "0.125", 3, 125, nil},
		{"en", "1.250", 3, 0, ErrAmbiguous},
		{"en", "1.250.000", 0, 0, ErrAmbiguous},
		{"en", "12,5", 2, 0, ErrGrouping},
		{"en", "1,25,000", 0, 0, ErrGrouping},
		{"en", "1.250,5", 2, 0, ErrGrouping},
		{"en", "-1,250", 0, 0, ErrNegative},
		{"en", "1.257", 2, 0, ErrAmbiguous},
		{"en", "1234.567", 2, 0, ErrDecimals},
		{"en", "92233720368547758.08", 2, 0, ErrTooLarge},
		{"en", "92233720368547758.07", 2, math.MaxInt64, nil},
		{"en", "1e5", 0, 0, ErrSyntax},
		{"en", "+5", 0, 0, ErrSyntax},
	}
	for _, c := range cases {
		got, err := ParseDecimal(c.in, c.lang, c.dec)
		if !errors.Is(err, c.err) || err == nil && got != c.want {
			t.Errorf("ParseDecimal(%q, %s, %d) = %d, %v; want %d, %v", c.in, c.lang, c.dec, got, err, c.want, c.err)
		}
	}
}

func TestParseMajorIn(t *testing.T) {
	if n, err := ParseMajorIn("1.250.000", VND, "vi"); err != nil || n != 1250000 {
		t.Errorf("vi VND = %d, %v", n, err)
	}
	if n, err := ParseMajorIn("1,250,000.50", USD, "en"); err != nil || n != 125000050 {
		t.Errorf("en USD = %d, %v", n, err)
	}
	if _, err := ParseMajorIn("1,5", VND, "vi"); !errors.Is(err, ErrDecimals) {
		t.Errorf("decimals in VND: %v", err)
	}
	over := FormatDecimal(Max(VND), "vi", 0) + ".000"
	if _, err := ParseMajorIn(over, VND, "vi"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("beyond Max: %v", err)
	}
}

func TestFormatDecimalRoundTrip(t *testing.T) {
	cases := []struct {
		n      int64
		dec    int
		vi, en string
	}{
		{1250, 2, "12,5", "12.5"},
		{125000050, 2, "1.250.000,5", "1,250,000.5"},
		{1250000, 0, "1.250.000", "1,250,000"},
		{1125000000, 9, "1,1250", "1.1250"},
		{1125000000000, 9, "1.125", "1,125"},
		{0, 2, "0", "0"},
		{-150, 2, "-1,5", "-1.5"},
		{math.MaxInt64, 2, "92.233.720.368.547.758,07", "92,233,720,368,547,758.07"},
	}
	for _, c := range cases {
		for lang, want := range map[string]string{"vi": c.vi, "en": c.en} {
			got := FormatDecimal(c.n, lang, c.dec)
			if got != want {
				t.Errorf("FormatDecimal(%d, %s, %d) = %q, want %q", c.n, lang, c.dec, got, want)
			}
			if c.n < 0 {
				continue
			}
			if back, err := ParseDecimal(got, lang, c.dec); err != nil || back != c.n {
				t.Errorf("ParseDecimal(%q, %s) = %d, %v; want %d", got, lang, back, err, c.n)
			}
		}
	}
}

// FuzzParseDecimal checks that whatever is typed, an accepted number is
// written back (FormatDecimal) as text that reads as the same number.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"12,5", "1.250.000", "1,250,000.50", "1,250", "0,125"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, vi bool) {
		lang := "en"
		if vi {
			lang = "vi"
		}
		n, err := ParseDecimal(s, lang, 2)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("%q read as negative %d", s, n)
		}
		back, err := ParseDecimal(FormatDecimal(n, lang, 2), lang, 2)
		if err != nil || back != n {
			t.Fatalf("%q = %d, written %q, read back %d, %v", s, n, FormatDecimal(n, lang, 2), back, err)
		}
	})
}
