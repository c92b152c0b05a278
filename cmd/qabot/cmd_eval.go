package main

import (
	"context"
	"fmt"
	"os"

	"github.com/qabot/qabot/retrieval"
)

func cmdEval(ctx context.Context, e env, args []string) error {
	var cfg config
	var set string
	var verbose bool
	fs := newFlags(e, "eval", "eval --set FILE.jsonl [--k N] [--json]")
	cfg.commonFlags(fs, e.getenv)
	fs.StringVar(&set, "set", "", "gold set: JSON lines {\"q\",\"gold\"|\"gold_docs\"}")
	fs.BoolVar(&cfg.JSON, "json", false, "print the metrics as JSON")
	fs.BoolVar(&verbose, "v", false, "list the questions whose gold was not ranked first")
	fs.IntVar(&cfg.K, "k", 10, "clauses retrieved per question (MRR is cut at 10)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if set == "" {
		fs.Usage()
		return errUsage
	}
	f, err := os.Open(set)
	if err != nil {
		return err
	}
	cases, err := retrieval.ReadGold(f)
	f.Close()
	if err != nil {
		return err
	}
	cfg.resolve(e.getenv)
	lib, err := openLibrary(ctx, e, &cfg)
	if err != nil {
		return err
	}
	m, err := lib.Evaluate(ctx, cases, cfg.K)
	if err != nil {
		return err
	}
	if cfg.JSON {
		if !verbose {
			m.Misses = nil
		}
		return writeJSON(e.stdout, m)
	}
	if m.Questions > 0 {
		fmt.Fprintf(e.stdout, "questions %d  recall@1 %.3f  recall@3 %.3f  recall@5 %.3f  MRR@10 %.3f  latency p50 %.1f ms  p95 %.1f ms\n",
			m.Questions, m.R1, m.R3, m.R5, m.MRR10, m.P50ms, m.P95ms)
	}
	a := m.Answers
	if a.Questions > 0 {
		fmt.Fprintf(e.stdout, "answers   answered %.3f  gold cited first %.3f", a.Answered, a.GoldFirst)
		if a.WithSpans > 0 {
			fmt.Fprintf(e.stdout, "  holds a gold span %.3f (of %d)", a.SpanHit, a.WithSpans)
		}
		fmt.Fprintf(e.stdout, "  median length %d\n", a.MedianRunes)
	}
	if a.Negatives > 0 {
		fmt.Fprintf(e.stdout, "negatives %d  said not found %.3f\n", a.Negatives, a.NotFound)
	}
	if verbose {
		for _, x := range m.Misses {
			switch x.Kind {
			case retrieval.MissRank:
				fmt.Fprintf(e.stdout, "  rank %2d    %s  (first: %s)\n", x.Rank, x.Q, x.Got)
			default:
				fmt.Fprintf(e.stdout, "  %-9s  %s  (cited first: %s)\n", x.Kind, x.Q, x.Got)
			}
		}
	}
	return nil
}
