package board

// Fuzz target for the board forms' amount fields; seed corpus in
// testdata/fuzz/FuzzAmountForm/.

import (
	"math"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web/webtest"
)

// FuzzAmountForm checks the board forms' amount fields: what a form shows
// for a stored amount (amountInput) reads back as the same amount
// (parseAmount), in both currencies and for negative corrections, and the
// same for land areas (centiText, parseHectares). parseAmount never
// panics, and what it accepts has the sign that was typed.
func FuzzAmountForm(f *testing.F) {
	f.Fuzz(func(t *testing.T, amount int64, usd bool, typed string) {
		cur := money.VND
		if usd {
			cur = money.USD
		}
		for _, lang := range []string{"vi", "en"} {
			checkAmountForm(t, amount, cur, lang, typed)
		}
	})
}

// checkAmountForm is one FuzzAmountForm case on a page in lang.
func checkAmountForm(t *testing.T, amount int64, cur, lang, typed string) {
	// MinInt64 has no positive counterpart; stored amounts are
	// bounded far below it.
	// Amounts beyond money.Max are refused with a field error.
	if amount != math.MinInt64 {
		shown := amountInput(money.Amount{Amount: amount, Currency: cur}, lang)
		bad := apperr.Fields{}
		got := parseAmount(bad, "amount", shown, cur, lang, true)
		if abs := max(amount, -amount); abs > money.Max(cur) {
			if got != nil || bad["amount"] == "" {
				t.Fatalf("amount %d %s over the bound shown as %q: %v (%v)", amount, cur, shown, got, bad)
			}
		} else if got == nil || *got != amount {
			t.Fatalf("amount %d %s shown as %q reads back as %v (%v)", amount, cur, shown, got, bad)
		}
	}
	if amount >= 0 { // land areas are never negative
		shown := centiText(amount, lang)
		bad := apperr.Fields{}
		got := parseHectares(bad, "land_area", shown, lang)
		if amount > project.MaxLandAreaCentiHa {
			if got != nil || bad["land_area"] == "" {
				t.Fatalf("area %d over the bound shown as %q: %v (%v)", amount, shown, got, bad)
			}
		} else if got == nil || *got != amount {
			t.Fatalf("area %d shown as %q reads back as %v (%v)", amount, shown, got, bad)
		}
	}
	for _, negative := range []bool{false, true} {
		bad := apperr.Fields{}
		got := parseAmount(bad, "amount", typed, cur, lang, negative)
		if got == nil {
			webtest.CheckInvalid(t, bad.Err(), []string{"amount"})
			continue
		}
		if *got < 0 && !(negative && strings.HasPrefix(typed, "-")) {
			t.Fatalf("%q read as negative %d", typed, *got)
		}
		if *got > 0 && strings.HasPrefix(typed, "-") {
			t.Fatalf("%q read as positive %d", typed, *got)
		}
	}
}
