package web

import (
	"time"

	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
)

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
	// Notes are further notes under the chart, already in the page's
	// language: what the chart counts and what it leaves out, and how
	// amounts in two currencies were added.
	Notes []string
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

// Scope is what the project figures count: every project in the portal,
// at every stage. Those not yet licensed (proposed, investment policy
// approved) are counted too; they have no licence year.
type Scope struct {
	Total, Proposed, Approved int64
}

// ScopeOf reads the scope of the figures st.
func ScopeOf(st project.Stats) Scope {
	var sc Scope
	for _, k := range st.ByKind {
		sc.Total += k.Count
	}
	for _, g := range st.ByStage {
		switch project.Stage(g.Key) {
		case project.Proposed:
			sc.Proposed = g.Count
		case project.Approved:
			sc.Approved = g.Count
		}
	}
	return sc
}

// Shown is how many projects the rows of groups count.
func Shown(groups []project.GroupStat) int64 {
	var n int64
	for _, g := range groups {
		n += g.Count
	}
	return n
}

// The State Bank of Vietnam's central rate (tỷ giá trung tâm) of a day of
// 2023, the year-end of the data: 23,942 VND per USD on 28 August 2023
// (VNA, "Reference exchange rate up 44 VND at week's beginning", as
// republished at laotribune.com/2023/08). The central rate of 29 December
// 2023 could not be confirmed from a source at hand, so the charts keep
// the portal's one reference rate (money.ReferenceVNDPerUSD, which the
// capital filters and bands use too) and say, under every chart that adds
// VND and USD, how much smaller the FDI part would be at this 2023 rate.
const (
	SBVRate2023     = 23_942
	SBVRate2023Date = "2023-08-28"
)

// RateNotes are the notes under a chart that adds VND and USD: the
// reference rate it uses and why, and the difference at the 2023 rate.
func RateNotes(l interface {
	T(string, ...any) string
	Int(int64) string
	Date(time.Time) string
	Percent(int64) string
}) []string {
	ref, _ := time.Parse(time.DateOnly, money.ReferenceRateDate)
	d2023, _ := time.Parse(time.DateOnly, SBVRate2023Date)
	// How much smaller a USD amount is in đồng at the 2023 rate.
	bp := money.BasisPoints(money.ReferenceVNDPerUSD-SBVRate2023, money.ReferenceVNDPerUSD)
	return []string{
		l.T("dashboard.note.rate", "Rate", l.Int(money.ReferenceVNDPerUSD), "Date", l.Date(ref)),
		l.T("dashboard.note.rate_2023", "Rate", l.Int(SBVRate2023), "Date", l.Date(d2023), "Percent", l.Percent(bp)),
	}
}
