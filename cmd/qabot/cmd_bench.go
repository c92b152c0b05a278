package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/retrieval"
)

// benchQuestions is how many questions qabot bench draws from the corpus
// when it is given no gold set.
const benchQuestions = 300

// benchResult is what qabot bench measures; its JSON shape is part of
// qabot's command line (qabot bench --json) and what bench/compare.sh reads.
type benchResult struct {
	Clauses       int                  `json:"clauses"`
	IndexSeconds  float64              `json:"index_seconds"`
	ResyncSeconds float64              `json:"resync_seconds"`
	OpenSeconds   float64              `json:"open_seconds"`
	PeakRSSMB     float64              `json:"peak_rss_mb"`
	QueryMS       map[string]latencyMS `json:"query_ms"`
	Recall        *benchRecall         `json:"recall,omitempty"`
	questions     int                  // how many questions were timed
	gold          bool                 // whether they came from a gold set
	modes         []retrieval.Mode     // in report order
}

// latencyMS are query latency percentiles in milliseconds.
type latencyMS struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// benchRecall is retrieval quality over a gold set (hybrid search).
type benchRecall struct {
	R1    float64 `json:"r1"`
	R5    float64 `json:"r5"`
	MRR10 float64 `json:"mrr10"`
}

func cmdBench(ctx context.Context, e env, args []string) error {
	var docs, questions string
	var asJSON bool
	fs := newFlags(e, "bench", "bench --docs DIR [--questions FILE.jsonl] [--json]")
	fs.StringVar(&docs, "docs", "", "documents folder to index (the shipped statement is left out)")
	fs.StringVar(&questions, "questions", "", "gold set (JSON lines, as for eval); default: questions drawn from the documents")
	fs.BoolVar(&asJSON, "json", false, "print the figures as one JSON object")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if docs == "" || len(pos) > 0 {
		fs.Usage()
		return errUsage
	}
	if fi, err := os.Stat(docs); err != nil || !fi.IsDir() {
		return syncError(&index.DocsFolderError{Dir: docs, Missing: err == nil || errors.Is(err, iofs.ErrNotExist), Err: err})
	}
	var gold []retrieval.GoldCase
	if questions != "" {
		var err error
		if gold, err = retrieval.ReadGoldFile(questions); err != nil {
			return err
		}
	}
	tmp, err := os.MkdirTemp("", "qabot-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	res, err := runBench(ctx, docs, filepath.Join(tmp, "index"), gold)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(e.stdout, res)
	}
	printBench(e, docs, res)
	return nil
}

// runBench builds an index of docs in dir and measures it.
func runBench(ctx context.Context, docs, dir string, gold []retrieval.GoldCase) (benchResult, error) {
	var res benchResult
	emb := index.LocalEmbedder()
	m := &index.Manager{Store: index.NewStore(dir), DocsDir: docs, Options: index.BuildOptions{Embedder: emb}}

	// The index is everything a query needs: the saved snapshot (vectors
	// included) and the BM25 index built over it, as bleve's index is its
	// inverted index.
	start := time.Now()
	snap, _, err := m.Sync(ctx, nil)
	if err != nil {
		return res, err
	}
	debug.FreeOSMemory() // as a build before a first query does (retrieval.Library.Open)
	_ = retrieval.NewEngine(snap, emb)
	res.IndexSeconds = time.Since(start).Seconds()
	res.Clauses = snap.NumClauses()

	// A no-op resync as a running bot or 'qabot index --watch' does it: the
	// previous snapshot in memory, every file read and parsed again; with
	// nothing changed the engine is kept (no swap).
	start = time.Now()
	if _, _, err := m.Sync(ctx, snap); err != nil {
		return res, err
	}
	res.ResyncSeconds = time.Since(start).Seconds()

	// Cold start: what 'qabot ask' does before it has an answer — load the
	// saved index, build the engine, answer a first query (the peers are
	// timed the same way). The files were just written, so they are in the
	// page cache: a warm-disk figure.
	qs := retrieval.SampleQuestions(snap.Docs, benchQuestions)
	first := ""
	if len(gold) > 0 {
		first = gold[0].Q
	} else if len(qs) > 0 {
		first = qs[0]
	}
	snap = nil
	runtime.GC()
	start = time.Now()
	m.Store.MapFiles = true // as qabot ask opens it
	snap, err = m.Store.Load(ctx)
	if err != nil {
		return res, err
	}
	eng := retrieval.NewEngine(snap, emb)
	if _, err := eng.Search(ctx, first, 10); err != nil {
		return res, err
	}
	res.OpenSeconds = time.Since(start).Seconds()
	res.PeakRSSMB = peakRSSMB()

	if len(gold) > 0 {
		qs = qs[:0]
		for _, g := range gold {
			qs = append(qs, g.Q)
		}
		res.gold = true
	}
	if len(qs) == 0 {
		return res, fmt.Errorf("no questions: %s holds no clauses", docs)
	}
	res.questions = len(qs)
	res.QueryMS = map[string]latencyMS{}
	res.modes = []retrieval.Mode{retrieval.ModeLexical, retrieval.ModeDense, retrieval.ModeHybrid}
	for _, mode := range res.modes {
		lat, err := timeQueries(ctx, eng, qs, mode)
		if err != nil {
			return res, err
		}
		res.QueryMS[mode.String()] = lat
	}
	if len(gold) > 0 {
		mt, err := eng.Evaluate(ctx, gold, 10)
		if err != nil {
			return res, err
		}
		res.Recall = &benchRecall{R1: mt.R1, R5: mt.R5, MRR10: mt.MRR10}
	}
	return res, nil
}

// timeQueries runs the questions (after an untimed warm-up over a few of
// them) and returns the latency percentiles.
func timeQueries(ctx context.Context, eng *retrieval.Engine, qs []string, mode retrieval.Mode) (latencyMS, error) {
	for _, q := range qs[:min(len(qs), 10)] {
		if _, err := eng.SearchMode(ctx, q, 10, mode); err != nil {
			return latencyMS{}, err
		}
	}
	// A small gold set is cycled through so that the percentiles rest on
	// enough queries.
	n := max(len(qs), benchQuestions)
	lat := make([]time.Duration, 0, n)
	for i := range n {
		q := qs[i%len(qs)]
		start := time.Now()
		if _, err := eng.SearchMode(ctx, q, 10, mode); err != nil {
			return latencyMS{}, err
		}
		lat = append(lat, time.Since(start))
	}
	return percentiles(lat), nil
}

// percentiles returns the 50th, 95th and 99th percentiles of lat (nearest
// rank), in milliseconds; lat is sorted in place.
func percentiles(lat []time.Duration) latencyMS {
	if len(lat) == 0 {
		return latencyMS{}
	}
	slices.Sort(lat)
	ms := make([]float64, len(lat))
	for i, d := range lat {
		ms[i] = float64(d.Microseconds()) / 1000
	}
	at := func(q float64) float64 { return retrieval.Percentile(ms, q) }
	return latencyMS{P50: at(0.50), P95: at(0.95), P99: at(0.99)}
}

func printBench(e env, docs string, r benchResult) {
	w := e.stdout
	fmt.Fprintf(w, "corpus      %s: %d clauses (local embedder, %d cores)\n", docs, r.Clauses, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "index       %.2f s  (%.0f clauses/s)\n", r.IndexSeconds, float64(r.Clauses)/r.IndexSeconds)
	fmt.Fprintf(w, "resync      %.2f s  (nothing changed)\n", r.ResyncSeconds)
	fmt.Fprintf(w, "cold start  %.2f s  (load the saved index, build the engine)\n", r.OpenSeconds)
	fmt.Fprintf(w, "peak RSS    %.0f MB  (this process, through build, resync and cold start)\n", r.PeakRSSMB)
	src := "drawn from the documents"
	if r.gold {
		src = "gold set"
	}
	fmt.Fprintf(w, "queries     %d questions (%s), %d timed per mode, k = 10\n", r.questions, src, max(r.questions, benchQuestions))
	fmt.Fprintf(w, "  %-8s %8s %8s %8s\n", "ms", "p50", "p95", "p99")
	for _, m := range r.modes {
		l := r.QueryMS[m.String()]
		fmt.Fprintf(w, "  %-8s %8.2f %8.2f %8.2f\n", m, l.P50, l.P95, l.P99)
	}
	if r.Recall != nil {
		fmt.Fprintf(w, "recall      @1 %.3f  @5 %.3f  MRR@10 %.3f (hybrid)\n", r.Recall.R1, r.Recall.R5, r.Recall.MRR10)
	}
}
