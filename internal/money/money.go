// Package money holds amounts as integers in an ISO 4217 currency's minor
// unit (VND has none, USD has cents). Floats are never used for money.
package money

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Currencies the portal handles.
const (
	VND = "VND"
	USD = "USD"
)

// Amount is a sum of money in minor units of Currency.
type Amount struct {
	Amount   int64  `json:"amount" bson:"amount"`
	Currency string `json:"currency" bson:"currency"`
}

// Exponent is the number of minor-unit digits of a currency (ISO 4217).
func Exponent(currency string) int {
	switch currency {
	case VND:
		return 0
	default:
		return 2
	}
}

// Valid reports whether the currency is one the portal handles.
func Valid(currency string) bool { return currency == VND || currency == USD }

// Add returns a+b, refusing different currencies and overflow.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, fmt.Errorf("money: add %s to %s", b.Currency, a.Currency)
	}
	if (b.Amount > 0 && a.Amount > math.MaxInt64-b.Amount) || (b.Amount < 0 && a.Amount < math.MinInt64-b.Amount) {
		return Amount{}, fmt.Errorf("money: overflow")
	}
	return Amount{Amount: a.Amount + b.Amount, Currency: a.Currency}, nil
}

// ParseMajor reads a decimal string in major units ("1250000000", "3.5",
// "1,250.75") into minor units of the currency. Commas and spaces are
// ignored as grouping; at most Exponent(currency) decimals are allowed.
func ParseMajor(s, currency string) (int64, error) {
	s = strings.TrimSpace(strings.NewReplacer(",", "", " ", "", "_", "").Replace(s))
	if s == "" {
		return 0, fmt.Errorf("money: empty")
	}
	exp := Exponent(currency)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && len(frac) > exp {
		return 0, fmt.Errorf("money: too many decimals")
	}
	for len(frac) < exp {
		frac += "0"
	}
	if whole == "" {
		whole = "0"
	}
	digits := whole + frac
	if strings.HasPrefix(digits, "-") || strings.HasPrefix(digits, "+") {
		return 0, fmt.Errorf("money: sign not allowed")
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("money: %w", err)
	}
	return v, nil
}

// Pow10 returns 10^n for small n.
func Pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}

// RoundDiv divides a by b rounding half away from zero; b must be positive.
func RoundDiv(a, b int64) int64 {
	if a >= 0 {
		return (a + b/2) / b
	}
	return -((-a + b/2) / b)
}

// BasisPoints returns part/whole in hundredths of a percent, rounded, using
// 128-bit arithmetic so large VND sums cannot overflow. whole must be > 0.
func BasisPoints(part, whole int64) int64 {
	if whole <= 0 || part < 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(part), big.NewInt(10000))
	n.Add(n, big.NewInt(whole/2))
	return n.Quo(n, big.NewInt(whole)).Int64()
}

// Reference exchange rate used wherever amounts in different currencies
// must be compared or added (capital filters, bands, combined totals). Pages
// that show a combined figure name this rate and its date.
const (
	ReferenceVNDPerUSD = 25_000
	ReferenceRateDate  = "2024-12-31"
)

// VNDEquivalent converts a into đồng at the reference rate.
func VNDEquivalent(a Amount) int64 {
	if a.Currency == USD {
		return RoundDiv(a.Amount*ReferenceVNDPerUSD, 100)
	}
	return a.Amount
}
