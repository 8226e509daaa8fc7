package i18n_test

// Fuzz targets for messages and formatting. Seed corpora are in
// testdata/fuzz/<name>/; run one with
//
//	go test ./internal/i18n -run '^$' -fuzz '^FuzzFormatNumbers$' -fuzztime 60s

import (
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/locales"
)

var fuzzBundle = sync.OnceValue(func() *i18n.Bundle {
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		panic(err)
	}
	return b
})

// FuzzMessage checks T with every message id and any data: no panic;
// the text is valid UTF-8 when the data is; an id that exists never comes
// back as itself (its template ran) when Count, if given, is a number.
func FuzzMessage(f *testing.F) {
	b := fuzzBundle()
	ids := b.IDs("vi")
	f.Fuzz(func(t *testing.T, which uint16, en bool, key, value string, count int64) {
		lang := "vi"
		if en {
			lang = "en"
		}
		l := b.For(lang)
		id := ids[int(which)%len(ids)]
		data := [][]any{nil, {"Count", count, "Max", count, "Name", value, "Code", value, "Date", value}}
		if key != "Count" { // a text Count is not a number
			data = append(data, []any{key, value}, []any{"Count", count, key, value})
		}
		for _, kv := range data {
			got := l.T(id, kv...)
			if utf8.ValidString(key) && utf8.ValidString(value) && !utf8.ValidString(got) {
				t.Fatalf("%s %s %v: invalid UTF-8 %q", lang, id, kv, got)
			}
			if got == id {
				t.Fatalf("%s %s %v: the message did not render", lang, id, kv)
			}
		}
		// An id that does not exist comes back as itself, never panics.
		if got := l.T(key, "Count", count); key != "" && !b.Has(lang, key) && got != key {
			t.Fatalf("unknown id %q gave %q", key, got)
		}
	})
}

// readNumber reads a number as written in lang ("1.234,5" in vi,
// "1,234.5" in en) exactly.
func readNumber(t *testing.T, s, lang string) *big.Rat {
	t.Helper()
	th, dec := ".", ","
	if lang == "en" {
		th, dec = ",", "."
	}
	plain := strings.ReplaceAll(strings.ReplaceAll(s, th, ""), dec, ".")
	r, ok := new(big.Rat).SetString(plain)
	if !ok || strings.Count(s, "-") > 1 {
		t.Fatalf("%q (%s) is not a number", s, lang)
	}
	return r
}

// cut removes the currency words around a formatted amount.
func cut(t *testing.T, s string, affixes ...string) string {
	t.Helper()
	for i := 0; i < len(affixes); i += 2 {
		if strings.HasPrefix(s, affixes[i]) && strings.HasSuffix(s, affixes[i+1]) {
			return strings.TrimSuffix(strings.TrimPrefix(s, affixes[i]), affixes[i+1])
		}
	}
	t.Fatalf("%q has none of the currency forms %q", s, affixes)
	return ""
}

var moneyAffixes = map[string][]string{
	"vi" + money.VND: {"", " đồng"},
	"vi" + money.USD: {"", " USD"},
	"en" + money.VND: {"VND ", ""},
	"en" + money.USD: {"US$", ""},
}

var shortAffixes = map[string][]string{
	"vi" + money.VND: {"", " tỷ đồng", "", " triệu đồng"},
	"vi" + money.USD: {"", " tỷ USD", "", " triệu USD"},
	"en" + money.VND: {"VND ", " billion", "VND ", " million"},
	"en" + money.USD: {"US$", " billion", "US$", " million"},
}

// FuzzFormatNumbers checks the number, money, percent, area and date
// formats in both languages: valid UTF-8, and each reads back as the value
// formatted, over the whole int64 range: integers and full amounts exactly
// (negative amounts too, as a disbursement correction is one), short
// amounts ("3,9 tỷ USD") within their rounding, percentages and areas
// exactly, dates to the day in the province's zone.
func FuzzFormatNumbers(f *testing.F) {
	b := fuzzBundle()
	f.Fuzz(func(t *testing.T, n int64, usd, en bool, unix int64) {
		lang, cur := "vi", money.VND
		if en {
			lang = "en"
		}
		if usd {
			cur = money.USD
		}
		l := b.For(lang)
		scale := big.NewRat(money.Pow10(money.Exponent(cur)), 1)
		check := func(what, s string, want *big.Rat) {
			t.Helper()
			if !utf8.ValidString(s) {
				t.Fatalf("%s(%d) %s: invalid UTF-8 %q", what, n, lang, s)
			}
			if got := readNumber(t, s, lang); got.Cmp(want) != 0 {
				t.Fatalf("%s(%d) %s = %q reads back as %s, want %s", what, n, lang, s, got.RatString(), want.RatString())
			}
		}

		check("Int", l.Int(n), big.NewRat(n, 1))

		a := money.Amount{Amount: n, Currency: cur}
		full := l.MoneyFull(a)
		check("MoneyFull", cut(t, full, moneyAffixes[lang+cur]...), new(big.Rat).Quo(big.NewRat(n, 1), scale))

		// Short amounts: within half a unit of the last digit shown.
		short := l.Money(a)
		if n >= 1_000_000*money.Pow10(money.Exponent(cur)) {
			num := cut(t, short, shortAffixes[lang+cur]...)
			unit := big.NewRat(1_000_000_000, 1)
			if strings.HasSuffix(short, "million") || strings.Contains(short, "triệu") {
				unit = big.NewRat(1_000_000, 1)
			}
			got := new(big.Rat).Mul(readNumber(t, num, lang), unit)
			want := new(big.Rat).Quo(big.NewRat(n, 1), scale)
			diff := new(big.Rat).Sub(got, want)
			diff.Abs(diff)
			// One decimal is shown (the error is at most 0.05 units), none
			// from 1,000 billion đồng up (at most 0.5 units).
			tol := big.NewRat(1, 20)
			if cur == money.VND && n >= 1000*1_000_000_000 {
				tol = big.NewRat(1, 2)
			}
			if diff.Cmp(new(big.Rat).Mul(unit, tol)) > 0 {
				t.Fatalf("Money(%d %s) %s = %q is %s off", n, cur, lang, short, diff.FloatString(2))
			}
		} else if short != full {
			t.Fatalf("Money(%d %s) %s = %q, want the full form %q", n, cur, lang, short, full)
		}

		pct := l.Percent(n)
		if !strings.HasSuffix(pct, "%") {
			t.Fatalf("Percent(%d) = %q", n, pct)
		}
		check("Percent", strings.TrimSuffix(pct, "%"), big.NewRat(n, 100))
		ha := l.Hectares(n)
		if !strings.HasSuffix(ha, " ha") {
			t.Fatalf("Hectares(%d) = %q", n, ha)
		}
		check("Hectares", strings.TrimSuffix(ha, " ha"), big.NewRat(n, 100))

		// Dates from year 1 to 9999.
		const minUnix, maxUnix = -62135596800, 253402300799
		tm := time.Unix(minUnix+int64(uint64(unix)%(maxUnix-minUnix+1)), 0).UTC()
		d := l.Date(tm)
		if tm.IsZero() {
			if d != "" {
				t.Fatalf("Date(zero) = %q, want empty", d)
			}
			return
		}
		layout := "02/01/2006"
		if en {
			layout = "2 Jan 2006"
		}
		back, err := time.ParseInLocation(layout, d, i18n.Zone)
		local := tm.In(i18n.Zone)
		if local.Year() > 9999 {
			return // the zone's offset moves the last second into year 10000
		}
		if err != nil || back.Year() != local.Year() || back.YearDay() != local.YearDay() {
			t.Fatalf("Date(%s) %s = %q reads back as %v, %v", tm, lang, d, back, err)
		}
		if dt := l.DateTime(tm); !strings.HasPrefix(dt, d+" ") || !utf8.ValidString(dt) {
			t.Fatalf("DateTime(%s) %s = %q", tm, lang, dt)
		}
	})
}
