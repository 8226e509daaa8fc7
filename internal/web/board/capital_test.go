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
		in, cur string
		want    int64
	}{
		{"1250", money.VND, 1_250_000_000_000},
		{"1250,5", money.VND, 1_250_500_000_000},
		{"1250.5", money.VND, 1_250_500_000_000},
		{" 0,000000001 ", money.VND, 1},
		{"363240", money.VND, 363_240_000_000_000},
		{"12.75", money.USD, 1_275_000_000},
		{"0,00000001", money.USD, 1},
		{"3900", money.USD, 390_000_000_000},
		{",5", money.VND, 500_000_000},
		{"7.", money.VND, 7_000_000_000},
	} {
		f := apperr.Fields{}
		got := parseCapital(f, "c", c.in, c.cur)
		if got == nil || *got != c.want || len(f) != 0 {
			t.Errorf("parseCapital(%q, %s) = %v %v, want %d", c.in, c.cur, got, f, c.want)
		}
	}
	for _, c := range []struct{ in, cur, msg string }{
		{"", money.VND, "error.field.required"},
		{"-5", money.VND, "error.field.not_negative"},
		{"1.250,5", money.VND, "board.error.capital_format"},
		{"1,250.5", money.USD, "board.error.capital_format"},
		{"12a", money.VND, "board.error.capital_format"},
		{"1e3", money.VND, "board.error.capital_format"},
		{".", money.VND, "board.error.capital_format"},
		{"0,0000000001", money.VND, "board.error.capital_precision"},
		{"0.000000001", money.USD, "board.error.capital_precision"},
		{"9300000000", money.VND, project.AmountTooLargeID},
		{"92233720369", money.USD, project.AmountTooLargeID},
		{"99999999999999999999", money.VND, project.AmountTooLargeID},
	} {
		f := apperr.Fields{}
		if got := parseCapital(f, "c", c.in, c.cur); got != nil || f["c"] != c.msg {
			t.Errorf("parseCapital(%q, %s) = %v %q, want %q", c.in, c.cur, got, f["c"], c.msg)
		}
	}
}

func TestCapitalInputReadsBack(t *testing.T) {
	t.Parallel()
	for _, a := range []money.Amount{
		{Amount: 363_240_000_000_000, Currency: money.VND}, {Amount: 1, Currency: money.VND},
		{Amount: 1_250_500_000_000, Currency: money.VND}, {Amount: 1_275_000_000, Currency: money.USD},
		{Amount: 1, Currency: money.USD}, {Amount: math.MaxInt64, Currency: money.VND}, {Amount: 0, Currency: money.USD},
	} {
		for _, lang := range []string{"vi", "en"} {
			s := capitalInput(a, lang)
			f := apperr.Fields{}
			if got := parseCapital(f, "c", s, a.Currency); got == nil || *got != a.Amount {
				t.Errorf("%v in %s shown %q reads back %v %v", a, lang, s, got, f)
			}
		}
	}
	if got := capitalInput(money.Amount{Amount: 1_250_500_000_000, Currency: money.VND}, "vi"); got != "1250,5" {
		t.Errorf("vi: %q", got)
	}
	if got := capitalInput(money.Amount{Amount: 1_275_000_000, Currency: money.USD}, "en"); got != "12.75" {
		t.Errorf("en: %q", got)
	}
}
