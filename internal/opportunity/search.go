package opportunity

import (
	"github.com/khanhhoa/investportal/internal/fold"
	"strings"

	"github.com/khanhhoa/investportal/internal/money"
)

// USDRateVND is the fixed reference rate, in VND per US dollar, used to put
// an amount in USD into a capital band: 25,000 VND/USD, a round figure near
// the Vietcombank transfer rate on USDRateDate. It only sorts opportunities
// into bands and orders them by size; it is never shown as a price.
const USDRateVND = 25000

// USDRateDate is the date USDRateVND was fixed, as YYYY-MM-DD.
const USDRateDate = "2024-12-31"

// billionVND is one tỷ đồng.
const billionVND = 1_000_000_000

// maxCapitalVND bounds an indicative capital so that conversions cannot
// overflow: ten million billion VND, far above any single investment.
const maxCapitalVND = 10_000_000 * billionVND

// MaxCapitalMinor is the largest indicative capital accepted, in minor units
// of currency.
func MaxCapitalMinor(currency string) int64 {
	if currency == money.USD {
		return maxCapitalVND / (USDRateVND / 100)
	}
	return maxCapitalVND
}

// VNDEquivalent converts an amount into whole VND, USD at USDRateVND. An
// unknown currency gives 0.
func VNDEquivalent(a money.Amount) int64 {
	switch a.Currency {
	case money.VND:
		return a.Amount
	case money.USD:
		// Amount is in cents: VND = cents × rate / 100.
		return a.Amount * (USDRateVND / 100)
	}
	return 0
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
