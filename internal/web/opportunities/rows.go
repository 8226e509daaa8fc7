package opportunities

import (
	"html"
	"html/template"
	"strings"
)

// Highlight is the engine's highlight of field (title, summary or body)
// when it was cut from the text the page shows in lang, and "" when it
// was not: an engine may mark a match in the other language's text, and
// a row must not show that text unmarked (the row then shows the text in
// lang, or no snippet for the body).
func (c card) Highlight(field, lang string) template.HTML {
	h, ok := c.Highlights[field]
	if !ok {
		return ""
	}
	var shown string
	switch field {
	case "title":
		shown = c.O.Title.Get(lang)
	case "summary":
		shown = c.O.Summary.Get(lang)
	case "body":
		parts := []string{c.O.Description.Get(lang)}
		for _, in := range c.O.Incentives {
			parts = append(parts, in.Text.Get(lang))
		}
		shown = strings.Join(parts, "\n")
	}
	plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(string(h))
	plain = strings.Trim(html.UnescapeString(plain), "…")
	if plain == "" || !strings.Contains(shown, plain) {
		return ""
	}
	return h
}
