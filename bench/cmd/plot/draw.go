package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

var colors = map[string]color.RGBA{
	"qabot hybrid":     {0xd6, 0x27, 0x28, 0xff},
	"qabot lexical":    {0xff, 0x7f, 0x0e, 0xff},
	"qabot dense":      {0x94, 0x67, 0xbd, 0xff},
	"chromem-go Query": {0x1f, 0x77, 0xb4, 0xff},
	"bleve BM25":       {0x2c, 0xa0, 0x2c, 0xff},
}

// drawPlot draws p50 latency (log scale) against clauses (linear).
func drawPlot(name string, pts []point) error {
	const W, H = 900, 560
	const left, right, top, bottom = 70, 200, 40, 60
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	grey := color.RGBA{0xcc, 0xcc, 0xcc, 0xff}
	black := color.RGBA{0, 0, 0, 0xff}

	maxX := 0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		maxX = max(maxX, p.clauses)
		for _, v := range p.p50 {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	yLo, yHi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if yHi == yLo {
		yHi++
	}
	xMax := float64((maxX/10000 + 1) * 10000)
	px := func(x float64) int { return left + int(x/xMax*float64(W-left-right)) }
	py := func(ms float64) int {
		return H - bottom - int((math.Log10(ms)-yLo)/(yHi-yLo)*float64(H-top-bottom))
	}

	// Grid and axis labels.
	for e := yLo; e <= yHi; e++ {
		for m := 1.0; m < 10; m++ {
			v := m * math.Pow(10, e)
			if math.Log10(v) > yHi {
				break
			}
			c := grey
			if m != 1 {
				c = color.RGBA{0xee, 0xee, 0xee, 0xff}
			}
			hline(img, left, W-right, py(v), c)
		}
		label(img, 8, py(math.Pow(10, e))+4, fmt.Sprintf("%g ms", math.Pow(10, e)), black)
	}
	for x := 0.0; x <= xMax; x += 10000 {
		vline(img, px(x), top, H-bottom, grey)
		label(img, px(x)-12, H-bottom+18, fmt.Sprintf("%dk", int(x/1000)), black)
	}
	hline(img, left, W-right, H-bottom, black)
	vline(img, left, top, H-bottom, black)
	label(img, left, 22, "query latency p50 (log scale) against corpus size (clauses of cn-laws)", black)
	label(img, (W-right)/2-30, H-15, "clauses", black)

	for i, s := range series {
		c := colors[s]
		var prev image.Point
		for j, p := range pts {
			v, ok := p.p50[s]
			if !ok || v <= 0 {
				continue
			}
			pt := image.Pt(px(float64(p.clauses)), py(v))
			dot(img, pt, c)
			if j > 0 {
				line(img, prev, pt, c)
			}
			prev = pt
		}
		y := top + 20 + 22*i
		for d := 0; d < 3; d++ {
			hline(img, W-right+15, W-right+40, y-4+d, c)
		}
		label(img, W-right+48, y, s, black)
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func label(img *image.RGBA, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func hline(img *image.RGBA, x0, x1, y int, c color.Color) {
	for x := x0; x <= x1; x++ {
		img.Set(x, y, c)
	}
}

func vline(img *image.RGBA, x, y0, y1 int, c color.Color) {
	for y := y0; y <= y1; y++ {
		img.Set(x, y, c)
	}
}

func dot(img *image.RGBA, p image.Point, c color.Color) {
	for dx := -3; dx <= 3; dx++ {
		for dy := -3; dy <= 3; dy++ {
			if dx*dx+dy*dy <= 9 {
				img.Set(p.X+dx, p.Y+dy, c)
			}
		}
	}
}

// line draws a two-pixel-wide line from a to b.
func line(img *image.RGBA, a, b image.Point, c color.Color) {
	n := max(abs(b.X-a.X), abs(b.Y-a.Y), 1)
	for i := 0; i <= n; i++ {
		x := a.X + (b.X-a.X)*i/n
		y := a.Y + (b.Y-a.Y)*i/n
		img.Set(x, y, c)
		img.Set(x, y+1, c)
		img.Set(x+1, y, c)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
