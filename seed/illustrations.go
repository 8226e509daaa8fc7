package seed

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/media"
)

// Illustration is a generated picture attached to a demo opportunity. It
// is drawn by code (flat shapes and gradients), so it is plainly synthetic
// and ships no photograph; its alt text says so in both languages.
type Illustration struct {
	Owner string
	Name  string
	Alt   bilingual.Text
	// Draw returns the PNG bytes.
	Draw func() []byte
}

// Illustration size in pixels (16:9).
const (
	illW = 800
	illH = 450
)

// Illustrations returns the demo pictures and the opportunities they go
// with. The same call always draws the same bytes.
func Illustrations() []Illustration {
	return []Illustration{
		{"OPP-BVP-005", "hon-lon-coast.png", alt("bờ biển và đảo lúc hoàng hôn", "a coast and an island at sunset"), func() []byte { return drawCoast(0) }},
		{"OPP-CL-002", "bai-dai-beach.png", alt("bãi biển dài dưới trời xanh", "a long beach under a blue sky"), func() []byte { return drawCoast(1) }},
		{"OPP-VP-003", "van-phong-port.png", alt("cảng container bên vịnh", "a container port on a bay"), drawPort},
		{"OPP-VP-005", "offshore-wind.png", alt("tua-bin gió trên biển", "wind turbines at sea"), drawWind},
		{"OPP-KS-002", "khanh-son-hills.png", alt("đồi núi và vườn cây", "hills and orchards"), drawHills},
		{"OPP-CL-001", "cam-lam-district.png", alt("khu đô thị lúc chiều tối", "a city district at dusk"), drawCity},
	}
}

// Illustrate attaches each demo picture to its opportunity unless that
// opportunity already has files (so a second run, or the board's own
// pictures, are left alone). It returns how many it added.
func Illustrate(ctx context.Context, store *media.Store) (int, error) {
	n := 0
	for _, il := range Illustrations() {
		have, err := store.List(ctx, il.Owner)
		if err != nil {
			return n, err
		}
		if len(have) > 0 {
			continue
		}
		if _, err := store.Add(ctx, media.Upload{Owner: il.Owner, Kind: media.KindImage, Name: il.Name, Data: il.Draw(), Alt: il.Alt, By: "seed"}); err != nil {
			return n, fmt.Errorf("seed: illustration %s: %w", il.Name, err)
		}
		n++
	}
	return n, nil
}

func alt(vi, en string) bilingual.Text {
	return bilingual.Text{VI: "Hình minh họa tổng hợp (không phải ảnh thật): " + vi, EN: "Synthetic illustration (not a photograph): " + en}
}

// canvas is a picture being drawn.
type canvas struct{ *image.NRGBA }

func newCanvas() canvas { return canvas{image.NewNRGBA(image.Rect(0, 0, illW, illH))} }

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	t = math.Max(0, math.Min(1, t))
	l := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t) }
	return color.NRGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}

// gradient fills rows y0..y1 from top to bottom colour.
func (c canvas) gradient(y0, y1 int, top, bottom color.NRGBA) {
	for y := y0; y < y1; y++ {
		col := mix(top, bottom, float64(y-y0)/float64(y1-y0))
		for x := 0; x < illW; x++ {
			c.SetNRGBA(x, y, col)
		}
	}
}

// fill paints every pixel for which in is true.
func (c canvas) fill(col color.NRGBA, in func(x, y int) bool) {
	for y := 0; y < illH; y++ {
		for x := 0; x < illW; x++ {
			if in(x, y) {
				c.SetNRGBA(x, y, col)
			}
		}
	}
}

func (c canvas) disc(cx, cy, r int, col color.NRGBA) {
	c.fill(col, func(x, y int) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r })
}

func (c canvas) rect(x0, y0, x1, y1 int, col color.NRGBA) {
	for y := max(y0, 0); y < min(y1, illH); y++ {
		for x := max(x0, 0); x < min(x1, illW); x++ {
			c.SetNRGBA(x, y, col)
		}
	}
}

// line draws a segment of width w.
func (c canvas) line(x0, y0, x1, y1, w float64, col color.NRGBA) {
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	c.fill(col, func(xi, yi int) bool {
		x, y := float64(xi), float64(yi)
		t := math.Max(0, math.Min(1, ((x-x0)*dx+(y-y0)*dy)/l2))
		px, py := x0+t*dx-x, y0+t*dy-y
		return px*px+py*py <= w*w/4
	})
}

// ridge fills below a wavy line at height base.
func (c canvas) ridge(base, amp, freq, phase float64, col color.NRGBA) {
	c.fill(col, func(x, y int) bool {
		return float64(y) > base+amp*math.Sin(float64(x)*freq+phase)+amp/2*math.Sin(float64(x)*freq*2.3+phase*1.7)
	})
}

func (c canvas) png() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, c.NRGBA); err != nil {
		panic(err) // encoding to memory does not fail
	}
	return b.Bytes()
}

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{r, g, b, 255} }

func (c canvas) sea(y0 int, top, bottom color.NRGBA) {
	c.gradient(y0, illH, top, bottom)
	for y := y0 + 12; y < illH; y += 18 {
		for x := (y * 7) % 60; x < illW; x += 90 {
			c.rect(x, y, x+40, y+2, mix(top, rgb(255, 255, 255), 0.5))
		}
	}
}

func drawCoast(variant int) []byte {
	c := newCanvas()
	if variant == 0 {
		c.gradient(0, 300, rgb(255, 170, 90), rgb(255, 220, 160))
		c.disc(560, 250, 48, rgb(255, 240, 200))
	} else {
		c.gradient(0, 300, rgb(60, 140, 220), rgb(170, 215, 245))
		c.disc(140, 90, 36, rgb(255, 250, 220))
	}
	c.sea(300, rgb(30, 120, 170), rgb(10, 70, 120))
	c.fill(rgb(40, 110, 80), func(x, y int) bool { // an island
		dx := float64(x-620) / 160
		return y < 300 && float64(y) > 300-70*math.Max(0, 1-dx*dx)
	})
	c.fill(rgb(240, 215, 160), func(x, y int) bool { // the beach
		return float64(y) > 380+30*math.Sin(float64(x)/130)
	})
	return c.png()
}

func drawPort() []byte {
	c := newCanvas()
	c.gradient(0, 220, rgb(120, 180, 230), rgb(210, 230, 245))
	c.ridge(170, 20, 0.01, 1, rgb(90, 130, 110))
	c.sea(220, rgb(40, 110, 160), rgb(20, 70, 120))
	c.rect(0, 330, illW, illH, rgb(150, 150, 150)) // the quay
	colours := []color.NRGBA{rgb(200, 60, 50), rgb(40, 100, 180), rgb(230, 170, 40), rgb(60, 150, 90)}
	for row := 0; row < 4; row++ {
		for col := 0; col < 14; col++ {
			x, y := 30+col*54, 345+row*24
			c.rect(x, y, x+50, y+20, colours[(row*3+col)%len(colours)])
		}
	}
	for _, x := range []float64{120, 360, 600} { // cranes
		c.line(x, 330, x, 200, 8, rgb(230, 120, 30))
		c.line(x-40, 205, x+110, 205, 6, rgb(230, 120, 30))
	}
	return c.png()
}

func drawWind() []byte {
	c := newCanvas()
	c.gradient(0, 280, rgb(90, 160, 220), rgb(200, 225, 245))
	c.sea(280, rgb(40, 120, 170), rgb(15, 70, 120))
	for i, x := range []float64{140, 330, 520, 690} {
		s := 1 - float64(i)*0.12
		top := 280 - 200*s
		c.line(x, 285, x, top, 6*s, rgb(245, 245, 245))
		for k := 0; k < 3; k++ {
			a := float64(k)*2*math.Pi/3 + float64(i)
			c.line(x, top, x+80*s*math.Cos(a), top+80*s*math.Sin(a), 5*s, rgb(250, 250, 250))
		}
	}
	return c.png()
}

func drawHills() []byte {
	c := newCanvas()
	c.gradient(0, illH, rgb(150, 200, 240), rgb(230, 240, 250))
	c.disc(650, 80, 40, rgb(255, 245, 200))
	c.ridge(200, 40, 0.008, 0, rgb(110, 150, 130))
	c.ridge(270, 35, 0.011, 2, rgb(70, 140, 80))
	c.ridge(340, 25, 0.015, 4, rgb(50, 120, 60))
	for y := 360; y < illH; y += 28 { // rows of orchard trees
		for x := (y / 28 % 2) * 30; x < illW; x += 60 {
			c.disc(x, y, 11, rgb(30, 95, 45))
		}
	}
	return c.png()
}

func drawCity() []byte {
	c := newCanvas()
	c.gradient(0, illH, rgb(40, 50, 110), rgb(240, 150, 100))
	heights := []int{180, 260, 140, 300, 220, 160, 280, 200, 240, 150, 310, 190}
	w := illW / len(heights)
	for i, h := range heights {
		x := i * w
		c.rect(x+4, illH-h, x+w-4, illH, rgb(30, 35, 60))
		for y := illH - h + 14; y < illH-10; y += 22 {
			for wx := x + 12; wx < x+w-16; wx += 16 {
				if (wx+y+i)%3 != 0 {
					c.rect(wx, y, wx+8, y+10, rgb(250, 210, 120))
				}
			}
		}
	}
	return c.png()
}
