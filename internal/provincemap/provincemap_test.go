package provincemap

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/locales"
	viewfs "github.com/khanhhoa/investportal/views"
)

const seedFile = "../../seed/map/khanh_hoa_districts.geojson"

// TestShapesAreWhatTheGeneratorMakes fails when shapes_gen.go was edited
// by hand or the seed changed without go generate.
func TestShapesAreWhatTheGeneratorMakes(t *testing.T) {
	src, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate(src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("shapes_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("shapes_gen.go differs from what the generator makes of the seed: run go generate ./internal/provincemap")
	}
}

func TestSeedNamesItsSourceAndHasEveryArea(t *testing.T) {
	src, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	var s Source
	if err := json.Unmarshal(src, &s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Source, "gis.chinhphu.vn") || s.Licence == "" || s.Retrieved == "" {
		t.Errorf("seed provenance incomplete: source %q licence %q retrieved %q", s.Source, s.Licence, s.Retrieved)
	}
	var codes []string
	for _, f := range s.Features {
		codes = append(codes, f.Properties.Code)
		if len(f.Geometry.Coordinates) == 0 {
			t.Errorf("%s has no geometry", f.Properties.Code)
		}
	}
	slices.Sort(codes)
	want := slices.Clone(mapped)
	slices.Sort(want)
	if !slices.Equal(codes, want) {
		t.Errorf("seed areas %v, want the former Khanh Hoa locations %v", codes, want)
	}
}

// TestOneShapePerLocation: every location the portal uses is drawn once,
// inside the view box.
func TestOneShapePerLocation(t *testing.T) {
	seen := map[string]int{}
	for _, s := range shapes {
		seen[s.Code]++
		if !strings.HasPrefix(s.D, "M") || !strings.HasSuffix(s.D, "Z") {
			t.Errorf("%s: path %.20q… is not closed path data", s.Code, s.D)
		}
	}
	for _, l := range mapped {
		if seen[l] != 1 {
			t.Errorf("%s drawn %d times", l, seen[l])
		}
	}
	if len(shapes) != len(mapped) {
		t.Errorf("%d shapes for %d former Khanh Hoa locations", len(shapes), len(mapped))
	}
}

func TestParseMeasure(t *testing.T) {
	for in, want := range map[string]Measure{"": Capital, "capital": Capital, "count": Count} {
		if m, err := ParseMeasure(in); err != nil || m != want {
			t.Errorf("ParseMeasure(%q) = %q, %v", in, m, err)
		}
	}
	_, err := ParseMeasure("<x>")
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.CodeInvalid || e.Fields[Param] == "" {
		t.Errorf("a bad measure gives %v, want invalid naming %q", err, Param)
	}
}

func figures(vals map[string]int64) []Figure {
	var out []Figure
	for c, v := range vals {
		out = append(out, Figure{Code: c, Count: v, Capital: v * 1_000_000_000, CountText: "n", CapitalText: "c"})
	}
	return out
}

func build(m Measure, vals map[string]int64) Map {
	return Build(m, figures(vals), func(c string) string { return "Name " + c }, func(c string) string { return "/x?location=" + c },
		func(v int64) string { return strconv.FormatInt(v, 10) }, func(x Measure) string { return "?map=" + string(x) })
}

// TestClassesFollowFigures: a larger figure never gets a lighter class,
// the largest gets the darkest, nothing gets class 0, and the legend
// holds every class used.
func TestClassesFollowFigures(t *testing.T) {
	vals := map[string]int64{"nha_trang": 400, "cam_ranh": 250, "ninh_hoa": 101, "van_ninh": 100, "cam_lam": 99, "dien_khanh": 1, "khanh_vinh": 0}
	for _, m := range Measures {
		mp := build(m, vals)
		class := map[string]int{}
		for _, a := range mp.Areas {
			class[a.Code] = a.Class
			if a.Fill != Palette[a.Class] {
				t.Errorf("%s: fill %s for class %d", a.Code, a.Fill, a.Class)
			}
			if a.URL != "/x?location="+a.Code {
				t.Errorf("%s: link %q", a.Code, a.URL)
			}
		}
		for a, va := range vals {
			for b, vb := range vals {
				if va > vb && class[a] < class[b] {
					t.Errorf("%s: %s (%d) class %d lighter than %s (%d) class %d", m, a, va, class[a], b, vb, class[b])
				}
			}
		}
		want := map[string]int{"nha_trang": 4, "cam_ranh": 3, "ninh_hoa": 2, "van_ninh": 1, "cam_lam": 1, "dien_khanh": 1, "khanh_vinh": 0, "khanh_son": 0, "truong_sa": 0}
		for c, w := range want {
			if class[c] != w {
				t.Errorf("%s: %s class %d, want %d", m, c, class[c], w)
			}
		}
		if len(mp.Legend) != 5 {
			t.Errorf("%s: legend %+v", m, mp.Legend)
		}
	}
	// A small top figure: no empty or repeated classes in the legend.
	mp := build(Count, map[string]int64{"nha_trang": 2, "cam_ranh": 1})
	var ns []int
	for _, c := range mp.Legend {
		ns = append(ns, c.N)
	}
	byCode := map[string]int{}
	for _, a := range mp.Areas {
		byCode[a.Code] = a.Class
	}
	if len(ns) != 3 || byCode["nha_trang"] <= byCode["cam_ranh"] || byCode["cam_ranh"] == 0 {
		t.Errorf("top 2: legend classes %v, areas %v", ns, byCode)
	}
	for _, a := range mp.Areas {
		if !slices.Contains(ns, a.Class) {
			t.Errorf("%s: class %d not in the legend %v", a.Code, a.Class, ns)
		}
	}
}

func TestClassBoundsDoNotOverflow(t *testing.T) {
	const top = int64(^uint64(0) >> 1)
	b := classBounds(top)
	if b[3] != top || !(b[0] < b[1] && b[1] < b[2] && b[2] < b[3]) || b[0] <= 0 {
		t.Errorf("bounds of MaxInt64: %v", b)
	}
	if classOf(top, b) != 4 || classOf(1, b) != 1 || classOf(0, b) != 0 {
		t.Error("classOf at the int64 limit")
	}
}

// render runs the views/map.html partial as the site does.
func render(t *testing.T, l *i18n.Localizer, m Map) *goquery.Document {
	t.Helper()
	funcs := template.FuncMap{
		"dict": func(kv ...any) map[string]any {
			out := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				out[kv[i].(string)] = kv[i+1]
			}
			return out
		},
		"refRate":     func() int64 { return 25_000 },
		"refRateDate": func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
	}
	tp, err := template.New("t").Funcs(funcs).ParseFS(viewfs.FS, "map.html")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := tp.ExecuteTemplate(&b, "provincemap", map[string]any{"L": l, "M": m}); err != nil {
		t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func bundle(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPartialInBothLanguages: the partial draws one linked path per area
// with an accessible name holding the figure, the legend, the toggle and
// the table, in each language, with no message id left untranslated.
func TestPartialInBothLanguages(t *testing.T) {
	b := bundle(t)
	st := project.Stats{ByLocation: []project.GroupStat{
		{Key: "nha_trang", Count: 1, Domestic: project.KindStat{Kind: project.Domestic, Count: 1}},
		{Key: "cam_ranh", Count: 3, Domestic: project.KindStat{Kind: project.Domestic, Count: 3}},
	}}
	st.ByLocation[0].Domestic.Registered.Amount, st.ByLocation[0].Domestic.Registered.Currency = 5_000_000_000_000, "VND"
	st.ByLocation[1].Domestic.Registered.Amount, st.ByLocation[1].Domestic.Registered.Currency = 1_000_000_000_000, "VND"
	want := map[string]map[Measure]string{
		"vi": {Count: "Nha Trang: 1 dự án", Capital: "Nha Trang: vốn đăng ký 5.000 tỷ đồng"},
		"en": {Count: "Nha Trang: 1 project", Capital: "Nha Trang: VND 5,000 billion registered capital"},
	}
	for _, lang := range i18n.Languages {
		l := b.For(lang)
		for _, m := range Measures {
			mp := FromStats(st, m, l, func(c string) string { return "/" + lang + "/projects?location=" + c }, func(x Measure) string { return "/" + lang + "/dashboard?map=" + string(x) })
			d := render(t, l, mp)
			links := d.Find("svg a[data-area]")
			if links.Length() != len(mapped) || d.Find("svg a[data-area] path").Length() != len(mapped) {
				t.Fatalf("%s %s: %d area links", lang, m, links.Length())
			}
			nt := d.Find(`svg a[data-area=nha_trang]`)
			if got := nt.AttrOr("aria-label", ""); got != want[lang][m] || nt.Find("title").Text() != got {
				t.Errorf("%s %s: Nha Trang labelled %q, want %q", lang, m, got, want[lang][m])
			}
			if nt.AttrOr("href", "") != "/"+lang+"/projects?location=nha_trang" {
				t.Errorf("%s: Nha Trang links to %q", lang, nt.AttrOr("href", ""))
			}
			cur := d.Find(".provmap-toggle a[aria-current]")
			if cur.Length() != 1 || cur.AttrOr("data-measure", "") != string(m) {
				t.Errorf("%s %s: toggle marks %q", lang, m, cur.AttrOr("data-measure", ""))
			}
			if n := d.Find("[data-testid=provmap-legend] li").Length(); n < 2 {
				t.Errorf("%s %s: legend has %d entries", lang, m, n)
			}
			if d.Find(".provmap-data tbody tr").Length() != len(mapped) || d.Find(".provmap-data thead th[scope=col]").Length() != 3 {
				t.Errorf("%s: data table incomplete", lang)
			}
			if strings.Contains(d.Text(), "map.") {
				t.Errorf("%s %s: a message id shows: %q", lang, m, d.Text())
			}
		}
	}
	if miss := b.Missing(); len(miss) > 0 {
		t.Errorf("messages missing: %v", miss)
	}
}

// TestNamesAndLinksAreEscaped: a name or figure with markup stays text.
func TestNamesAndLinksAreEscaped(t *testing.T) {
	l := bundle(t).For("en")
	mp := Build(Count, []Figure{{Code: "nha_trang", Count: 1, CountText: `1<img src=x>`}},
		func(c string) string { return `<b id="x">` + c + `</b>` },
		func(c string) string { return `javascript:alert(1)` },
		func(v int64) string { return "<i>v</i>" }, func(Measure) string { return "?map=count" })
	for i := range mp.Areas {
		mp.Areas[i].Label = mp.Areas[i].Name + ": " + mp.Areas[i].CountText
	}
	d := render(t, l, mp)
	if d.Find("b#x, img, i").Length() != 0 {
		t.Error("markup in a name or figure became elements")
	}
	if !strings.Contains(d.Find(".provmap-data tbody th").First().Text(), `<b id="x">`) {
		t.Error("the name is not shown as text")
	}
	if href := d.Find("svg a[data-area]").First().AttrOr("href", ""); strings.HasPrefix(href, "javascript:") {
		t.Errorf("unsafe link kept: %q", href)
	}
}

// mapped are the locations the map draws: the former districts of the
// former Khánh Hòa (place.Locations also holds the seven of the former
// Ninh Thuận, which have no shapes yet; the map says it is by former
// district).
var mapped = func() []string {
	var out []string
	for _, l := range place.Locations {
		if place.ProvinceOf(l) == "khanh_hoa" {
			out = append(out, l)
		}
	}
	return out
}()
