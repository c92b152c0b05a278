package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/qabot/qabot/bench/internal/raster"
)

// row prints one CSV line of scale.sh from the figures of one corpus.
func row(args []string) error {
	fs := flag.NewFlagSet("row", flag.ContinueOnError)
	factor := fs.String("factor", "", "corpus size, in copies")
	qabotJSON := fs.String("qabot", "", "qabot bench --json")
	bleveJSON := fs.String("bleve", "", "peers --peer bleve")
	indexTime := fs.String("index", "", `qabot index: "seconds maxrss_kb"`)
	askTime := fs.String("ask", "", `cold qabot ask: "seconds maxrss_kb"`)
	serveJSON := fs.String("serve", "", "scale serve-rss")
	if err := fs.Parse(args); err != nil {
		return err
	}
	type result struct {
		Clauses      int                           `json:"clauses"`
		IndexSeconds float64                       `json:"index_seconds"`
		OpenSeconds  float64                       `json:"open_seconds"`
		PeakRSSMB    float64                       `json:"peak_rss_mb"`
		QueryMS      map[string]map[string]float64 `json:"query_ms"`
	}
	read := func(name string, v any) error {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		return json.Unmarshal(b, v)
	}
	var q, b result
	var s struct {
		PeakRSSMB float64 `json:"peak_rss_mb"`
	}
	if err := errors.Join(read(*qabotJSON, &q), read(*bleveJSON, &b), read(*serveJSON, &s)); err != nil {
		return err
	}
	var is, ikb, as, akb float64
	if _, err := fmt.Sscan(*indexTime, &is, &ikb); err != nil {
		return fmt.Errorf("--index %q: %w", *indexTime, err)
	}
	if _, err := fmt.Sscan(*askTime, &as, &akb); err != nil {
		return fmt.Errorf("--ask %q: %w", *askTime, err)
	}
	var bm map[string]float64
	for _, v := range b.QueryMS {
		bm = v
	}
	fmt.Printf("%s,%d,%.2f,%.0f,%.3f,%.2f,%.0f,%.0f,%.2f,%.2f,%.2f,%.2f,%.2f,%.3f,%.0f,%.2f,%.2f\n", *factor, q.Clauses,
		is, ikb/1024, q.OpenSeconds, as, akb/1024, s.PeakRSSMB,
		q.QueryMS["hybrid"]["p50"], q.QueryMS["hybrid"]["p95"], q.QueryMS["lexical"]["p50"], q.QueryMS["dense"]["p50"],
		b.IndexSeconds, b.OpenSeconds, b.PeakRSSMB, bm["p50"], bm["p95"])
	return nil
}

// panel is one chart of the plot: series of (clauses, value).
type panel struct {
	title  string
	unit   string
	series []string // column names
	names  []string // legend names
}

var panels = []panel{
	{"index build from nothing", "s", []string{"qabot_index_s", "bleve_index_s"}, []string{"qabot", "bleve"}},
	{"open + first query", "s", []string{"qabot_open_s", "qabot_ask_s", "bleve_open_s"}, []string{"qabot (bench)", "qabot ask, whole process", "bleve"}},
	{"peak RSS", "MB", []string{"qabot_ask_rss_mb", "serve_rss_mb", "qabot_index_rss_mb", "bleve_rss_mb"}, []string{"qabot ask", "qabot serve", "qabot index", "bleve (build+query)"}},
	{"query latency p50", "ms", []string{"qabot_hybrid_p50", "qabot_lexical_p50", "qabot_dense_p50", "bleve_p50"}, []string{"qabot hybrid", "qabot lexical", "qabot dense", "bleve BM25"}},
}

var palette = []color.RGBA{{0xd6, 0x27, 0x28, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x2c, 0xa0, 0x2c, 0xff}}

// fit returns b of y = a·n^b, least squares in log-log.
func fit(xs, ys []float64) float64 {
	var sx, sy, sxx, sxy, n float64
	for i := range xs {
		if xs[i] <= 0 || ys[i] <= 0 {
			continue
		}
		x, y := math.Log(xs[i]), math.Log(ys[i])
		sx, sy, sxx, sxy, n = sx+x, sy+y, sxx+x*x, sxy+x*y, n+1
	}
	if n < 2 || n*sxx-sx*sx == 0 {
		return math.NaN()
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// plot draws the CSV of scale.sh: one log-log panel per figure, each series
// with its fitted growth (value ∝ clauses^b), and prints the fits.
func plot(args []string) error {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	in := fs.String("csv", "", "scale.sh output")
	out := fs.String("out", "scale.png", "PNG to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		return err
	}
	if len(recs) < 2 {
		return errors.New("no rows")
	}
	col := map[string][]float64{}
	for _, r := range recs[1:] {
		for i, name := range recs[0] {
			v, _ := strconv.ParseFloat(strings.TrimSpace(r[i]), 64)
			col[name] = append(col[name], v)
		}
	}
	const pw, ph = 520, 360
	img := image.NewRGBA(image.Rect(0, 0, 2*pw, 2*ph))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for i, p := range panels {
		drawPanel(img, image.Rect((i%2)*pw, (i/2)*ph, (i%2+1)*pw, (i/2+1)*ph), p, col)
	}
	return raster.SavePNG(*out, img)
}

func drawPanel(img *image.RGBA, r image.Rectangle, p panel, col map[string][]float64) {
	const left, right, top, bottom = 60, 20, 30, 110
	black, grey := color.RGBA{0, 0, 0, 0xff}, color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
	xs := col["clauses"]
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range p.series {
		for _, v := range col[s] {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	xlo, xhi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		xlo, xhi = math.Min(xlo, x), math.Max(xhi, x)
	}
	yLo, yHi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if yHi == yLo {
		yHi++
	}
	xLo, xHi := math.Log10(xlo)-0.1, math.Log10(xhi)+0.1
	px := func(x float64) int {
		return r.Min.X + left + int((math.Log10(x)-xLo)/(xHi-xLo)*float64(r.Dx()-left-right))
	}
	py := func(v float64) int {
		return r.Max.Y - bottom - int((math.Log10(v)-yLo)/(yHi-yLo)*float64(r.Dy()-top-bottom))
	}
	for e := yLo; e <= yHi; e++ {
		v := math.Pow(10, e)
		raster.HLine(img, r.Min.X+left, r.Max.X-right, py(v), grey)
		raster.Label(img, r.Min.X+4, py(v)+4, fmt.Sprintf("%g %s", v, p.unit), black)
	}
	for _, x := range xs {
		raster.VLine(img, px(x), r.Min.Y+top, r.Max.Y-bottom, grey)
		raster.Label(img, px(x)-20, r.Max.Y-bottom+16, fmt.Sprintf("%dk", int(x/1000)), black)
	}
	raster.Label(img, r.Min.X+left, r.Min.Y+18, p.title+" (log-log, against clauses)", black)
	for i, s := range p.series {
		c := palette[i%len(palette)]
		var prev image.Point
		for j, v := range col[s] {
			if v <= 0 {
				continue
			}
			pt := image.Pt(px(xs[j]), py(v))
			raster.Dot(img, pt, c)
			if j > 0 && prev != (image.Point{}) {
				raster.Line(img, prev, pt, c)
			}
			prev = pt
		}
		b := fit(xs, col[s])
		y := r.Max.Y - bottom + 36 + 16*i
		raster.HLine(img, r.Min.X+left, r.Min.X+left+20, y-4, c)
		raster.HLine(img, r.Min.X+left, r.Min.X+left+20, y-3, c)
		raster.Label(img, r.Min.X+left+28, y, fmt.Sprintf("%s: grows as clauses^%.2f", p.names[i], b), black)
		fmt.Printf("%s, %s: clauses^%.2f\n", p.title, p.names[i], b)
	}
}
