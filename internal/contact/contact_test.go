package contact_test

import (
	"testing"

	"github.com/khanhhoa/investportal/internal/contact"
)

func TestValidEmail(t *testing.T) {
	for _, e := range []string{"an@congty.vn", "a.b+c@sub.example.com", "minjun.kim@example.co.kr"} {
		if !contact.ValidEmail(e) {
			t.Errorf("ValidEmail(%q) = false", e)
		}
	}
	for _, e := range []string{"a@b", "an@congty", "An <an@congty.vn>", "an@@congty.vn", "an@.vn", "an@vn.", "an congty.vn", "", "@congty.vn"} {
		if contact.ValidEmail(e) {
			t.Errorf("ValidEmail(%q) = true", e)
		}
	}
}
