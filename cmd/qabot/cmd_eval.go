package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/qabot/qabot/retrieval"
)

func cmdEval(ctx context.Context, e env, args []string) error {
	c := newCommand(e, "eval", "eval --set FILE.jsonl [--k N] [-v] [--json]\n\nSyncs the index with the documents first (as they are: never re-embedding for another embedder), then measures.")
	var set string
	var verbose bool
	c.fs.StringVar(&set, "set", "", "gold set: JSON lines {\"q\",\"gold\"|\"gold_docs\"}")
	c.jsonFlag("print the metrics as JSON")
	c.fs.BoolVar(&verbose, "v", false, "list the questions whose gold was not ranked first")
	c.kFlag(10, "clauses retrieved per question (MRR is cut at 10)")
	if _, err := c.parse(args); err != nil {
		return err
	}
	if set == "" {
		return c.usage()
	}
	cases, err := retrieval.ReadGoldFile(set)
	if err != nil {
		return err
	}
	lib, err := c.openSynced(ctx)
	if err != nil {
		return err
	}
	m, err := lib.Evaluate(ctx, cases, c.cfg.K)
	if err != nil {
		return err
	}
	warnGold(e, set, m)
	if c.cfg.JSON {
		if !verbose {
			m.Misses = nil
		}
		return writeJSON(e.stdout, m)
	}
	printMetrics(e, m, verbose)
	return nil
}

// printMetrics writes the metrics for people.
func printMetrics(e env, m retrieval.Metrics, verbose bool) {
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
	if !verbose {
		return
	}
	for _, x := range m.Misses {
		switch x.Kind {
		case retrieval.MissRank:
			fmt.Fprintf(e.stdout, "  rank %2d    %s  (first: %s)\n", x.Rank, x.Q, x.Got)
		default:
			fmt.Fprintf(e.stdout, "  %-9s  %s  (cited first: %s)\n", x.Kind, x.Q, x.Got)
		}
	}
}

// warnGold says on stderr what of the gold set could not be measured as
// written: lines without a question (skipped) and gold ids that name
// nothing indexed (counted as misses).
func warnGold(e env, set string, m retrieval.Metrics) {
	if n := len(m.Blank); n > 0 {
		lines := make([]string, n)
		for i, l := range m.Blank {
			lines[i] = strconv.Itoa(l)
		}
		what := "line " + lines[0] + " has no question"
		if n > 1 {
			what = fmt.Sprintf("%d lines have no question (%s)", n, strings.Join(lines, ", "))
		}
		fmt.Fprintf(e.stderr, "qabot eval: warning: %s: %s; skipped\n", set, what)
	}
	for _, u := range m.Unknown {
		fmt.Fprintf(e.stderr, "qabot eval: warning: %s:%d: gold %q names nothing in the index (counted as a miss; is the set for other documents?)\n", set, u.Line, u.Gold)
	}
}
