// Package money holds amounts as integers in an ISO 4217 currency's minor
// unit (VND has none, USD has cents). Floats are never used for money.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
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

// The bound on every amount the portal accepts. MaxVND is ten million
// billion đồng (10^16, 10 triệu tỷ đồng), some twenty-five times the
// province's whole registered domestic capital and far above any single
// investment; other currencies are bounded by its equivalent at the
// reference rate (USD: 400 billion dollars, 4·10^13 cents). The bound keeps
// every conversion to đồng (MaxUSD × ReferenceVNDPerUSD = 10^18) inside
// int64, and a figure that adds up 900 amounts at the bound still fits.
// Every write path checks amounts with InRange (or ParseMajor, which
// refuses larger ones) and names the field when one is outside.
const (
	MaxVND int64 = 10_000_000_000_000_000
	MaxUSD int64 = MaxVND / ReferenceVNDPerUSD * 100
)

// Errors of parsing and adding amounts.
var (
	// ErrTooLarge is an amount beyond Max of its currency.
	ErrTooLarge = errors.New("money: amount too large")
	// ErrOverflow is a sum that int64 cannot hold.
	ErrOverflow = errors.New("money: overflow")
)

// Max is the largest amount accepted in currency, in minor units (see
// MaxVND). An unknown currency gets the USD bound, the smaller one.
func Max(currency string) int64 {
	if currency == VND {
		return MaxVND
	}
	return MaxUSD
}

// InRange reports whether a lies within ±Max of its currency.
func InRange(a Amount) bool {
	m := Max(a.Currency)
	return a.Amount <= m && a.Amount >= -m
}

// CheckedAdd returns a+b, or ErrOverflow when int64 cannot hold the sum.
// Every sum of amounts goes through it (or SaturatingAdd): a wrapped sum
// shows a huge total as a negative one.
func CheckedAdd(a, b int64) (int64, error) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, ErrOverflow
	}
	return a + b, nil
}

// SaturatingAdd returns a+b, held at the int64 limit it would cross. It
// serves figures that are shown, not stored (totals on the dashboard):
// with amounts bounded by Max a total reaches the limit only past 900
// amounts at the bound, and then shows as the largest number rather than
// a wrapped negative one.
func SaturatingAdd(a, b int64) int64 {
	s, err := CheckedAdd(a, b)
	if err == nil {
		return s
	}
	if b > 0 {
		return math.MaxInt64
	}
	return math.MinInt64
}

// Add returns a+b, refusing different currencies and overflow.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, fmt.Errorf("money: add %s to %s", b.Currency, a.Currency)
	}
	s, err := CheckedAdd(a.Amount, b.Amount)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Amount: s, Currency: a.Currency}, nil
}

// ParseMajor reads a decimal string in major units ("1250000000", "3.5",
// "1,250.75") into minor units of the currency. Commas and spaces are
// ignored as grouping; at most Exponent(currency) decimals are allowed.
// An amount beyond Max(currency) is ErrTooLarge.
func ParseMajor(s, currency string) (int64, error) {
	if !utf8.ValidString(s) {
		// Dropping separators could otherwise join broken bytes into a
		// character (a space, say) that then reads as nothing.
		return 0, fmt.Errorf("money: not valid text")
	}
	s = strings.TrimSpace(strings.NewReplacer(",", "", " ", "", "_", "").Replace(s))
	if s == "" {
		return 0, fmt.Errorf("money: empty")
	}
	if !strings.ContainsAny(s, "0123456789") {
		// "." alone would otherwise read as zero.
		return 0, fmt.Errorf("money: no digits")
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
	if errors.Is(err, strconv.ErrRange) {
		return 0, ErrTooLarge
	}
	if err != nil {
		return 0, fmt.Errorf("money: %w", err)
	}
	if v > Max(currency) {
		return 0, ErrTooLarge
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
// It never overflows: the remainder decides the rounding, so a near the
// int64 limit is not pushed past it first.
func RoundDiv(a, b int64) int64 {
	q, r := a/b, a%b
	if r < 0 {
		r = -r
	}
	if r >= b-r { // r ≥ b/2, without computing b/2 rounded down
		if a >= 0 {
			q++
		} else {
			q--
		}
	}
	return q
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

// VNDEquivalent converts a into đồng at the reference rate. Amounts within
// Max convert exactly; a larger one (from data stored before the bound)
// is held at the int64 limit rather than wrapped.
func VNDEquivalent(a Amount) int64 {
	if a.Currency != USD {
		return a.Amount
	}
	const perCent = ReferenceVNDPerUSD / 100 // 250 đồng a cent, exact
	if a.Amount > math.MaxInt64/perCent {
		return math.MaxInt64
	}
	if a.Amount < math.MinInt64/perCent {
		return math.MinInt64
	}
	return a.Amount * perCent
}
