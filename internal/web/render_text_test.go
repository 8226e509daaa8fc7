package web_test

import (
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/locales"
)

func TestPageTextMarksOtherLanguage(t *testing.T) {
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	en := &web.Page{L: b.For("en"), Lang: "en"}
	both := bilingual.Text{VI: "Khu du lịch <Bãi Dài>", EN: "Bai Dai <resort>"}
	if got := string(en.Text(both)); got != "Bai Dai &lt;resort&gt;" {
		t.Errorf("translated text = %q", got)
	}
	got := string(en.Text(bilingual.Text{VI: "Khu du lịch <Bãi Dài>"}))
	if !strings.HasPrefix(got, `<span lang="vi">Khu du lịch &lt;Bãi Dài&gt;</span>`) || !strings.Contains(got, `class="badge lang-tag"`) || !strings.Contains(got, ">VI</span>") {
		t.Errorf("fallback text = %q, want it marked lang=vi with a VI tag", got)
	}
	vi := &web.Page{L: b.For("vi"), Lang: "vi"}
	if got := string(vi.Text(both)); got != "Khu du lịch &lt;Bãi Dài&gt;" {
		t.Errorf("vi text = %q", got)
	}
}
