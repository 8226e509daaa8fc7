package opportunity

import (
	"strings"

	"github.com/khanhhoa/investportal/internal/fold"

	"github.com/khanhhoa/investportal/internal/money"
)

// billionVND is one tỷ đồng.
const billionVND = 1_000_000_000

// MaxCapitalMinor is the largest indicative capital accepted, in minor units
// of currency: the portal's one bound on amounts, money.Max.
func MaxCapitalMinor(currency string) int64 { return money.Max(currency) }

// VNDEquivalent converts an amount into whole VND at the portal's
// reference rate (money.ReferenceVNDPerUSD); an unknown currency gives 0.
// It only sorts opportunities into bands and orders them by size.
func VNDEquivalent(a money.Amount) int64 {
	if !money.Valid(a.Currency) {
		return 0
	}
	return money.VNDEquivalent(a)
}

// CapitalBand returns the band of an amount by its VND equivalent:
// under 100 billion, 100 to under 1,000 billion, 1,000 to under 10,000
// billion, and 10,000 billion or more.
func CapitalBand(a money.Amount) string {
	v := VNDEquivalent(a)
	switch {
	case v < 100*billionVND:
		return BandUnder100B
	case v < 1000*billionVND:
		return Band100BTo1000B
	case v < 10000*billionVND:
		return Band1000BTo10000
	default:
		return BandOver10000B
	}
}

// Fold lowers s, strips Vietnamese (and other) diacritics, turns đ into d
// and every run of anything but letters and digits into one space, so that
// "Điện gió Vân Phong – 2" becomes "dien gio van phong 2". The stored
// searchText and the fallback query are both folded with it; the search
// indexer may use it for the same purpose.
func Fold(s string) string { return fold.Words(s) }

// SearchText is the folded text the fallback search matches: the code and
// both languages of the title, summary, description and incentives.
func (o *Opportunity) SearchText() string {
	parts := []string{o.Code, o.Title.VI, o.Title.EN, o.Summary.VI, o.Summary.EN, o.Description.VI, o.Description.EN}
	for _, in := range o.Incentives {
		parts = append(parts, in.Text.VI, in.Text.EN)
	}
	return Fold(strings.Join(parts, " "))
}
