package opportunities

import (
	"html/template"
	"testing"

	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
)

// TestCardHighlightOnlyInThePagesLanguage: a row shows the engine's
// highlight only when it was cut from the text the page shows, so a match
// in the Vietnamese text never appears on an English page that has the
// English text, while a Vietnamese-only text keeps its highlight.
func TestCardHighlightOnlyInThePagesLanguage(t *testing.T) {
	t.Parallel()
	c := card{
		O: opportunity.Opportunity{
			Title:       project.Text{VI: "Nhà máy nước Sông Cái", EN: "Song Cai water plant"},
			Summary:     project.Text{VI: "Cấp nước sạch cho Nha Trang & Cam Lâm."},
			Description: project.Text{VI: "Một hai ba bốn năm sáu bảy tám.", EN: "One two three four five six seven eight."},
		},
		Highlights: map[string]template.HTML{
			"title":   "<mark>Nhà</mark> máy nước Sông Cái",
			"summary": "Cấp nước sạch cho <mark>Nha Trang</mark> &amp; Cam Lâm.",
			"body":    "…three <mark>four</mark> five…",
		},
	}
	for _, tc := range []struct {
		field, lang string
		want        template.HTML
	}{
		{"title", "vi", c.Highlights["title"]},
		{"title", "en", ""},                        // the English title is shown instead
		{"summary", "en", c.Highlights["summary"]}, // no English summary: the Vietnamese one, marked by the template
		{"body", "en", c.Highlights["body"]},
		{"body", "vi", ""},
		{"other", "en", ""},
	} {
		if got := c.Highlight(tc.field, tc.lang); got != tc.want {
			t.Errorf("Highlight(%s, %s) = %q, want %q", tc.field, tc.lang, got, tc.want)
		}
	}
}
