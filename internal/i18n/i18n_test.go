package i18n_test

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/locales"
)

func bundle(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLocalesHaveSameIDs checks that every area's vi and en files hold the
// same message ids and that no message is empty.
func TestLocalesHaveSameIDs(t *testing.T) {
	files, _ := fs.Glob(locales.FS, "*.toml")
	areas := map[string]map[string]map[string]any{}
	for _, f := range files {
		parts := strings.Split(f, ".")
		if len(parts) != 3 {
			t.Errorf("%s: name must be <area>.<lang>.toml", f)
			continue
		}
		data, err := fs.ReadFile(locales.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := toml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for id, v := range m {
			if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
				t.Errorf("%s: %s is empty", f, id)
			}
		}
		if areas[parts[0]] == nil {
			areas[parts[0]] = map[string]map[string]any{}
		}
		areas[parts[0]][parts[1]] = m
	}
	for area, langs := range areas {
		for _, l := range i18n.Languages {
			if langs[l] == nil {
				t.Errorf("%s has no %s file", area, l)
			}
		}
		for id := range langs["vi"] {
			if _, ok := langs["en"][id]; !ok {
				t.Errorf("%s.en.toml lacks %s", area, id)
			}
		}
		for id := range langs["en"] {
			if _, ok := langs["vi"][id]; !ok {
				t.Errorf("%s.vi.toml lacks %s", area, id)
			}
		}
	}
	b := bundle(t)
	if len(b.IDs("vi")) != len(b.IDs("en")) || len(b.IDs("vi")) == 0 {
		t.Errorf("vi has %d ids, en %d", len(b.IDs("vi")), len(b.IDs("en")))
	}
}

func TestFormatting(t *testing.T) {
	b := bundle(t)
	vi, en := b.For("vi"), b.For("en")
	vnd := func(n int64) money.Amount { return money.Amount{Amount: n, Currency: money.VND} }
	usd := func(cents int64) money.Amount { return money.Amount{Amount: cents, Currency: money.USD} }
	date := time.Date(2026, 11, 27, 20, 30, 0, 0, time.UTC) // 28/11 03:30 in Nha Trang
	cases := []struct{ got, want string }{
		{vi.Money(vnd(363_240_000_000_000)), "363.240 tỷ đồng"},
		{en.Money(vnd(363_240_000_000_000)), "VND 363,240 billion"},
		{vi.Money(usd(390_000_000_000)), "3,9 tỷ USD"},
		{en.Money(usd(390_000_000_000)), "US$3.9 billion"},
		{en.Money(usd(4_000_000_000_00)), "US$4 billion"},
		{vi.Money(vnd(85_540_000_000)), "85,5 tỷ đồng"},
		{en.Money(usd(12_345_000_00)), "US$12.3 million"},
		{vi.Money(vnd(12_345)), "12.345 đồng"},
		{en.MoneyFull(usd(1_234_567)), "US$12,345.67"},
		{vi.MoneyFull(vnd(1_250_000_000)), "1.250.000.000 đồng"},
		{vi.Int(1234567), "1.234.567"},
		{en.Int(1234567), "1,234,567"},
		{vi.Date(date), "28/11/2026"},
		{en.Date(date), "28 Nov 2026"},
		{vi.Percent(9952), "99,52%"},
		{en.Percent(9952), "99.52%"},
		{vi.Hectares(1250), "12,5 ha"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestMissingMessageIsRecorded(t *testing.T) {
	b := bundle(t)
	if got := b.For("en").T("no.such.id"); got != "no.such.id" {
		t.Errorf("missing id rendered as %q", got)
	}
	if m := b.Missing(); len(m) != 1 || m[0] != "en:no.such.id" {
		t.Errorf("Missing() = %v", m)
	}
}

func TestChoose(t *testing.T) {
	for header, want := range map[string]string{
		"":                       "vi",
		"en-US,en;q=0.9":         "en",
		"fr-FR, en;q=0.5":        "en",
		"vi-VN,vi;q=0.9,en;q=.8": "vi",
		"de":                     "vi",
		"garbage;;;":             "vi",
	} {
		if got := i18n.Choose(header); got != want {
			t.Errorf("Choose(%q) = %s, want %s", header, got, want)
		}
	}
}
