package i18n_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/khanhhoa/investportal/locales"
)

// variant is a wrong form of a glossary term (locales/GLOSSARY.md): lang
// is the message files it applies to, only limits it to message ids with
// one of these prefixes.
type variant struct {
	lang  string
	re    *regexp.Regexp
	only  []string
	right string
}

var variants = []variant{
	{lang: "vi", re: regexp.MustCompile(`(?i)mã tra cứu`), right: "mã theo dõi"},
	{lang: "vi", re: regexp.MustCompile(`(?i)mã truy cập(?:$|[^ ]| [^A])`), right: "khóa truy cập (or mã truy cập API for the API token)"},
	{lang: "vi", re: regexp.MustCompile(`(?i)\be-?mail\b`), right: "thư điện tử"},
	{lang: "vi", re: regexp.MustCompile(`(?i)bảng điều khiển`), right: "bảng số liệu"},
	{lang: "vi", re: regexp.MustCompile(`(?i)tạm dừng`), only: []string{"project.", "board.", "dashboard.", "export."}, right: "tạm ngừng hoạt động"},
	{lang: "vi", re: regexp.MustCompile(`năm 2030, tầm nhìn đến năm 2050`), only: []string{"opportunity.planning.cam_lam"}, right: "đến năm 2045"},
	{lang: "en", re: regexp.MustCompile(`(?i)\be-mail`), right: "email"},
	{lang: "vi", re: regexp.MustCompile(`\(mật\)`), right: "(nội bộ): mật is the legal grade of a state secret"},
	{lang: "vi", re: regexp.MustCompile(`(?i)báo cáo vượt`), right: "cấp đã báo cáo (báo cáo vượt cấp means going over someone's head)"},
	{lang: "vi", re: regexp.MustCompile(`(?i)đóng phản ánh trên thiết bị`), right: "quên phản ánh này trên thiết bị này (it forgets the access, it does not close the case)"},
	{lang: "en", re: regexp.MustCompile(`(?i)close the report on this device`), right: "forget this report on this device"},
	{lang: "vi", re: regexp.MustCompile(`(?i)đã được tiếp nhận`), only: []string{"obstweb.filed."}, right: "đã được gửi (Đã tiếp nhận is a later status)"},
	{lang: "vi", re: regexp.MustCompile(`(?i)giấy chứng nhận đầu tư`), right: "Giấy chứng nhận đăng ký đầu tư"},
	{lang: "en", re: regexp.MustCompile(`(?i)investment licen[cs]e|approved in principle`), right: "Investment Registration Certificate; investment policy approved"},
}

// messages reads every message of one language, plural forms included,
// with placeholders ({{.Email}}) removed.
func messages(t *testing.T, lang string) map[string][]string {
	t.Helper()
	files, err := fs.Glob(locales.FS, "*."+lang+".toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s message files: %v", lang, err)
	}
	placeholder := regexp.MustCompile(`\{\{[^}]*\}\}`)
	out := map[string][]string{}
	for _, f := range files {
		var m map[string]any
		if _, err := toml.DecodeFS(locales.FS, f, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for id, v := range m {
			switch v := v.(type) {
			case string:
				out[id] = append(out[id], placeholder.ReplaceAllString(v, ""))
			case map[string]any:
				for _, form := range v {
					if s, ok := form.(string); ok {
						out[id] = append(out[id], placeholder.ReplaceAllString(s, ""))
					}
				}
			}
		}
	}
	return out
}

// TestGlossaryVariants fails on any message that uses a variant the
// glossary refuses.
func TestGlossaryVariants(t *testing.T) {
	byLang := map[string]map[string][]string{"vi": messages(t, "vi"), "en": messages(t, "en")}
	for _, v := range variants {
		for id, texts := range byLang[v.lang] {
			if len(v.only) > 0 && !hasPrefix(id, v.only) {
				continue
			}
			for _, s := range texts {
				if m := v.re.FindString(s); m != "" {
					t.Errorf("%s %s uses %q; the glossary says %s", v.lang, id, m, v.right)
				}
			}
		}
	}
}

// TestGlossaryVariantsAreFound keeps the check honest: each variant must
// match the wrong text it is written for.
func TestGlossaryVariantsAreFound(t *testing.T) {
	wrong := []string{"Tra bằng mã tra cứu", "Mã truy cập của phản ánh", "địa chỉ e-mail", "Bảng điều khiển", "dự án tạm dừng",
		"đến năm 2030, tầm nhìn đến năm 2050", "an e-mail", "Vướng mắc (mật)", "Cấp báo cáo vượt", "Đóng phản ánh trên thiết bị này",
		"Close the report on this device", "Phản ánh của bạn đã được tiếp nhận", "trong giấy chứng nhận đầu tư", "Approved in principle"}
	for i, v := range variants {
		if !v.re.MatchString(wrong[i]) {
			t.Errorf("variant %d (%s) does not find %q", i, v.re, wrong[i])
		}
	}
	if variants[1].re.MatchString("mã truy cập API") {
		t.Error("the API token's name is refused")
	}
}

func hasPrefix(id string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}
