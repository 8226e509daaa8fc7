package money_test

import (
	"errors"
	"math"
	"testing"

	"github.com/khanhhoa/investportal/internal/money"
)

func TestMaxBoundsEachCurrency(t *testing.T) {
	if got := money.Max(money.VND); got != 10_000_000_000_000_000 {
		t.Errorf("Max(VND) = %d, want 10^16 đồng", got)
	}
	// The USD bound is the VND bound at the reference rate, in cents.
	if got, want := money.Max(money.USD), int64(10_000_000_000_000_000/money.ReferenceVNDPerUSD*100); got != want {
		t.Errorf("Max(USD) = %d, want %d", got, want)
	}
	for _, cur := range []string{money.VND, money.USD} {
		max := money.Max(cur)
		if !money.InRange(money.Amount{Amount: max, Currency: cur}) || !money.InRange(money.Amount{Amount: -max, Currency: cur}) {
			t.Errorf("%s: the bound itself is refused", cur)
		}
		if money.InRange(money.Amount{Amount: max + 1, Currency: cur}) || money.InRange(money.Amount{Amount: math.MinInt64, Currency: cur}) {
			t.Errorf("%s: an amount beyond the bound is accepted", cur)
		}
		// Even the largest amounts convert to đồng without overflow.
		if v := money.VNDEquivalent(money.Amount{Amount: max, Currency: cur}); v <= 0 {
			t.Errorf("%s: VNDEquivalent(max) = %d", cur, v)
		}
	}
}

func TestParseMajorRefusesHugeAmounts(t *testing.T) {
	for _, tc := range []struct{ in, cur string }{
		{"9223372036854775807", money.VND},
		{"10000000000000001", money.VND},
		{"400000000000.01", money.USD},
		{"92233720368547758.07", money.USD},
		{"99999999999999999999999", money.VND},
	} {
		if v, err := money.ParseMajor(tc.in, tc.cur); !errors.Is(err, money.ErrTooLarge) {
			t.Errorf("ParseMajor(%q, %s) = %d, %v; want ErrTooLarge", tc.in, tc.cur, v, err)
		}
	}
	if v, err := money.ParseMajor("10000000000000000", money.VND); err != nil || v != money.Max(money.VND) {
		t.Errorf("the bound itself: %d, %v", v, err)
	}
	if v, err := money.ParseMajor("1,250.75", money.USD); err != nil || v != 125075 {
		t.Errorf("1,250.75 USD = %d, %v", v, err)
	}
}

func TestCheckedSum(t *testing.T) {
	if s, err := money.CheckedAdd(math.MaxInt64-1, 1); err != nil || s != math.MaxInt64 {
		t.Errorf("MaxInt64-1 + 1 = %d, %v", s, err)
	}
	for _, tc := range [][2]int64{{math.MaxInt64, 1}, {math.MinInt64, -1}, {6e18, 6e18}, {-6e18, -6e18}} {
		if s, err := money.CheckedAdd(tc[0], tc[1]); !errors.Is(err, money.ErrOverflow) {
			t.Errorf("CheckedAdd(%d, %d) = %d, %v; want ErrOverflow", tc[0], tc[1], s, err)
		}
	}
	if got := money.SaturatingAdd(6e18, 6e18); got != math.MaxInt64 {
		t.Errorf("SaturatingAdd up = %d", got)
	}
	if got := money.SaturatingAdd(-6e18, -6e18); got != math.MinInt64 {
		t.Errorf("SaturatingAdd down = %d", got)
	}
	if got := money.SaturatingAdd(-5, 7); got != 2 {
		t.Errorf("SaturatingAdd(-5, 7) = %d", got)
	}
	a := money.Amount{Amount: math.MaxInt64, Currency: money.VND}
	if _, err := a.Add(money.Amount{Amount: 1, Currency: money.VND}); !errors.Is(err, money.ErrOverflow) {
		t.Errorf("Amount.Add overflow: %v", err)
	}
}

func TestRoundDivNeverWraps(t *testing.T) {
	for _, tc := range []struct{ a, b, want int64 }{
		{math.MaxInt64, 1_000_000_000, 9_223_372_037},
		{math.MaxInt64, 100, 92_233_720_368_547_758},
		{-math.MaxInt64, 1_000_000_000, -9_223_372_037},
		{15, 10, 2}, {14, 10, 1}, {-15, 10, -2}, {-14, 10, -1}, {7, 1, 7},
	} {
		if got := money.RoundDiv(tc.a, tc.b); got != tc.want {
			t.Errorf("RoundDiv(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
