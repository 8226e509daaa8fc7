package money_test

// Fuzz target for amounts typed in major units. Seed corpus in
// testdata/fuzz/FuzzParseMajor/; run with
//
//	go test ./internal/money -run '^$' -fuzz '^FuzzParseMajor$' -fuzztime 60s

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/khanhhoa/investportal/internal/money"
)

// majorText writes minor units as major units, with grouping commas when
// grouped: 123456789 USD is "1234567.89" or "1,234,567.89".
func majorText(minor int64, currency string, grouped bool) string {
	exp := money.Exponent(currency)
	s := strconv.FormatInt(minor, 10)
	for len(s) <= exp {
		s = "0" + s
	}
	whole, frac := s[:len(s)-exp], s[len(s)-exp:]
	if grouped {
		var b strings.Builder
		for i, r := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(r)
		}
		whole = b.String()
	}
	if exp == 0 {
		return whole
	}
	return whole + "." + frac
}

// FuzzParseMajor checks money.ParseMajor with any text: no panic; what it
// accepts holds at least one digit and is exactly the decimal number typed
// (checked with math/big, so no overflow can wrap and no sign can flip);
// and any non-negative amount written in major units, grouped or not,
// reads back as itself.
func FuzzParseMajor(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, usd bool, minor int64) {
		cur := money.VND
		if usd {
			cur = money.USD
		}
		n, err := money.ParseMajor(s, cur)
		if err == nil {
			if !strings.ContainsFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) {
				t.Fatalf("%q (%s) has no digit, read as %d", s, cur, n)
			}
			if n < 0 {
				t.Fatalf("%q (%s) read as negative %d", s, cur, n)
			}
			// The number as typed, without the grouping the parser ignores.
			clean := strings.Map(func(r rune) rune {
				if r == ',' || r == '_' || unicode.IsSpace(r) {
					return -1
				}
				return r
			}, s)
			r, ok := new(big.Rat).SetString(clean)
			if !ok {
				t.Fatalf("%q (%s) read as %d but is not a number", s, cur, n)
			}
			r.Mul(r, new(big.Rat).SetInt64(money.Pow10(money.Exponent(cur))))
			if !r.IsInt() || r.Num().Cmp(big.NewInt(n)) != 0 {
				t.Fatalf("%q (%s) read as %d minor units, but it is %s", s, cur, n, r.RatString())
			}
		}

		if minor < 0 {
			if minor == -minor { // MinInt64
				return
			}
			minor = -minor
		}
		for _, grouped := range []bool{false, true} {
			text := majorText(minor, cur, grouped)
			got, err := money.ParseMajor(text, cur)
			if minor > money.Max(cur) {
				// Beyond the bound every amount is refused, never wrapped.
				if !errors.Is(err, money.ErrTooLarge) {
					t.Fatalf("%d %s (over the bound) written %q: %d, %v", minor, cur, text, got, err)
				}
				continue
			}
			if err != nil || got != minor {
				t.Fatalf("%d %s written %q reads back as %d, %v", minor, cur, text, got, err)
			}
			if _, err := money.ParseMajor("-"+text, cur); err == nil {
				t.Fatalf("negative %q accepted", "-"+text)
			}
		}
	})
}
