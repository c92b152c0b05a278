package retrieval

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/topk"
)

// BM25 parameters. k1 is the usual default; b is lower than the usual 0.75
// because long clauses (a preamble listing every minister) are often the
// answer (seed-dev recall@1 0.93 → 0.96, CMRC unchanged); contextWeight is how much
// a term of the clause's document title or heading counts against a term of
// its own text: enough to tell "数据安全法 第二十一条" from the same words in
// another law, little enough not to drown the text.
const (
	bm25K1        = 1.2
	bm25B         = 0.3
	contextWeight = 0.4
)

type posting struct {
	clause int32
	tf     float32
}

// Lexical is a BM25 index over the clauses of a snapshot: CJK characters and
// character pairs, and Latin words (see index.Terms). Character n-grams need
// no dictionary, cost nothing at start-up and match the bigram-BM25 reference
// figures; see the README for the numbers against a segmenter.
type Lexical struct {
	clauses  []*index.Clause
	ord      map[string]int32 // clause key → ordinal
	docOf    []int32          // document ordinal of each clause
	docs     []string
	postings [postingShards]map[uint64][]posting // by term % postingShards
	length   []float32
	avgLen   float32
	scratch  sync.Pool // *lexScratch: a query's score accumulators, reused
}

// lexScratch is one query's working memory: a score per clause (all zero
// between queries) and the clauses scored.
type lexScratch struct {
	acc     []float64
	touched []int32
}

// postingShards is how many maps the postings are split into, by term, so
// that NewLexical fills them on all cores; a power of two.
const postingShards = 16

// lexBlock is how many clauses NewLexical counts the terms of at once.
const lexBlock = 4096

// termTF is one distinct term of a clause with its weighted frequency.
type termTF struct {
	key uint64
	tf  float32
}

// NewLexical indexes every clause of snap. It runs on all cores: the
// clauses' terms are counted in parallel, then each core fills the postings
// of its share of the terms, scanning the clauses in order so that every
// posting list stays in clause order. (Single-threaded, with a map per
// clause, this was most of qabot's cold start over cn-laws: 1.45 s.)
func NewLexical(snap *index.Snapshot) *Lexical {
	lx := &Lexical{ord: make(map[string]int32)}
	var titles []string
	for di := range snap.Docs {
		d := &snap.Docs[di]
		lx.docs = append(lx.docs, d.ID)
		titles = append(titles, ShortTitle(d.Title))
		for ci := range d.Clauses {
			c := &d.Clauses[ci]
			lx.ord[c.Key()] = int32(len(lx.clauses))
			lx.clauses = append(lx.clauses, c)
			lx.docOf = append(lx.docOf, int32(di))
		}
	}
	n := len(lx.clauses)
	lx.length = make([]float32, n)
	workers := max(1, min(runtime.GOMAXPROCS(0), n/1024))
	fillers := min(workers, postingShards)
	var shards [postingShards]map[uint64][]posting
	for sh := range shards {
		shards[sh] = make(map[uint64][]posting)
	}
	// Blocks of clauses bound the memory the term lists take at once.
	terms := make([][]termTF, min(n, lexBlock))
	for lo := 0; lo < n; lo += lexBlock {
		hi := min(lo+lexBlock, n)
		parallel(workers, func(w int) {
			var text, context []uint64
			var buf []termTF
			for i := lo + w*(hi-lo)/workers; i < lo+(w+1)*(hi-lo)/workers; i++ {
				c := lx.clauses[i]
				text, context = text[:0], context[:0]
				index.Terms(c.Text, func(k uint64) { text = append(text, k) })
				index.Terms(titles[lx.docOf[i]]+" "+c.Heading, func(k uint64) { context = append(context, k) })
				lx.length[i] = float32(len(text))
				buf = countTerms(buf[:0], text, context)
				terms[i-lo] = slices.Clone(buf)
			}
		})
		parallel(fillers, func(w int) {
			for i, ts := range terms[:hi-lo] {
				for _, t := range ts {
					if sh := t.key % postingShards; int(sh)%fillers == w {
						shards[sh][t.key] = append(shards[sh][t.key], posting{clause: int32(lo + i), tf: t.tf})
					}
				}
			}
		})
	}
	lx.postings = shards
	var total float64
	for _, l := range lx.length {
		total += float64(l)
	}
	if n > 0 {
		lx.avgLen = float32(total / float64(n))
	}
	return lx
}

// countTerms appends to out the distinct terms of a clause's text and
// context with their weighted counts. It sorts both lists in place. A term's weight
// is summed as a map would sum it: its text occurrences first, then
// contextWeight per context occurrence, so the float32 results are the
// same.
func countTerms(out []termTF, text, context []uint64) []termTF {
	slices.Sort(text)
	slices.Sort(context)
	i, j := 0, 0
	for i < len(text) || j < len(context) {
		var k uint64
		switch {
		case j == len(context) || (i < len(text) && text[i] <= context[j]):
			k = text[i]
		default:
			k = context[j]
		}
		var tf float32
		for ; i < len(text) && text[i] == k; i++ {
			tf++
		}
		for ; j < len(context) && context[j] == k; j++ {
			tf += contextWeight
		}
		out = append(out, termTF{k, tf})
	}
	return out
}

// parallel runs f(0) … f(n-1) at once and waits for them.
func parallel(n int, f func(w int)) {
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w)
		}()
	}
	wg.Wait()
}

// postingsOf returns term t's postings, in clause order.
func (lx *Lexical) postingsOf(t uint64) []posting {
	return lx.postings[t%postingShards][t]
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
		ps := lx.postingsOf(t)
		if len(ps) == 0 {
			continue
		}
		w := lx.idf(len(ps)) * termWeight(t)
		for _, p := range ps {
			norm := bm25K1 * (1 - bm25B + bm25B*float64(lx.length[p.clause])/float64(lx.avgLen))
			tf := float64(p.tf)
			if acc[p.clause] == 0 {
				touched = append(touched, p.clause)
			}
			acc[p.clause] += w * tf * (bm25K1 + 1) / (tf + norm)
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
func ShortTitle(title string) string {
	t := strings.TrimPrefix(strings.TrimSpace(title), "中华人民共和国")
	if t == "" {
		return title
	}
	return t
}
