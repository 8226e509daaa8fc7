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
