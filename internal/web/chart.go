package web

import "github.com/khanhhoa/investportal/internal/money"

// Chart is a horizontal bar chart drawn as SVG by the server, so the
// dashboard needs neither JavaScript nor chart code from elsewhere.
type Chart struct {
	TitleID string
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

// Chart geometry, in SVG user units.
const (
	chartBarWidth  = 330
	chartBarHeight = 16
	chartRowGap    = 10
)

// Height is the SVG's height for its rows and series.
func (c Chart) Height() int {
	series := max(len(c.Legend), 1)
	return len(c.Rows)*(series*chartBarHeight+chartRowGap) + chartRowGap
}

// Bar places a bar for the template.
type Bar struct {
	Y, W, Series int
	Label, Text  string
	LabelY       int
	First        bool
}

// Bars lays out every bar of the chart.
func (c Chart) Bars() []Bar {
	series := max(len(c.Legend), 1)
	var out []Bar
	y := chartRowGap
	for _, r := range c.Rows {
		for i, v := range r.Values {
			w := int(v.Percent * chartBarWidth / 100)
			if v.Value > 0 && w < 1 {
				w = 1
			}
			out = append(out, Bar{Y: y + i*chartBarHeight, W: w, Series: i, Label: r.Label, Text: v.Text,
				LabelY: y + series*chartBarHeight/2 + 4, First: i == 0})
		}
		y += series*chartBarHeight + chartRowGap
	}
	return out
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
