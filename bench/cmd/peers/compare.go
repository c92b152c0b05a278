package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/qabot/qabot/bench"
)

// compare prints qabot's figures next to each peer's, with the ratio
// qabot/peer (below 1: qabot is faster or smaller; for recall, above 1 is
// better).
func compare(files []string, w io.Writer) error {
	if len(files) < 2 {
		return errors.New("usage: peers compare QABOT.json PEER.json…")
	}
	var all []bench.Result
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var r bench.Result
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		all = append(all, r)
	}
	q, peers := all[0], all[1:]
	fmt.Fprintf(w, "%-22s %10s", "figure", "qabot")
	for _, p := range peers {
		fmt.Fprintf(w, " | %-10.10s %9s", p.Peer, "qabot/it")
	}
	fmt.Fprintln(w)
	row := func(name string, get func(bench.Result) (float64, bool)) {
		qv, ok := get(q)
		if !ok {
			return
		}
		fmt.Fprintf(w, "%-22s %10.3f", name, qv)
		for _, p := range peers {
			pv, ok := get(p)
			switch {
			case !ok:
				fmt.Fprintf(w, " | %10s %9s", "—", "")
			case pv == 0:
				fmt.Fprintf(w, " | %10.3f %9s", pv, "")
			default:
				fmt.Fprintf(w, " | %10.3f %9.2f", pv, qv/pv)
			}
		}
		fmt.Fprintln(w)
	}
	ptr := func(f func(bench.Result) *float64) func(bench.Result) (float64, bool) {
		return func(r bench.Result) (float64, bool) {
			if v := f(r); v != nil {
				return *v, true
			}
			return 0, false
		}
	}
	row("clauses", func(r bench.Result) (float64, bool) { return float64(r.Clauses), true })
	row("index seconds", ptr(func(r bench.Result) *float64 { return r.IndexSeconds }))
	row("no-op resync seconds", ptr(func(r bench.Result) *float64 { return r.ResyncSeconds }))
	row("cold start seconds", ptr(func(r bench.Result) *float64 { return r.OpenSeconds }))
	row("peak RSS MB", ptr(func(r bench.Result) *float64 { return r.PeakRSSMB }))
	// Each peer has one kind of query: qabot's same-kind query is compared
	// with it, and so is qabot's hybrid query (what qabot answers with).
	for _, mode := range []string{"lexical", "dense", "hybrid"} {
		for _, pc := range []struct {
			name string
			get  func(bench.Latency) float64
		}{
			{"p50", func(l bench.Latency) float64 { return l.P50 }},
			{"p95", func(l bench.Latency) float64 { return l.P95 }},
			{"p99", func(l bench.Latency) float64 { return l.P99 }},
		} {
			row(fmt.Sprintf("%s %s ms", mode, pc.name), func(r bench.Result) (float64, bool) {
				l, ok := r.QueryMS[mode]
				if !ok && r.Peer != "" && mode == "hybrid" {
					for _, only := range r.QueryMS {
						l, ok = only, true
					}
				}
				return pc.get(l), ok
			})
		}
	}
	rec := func(get func(bench.Recall) float64) func(bench.Result) (float64, bool) {
		return func(r bench.Result) (float64, bool) {
			if r.Recall == nil {
				return 0, false
			}
			return get(*r.Recall), true
		}
	}
	row("recall@1", rec(func(r bench.Recall) float64 { return r.R1 }))
	row("recall@5", rec(func(r bench.Recall) float64 { return r.R5 }))
	row("MRR@10", rec(func(r bench.Recall) float64 { return r.MRR10 }))
	fmt.Fprintln(w, "(a peer's hybrid row is its only query: chromem-go's dense, bleve's BM25; qabot/it < 1 means qabot is faster or smaller)")
	return nil
}
