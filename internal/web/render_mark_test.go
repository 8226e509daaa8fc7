package web_test

import (
	"testing"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/locales"
)

func TestPageMarksTextUsersWrote(t *testing.T) {
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	en := &web.Page{L: b.For("en"), Lang: "en"}
	vi := &web.Page{L: b.For("vi"), Lang: "vi"}
	if got := string(en.Name("Lê Thị <Mai>")); got != `<span lang="vi">Lê Thị &lt;Mai&gt;</span>` {
		t.Errorf("Vietnamese name on an English page = %q", got)
	}
	if got := string(en.Name("John Smith")); got != "John Smith" {
		t.Errorf("English name on an English page = %q", got)
	}
	if got := string(vi.Name("Lê Thị Mai")); got != "Lê Thị Mai" {
		t.Errorf("Vietnamese name on a Vietnamese page = %q", got)
	}
	// A business that reads English may write its report in Vietnamese.
	if got := en.TextLang("Chậm giao đất", "en"); got != "vi" {
		t.Errorf("TextLang of Vietnamese text = %q", got)
	}
	if got := vi.TextLang("Delay in land handover", "en"); got != "en" {
		t.Errorf("TextLang of English text = %q", got)
	}
	got := string(en.TMark("nav.logout", "Name", "Quản trị <viên>", "vi"))
	if got != `Sign out (<span lang="vi">Quản trị &lt;viên&gt;</span>)` {
		t.Errorf("TMark = %q", got)
	}
	if got := string(vi.TMark("nav.logout", "Name", "Quản trị", "")); got != "Đăng xuất (Quản trị)" {
		t.Errorf("TMark without a language = %q", got)
	}
}
