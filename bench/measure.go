package bench

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/qabot/qabot/retrieval"
)

// Searcher is what a peer (or qabot in one mode) answers: the keys of the
// k best clauses for q, best first.
type Searcher interface {
	Search(ctx context.Context, q string, k int) ([]string, error)
}

// Result has the shape of qabot bench --json; figures a peer has no
// counterpart for are null.
type Result struct {
	Peer          string             `json:"peer,omitempty"`
	Clauses       int                `json:"clauses"`
	IndexSeconds  *float64           `json:"index_seconds"`
	ResyncSeconds *float64           `json:"resync_seconds"`
	OpenSeconds   *float64           `json:"open_seconds"`
	PeakRSSMB     *float64           `json:"peak_rss_mb"`
	QueryMS       map[string]Latency `json:"query_ms"`
	Recall        *Recall            `json:"recall,omitempty"`
}

// Latency are query latency percentiles in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// Recall is retrieval quality over a gold set.
type Recall struct {
	R1    float64 `json:"r1"`
	R5    float64 `json:"r5"`
	MRR10 float64 `json:"mrr10"`
}

// MinQueries is how many queries are timed at least; a short question list
// is cycled through, as qabot bench does.
const MinQueries = 300

// TimeQueries times s over qs (after an untimed warm-up on a few) and returns
// the percentiles, nearest rank, as qabot bench computes them.
func TimeQueries(ctx context.Context, s Searcher, qs []string) (Latency, error) {
	for _, q := range qs[:min(len(qs), 10)] {
		if _, err := s.Search(ctx, q, 10); err != nil {
			return Latency{}, err
		}
	}
	n := max(len(qs), MinQueries)
	lat := make([]time.Duration, 0, n)
	for i := range n {
		start := time.Now()
		if _, err := s.Search(ctx, qs[i%len(qs)], 10); err != nil {
			return Latency{}, err
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	ms := make([]float64, len(lat))
	for i, d := range lat {
		ms[i] = float64(d.Microseconds()) / 1000
	}
	at := func(q float64) float64 { return retrieval.Percentile(ms, q) }
	return Latency{P50: at(0.50), P95: at(0.95), P99: at(0.99)}, nil
}

// Evaluate measures recall@1, recall@5 and MRR@10 of s over a gold set.
func Evaluate(ctx context.Context, s Searcher, c *Corpus, gold []retrieval.GoldCase) (Recall, error) {
	var r Recall
	n := 0
	for _, g := range gold {
		if g.Negative() || strings.TrimSpace(g.Q) == "" {
			continue
		}
		n++
		keys, err := s.Search(ctx, g.Q, 10)
		if err != nil {
			return r, err
		}
		for i, k := range keys {
			cl, ok := c.Clause(k)
			if ok && g.Matches(cl) {
				if i == 0 {
					r.R1++
				}
				if i < 5 {
					r.R5++
				}
				r.MRR10 += 1 / float64(i+1)
				break
			}
		}
	}
	if n > 0 {
		r.R1, r.R5, r.MRR10 = r.R1/float64(n), r.R5/float64(n), r.MRR10/float64(n)
	}
	return r, nil
}

// Questions are the questions to time: the gold set's, or the ones qabot
// bench draws from the same documents.
func Questions(c *Corpus, gold []retrieval.GoldCase) []string {
	if len(gold) == 0 {
		return retrieval.SampleQuestions(c.Docs, MinQueries)
	}
	var qs []string
	for _, g := range gold {
		if strings.TrimSpace(g.Q) != "" {
			qs = append(qs, g.Q)
		}
	}
	return qs
}

// PeakRSSMB is this process's peak resident set size so far, in MB (Linux).
func PeakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return float64(ru.Maxrss) / (1 << 20)
	}
	return float64(ru.Maxrss) / 1024
}
