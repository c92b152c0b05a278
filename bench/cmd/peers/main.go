// Command peers measures qabot's peers on the same clauses and questions as
// qabot bench, and compares the figures:
//
//	peers --peer chromem|bleve --docs DIR [--questions FILE.jsonl]
//	peers compare QABOT.json CHROMEM.json BLEVE.json
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"time"

	"github.com/qabot/qabot/bench"
	"github.com/qabot/qabot/retrieval"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "compare" {
		return compare(args[1:], stdout)
	}
	fs := flag.NewFlagSet("peers", flag.ContinueOnError)
	peer := fs.String("peer", "", "chromem (chromem-go's QueryEmbedding) or bleve (BM25, CJK analyzer, in-memory scorch)")
	docs := fs.String("docs", "", "documents folder")
	questions := fs.String("questions", "", "gold set (JSON lines); default: questions drawn from the documents, as qabot bench draws them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *docs == "" || (*peer != "chromem" && *peer != "bleve") {
		fs.Usage()
		return errors.New("need --docs and --peer chromem|bleve")
	}
	var gold []retrieval.GoldCase
	if *questions != "" {
		var err error
		if gold, err = retrieval.ReadGoldFile(*questions); err != nil {
			return err
		}
	}
	var res bench.Result
	var err error
	switch *peer {
	case "chromem":
		res, err = runChromem(ctx, *docs, gold)
	case "bleve":
		res, err = runBleve(ctx, *docs, gold)
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	return enc.Encode(res)
}

func seconds(d time.Duration) *float64 { s := d.Seconds(); return &s }

func runChromem(ctx context.Context, docs string, gold []retrieval.GoldCase) (bench.Result, error) {
	res := bench.Result{Peer: "chromem-go", QueryMS: map[string]bench.Latency{}}
	start := time.Now()
	c, err := bench.LoadCorpus(ctx, docs)
	if err != nil {
		return res, err
	}
	ch, err := bench.BuildChromem(ctx, c)
	if err != nil {
		return res, err
	}
	res.IndexSeconds = seconds(time.Since(start))
	res.Clauses = len(c.Clauses)

	tmp, err := os.MkdirTemp("", "qabot-peers-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "chromem.gob")
	if err := ch.Export(path); err != nil {
		return res, err
	}
	ch = nil
	runtime.GC()
	start = time.Now()
	ch, err = bench.OpenChromem(path)
	if err != nil {
		return res, err
	}
	// Timed like qabot's and bleve's cold start: open and a first query.
	if _, err := ch.Search(ctx, bench.Questions(c, gold)[0], 10); err != nil {
		return res, err
	}
	res.OpenSeconds = seconds(time.Since(start))
	rss := bench.PeakRSSMB()
	res.PeakRSSMB = &rss

	lat, err := bench.TimeQueries(ctx, ch, bench.Questions(c, gold))
	if err != nil {
		return res, err
	}
	res.QueryMS["dense"] = lat
	if len(gold) > 0 {
		r, err := bench.Evaluate(ctx, ch, c, gold)
		if err != nil {
			return res, err
		}
		res.Recall = &r
	}
	return res, nil
}

func runBleve(ctx context.Context, docs string, gold []retrieval.GoldCase) (bench.Result, error) {
	res := bench.Result{Peer: "bleve", QueryMS: map[string]bench.Latency{}}
	start := time.Now()
	c, err := bench.LoadCorpus(ctx, docs)
	if err != nil {
		return res, err
	}
	bl, err := bench.BuildBleve(c)
	if err != nil {
		return res, err
	}
	defer bl.Close()
	res.IndexSeconds = seconds(time.Since(start))
	res.Clauses = len(c.Clauses)
	rss := bench.PeakRSSMB()
	res.PeakRSSMB = &rss

	lat, err := bench.TimeQueries(ctx, bl, bench.Questions(c, gold))
	if err != nil {
		return res, err
	}
	res.QueryMS["lexical"] = lat
	if len(gold) > 0 {
		r, err := bench.Evaluate(ctx, bl, c, gold)
		if err != nil {
			return res, err
		}
		res.Recall = &r
	}

	// Cold start needs an index on disk: build one (untimed, after the
	// figures above), close it, and time opening it and a first query.
	tmp, err := os.MkdirTemp("", "qabot-peers-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "bleve")
	disk, err := bench.BuildBleveAt(c, path)
	if err != nil {
		return res, err
	}
	if err := disk.Close(); err != nil {
		return res, err
	}
	runtime.GC()
	start = time.Now()
	disk, err = bench.OpenBleve(path)
	if err != nil {
		return res, err
	}
	defer disk.Close()
	// bleve maps the index lazily: its first query pays for the reading.
	if _, err := disk.Search(ctx, bench.Questions(c, gold)[0], 10); err != nil {
		return res, err
	}
	res.OpenSeconds = seconds(time.Since(start))
	return res, nil
}
