package web

import "github.com/khanhhoa/investportal/internal/money"

// Chart is a horizontal bar chart drawn in HTML and CSS by the server
// (the "chart" partial), so the dashboard needs neither JavaScript nor
// chart code from elsewhere, and its text keeps the page's size on any
// screen. A table with the same figures goes with it for screen readers.
type Chart struct {
	TitleID string
	// LabelID, when set, heads the table's column of row labels (such as
	// "Sector"); unset, a generic "Category".
	LabelID string
	// Legend names the series, as message ids; one bar per series per row.
	Legend []string
	Rows   []ChartRow
	// NoteID, when set, is a note under the chart (such as the exchange rate).
	NoteID string
}

// ChartRow is one label with a value per series.
type ChartRow struct {
	Label  string
	Values []ChartValue
}

// ChartValue is one bar: its value, its text and its length in percent of
// the chart's largest value.
type ChartValue struct {
	Value   int64
	Text    string
	Percent int64
}

// Scale sets each value's Percent against the largest value in the chart.
func (c *Chart) Scale() {
	var top int64
	for _, r := range c.Rows {
		for _, v := range r.Values {
			top = max(top, v.Value)
		}
	}
	if top == 0 {
		return
	}
	for i := range c.Rows {
		for j := range c.Rows[i].Values {
			v := &c.Rows[i].Values[j]
			// Basis points in 128-bit arithmetic: value×100 may not fit
			// in int64 for the largest totals.
			bp := money.BasisPoints(v.Value, top)
			v.Percent = money.RoundDiv(bp, 100)
			if v.Value > 0 && bp < 100 { // keep small values visible
				v.Percent = 1
			}
		}
	}
}

// CombinedVND adds domestic VND and FDI USD at the reference rate; the page
// names the rate and its date next to every such figure. The sum is held
// at the int64 limit rather than wrapped (see money.SaturatingAdd).
func CombinedVND(vnd, usd money.Amount) money.Amount {
	return money.Amount{Amount: money.SaturatingAdd(vnd.Amount, money.VNDEquivalent(usd)), Currency: money.VND}
}
