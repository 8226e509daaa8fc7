// Package bilingual holds content written in both of the portal's
// languages, Vietnamese being the one that is always there.
package bilingual

// Text is content in Vietnamese and English; English may be missing.
type Text struct {
	VI string `json:"vi" bson:"vi"`
	EN string `json:"en,omitempty" bson:"en,omitempty"`
}

// In returns the text in lang and whether it fell back to Vietnamese.
func (t Text) In(lang string) (string, bool) {
	if lang == "en" {
		if t.EN != "" {
			return t.EN, false
		}
		return t.VI, true
	}
	return t.VI, false
}

// Get returns the text in lang, falling back to Vietnamese.
func (t Text) Get(lang string) string { s, _ := t.In(lang); return s }

// Fallback reports whether the text in lang is missing and Vietnamese is
// shown instead.
func (t Text) Fallback(lang string) bool { _, f := t.In(lang); return f }
