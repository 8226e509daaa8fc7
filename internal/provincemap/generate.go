package provincemap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The layout of the generated map, in SVG user units. The mainland is
// drawn at mainScale units per degree of latitude on the left; Trường Sa,
// some 400 km offshore, sits in a framed inset in the right-hand column.
const (
	pad        = 8.0
	mainScale  = 440.0
	insetW     = 140.0
	insetH     = 130.0
	insetGap   = 16.0
	labelSpace = 30.0 // above the inset frame, for its label
	// tolerance is the Douglas-Peucker tolerance in SVG units: about half
	// a pixel at the map's full size.
	tolerance = 0.5
	// minArea drops islands smaller than this many square units after
	// simplification (specks nobody can see or click).
	minArea = 3.0
	// markerR is the radius of the symbol drawn for each Trường Sa island:
	// their outlines are far below a pixel at the inset's scale.
	markerR = 3.5
)

// Source is the seed geometry file: GeoJSON cut to the province, with its
// provenance as foreign members.
type Source struct {
	Type      string    `json:"type"`
	Source    string    `json:"source"`
	Retrieved string    `json:"retrieved"`
	Licence   string    `json:"licence"`
	Note      string    `json:"note"`
	Features  []Feature `json:"features"`
}

// Feature is one area of the seed file: Code is the portal's location
// code (place.Locations), GSO the statistics office's district code.
type Feature struct {
	Type       string `json:"type"`
	Properties struct {
		Code string `json:"code"`
		GSO  string `json:"gso"`
		Name string `json:"name"`
	} `json:"properties"`
	Geometry struct {
		Type        string           `json:"type"`
		Coordinates [][][][2]float64 `json:"coordinates"`
	} `json:"geometry"`
}

// offshore is the area drawn in the inset.
const offshore = "truong_sa"

type pt struct{ x, y float64 }

// Generate turns the seed file into the Go source of the map's shapes
// (shapes_gen.go): project, simplify, drop specks, write paths.
func Generate(src []byte) ([]byte, error) {
	var s Source
	if err := json.Unmarshal(src, &s); err != nil {
		return nil, err
	}
	// Bounding box of the mainland (every area but the offshore one).
	minLon, maxLon, minLat, maxLat := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	var off *Feature
	for i := range s.Features {
		f := &s.Features[i]
		if f.Properties.Code == offshore {
			off = f
			continue
		}
		for _, poly := range f.Geometry.Coordinates {
			for _, c := range poly[0] {
				minLon, maxLon = math.Min(minLon, c[0]), math.Max(maxLon, c[0])
				minLat, maxLat = math.Min(minLat, c[1]), math.Max(maxLat, c[1])
			}
		}
	}
	if off == nil || math.IsInf(minLon, 0) {
		return nil, fmt.Errorf("seed: need the mainland areas and %s", offshore)
	}
	// Equirectangular projection at the mainland's middle latitude: at
	// this size the distortion is far below a pixel.
	kx := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	mainW := (maxLon - minLon) * kx * mainScale
	mainH := (maxLat - minLat) * mainScale
	project := func(c [2]float64) pt {
		return pt{pad + (c[0]-minLon)*kx*mainScale, pad + (maxLat-c[1])*mainScale}
	}
	viewW := math.Ceil(pad + mainW + insetGap + insetW + pad)
	viewH := math.Ceil(pad + mainH + pad)
	inset := [4]float64{math.Round(pad + mainW + insetGap), math.Round(viewH - pad - insetH), insetW, insetH}

	type out struct{ code, name, d string }
	var shapes []out
	for _, f := range s.Features {
		if f.Properties.Code == offshore {
			continue
		}
		var b strings.Builder
		for _, poly := range f.Geometry.Coordinates {
			for ri, ring := range poly {
				pts := make([]pt, len(ring))
				for i, c := range ring {
					pts[i] = project(c)
				}
				pts = simplifyRing(pts, tolerance)
				if len(pts) < 3 || math.Abs(ringArea(pts)) < minArea {
					if ri == 0 {
						break // an outer ring too small: skip the polygon with its holes
					}
					continue
				}
				writeRing(&b, pts)
			}
		}
		if b.Len() == 0 {
			return nil, fmt.Errorf("seed: %s has no visible polygon", f.Properties.Code)
		}
		shapes = append(shapes, out{f.Properties.Code, f.Properties.Name, b.String()})
	}

	// The inset: one marker per island at its position from the source,
	// scaled to fit the frame.
	oMinLon, oMaxLon, oMinLat, oMaxLat := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, poly := range off.Geometry.Coordinates {
		for _, c := range poly[0] {
			oMinLon, oMaxLon = math.Min(oMinLon, c[0]), math.Max(oMaxLon, c[0])
			oMinLat, oMaxLat = math.Min(oMinLat, c[1]), math.Max(oMaxLat, c[1])
		}
	}
	okx := math.Cos((oMinLat + oMaxLat) / 2 * math.Pi / 180)
	m := 12.0 // margin inside the frame
	scale := math.Min((insetW-2*m)/((oMaxLon-oMinLon)*okx), (insetH-2*m)/(oMaxLat-oMinLat))
	var marks []pt
	for _, poly := range off.Geometry.Coordinates {
		var cx, cy float64
		for _, c := range poly[0] {
			cx += c[0]
			cy += c[1]
		}
		n := float64(len(poly[0]))
		p := pt{inset[0] + m + (cx/n-oMinLon)*okx*scale, inset[1] + m + (oMaxLat-cy/n)*scale}
		p = pt{round1(p.x), round1(p.y)}
		near := false
		for _, q := range marks {
			if math.Hypot(p.x-q.x, p.y-q.y) < 2*markerR {
				near = true
				break
			}
		}
		if !near {
			marks = append(marks, p)
		}
	}
	sort.Slice(marks, func(i, j int) bool {
		return marks[i].y < marks[j].y || marks[i].y == marks[j].y && marks[i].x < marks[j].x
	})
	var b strings.Builder
	for _, p := range marks {
		fmt.Fprintf(&b, "M%s %sa%g %g 0 1 0 %g 0a%g %g 0 1 0 %g 0Z", num(p.x-markerR), num(p.y), markerR, markerR, 2*markerR, markerR, markerR, -2*markerR)
	}
	shapes = append(shapes, out{off.Properties.Code, off.Properties.Name, b.String()})

	var g bytes.Buffer
	g.WriteString("// Code generated by go run ./internal/provincemap/gen from seed/map/khanh_hoa_districts.geojson; DO NOT EDIT.\n\n")
	g.WriteString("package provincemap\n\n")
	fmt.Fprintf(&g, "// viewW and viewH are the map's size in SVG units.\nconst viewW, viewH = %g, %g\n\n", viewW, viewH)
	fmt.Fprintf(&g, "// insetBox is the frame of the offshore inset: x, y, width, height.\nvar insetBox = [4]float64{%g, %g, %g, %g}\n\n", inset[0], inset[1], inset[2], inset[3])
	g.WriteString("// shapes are the areas' outlines as SVG path data, in place.Locations' codes.\nvar shapes = []shape{\n")
	for _, sh := range shapes {
		fmt.Fprintf(&g, "\t{Code: %q, Name: %q, D: %q},\n", sh.code, sh.name, sh.d)
	}
	g.WriteString("}\n")
	return format.Source(g.Bytes())
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func num(v float64) string { return strconv.FormatFloat(round1(v), 'f', -1, 64) }

func writeRing(b *strings.Builder, pts []pt) {
	prev := pt{math.NaN(), math.NaN()}
	for i, p := range pts {
		p = pt{round1(p.x), round1(p.y)}
		if p == prev {
			continue
		}
		if i == 0 {
			b.WriteString("M")
		} else {
			b.WriteString("L")
		}
		b.WriteString(num(p.x))
		b.WriteString(" ")
		b.WriteString(num(p.y))
		prev = p
	}
	b.WriteString("Z")
}

// ringArea is the signed area of a closed ring (shoelace).
func ringArea(pts []pt) float64 {
	var a float64
	for i := range pts {
		j := (i + 1) % len(pts)
		a += pts[i].x*pts[j].y - pts[j].x*pts[i].y
	}
	return a / 2
}

// simplifyRing is Douglas-Peucker on a closed ring: the ring is split at
// its first point and the point farthest from it, and each half is
// simplified as a line. The closing point is left off.
func simplifyRing(ring []pt, tol float64) []pt {
	if n := len(ring); n > 1 && ring[0] == ring[n-1] {
		ring = ring[:n-1]
	}
	if len(ring) < 4 {
		return ring
	}
	far, fd := 0, -1.0
	for i, p := range ring {
		if d := math.Hypot(p.x-ring[0].x, p.y-ring[0].y); d > fd {
			far, fd = i, d
		}
	}
	a := douglasPeucker(ring[:far+1], tol)
	b := douglasPeucker(append(append([]pt{}, ring[far:]...), ring[0]), tol)
	return append(a[:len(a)-1], b[:len(b)-1]...)
}

// douglasPeucker simplifies an open line, keeping both ends.
func douglasPeucker(line []pt, tol float64) []pt {
	if len(line) < 3 {
		return line
	}
	keep := make([]bool, len(line))
	keep[0], keep[len(line)-1] = true, true
	var rec func(i, j int)
	rec = func(i, j int) {
		far, fd := -1, tol
		for k := i + 1; k < j; k++ {
			if d := segDist(line[k], line[i], line[j]); d > fd {
				far, fd = k, d
			}
		}
		if far >= 0 {
			keep[far] = true
			rec(i, far)
			rec(far, j)
		}
	}
	rec(0, len(line)-1)
	var out []pt
	for i, p := range line {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

// segDist is the distance from p to the segment a-b.
func segDist(p, a, b pt) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return math.Hypot(p.x-a.x, p.y-a.y)
	}
	t := math.Max(0, math.Min(1, ((p.x-a.x)*dx+(p.y-a.y)*dy)/l2))
	return math.Hypot(p.x-(a.x+t*dx), p.y-(a.y+t*dy))
}

// ThinRing is Douglas-Peucker on a closed ring of lon/lat pairs, closed
// again on return; gen -cut uses it to make the seed file.
func ThinRing(ring [][2]float64, tol float64) [][2]float64 {
	pts := make([]pt, len(ring))
	for i, c := range ring {
		pts[i] = pt{c[0], c[1]}
	}
	pts = simplifyRing(pts, tol)
	out := make([][2]float64, 0, len(pts)+1)
	for _, p := range pts {
		out = append(out, [2]float64{p.x, p.y})
	}
	if len(out) > 0 {
		out = append(out, out[0])
	}
	return out
}
