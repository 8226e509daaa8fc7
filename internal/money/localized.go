package money

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Errors from ParseDecimal, each telling the form which message to show.
var (
	// ErrSyntax: not a number at all (letters, two decimal marks, …).
	ErrSyntax = errors.New("money: not a number")
	// ErrNegative: a leading minus sign.
	ErrNegative = errors.New("money: negative")
	// ErrGrouping: a thousands mark not followed by groups of 3 digits
	// (on a vi page "1.5" is written "1,5").
	ErrGrouping = errors.New("money: thousands groups must have 3 digits")
	// ErrAmbiguous: input that reads as two different numbers depending on
	// the convention ("1,250" on a vi page: 1.25 or 1250?).
	ErrAmbiguous = errors.New("money: ambiguous separator")
	// ErrDecimals: more decimals than the field keeps.
	ErrDecimals = errors.New("money: too many decimals")
)

// Marks returns the thousands mark and the decimal mark of lang: "." and ","
// in Vietnamese, "," and "." in English (any other language reads as English).
func Marks(lang string) (group, decimal byte) {
	if lang == "vi" {
		return '.', ','
	}
	return ',', '.'
}

// ParseDecimal reads a non-negative number typed the way lang writes it
// into units of 10^-decimals ("12,5" on a vi page with decimals 2 is 1250).
// Spaces are dropped; the thousands mark must be followed by groups of
// exactly three digits; a lone decimal mark followed by exactly three
// digits after one to three leading digits ("1,250" in vi, "1.250" in en)
// is ErrAmbiguous because the other language would read it as grouping.
// It never uses floats.
func ParseDecimal(s, lang string, decimals int) (int64, error) {
	if !utf8.ValidString(s) {
		return 0, ErrSyntax
	}
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return 0, ErrSyntax
	}
	if s[0] == '-' {
		return 0, ErrNegative
	}
	group, dec := Marks(lang)
	whole, frac, hasFrac := strings.Cut(s, string(dec))
	if strings.IndexByte(frac, dec) >= 0 {
		// "1,250,000" on a vi page: the other language's grouping.
		if allDigitsOr(s, dec) {
			return 0, ErrAmbiguous
		}
		return 0, ErrSyntax
	}
	if hasFrac && !allDigitsOr(frac, 0) {
		if strings.IndexByte(frac, group) >= 0 && allDigitsOr(frac, group) {
			return 0, ErrGrouping // decimals before the thousands ("1,250.5" in vi)
		}
		return 0, ErrSyntax
	}
	if !allDigitsOr(whole, group) || hasFrac && whole == "" && frac == "" || whole == "" && !hasFrac {
		return 0, ErrSyntax
	}
	parts := strings.Split(whole, string(group))
	if len(parts) > 1 {
		if len(parts[0]) < 1 || len(parts[0]) > 3 {
			return 0, ErrGrouping
		}
		for _, p := range parts[1:] {
			if len(p) != 3 {
				return 0, ErrGrouping
			}
		}
	} else if hasFrac && len(frac) == 3 && len(whole) >= 1 && len(whole) <= 3 && whole[0] != '0' {
		return 0, ErrAmbiguous
	}
	if len(frac) > decimals {
		return 0, ErrDecimals
	}
	digits := strings.Join(parts, "")
	if digits == "" {
		digits = "0"
	}
	w, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, ErrTooLarge
	}
	scale := Pow10(decimals)
	if w > math.MaxInt64/scale {
		return 0, ErrTooLarge
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", decimals-len(frac)), 10, 64)
	}
	if w*scale > math.MaxInt64-f {
		return 0, ErrTooLarge
	}
	return w*scale + f, nil
}

// ParseMajorIn reads an amount in major units typed the way lang writes
// numbers into minor units of currency; beyond Max(currency) is ErrTooLarge.
func ParseMajorIn(s, currency, lang string) (int64, error) {
	n, err := ParseDecimal(s, lang, Exponent(currency))
	if err != nil {
		return 0, err
	}
	if n > Max(currency) {
		return 0, ErrTooLarge
	}
	return n, nil
}

// FormatDecimal writes n units of 10^-decimals the way lang writes numbers,
// with thousands grouped and trailing zero decimals dropped, so that
// ParseDecimal(FormatDecimal(n, lang, d), lang, d) == n for n ≥ 0 (when
// d is not 3: a fraction of exactly three digits gets a fourth zero so it
// cannot be read as grouping).
func FormatDecimal(n int64, lang string, decimals int) string {
	group, dec := Marks(lang)
	sign := ""
	u := uint64(n)
	if n < 0 {
		sign, u = "-", uint64(-(n+1))+1
	}
	scale := uint64(Pow10(decimals))
	w := strconv.FormatUint(u/scale, 10)
	var b strings.Builder
	b.WriteString(sign)
	for i := range len(w) {
		if i > 0 && (len(w)-i)%3 == 0 {
			b.WriteByte(group)
		}
		b.WriteByte(w[i])
	}
	if r := u % scale; r != 0 {
		frac := strconv.FormatUint(r, 10)
		frac = strings.Repeat("0", decimals-len(frac)) + frac
		frac = strings.TrimRight(frac, "0")
		if len(frac) == 3 && len(w) <= 3 && w != "0" && decimals > 3 {
			frac += "0" // "1,1250", not "1,125", which ParseDecimal refuses as ambiguous
		}
		b.WriteByte(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// allDigitsOr reports whether s holds only ASCII digits and the byte sep.
func allDigitsOr(s string, sep byte) bool {
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && (sep == 0 || s[i] != sep) {
			return false
		}
	}
	return true
}
