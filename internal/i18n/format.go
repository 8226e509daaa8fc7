package i18n

import (
	"strconv"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/money"
)

// separators returns the thousands and decimal separators of lang.
func separators(lang string) (thousands, decimal string) {
	if lang == "en" {
		return ",", "."
	}
	return ".", ","
}

// Int formats n with the language's grouping: 363.240 (vi), 363,240 (en).
func (l *Localizer) Int(n int64) string { return groupInt(n, l.Lang) }

func groupInt(n int64, lang string) string {
	u, neg := abs(n)
	if neg {
		return "-" + groupUint(u, lang)
	}
	return groupUint(u, lang)
}

// abs returns |n| as a uint64, right for math.MinInt64 too.
func abs(n int64) (uint64, bool) {
	if n < 0 {
		return -uint64(n), true
	}
	return uint64(n), false
}

func groupUint(n uint64, lang string) string {
	th, _ := separators(lang)
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(th)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// decimal formats value/unit with exactly `decimals` digits after the
// separator (rounded half away from zero), then drops an all-zero decimal
// part. Unsigned arithmetic keeps every int64 value from overflowing.
func (l *Localizer) decimal(value, unit int64, decimals int) string {
	u, neg := abs(value)
	p, un := uint64(money.Pow10(decimals)), uint64(unit)
	q, r := u/un, u%un
	// r*p < unit*100 and q*p <= 2^63 for the units used (1 to 10^11).
	scaled := q*p + (2*r*p+un)/(2*un)
	whole, frac := scaled/p, scaled%p
	_, dec := separators(l.Lang)
	s := groupUint(whole, l.Lang)
	if neg && scaled > 0 {
		s = "-" + s
	}
	if decimals > 0 {
		fs := strconv.FormatUint(frac, 10)
		for len(fs) < decimals {
			fs = "0" + fs
		}
		s = trimZeros(s+dec+fs, dec)
	}
	return s
}

// Money formats an amount in short words: 363.240 tỷ đồng, 3,9 tỷ USD
// (vi); VND 363,240 billion, US$3.9 billion (en). Small amounts are shown
// in full.
func (l *Localizer) Money(a money.Amount) string {
	const (
		million = 1_000_000
		billion = 1_000_000_000
	)
	major := a.Amount
	unitScale := money.Pow10(money.Exponent(a.Currency))
	var n, unitWord string
	switch {
	case a.Amount >= billion*unitScale:
		decimals := 1
		if a.Currency == money.VND && a.Amount >= 1000*billion {
			decimals = 0
		}
		n = l.decimal(major, billion*unitScale, decimals)
		unitWord = "billion"
	case a.Amount >= million*unitScale:
		n = l.decimal(major, million*unitScale, 1)
		unitWord = "million"
	default:
		return l.MoneyFull(a)
	}
	if l.Lang == "en" {
		if a.Currency == money.USD {
			return "US$" + n + " " + unitWord
		}
		return a.Currency + " " + n + " " + unitWord
	}
	word := map[string]string{"billion": "tỷ", "million": "triệu"}[unitWord]
	if a.Currency == money.VND {
		return n + " " + word + " đồng"
	}
	return n + " " + word + " " + a.Currency
}

// MoneyFull formats an amount to the last minor unit: 1.250.000.000 đồng,
// 12.345,67 USD (vi); VND 1,250,000,000, US$12,345.67 (en).
func (l *Localizer) MoneyFull(a money.Amount) string {
	exp := money.Exponent(a.Currency)
	n := l.decimal(a.Amount, 1, 0)
	if exp > 0 {
		p := uint64(money.Pow10(exp))
		_, dec := separators(l.Lang)
		u, neg := abs(a.Amount)
		frac := strconv.FormatUint(u%p, 10)
		for len(frac) < exp {
			frac = "0" + frac
		}
		n = groupUint(u/p, l.Lang) + dec + frac
		if neg {
			n = "-" + n
		}
	}
	if l.Lang == "en" {
		if a.Currency == money.USD {
			return "US$" + n
		}
		return a.Currency + " " + n
	}
	if a.Currency == money.VND {
		return n + " đồng"
	}
	return n + " " + a.Currency
}

// Date formats a time as a date in the province's zone: 28/11/2026 (vi),
// 28 Nov 2026 (en). The zero time gives "".
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Zone)
	if l.Lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// DateTime formats a time with hours and minutes in the province's zone.
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.Date(t) + " " + t.In(Zone).Format("15:04")
}

// Percent formats basis points (1/100 %): 9952 -> 99,52% (vi), 99.52% (en).
func (l *Localizer) Percent(bp int64) string {
	return l.decimal(bp, 100, 2) + "%"
}

// Hectares formats an area kept in hundredths of a hectare.
func (l *Localizer) Hectares(centiHa int64) string {
	return l.decimal(centiHa, 100, 2) + " ha"
}
