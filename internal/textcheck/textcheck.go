// Package textcheck holds the one rule for the characters of typed text,
// shared by every domain that stores what people type.
package textcheck

import (
	"unicode"
	"unicode/utf8"
)

// Clean reports whether s is valid UTF-8 free of control characters (the
// C0 range with NUL and escape, DEL, the C1 range), which no one types on
// purpose and which break exports, e-mails and other programs reading the
// data. multiLine allows the line breaks and tabs of a text area.
//
// The Unicode line and paragraph separators (U+2028, U+2029) are not
// control characters but are line breaks: a single-line field refuses
// them, as it refuses "\n"; a text area keeps them, as text pasted from
// some editors holds them and they harm no reader of a multi-line field.
func Clean(s string, multiLine bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\u2028' || r == '\u2029':
			if !multiLine {
				return false
			}
		case !unicode.IsControl(r):
		case !multiLine || (r != '\n' && r != '\r' && r != '\t'):
			return false
		}
	}
	return true
}
