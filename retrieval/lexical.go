package retrieval

import (
	"math"
	"sync"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/topk"
)

// BM25 parameters. k1 is the usual default; b is lower than the usual 0.75
// because long clauses (a preamble listing every minister) are often the
// answer (seed-dev recall@1 0.93 → 0.96, CMRC unchanged). contextWeight,
// how much a term of the clause's document title or heading counts against
// a term of its own text, is index.ContextWeight: the index's postings hold
// the weighted frequencies.
const (
	bm25K1        = 1.2
	bm25B         = 0.3
	contextWeight = index.ContextWeight
)

// Lexical is a BM25 index over the clauses of a snapshot: CJK characters and
// character pairs, and Latin words (see index.Terms). Character n-grams need
// no dictionary, cost nothing at start-up and match the bigram-BM25 reference
// figures; see the README for the numbers against a segmenter. The postings
// themselves are an index.Postings; Lexical scores them.
type Lexical struct {
	snap    *index.Snapshot
	clauses []*index.Clause // by ordinal (index.Snapshot.Ordinal)
	docOf   []int32         // document ordinal of each clause
	docs    []string
	post    *index.Postings
	norm    []float64 // per clause: BM25's length normalisation, k1·(1 - b + b·length/average)
	scratch sync.Pool // *lexScratch: a query's score accumulators, reused
}

// lexScratch is one query's working memory: a score per clause (all zero
// between queries) and the clauses scored.
type lexScratch struct {
	acc     []float64
	touched []int32
}

// NewLexical is the BM25 index over every clause of snap: the postings
// saved with it, or built on all cores (see index.BuildPostings).
func NewLexical(snap *index.Snapshot) *Lexical {
	lx := &Lexical{snap: snap}
	for di := range snap.Docs {
		d := &snap.Docs[di]
		lx.docs = append(lx.docs, d.ID)
		for ci := range d.Clauses {
			lx.clauses = append(lx.clauses, &d.Clauses[ci])
			lx.docOf = append(lx.docOf, int32(di))
		}
	}
	lx.setPostings(snap.Postings())
	return lx
}

// ordOf returns clause c's ordinal.
func (lx *Lexical) ordOf(c *index.Clause) (int32, bool) {
	o, ok := lx.snap.Ordinal(c.Key())
	return int32(o), ok
}

// setPostings makes p the index's postings and works out each clause's
// length normalisation from them.
func (lx *Lexical) setPostings(p *index.Postings) {
	lx.post = p
	lengths := p.Lengths()
	var total float64
	for _, l := range lengths {
		total += float64(l)
	}
	var avg float32
	if len(lengths) > 0 {
		avg = float32(total / float64(len(lengths)))
	}
	lx.norm = make([]float64, len(lengths))
	for i, l := range lengths {
		lx.norm[i] = bm25K1 * (1 - bm25B + bm25B*float64(l)/float64(avg))
	}
}

// postingsOf returns term t's postings, in clause order.
func (lx *Lexical) postingsOf(t uint64) []index.Posting {
	return lx.post.Lookup(t)
}

// idf is BM25's inverse document frequency, never negative.
func (lx *Lexical) idf(df int) float64 {
	n := float64(len(lx.clauses))
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// queryTerms returns the distinct terms of q.
func queryTerms(q string) []uint64 {
	seen := map[uint64]bool{}
	var out []uint64
	index.Terms(q, func(k uint64) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	})
	return out
}

// lexHit is a clause ordinal with its BM25 score.
type lexHit struct {
	clause int32
	score  float64
}

// Search returns the k best clauses for q, best first. boost, if not nil,
// multiplies the scores of each document's clauses by 1 + boost[document
// ordinal].
func (lx *Lexical) Search(q string, k int, boost []float64) []lexHit {
	if len(lx.clauses) == 0 || k <= 0 {
		return nil
	}
	k = min(k, len(lx.clauses))
	sc, _ := lx.scratch.Get().(*lexScratch)
	if sc == nil || len(sc.acc) != len(lx.clauses) {
		sc = &lexScratch{acc: make([]float64, len(lx.clauses))}
	}
	defer func() {
		for _, c := range sc.touched {
			sc.acc[c] = 0
		}
		sc.touched = sc.touched[:0]
		lx.scratch.Put(sc)
	}()
	acc, touched := sc.acc, sc.touched
	for _, t := range queryTerms(q) {
		ps := lx.post.Lookup(t)
		if len(ps) == 0 {
			continue
		}
		w := lx.idf(len(ps)) * termWeight(t)
		for _, p := range ps {
			tf := float64(p.TF)
			if acc[p.Clause] == 0 {
				touched = append(touched, p.Clause)
			}
			acc[p.Clause] += w * tf * (bm25K1 + 1) / (tf + lx.norm[p.Clause])
		}
	}
	sc.touched = touched
	best := topk.New(k, worseHit)
	for _, c := range touched {
		s := acc[c]
		if boost != nil {
			s *= 1 + boost[lx.docOf[c]]
		}
		best.Push(lexHit{c, s})
	}
	return best.Best()
}

// termWeight weighs character pairs above single characters: a pair carries
// a word, a single character mostly grammar.
func termWeight(t uint64) float64 {
	switch index.KindOf(t) {
	case index.Unigram:
		return 0.5
	}
	return 1
}

// worseHit ranks by score, ties to the earlier clause so that results are
// deterministic.
func worseHit(a, b lexHit) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.clause > b.clause
}

// ShortTitle drops the "中华人民共和国" that opens most national laws' titles,
// so that "数据安全法" names the same document its full title does.
func ShortTitle(title string) string { return index.ShortTitle(title) }
