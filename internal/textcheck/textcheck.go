// Package textcheck holds the one rule for the characters of typed text,
// shared by every domain that stores what people type.
package textcheck

import (
	"unicode"
	"unicode/utf8"
)

// Clean reports whether s is valid UTF-8 free of control characters (NUL,
// escape, DEL, the C1 range…), which no one types on purpose and which break
// exports, e-mails and other programs reading the data. multiLine allows the
// line breaks and tabs of a text area.
func Clean(s string, multiLine bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsControl(r) {
			continue
		}
		if !multiLine || (r != '\n' && r != '\r' && r != '\t') {
			return false
		}
	}
	return true
}
