package fold

import "testing"

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"Khánh Hòa":             "khanh hoa",
		"CAM LÂM":               "cam lam",
		"điện gió":              "dien gio",
		"Đà Nẵng":               "da nang",
		"Kha\u0301nh Ho\u0300a": "khanh hoa", // decomposed input
		"Vân Phong 2":           "van phong 2",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
