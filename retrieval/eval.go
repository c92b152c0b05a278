package retrieval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/qabot/qabot/index"
)

// GoldCase is one line of a gold set: a question and the clauses (or
// documents) that answer it. Gold clause ids are "2.3" (a clause of any
// document), or "数据安全法#21" (a part of the document id, '#', the clause
// id); gold documents are document ids.
type GoldCase struct {
	Q        string   `json:"q"`
	Gold     []string `json:"gold"`
	GoldDocs []string `json:"gold_docs"`
	Lang     string   `json:"lang"`
}

// ReadGold reads a JSON-lines gold set.
func ReadGold(r io.Reader) ([]GoldCase, error) {
	var out []GoldCase
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var g GoldCase
		if err := json.Unmarshal([]byte(line), &g); err != nil {
			return nil, fmt.Errorf("gold set line %d: %w", n, err)
		}
		if strings.TrimSpace(g.Q) == "" || len(g.Gold)+len(g.GoldDocs) == 0 {
			continue // a case without a question or a gold cannot be scored
		}
		out = append(out, g)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read gold set: %w", err)
	}
	return out, nil
}

// Matches reports whether clause c answers the case.
func (g GoldCase) Matches(c *index.Clause) bool {
	for _, id := range g.Gold {
		doc, clause, ok := strings.Cut(id, "#")
		if !ok {
			clause, doc = id, ""
		}
		if c.ID == clause && strings.Contains(c.Doc, doc) {
			return true
		}
	}
	for _, d := range g.GoldDocs {
		if c.Doc == d || strings.HasSuffix(c.Doc, "/"+d) {
			return true
		}
	}
	return false
}

// Metrics are retrieval-quality figures over a gold set.
type Metrics struct {
	Questions int     `json:"questions"`
	R1        float64 `json:"recall@1"`
	R3        float64 `json:"recall@3"`
	R5        float64 `json:"recall@5"`
	MRR10     float64 `json:"mrr@10"`
	P50ms     float64 `json:"p50_ms"` // query latency, median
	P95ms     float64 `json:"p95_ms"`
	Misses    []Miss  `json:"misses,omitempty"`
}

// Miss is a question whose gold was not ranked first.
type Miss struct {
	Q    string `json:"q"`
	Rank int    `json:"rank"` // 0 when not among the clauses retrieved
	Got  string `json:"got"`  // what was ranked first
}

// Evaluate runs every case through Search (k clauses, at least 10) and
// measures where the first gold clause ranks.
func (e *Engine) Evaluate(ctx context.Context, cases []GoldCase, k int) (Metrics, error) {
	var m Metrics
	var lat []time.Duration
	for _, g := range cases {
		start := time.Now()
		hits, err := e.Search(ctx, g.Q, max(k, 10))
		lat = append(lat, time.Since(start))
		if err != nil {
			return m, fmt.Errorf("evaluate %q: %w", g.Q, err)
		}
		rank := 0
		for i, h := range hits {
			if g.Matches(h.Clause) {
				rank = i + 1
				break
			}
		}
		m.Questions++
		if rank == 1 {
			m.R1++
		}
		if rank >= 1 && rank <= 3 {
			m.R3++
		}
		if rank >= 1 && rank <= 5 {
			m.R5++
		}
		if rank > 0 && rank <= 10 {
			m.MRR10 += 1 / float64(rank)
		}
		if rank != 1 {
			got := ""
			if len(hits) > 0 {
				got = hits[0].Clause.Key()
			}
			m.Misses = append(m.Misses, Miss{Q: g.Q, Rank: rank, Got: got})
		}
	}
	if m.Questions > 0 {
		ms := make([]float64, len(lat))
		for i, d := range lat {
			ms[i] = float64(d.Microseconds()) / 1000
		}
		slices.Sort(ms)
		m.P50ms, m.P95ms = Percentile(ms, 0.50), Percentile(ms, 0.95)
		n := float64(m.Questions)
		m.R1 /= n
		m.R3 /= n
		m.R5 /= n
		m.MRR10 /= n
	}
	return m, nil
}

// Percentile is the nearest-rank q-quantile (0 < q ≤ 1) of sorted, which is
// in ascending order: its ⌈q·n⌉-th smallest value. It is 0 for no values.
func Percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// The small tolerance keeps q·n that should be whole (0.95·300) from
	// rounding up past it.
	r := int(math.Ceil(q*float64(n) - 1e-9))
	return sorted[min(max(r, 1), n)-1]
}
