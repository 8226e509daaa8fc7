package i18n_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/khanhhoa/investportal/locales"
	"github.com/khanhhoa/investportal/seed"
)

// variant is a wrong form of a glossary term (locales/GLOSSARY.md): lang
// is the message files it applies to, only limits it to message ids with
// one of these prefixes.
type variant struct {
	lang  string
	re    *regexp.Regexp
	only  []string
	skip  []string
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
	// Issue 13 item 2: real bodies, one name each.
	{lang: "vi", re: regexp.MustCompile(`(?i)ban xúc tiến`), right: "Trung tâm Xúc tiến Đầu tư và Hỗ trợ doanh nghiệp (the body) or cán bộ xúc tiến đầu tư (the staff role)"},
	{lang: "vi", re: regexp.MustCompile(`(?i)xúc tiến đầu tư, thương mại và du lịch`), right: "Trung tâm Xúc tiến Đầu tư và Hỗ trợ doanh nghiệp tỉnh Khánh Hòa"},
	{lang: "en", re: regexp.MustCompile(`(?i)promotion board|trade and tourism promotion`), right: "Khanh Hoa Investment Promotion and Business Support Centre"},
	{lang: "en", re: regexp.MustCompile(`(?i)(?:^|[^t] |[^\w ])board\b`), right: "investment promotion staff, the Investment promotion pages or the Centre (only a body's own name, such as the Management Board, says Board)"},
	{lang: "vi", re: regexp.MustCompile(`(?i)tổ công tác tháo gỡ`), right: "Tổ công tác đặc biệt của Ủy ban nhân dân tỉnh Khánh Hòa về tháo gỡ khó khăn, vướng mắc cho doanh nghiệp (then Tổ công tác)"},
	{lang: "en", re: regexp.MustCompile(`(?i)task force for removing`), right: "Special Task Force of the Khanh Hoa Provincial People's Committee for removing businesses' difficulties and obstacles (then the task force)"},
	// Item 8: the register of a provincial authority.
	{lang: "vi", re: regexp.MustCompile(`(?i)\bbạn\b`), right: "Quý doanh nghiệp, Quý nhà đầu tư or Quý vị (staff pages: neutral wording)"},
	{lang: "vi", re: regexp.MustCompile(`quý (?:vị|doanh nghiệp|nhà đầu tư)`), right: "Quý with a capital Q"},
	{lang: "vi", re: regexp.MustCompile(`Kính gửi\s*,`), right: "Kính gửi Ông/Bà {{.Name}},"},
	// Item 4: citations carry "số" and the number; the project list is
	// not all licensed.
	{lang: "vi", re: regexp.MustCompile(`(?i)(?:nghị định|nghị quyết|quyết định|thông tư) \d|luật [^;,.()\d]*? (?:19|20)\d\d\b`), right: "Nghị định số 31/2021/NĐ-CP, Luật Đầu tư số 61/2020/QH14"},
	{lang: "en", re: regexp.MustCompile(`\b(?:Decree|Decision|Resolution|Circular) \d|\bLaw on [^;,.()\d]*? (?:19|20)\d\d\b`), right: "Decree No. 31/2021/ND-CP, Law on Investment No. 61/2020/QH14"},
	{lang: "vi", re: regexp.MustCompile(`(?i)cấp phép`), only: []string{"project.list.heading", "home.card.projects_text", "home.lead"}, right: "dự án trong danh mục theo dõi (the list holds proposed and policy-approved projects too)"},
	{lang: "en", re: regexp.MustCompile(`(?i)licensed`), only: []string{"project.list.heading", "home.card.projects_text", "home.lead"}, right: "projects tracked (the list holds proposed and policy-approved projects too)"},
	// Item 9: English writes Vietnamese names without diacritics. The
	// language switch is written in its own language.
	{lang: "en", re: regexp.MustCompile(`[\x{00C0}-\x{00D6}\x{00D8}-\x{00F6}\x{00F8}-\x{024F}\x{1E00}-\x{1EFF}]`), skip: []string{"nav.switch_language"}, right: "Khanh Hoa, Van Phong Bay: no diacritics in English"},
	{lang: "en", re: regexp.MustCompile(`\b(?:Van Phong|Nha Trang|Cam Ranh|Nha Phu) bay\b`), right: "Bay with a capital B"},
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
			if len(v.only) > 0 && !hasPrefix(id, v.only) || hasPrefix(id, v.skip) {
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
		"Close the report on this device", "Phản ánh của bạn đã được tiếp nhận", "trong giấy chứng nhận đầu tư", "Approved in principle",
		"Ban xúc tiến trả lời mọi yêu cầu", "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", "The promotion board answers", "Opportunities (board)",
		"Tổ công tác tháo gỡ khó khăn, vướng mắc tỉnh Khánh Hòa", "Provincial Task Force for removing difficulties and obstacles",
		"Bạn đã đăng nhập.", "Cảm ơn quý vị", "Kính gửi ,", "Nghị định 31/2021/NĐ-CP", "Decree 31/2021/ND-CP",
		"Dự án đầu tư đã cấp phép", "Licensed investment projects", "Khánh Hòa Investment Portal", "Van Phong bay"}
	for i, v := range variants {
		if !v.re.MatchString(wrong[i]) {
			t.Errorf("variant %d (%s) does not find %q", i, v.re, wrong[i])
		}
	}
	if len(wrong) != len(variants) {
		t.Fatalf("%d wrong texts for %d variants", len(wrong), len(variants))
	}
	if variants[1].re.MatchString("mã truy cập API") {
		t.Error("the API token's name is refused")
	}
	// The right forms pass.
	for _, ok := range []struct {
		i int
		s string
	}{
		{17, "Van Phong Economic Zone Management Board"}, {17, "Dashboard"}, {17, "keyboard"},
		{20, "Bàn phím"}, {21, "Quý vị vui lòng"}, {22, "Kính gửi Ông/Bà ,"},
		{23, "Luật Đầu tư số 61/2020/QH14, Điều 15; Nghị định số 31/2021/NĐ-CP"},
		{24, "Law on Investment No. 61/2020/QH14; Decree No. 31/2021/ND-CP"},
		{27, "Invest in Khanh Hoa"},
	} {
		if m := variants[ok.i].re.FindString(ok.s); m != "" {
			t.Errorf("variant %d (%s) refuses the right form %q (%q)", ok.i, variants[ok.i].re, ok.s, m)
		}
	}
}

// lawCited is a law named in a citation, up to the next citation.
var lawCited = regexp.MustCompile(`Luật [^;,]*`)

// TestGlossaryCitationsInDemoData holds the demo opportunities' legal
// citations to the glossary's citation forms: "Nghị định số 31/2021/NĐ-CP"
// and "Decree No. 31/2021/ND-CP", every law with its number.
func TestGlossaryCitationsInDemoData(t *testing.T) {
	list, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	var vi, en []variant
	for _, v := range variants {
		if strings.Contains(v.right, "số 31/2021") {
			vi = append(vi, v)
		}
		if strings.Contains(v.right, "No. 31/2021") {
			en = append(en, v)
		}
	}
	if len(vi) != 1 || len(en) != 1 {
		t.Fatalf("citation variants: %d vi, %d en", len(vi), len(en))
	}
	n := 0
	for _, o := range list {
		for i, in := range o.Incentives {
			n++
			if m := vi[0].re.FindString(in.LegalBasis); m != "" {
				t.Errorf("%s incentive %d cites %q: %q; the glossary says %s", o.Code, i, in.LegalBasis, m, vi[0].right)
			}
			for _, law := range lawCited.FindAllString(in.LegalBasis, -1) {
				if !strings.Contains(law, " số ") {
					t.Errorf("%s incentive %d cites %q without its number", o.Code, i, law)
				}
			}
			if m := en[0].re.FindString(in.LegalBasisEN); m != "" {
				t.Errorf("%s incentive %d cites %q in English: %q; the glossary says %s", o.Code, i, in.LegalBasisEN, m, en[0].right)
			}
		}
	}
	if n == 0 {
		t.Fatal("no demo citations to check")
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
