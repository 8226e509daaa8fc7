package opportunity

import (
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/locales"
)

// TestCamLamPlanCitation: the Cam Lâm general plan is the one approved by
// Decision 205/QĐ-TTg of 28 February 2024, "to 2045"; it was cited as "to
// 2030, vision to 2050".
func TestCamLamPlanCitation(t *testing.T) {
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	// English writes the decision's number without Vietnamese letters.
	for lang, number := range map[string]string{"vi": "205/QĐ-TTg", "en": "205/QD-TTg"} {
		got := b.For(lang).Label("opportunity.planning", "cam_lam_plan_2030_2050")
		if !strings.Contains(got, "2045") || !strings.Contains(got, number) || strings.Contains(got, "2050") || strings.Contains(got, "2030") {
			t.Errorf("%s: Cam Lâm plan cited as %q", lang, got)
		}
	}
}
