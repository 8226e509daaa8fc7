package board

import (
	"math"
	"testing"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
)

func TestParseCapitalIsExact(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lang, in, cur string
		want          int64
	}{
		{"vi", "1250", money.VND, 1_250_000_000_000},
		{"vi", "1250,5", money.VND, 1_250_500_000_000},
		{"vi", "1.250,5", money.VND, 1_250_500_000_000},
		{"vi", "1.250", money.VND, 1_250_000_000_000},
		{"en", "1250.5", money.VND, 1_250_500_000_000},
		{"en", "1,250.5", money.VND, 1_250_500_000_000},
		{"vi", " 0,000000001 ", money.VND, 1},
		{"vi", "363.240", money.VND, 363_240_000_000_000},
		{"en", "12.75", money.USD, 1_275_000_000},
		{"vi", "12,75", money.USD, 1_275_000_000},
		{"vi", "0,00000001", money.USD, 1},
		{"en", "3,900", money.USD, 390_000_000_000},
		{"vi", ",5", money.VND, 500_000_000},
		{"en", "7.", money.VND, 7_000_000_000},
	} {
		f := apperr.Fields{}
		got := parseCapital(f, "c", c.in, c.cur, c.lang)
		if got == nil || *got != c.want || len(f) != 0 {
			t.Errorf("parseCapital(%q, %s, %s) = %v %v, want %d", c.in, c.cur, c.lang, got, f, c.want)
		}
	}
	for _, c := range []struct{ lang, in, cur, msg string }{
		{"vi", "", money.VND, "error.field.required"},
		{"vi", "-5", money.VND, "error.field.not_negative"},
		{"en", "1.250,5", money.VND, "number.error.grouping"},
		{"vi", "1,250.5", money.USD, "number.error.grouping"},
		{"vi", "1250.5", money.VND, "number.error.grouping"},
		{"vi", "1,250", money.VND, "number.error.ambiguous"},
		{"en", "1.250", money.USD, "number.error.ambiguous"},
		{"vi", "12a", money.VND, "board.error.capital_format"},
		{"en", "1e3", money.VND, "board.error.capital_format"},
		{"en", ".", money.VND, "board.error.capital_format"},
		{"vi", "0,0000000001", money.VND, "board.error.capital_precision"},
		{"en", "0.000000001", money.USD, "board.error.capital_precision"},
		{"vi", "9300000000", money.VND, project.AmountTooLargeID},
		{"en", "92233720369", money.USD, project.AmountTooLargeID},
		{"vi", "99999999999999999999", money.VND, project.AmountTooLargeID},
	} {
		f := apperr.Fields{}
		if got := parseCapital(f, "c", c.in, c.cur, c.lang); got != nil || f["c"] != c.msg {
			t.Errorf("parseCapital(%q, %s, %s) = %v %q, want %q", c.in, c.cur, c.lang, got, f["c"], c.msg)
		}
	}
}

func TestCapitalInputReadsBack(t *testing.T) {
	t.Parallel()
	for _, a := range []money.Amount{
		{Amount: 363_240_000_000_000, Currency: money.VND}, {Amount: 1, Currency: money.VND},
		{Amount: 1_250_500_000_000, Currency: money.VND}, {Amount: 1_275_000_000, Currency: money.USD},
		{Amount: 1, Currency: money.USD}, {Amount: 1_125_000_000, Currency: money.VND}, {Amount: math.MaxInt64, Currency: money.VND}, {Amount: 0, Currency: money.USD},
	} {
		for _, lang := range []string{"vi", "en"} {
			s := capitalInput(a, lang)
			f := apperr.Fields{}
			if got := parseCapital(f, "c", s, a.Currency, lang); got == nil || *got != a.Amount {
				t.Errorf("%v in %s shown %q reads back %v %v", a, lang, s, got, f)
			}
		}
	}
	if got := capitalInput(money.Amount{Amount: 1_250_500_000_000, Currency: money.VND}, "vi"); got != "1.250,5" {
		t.Errorf("vi: %q", got)
	}
	if got := capitalInput(money.Amount{Amount: 1_275_000_000, Currency: money.USD}, "en"); got != "12.75" {
		t.Errorf("en: %q", got)
	}
	// 1.125 billion would read as grouping ("1,125" in en is 1,125), so a
	// fourth decimal is written.
	if got := capitalInput(money.Amount{Amount: 1_125_000_000, Currency: money.VND}, "en"); got != "1.1250" {
		t.Errorf("en: %q", got)
	}
}
