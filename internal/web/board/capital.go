package board

import (
	"errors"
	"strings"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
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
// dollars the way lang writes numbers ("1.250,5" on a vi page, "1,250.5"
// on an en page, both 1,250.5 billion; thousands marks are optional) into
// minor units.
func parseCapital(f apperr.Fields, field, v, currency, lang string) *int64 {
	if strings.TrimSpace(v) == "" {
		f.Add(field, "error.field.required")
		return nil
	}
	_, decimals := capitalScale(currency)
	n, err := money.ParseDecimal(v, lang, decimals)
	switch {
	case err == nil:
		return &n
	case errors.Is(err, money.ErrSyntax):
		f.Add(field, "board.error.capital_format")
	case errors.Is(err, money.ErrDecimals):
		f.Add(field, "board.error.capital_precision")
	default:
		numberError(f, field, err, "board.error.capital_precision")
	}
	return nil
}

// capitalInput writes an amount in the capital field's unit the way lang
// writes numbers, so that parseCapital reads it back exactly.
func capitalInput(a money.Amount, lang string) string {
	_, decimals := capitalScale(a.Currency)
	return money.FormatDecimal(a.Amount, lang, decimals)
}
