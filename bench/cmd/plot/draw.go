package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/qabot/qabot/bench/internal/raster"
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
			raster.HLine(img, left, W-right, py(v), c)
		}
		raster.Label(img, 8, py(math.Pow(10, e))+4, fmt.Sprintf("%g ms", math.Pow(10, e)), black)
	}
	for x := 0.0; x <= xMax; x += 10000 {
		raster.VLine(img, px(x), top, H-bottom, grey)
		raster.Label(img, px(x)-12, H-bottom+18, fmt.Sprintf("%dk", int(x/1000)), black)
	}
	raster.HLine(img, left, W-right, H-bottom, black)
	raster.VLine(img, left, top, H-bottom, black)
	raster.Label(img, left, 22, "query latency p50 (log scale) against corpus size (clauses of cn-laws)", black)
	raster.Label(img, (W-right)/2-30, H-15, "clauses", black)

	for i, s := range series {
		c := colors[s]
		var prev image.Point
		for j, p := range pts {
			v, ok := p.p50[s]
			if !ok || v <= 0 {
				continue
			}
			pt := image.Pt(px(float64(p.clauses)), py(v))
			raster.Dot(img, pt, c)
			if j > 0 {
				raster.Line(img, prev, pt, c)
			}
			prev = pt
		}
		y := top + 20 + 22*i
		for d := 0; d < 3; d++ {
			raster.HLine(img, W-right+15, W-right+40, y-4+d, c)
		}
		raster.Label(img, W-right+48, y, s, black)
	}
	return raster.SavePNG(name, img)
}
