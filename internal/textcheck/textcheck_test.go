package textcheck

import "testing"

func TestClean(t *testing.T) {
	cases := []struct {
		s             string
		single, multi bool
	}{
		{"Công ty Cổ phần Vân Phong", true, true},
		{"dòng một\ndòng hai\tcột", false, true},
		{"a\x00b", false, false},
		{"\x1b[31mred", false, false},
		{"a\u0085b", false, false}, // C1 next line
		{"a\x7fb", false, false},
		{"\xff\xfe", false, false},
		{"", true, true},
		{"dòng một\u2028dòng hai", false, true}, // line separator
		{"a\u2029b", false, true},               // paragraph separator
		{"\x00=1+1", false, false},
		{"＝1+1", true, true},       // not a control character; exports guard it
		{"a\u009bb", false, false}, // C1 control sequence introducer
		{"tab\there", false, true},
	}
	for _, c := range cases {
		if got := Clean(c.s, false); got != c.single {
			t.Errorf("Clean(%q, single line) = %v", c.s, got)
		}
		if got := Clean(c.s, true); got != c.multi {
			t.Errorf("Clean(%q, multi-line) = %v", c.s, got)
		}
	}
}
