// Package raster draws the benchmark plots (cmd/plot, cmd/scale): text,
// lines and dots on an RGBA image, with no plotting library.
package raster

import (
	"image"
	"image/color"
	"image/png"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Label writes s with its baseline at (x, y).
func Label(img *image.RGBA, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// HLine draws a horizontal line from x0 to x1 at y.
func HLine(img *image.RGBA, x0, x1, y int, c color.Color) {
	for x := x0; x <= x1; x++ {
		img.Set(x, y, c)
	}
}

// VLine draws a vertical line from y0 to y1 at x.
func VLine(img *image.RGBA, x, y0, y1 int, c color.Color) {
	for y := y0; y <= y1; y++ {
		img.Set(x, y, c)
	}
}

// Dot draws a filled disc of radius 3 at p.
func Dot(img *image.RGBA, p image.Point, c color.Color) {
	for dx := -3; dx <= 3; dx++ {
		for dy := -3; dy <= 3; dy++ {
			if dx*dx+dy*dy <= 9 {
				img.Set(p.X+dx, p.Y+dy, c)
			}
		}
	}
}

// Line draws a two-pixel-wide line from a to b.
func Line(img *image.RGBA, a, b image.Point, c color.Color) {
	n := max(abs(b.X-a.X), abs(b.Y-a.Y), 1)
	for i := 0; i <= n; i++ {
		x, y := a.X+(b.X-a.X)*i/n, a.Y+(b.Y-a.Y)*i/n
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

// SavePNG writes img to the file name as a PNG.
func SavePNG(name string, img image.Image) error {
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
