package retrieval

import (
	"context"
	"testing"

	"github.com/qabot/qabot/index"
)

// sourced is a question drawn from a clause's own words (as
// SampleQuestions draws them) and that clause's key.
type sourced struct{ q, key string }

// sampleSourced draws about n questions from evenly spaced clauses of docs.
func sampleSourced(docs []index.Document, n int) []sourced {
	total := 0
	for _, d := range docs {
		total += len(d.Clauses)
	}
	step := max(1, total/n)
	var out []sourced
	i := 0
	for di := range docs {
		for ci := range docs[di].Clauses {
			if i%step == step/2 {
				c := &docs[di].Clauses[ci]
				out = append(out, sourced{sampleQuestion(ShortTitle(docs[di].Title), c), c.Key()})
			}
			i++
		}
	}
	return out
}

// fullScan returns an engine over e's snapshot whose dense side scans
// every clause.
func fullScan(e *Engine) *Engine {
	f := &Engine{embedder: e.embedder}
	f.cur.Store(e.cur.Load())
	return f
}

// sourceRecall is how often the clause a question was drawn from is the
// first hit, and among the first 10.
func sourceRecall(t *testing.T, e *Engine, qs []sourced) (r1, r10 float64) {
	for _, s := range qs {
		hits, err := e.Search(context.Background(), s.q, 10)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range hits {
			if h.Clause.Key() == s.key {
				if i == 0 {
					r1++
				}
				r10++
			}
		}
	}
	return r1 / float64(len(qs)), r10 / float64(len(qs))
}

// With the local embedder the dense side scores only BM25's best
// denseCandidates clauses, and finds what the full scan finds: recall of the
// clause a question was drawn from is kept, over the statement and all of
// cn-laws. Other embedders scan in full.
func TestEngine_denseAmongLexicalCandidates(t *testing.T) {
	check := func(t *testing.T, e *Engine, n int) {
		if !e.among {
			t.Fatal("the local embedder's engine scans every clause")
		}
		qs := sampleSourced(e.Snapshot().Docs, n)
		r1, r10 := sourceRecall(t, e, qs)
		f1, f10 := sourceRecall(t, fullScan(e), qs)
		t.Logf("%d questions: recall@1 %.3f, @10 %.3f over %d candidates; %.3f, %.3f scanning all", len(qs), r1, r10, denseCandidates, f1, f10)
		if r1 < f1-0.005 || r10 < f10-0.005 {
			t.Errorf("over %d candidates recall@1 %.3f, @10 %.3f; scanning all %.3f, %.3f", denseCandidates, r1, r10, f1, f10)
		}
	}
	t.Run("statement", func(t *testing.T) { check(t, mustSeedEngine(t), 43) })
	t.Run("cn-laws", func(t *testing.T) {
		if testing.Short() {
			t.Skip("indexes the whole cn-laws corpus; skipped with -short")
		}
		check(t, lawsEngine(t), 1000)
	})
	weak, _ := engineFor(t, weakEmbedder(64), "", nil)
	if weak.among {
		t.Error("an endpoint's embedder is searched over BM25's candidates only")
	}
}
