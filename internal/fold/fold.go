// Package fold makes text comparable the way Vietnamese readers type it:
// NFC-normalized, lower-case, without diacritics, with đ as d. "Khánh Hòa",
// "KHANH HOA" and "khanh hoa" all fold to "khanh hoa".
package fold

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// String folds s.
func String(s string) string {
	s = norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'đ', 'Đ', 'ð', 'Ð':
			r = 'd'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}

// Words folds s and turns every run of anything but letters and digits
// into one space: "Điện gió Vân Phong – 2" becomes "dien gio van phong 2".
func Words(s string) string {
	var b strings.Builder
	space := true
	for _, r := range String(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}
