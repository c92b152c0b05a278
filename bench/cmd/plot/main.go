// Command plot measures query latency against corpus size for qabot (each
// search mode) and its peers, on evenly spaced subsets of a documents
// folder, and draws it as a PNG (plus the figures as CSV):
//
//	plot --docs DIR --out ../docs/bench.png
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/qabot/qabot/bench"
	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/retrieval"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "plot:", err)
		os.Exit(1)
	}
}

// series are the lines drawn, in legend order.
var series = []string{"qabot hybrid", "qabot lexical", "qabot dense", "chromem-go Query", "bleve BM25"}

// point is one corpus size's p50 latencies, in ms, by series.
type point struct {
	clauses int
	p50     map[string]float64
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	docs := fs.String("docs", "", "documents folder (e.g. a clone of LawRefBook/Laws)")
	out := fs.String("out", "bench.png", "PNG to write; the figures go next to it as .csv")
	sizes := fs.String("fractions", "0.015,0.06,0.25,0.5,1", "fractions of the documents to measure")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *docs == "" {
		fs.Usage()
		return errors.New("need --docs")
	}
	src, err := index.ListSources(*docs, nil)
	if err != nil {
		return err
	}
	var pts []point
	for _, f := range strings.Split(*sizes, ",") {
		var frac float64
		if _, err := fmt.Sscan(f, &frac); err != nil || frac <= 0 || frac > 1 {
			return fmt.Errorf("bad fraction %q", f)
		}
		p, err := measure(ctx, *docs, subset(src, frac))
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%6d clauses: %v\n", p.clauses, p.p50)
		pts = append(pts, p)
	}
	if err := writeCSV(strings.TrimSuffix(*out, filepath.Ext(*out))+".csv", pts); err != nil {
		return err
	}
	return drawPlot(*out, pts)
}

// subset takes evenly spaced documents, about frac of them.
func subset(src []index.Source, frac float64) []index.Source {
	n := max(1, int(frac*float64(len(src))+0.5))
	out := make([]index.Source, 0, n)
	for i := range n {
		out = append(out, src[i*len(src)/n])
	}
	return out
}

// measure copies the documents into a temporary folder (so that every
// system reads exactly them) and times each system's queries there.
func measure(ctx context.Context, root string, src []index.Source) (point, error) {
	p := point{p50: map[string]float64{}}
	tmp, err := os.MkdirTemp("", "qabot-plot-")
	if err != nil {
		return p, err
	}
	defer os.RemoveAll(tmp)
	for _, s := range src {
		data, err := s.Read()
		if err != nil {
			return p, err
		}
		rel, err := filepath.Rel(root, s.Path)
		if err != nil {
			return p, err
		}
		dst := filepath.Join(tmp, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return p, err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return p, err
		}
	}
	c, err := bench.LoadCorpus(ctx, tmp)
	if err != nil {
		return p, err
	}
	p.clauses = len(c.Clauses)
	qs := bench.Questions(c, nil)

	sources, err := index.ListSources(tmp, nil)
	if err != nil {
		return p, err
	}
	emb := index.LocalEmbedder()
	snap, _, err := index.Build(ctx, nil, sources, index.BuildOptions{Embedder: emb})
	if err != nil {
		return p, err
	}
	eng := retrieval.NewEngine(snap, emb)
	for name, mode := range map[string]retrieval.Mode{
		"qabot hybrid": retrieval.ModeHybrid, "qabot lexical": retrieval.ModeLexical, "qabot dense": retrieval.ModeDense,
	} {
		l, err := bench.TimeQueries(ctx, qabot{eng, mode}, qs)
		if err != nil {
			return p, err
		}
		p.p50[name] = l.P50
	}
	eng, snap = nil, nil
	runtime.GC()

	ch, err := bench.BuildChromem(ctx, c)
	if err != nil {
		return p, err
	}
	l, err := bench.TimeQueries(ctx, ch, qs)
	if err != nil {
		return p, err
	}
	p.p50["chromem-go Query"] = l.P50
	ch = nil
	runtime.GC()

	bl, err := bench.BuildBleve(c)
	if err != nil {
		return p, err
	}
	defer bl.Close()
	l, err = bench.TimeQueries(ctx, bl, qs)
	if err != nil {
		return p, err
	}
	p.p50["bleve BM25"] = l.P50
	return p, nil
}

// qabot adapts the engine, in one search mode, to bench.Searcher.
type qabot struct {
	eng  *retrieval.Engine
	mode retrieval.Mode
}

func (q qabot) Search(ctx context.Context, s string, k int) ([]string, error) {
	hits, err := q.eng.SearchMode(ctx, s, k, q.mode)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(hits))
	for i, h := range hits {
		keys[i] = h.Clause.Key()
	}
	return keys, nil
}

func writeCSV(name string, pts []point) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	var w io.Writer = f
	fmt.Fprintf(w, "clauses,%s\n", strings.Join(series, ","))
	for _, p := range pts {
		fmt.Fprintf(w, "%d", p.clauses)
		for _, s := range series {
			fmt.Fprintf(w, ",%.3f", p.p50[s])
		}
		fmt.Fprintln(w)
	}
	return f.Close()
}
