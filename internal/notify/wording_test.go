package notify_test

import (
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/locales"
)

// TestMailsAddressAndSignAsTheProvinceDoes (issue 13, items 2 and 8):
// Vietnamese e-mails open "Kính gửi Ông/Bà <name>," and English ones
// "Dear <name>,"; the enquiry e-mails are signed by the Investment
// Promotion and Business Support Centre, the obstacle e-mails by the
// special task force, under their full names.
func TestMailsAddressAndSignAsTheProvinceDoes(t *testing.T) {
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	open := map[string]string{"vi": "Kính gửi Ông/Bà Trần Thị Lan,", "en": "Dear Trần Thị Lan,"}
	centre := map[string]string{"vi": "Trung tâm Xúc tiến Đầu tư và Hỗ trợ doanh nghiệp tỉnh Khánh Hòa", "en": "Khanh Hoa Investment Promotion and Business Support Centre"}
	taskForce := map[string]string{
		"vi": "Tổ công tác đặc biệt của Ủy ban nhân dân tỉnh Khánh Hòa về tháo gỡ khó khăn, vướng mắc cho doanh nghiệp",
		"en": "Special Task Force of the Khanh Hoa Provincial People's Committee for removing businesses' difficulties and obstacles",
	}
	for _, lang := range []string{"vi", "en"} {
		e := &opportunity.Enquiry{ID: "enq-1", OpportunityCode: "OPP-VP-001", Name: "Trần Thị Lan", Email: "lan@example.com", Lang: lang,
			Message: "Xin gửi khảo sát.", Reply: "Đã gửi."}
		for kind, m := range map[string]string{
			"ack":   notify.EnquiryAck(b, "https://portal.example", e, "Title").Body,
			"reply": notify.EnquiryReply(b, "https://portal.example", e, "Title").Body,
		} {
			if first := strings.SplitN(m, "\n", 2)[0]; first != open[lang] {
				t.Errorf("%s %s opens %q, want %q", lang, kind, first, open[lang])
			}
			if !strings.HasSuffix(m, "\n"+centre[lang]) {
				t.Errorf("%s %s is not signed by the Centre:\n%s", lang, kind, m)
			}
		}
		l := b.For(lang)
		if got := l.T("obstweb.mail.greeting", "Name", "Trần Thị Lan"); got != open[lang] {
			t.Errorf("%s obstacle e-mails open %q, want %q", lang, got, open[lang])
		}
		if got := l.T("inbox.mail.greeting", "Name", "Trần Thị Lan"); got != open[lang] {
			t.Errorf("%s staff e-mails open %q, want %q", lang, got, open[lang])
		}
		if got := l.T("obstweb.mail.signature"); got != taskForce[lang] {
			t.Errorf("%s obstacle e-mails signed %q, want %q", lang, got, taskForce[lang])
		}
	}
}
