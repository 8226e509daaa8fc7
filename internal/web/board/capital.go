package board

import (
	"math"
	"strconv"
	"strings"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
)

// The project form takes registered capital in the unit every page shows
// it in: billions of đồng for a domestic project, millions of US dollars
// for an FDI project. It is read exactly into minor units (no floats).

// capitalScale is the number of minor units in one unit of the capital
// field, and the decimals that still name a whole minor unit.
func capitalScale(currency string) (scale int64, decimals int) {
	if currency == money.USD {
		return 100_000_000, 8 // a million dollars, in cents
	}
	return 1_000_000_000, 9 // a billion đồng
}

// parseCapital reads capital typed in billions of đồng or millions of US
// dollars, with "," or "." before the decimals ("1250,5" and "1250.5" are
// both 1,250.5 billion) and no thousands separators, into minor units.
func parseCapital(f apperr.Fields, field, v, currency string) *int64 {
	v = strings.Join(strings.Fields(v), "")
	if v == "" {
		f.Add(field, "error.field.required")
		return nil
	}
	if strings.HasPrefix(v, "-") {
		f.Add(field, "error.field.not_negative")
		return nil
	}
	scale, decimals := capitalScale(currency)
	whole, frac, _ := strings.Cut(strings.ReplaceAll(v, ",", "."), ".")
	if !digits(whole) && whole != "" || !digits(frac) && frac != "" || whole == "" && frac == "" {
		f.Add(field, "board.error.capital_format")
		return nil
	}
	if len(frac) > decimals {
		f.Add(field, "board.error.capital_precision")
		return nil
	}
	var w int64
	if whole != "" {
		n, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || n > math.MaxInt64/scale {
			f.Add(field, project.AmountTooLargeID)
			return nil
		}
		w = n
	}
	var fr int64
	if frac != "" {
		fr, _ = strconv.ParseInt(frac+strings.Repeat("0", decimals-len(frac)), 10, 64)
	}
	if w*scale > math.MaxInt64-fr {
		f.Add(field, project.AmountTooLargeID)
		return nil
	}
	n := w*scale + fr
	return &n
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// capitalInput writes an amount in the capital field's unit, with the
// language's decimal separator ("," in vi, "." in en) and no grouping, so
// that parseCapital reads it back exactly.
func capitalInput(a money.Amount, lang string) string {
	scale, decimals := capitalScale(a.Currency)
	n := a.Amount
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	s := sign + strconv.FormatInt(n/scale, 10)
	if r := n % scale; r != 0 {
		frac := strconv.FormatInt(r, 10)
		frac = strings.Repeat("0", decimals-len(frac)) + frac
		sep := "."
		if lang == "vi" {
			sep = ","
		}
		s += sep + strings.TrimRight(frac, "0")
	}
	return s
}
