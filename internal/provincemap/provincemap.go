// Package provincemap draws the offline SVG map of Khánh Hòa by district,
// coloured by one figure per area. The outlines are generated from the
// seed file seed/map/khanh_hoa_districts.geojson (go generate, checked by
// a test); nothing is fetched at run time.
package provincemap

import (
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

//go:generate sh -c "cd ../.. && go run ./internal/provincemap/gen"

// shape is one area's outline as SVG path data.
type shape struct {
	Code, Name, D string
}

// Measure is the figure the map is coloured by.
type Measure string

// The measures, in the order the toggle shows them.
const (
	Capital Measure = "capital" // registered capital, VND plus USD at the reference rate
	Count   Measure = "count"   // number of projects
)

// Measures lists the measures.
var Measures = []Measure{Capital, Count}

// Param is the URL parameter that chooses the measure.
const Param = "map"

// ParseMeasure reads the ?map= parameter: empty means Capital; anything
// else unknown is refused, naming the field.
func ParseMeasure(s string) (Measure, error) {
	switch Measure(s) {
	case "":
		return Capital, nil
	case Capital, Count:
		return Measure(s), nil
	}
	bad := apperr.Fields{}
	bad.Add(Param, "error.field.invalid")
	return Capital, bad.Err()
}

// Palette is the fill of each colour class: class 0 is "no project",
// classes 1-4 a sequential blue scale, light to dark.
var Palette = [5]string{"#eef0f2", "#c6dbef", "#6baed6", "#2171b5", "#08306b"}

// Figure is one area's figures, as the dashboard shows them.
type Figure struct {
	Code                   string
	Count, Capital         int64 // Capital in đồng
	CountText, CapitalText string
}

// Area is one area as drawn: its outline, its link, its colour class and
// its figures.
type Area struct {
	Figure
	Name, D, URL string
	// Class is the colour class (index into Palette), Fill its colour.
	Class int
	Fill  string
	// Text is the figure of the chosen measure, as shown.
	Text string
	// Label is the area's accessible name: its name and figure.
	Label string
	// Inset marks the offshore area drawn in the inset.
	Inset bool
}

// Class is one entry of the legend: values above From (or from 1 for the
// first class) up to To; class 0 holds the areas without projects.
type Class struct {
	N        int
	Fill     string
	From, To string
	First    bool
}

// Link is one choice of the measure toggle.
type Link struct {
	Measure Measure
	URL     string
	Current bool
}

// Map is everything the views/map.html partial draws.
type Map struct {
	Measure Measure
	ViewBox string
	// Inset is the offshore inset's frame and where its label goes.
	InsetX, InsetY, InsetW, InsetH, LabelX, LabelY float64
	InsetName                                      string
	Areas                                          []Area
	Legend                                         []Class
	Links                                          []Link
}

// Build lays out the map: every area of the province in generated order,
// coloured by m. name gives an area's name, href its link, format the
// text of a value of m; toggle is the link that shows the map by another
// measure.
func Build(m Measure, figs []Figure, name, href func(code string) string, format func(int64) string, toggle func(Measure) string) Map {
	by := map[string]Figure{}
	for _, f := range figs {
		by[f.Code] = f
	}
	value := func(f Figure) int64 {
		if m == Count {
			return f.Count
		}
		return f.Capital
	}
	var top int64
	for _, f := range figs {
		top = max(top, value(f))
	}
	bounds := classBounds(top)
	out := Map{Measure: m, ViewBox: "0 0 " + num(viewW) + " " + num(viewH),
		InsetX: insetBox[0], InsetY: insetBox[1], InsetW: insetBox[2], InsetH: insetBox[3],
		LabelX: insetBox[0] + insetBox[2]/2, LabelY: insetBox[1] - 8, InsetName: name(offshore)}
	for _, s := range shapes {
		f, ok := by[s.Code]
		if !ok {
			f = Figure{Code: s.Code, CountText: format0(m, format, Count), CapitalText: format0(m, format, Capital)}
		}
		a := Area{Figure: f, Name: name(s.Code), D: s.D, URL: href(s.Code), Inset: s.Code == offshore}
		a.Class = classOf(value(f), bounds)
		a.Fill = Palette[a.Class]
		a.Text = f.CapitalText
		if m == Count {
			a.Text = f.CountText
		}
		out.Areas = append(out.Areas, a)
	}
	out.Legend = append(out.Legend, Class{N: 0, Fill: Palette[0]})
	var prev int64
	for i, b := range bounds {
		if b == prev {
			continue // an empty class, when the top figure is small
		}
		out.Legend = append(out.Legend, Class{N: i + 1, Fill: Palette[i+1], From: format(prev), To: format(b), First: prev == 0})
		prev = b
	}
	for _, x := range Measures {
		out.Links = append(out.Links, Link{Measure: x, URL: toggle(x), Current: x == m})
	}
	return out
}

// format0 is the text of zero, for an area without a row in the figures.
func format0(m Measure, format func(int64) string, of Measure) string {
	if of == m {
		return format(0)
	}
	return "0"
}

// classBounds are the upper bounds of classes 1-4: four equal steps up to
// top, rounded up (ceil(top*i/4) without overflowing).
func classBounds(top int64) [4]int64 {
	var b [4]int64
	if top <= 0 {
		return b
	}
	for i := int64(1); i <= 4; i++ {
		b[i-1] = top/4*i + (top%4*i+3)/4
	}
	return b
}

// classOf is the colour class of v: 0 for nothing, else the first class
// whose bound holds it.
func classOf(v int64, b [4]int64) int {
	if v <= 0 {
		return 0
	}
	for i, x := range b {
		if v <= x {
			return i + 1
		}
	}
	return 4
}

// FromStats builds the map from the projects' read model, the same figures
// the dashboard's charts show (capital is web.CombinedVND of domestic and
// FDI registered capital, as in the dashboard's capital chart).
func FromStats(st project.Stats, m Measure, l *i18n.Localizer, href func(code string) string, toggle func(Measure) string) Map {
	var figs []Figure
	for _, r := range st.ByLocation {
		reg := web.CombinedVND(r.Domestic.Registered, r.FDI.Registered)
		figs = append(figs, Figure{Code: r.Key, Count: r.Count, Capital: reg.Amount,
			CountText: l.Int(r.Count), CapitalText: l.Money(reg)})
	}
	format := func(v int64) string { return l.Int(v) }
	if m == Capital {
		format = func(v int64) string { return l.Money(money.Amount{Amount: v, Currency: money.VND}) }
	}
	out := Build(m, figs, func(code string) string { return l.Label("location", code) }, href, format, toggle)
	for i := range out.Areas {
		a := &out.Areas[i]
		if m == Count {
			a.Label = l.T("map.area.count", "Name", a.Name, "N", a.CountText, "Count", a.Count)
		} else {
			a.Label = l.T("map.area.capital", "Name", a.Name, "Figure", a.CapitalText)
		}
	}
	return out
}
