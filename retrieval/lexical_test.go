package retrieval

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/testcorpus"
)

// TestNewLexical_matchesMapBuild checks the parallel, blockwise build
// (the synthetic corpus spans two blocks) against the straightforward one:
// a term-frequency map per clause, postings appended in clause order.
func TestNewLexical_matchesMapBuild(t *testing.T) {
	t.Run("statement", func(t *testing.T) { checkLexical(t, mustSeedEngine(t).Snapshot()) })
	t.Run("synthetic", func(t *testing.T) { checkLexical(t, syntheticEngine(t, 5000).Snapshot()) })
}

type posting = index.Posting

func checkLexical(t *testing.T, snap *index.Snapshot) {
	lx := NewLexical(snap)
	want := map[uint64][]posting{}
	var lengths []float32
	for _, d := range snap.Docs {
		title := ShortTitle(d.Title)
		for _, c := range d.Clauses {
			id := int32(len(lengths))
			tf := map[uint64]float32{}
			n := 0
			index.Terms(c.Text, func(k uint64) { tf[k]++; n++ })
			index.Terms(title+" "+c.Heading, func(k uint64) { tf[k] += contextWeight })
			for k, f := range tf {
				want[k] = append(want[k], posting{Clause: id, TF: f})
			}
			lengths = append(lengths, float32(n))
		}
	}
	if !slices.Equal(lx.post.Lengths(), lengths) {
		t.Errorf("lengths differ")
	}
	if got := lx.post.NumTerms(); got != len(want) {
		t.Errorf("got %d terms, want %d", got, len(want))
	}
	for k, ps := range want {
		if got := lx.post.Lookup(k); !slices.Equal(got, ps) {
			t.Fatalf("postings of %x: got %v, want %v", k, got, ps)
		}
	}
}

// refLexical is BM25 as it was scored before the postings were laid out
// flat: a map of posting lists, each clause's length normalisation worked
// out per posting. Search must rank and score exactly as it does.
type refLexical struct {
	n        int
	postings map[uint64][]posting
	length   []float32
	avgLen   float32
	docOf    []int32
}

func newRefLexical(snap *index.Snapshot) *refLexical {
	r := &refLexical{postings: map[uint64][]posting{}}
	for di, d := range snap.Docs {
		title := ShortTitle(d.Title)
		for _, c := range d.Clauses {
			id := int32(r.n)
			r.n++
			tf := map[uint64]float32{}
			n := 0
			index.Terms(c.Text, func(k uint64) { tf[k]++; n++ })
			index.Terms(title+" "+c.Heading, func(k uint64) { tf[k] += contextWeight })
			for k, f := range tf {
				r.postings[k] = append(r.postings[k], posting{Clause: id, TF: f})
			}
			r.length = append(r.length, float32(n))
			r.docOf = append(r.docOf, int32(di))
		}
	}
	var total float64
	for _, l := range r.length {
		total += float64(l)
	}
	r.avgLen = float32(total / float64(r.n))
	return r
}

func (r *refLexical) search(q string, k int, boost []float64) []lexHit {
	acc := make([]float64, r.n)
	seen := make([]bool, r.n)
	var order []int32
	for _, t := range queryTerms(q) {
		ps := r.postings[t]
		if len(ps) == 0 {
			continue
		}
		n := float64(r.n)
		w := math.Log(1+(n-float64(len(ps))+0.5)/(float64(len(ps))+0.5)) * termWeight(t)
		for _, p := range ps {
			norm := bm25K1 * (1 - bm25B + bm25B*float64(r.length[p.Clause])/float64(r.avgLen))
			tf := float64(p.TF)
			if !seen[p.Clause] {
				seen[p.Clause] = true
				order = append(order, p.Clause)
			}
			acc[p.Clause] += w * tf * (bm25K1 + 1) / (tf + norm)
		}
	}
	var out []lexHit
	for _, c := range order {
		s := acc[c]
		if boost != nil {
			s *= 1 + boost[r.docOf[c]]
		}
		out = append(out, lexHit{c, s})
	}
	slices.SortFunc(out, func(a, b lexHit) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return int(a.clause - b.clause)
	})
	return out[:min(k, len(out))]
}

// TestLexical_Search_matchesReference checks rankings and scores, to the
// last bit, against the reference over the statement (dev and sampled
// questions) and, when the corpora are there (internal/testcorpus), CMRC and a sample of cn-laws.
func TestLexical_Search_matchesReference(t *testing.T) {
	check := func(t *testing.T, e *Engine, qs []string) {
		st := e.cur.Load()
		ref := newRefLexical(st.snap)
		for _, q := range qs {
			boost, _ := st.docBoost(q)
			lq := expandQuery(stripQuestionWords(q))
			got, want := st.lex.Search(lq, candidates, boost), ref.search(lq, candidates, boost)
			if !slices.Equal(got, want) {
				t.Fatalf("%q: got %v\nwant %v", q, got, want)
			}
		}
		t.Logf("%d questions ranked alike", len(qs))
	}
	gold := func(path string) []string {
		var qs []string
		if _, err := os.Stat(path); err == nil {
			for _, g := range mustGold(t, path, nil) {
				qs = append(qs, g.Q)
			}
		}
		return qs
	}
	t.Run("statement", func(t *testing.T) {
		e := mustSeedEngine(t)
		qs := append(gold(filepath.Join(testcorpus.Dir(), "eval", "seed-dev.jsonl")), SampleQuestions(e.Snapshot().Docs, 200)...)
		check(t, e, append(qs, gold("testdata/seed-questions.jsonl")...))
	})
	t.Run("cmrc", func(t *testing.T) {
		dir := filepath.Join(testcorpus.Dir(), "corpus", "cmrc2018-trial")
		if _, err := os.Stat(dir); err != nil {
			t.Skipf("corpus/cmrc2018-trial not found (%v): set QABOT_CORPORA to the corpora folder (README)", err)
		}
		e, _ := engineFor(t, index.LocalEmbedder(), filepath.Join(dir, "docs"), nil)
		check(t, e, gold(filepath.Join(dir, "questions.jsonl")))
	})
	t.Run("cn-laws", func(t *testing.T) {
		if testing.Short() {
			t.Skip("indexes the whole cn-laws corpus; skipped with -short")
		}
		e := lawsEngine(t)
		qs := append(gold(filepath.Join(testcorpus.Dir(), "eval", "laws-dev.jsonl")), SampleQuestions(e.Snapshot().Docs, 100)...)
		check(t, e, qs)
	})
}
