package retrieval

import (
	"context"
	"errors"
	"math"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/clip"
)

// Hit is a retrieved clause with its fused score.
type Hit struct {
	Clause   *index.Clause
	DocTitle string
	Score    float64
	lexical  float64 // BM25 score, 0 when only the dense side found it
}

// state is one snapshot with the lexical index built over it; the engine
// swaps whole states, so a query never sees half of a sync.
type state struct {
	snap   *index.Snapshot
	lex    *Lexical
	titles []string // short title per document ordinal, bracketed parts dropped
	runes  [][]rune // the same titles as runes
	// grams maps every run of nameGram characters of a title to the
	// documents whose title has it, so that docBoost looks only at the
	// titles a question shares a run with.
	grams map[string][]int32
	// version labels the documents that are versions of one law with
	// their year ("" for the others); older marks all but the newest.
	version []string
	older   []bool
	docIdx  map[string]int              // document id → ordinal
	cross   atomic.Pointer[crossCached] // the last English question rendered (crosslang.go)
}

// nameGram is the shortest run of a title's characters that names it
// (see docBoost).
const nameGram = 4

// Engine answers questions over the current snapshot. It is safe for
// concurrent use; Swap replaces the snapshot atomically.
type Engine struct {
	cur      atomic.Pointer[state]
	embedder index.Embedder
	// among is whether the dense side scores only BM25's best
	// denseCandidates clauses: with the local embedder, whose vectors are
	// made of the very terms BM25 indexes (see denseCandidates).
	among bool
}

// NewEngine returns an engine over snap. The embedder must be the one that
// built snap: it embeds the questions for the dense side.
func NewEngine(snap *index.Snapshot, embedder index.Embedder) *Engine {
	e := &Engine{embedder: embedder, among: embedder.ID() == index.LocalEmbedder().ID()}
	e.Swap(snap)
	return e
}

// Swap makes snap the snapshot that queries from now on are answered from;
// queries already running finish on the old one.
func (e *Engine) Swap(snap *index.Snapshot) {
	st := &state{snap: snap, lex: NewLexical(snap), grams: map[string][]int32{}, docIdx: map[string]int{}}
	for i, d := range snap.Docs {
		st.docIdx[d.ID] = i
		t := stripParens(ShortTitle(d.Title))
		st.titles = append(st.titles, t)
		r := []rune(t)
		st.runes = append(st.runes, r)
		for j := 0; j+nameGram <= len(r); j++ {
			g := string(r[j : j+nameGram])
			if l := st.grams[g]; len(l) == 0 || l[len(l)-1] != int32(i) {
				st.grams[g] = append(l, int32(i))
			}
		}
	}
	st.versions()
	e.cur.Store(st)
}

// Snapshot is the snapshot currently served.
func (e *Engine) Snapshot() *index.Snapshot { return e.cur.Load().snap }

// candidates is how many results each side contributes to the fusion.
const candidates = 50

// denseCandidates is how many of BM25's best results the local
// embedder's dense side scores, instead of every clause; a question BM25
// finds nothing for is scanned in full. The local embedder's vectors are
// hashed counts of the terms BM25 indexes, so a clause BM25 ranks below
// its 200 best is one the dense side cannot lift into the top 10 either:
// measured over cn-laws, CMRC and the statement (README), recall is the
// same as with the full scan (2,006 questions drawn from cn-laws: recall@1
// 0.805 full, 0.808 over 200) at a seventh of the cost (hybrid 8 → 1.6 ms).
// Other embedders scan in full: with a noise embedder, the 200 candidates
// lost recall (0.805 → 0.769; the agreement gate opens by chance far more
// often within 200 clauses than within all of them), and a model that
// knows what the words mean finds clauses BM25 does not.
var denseCandidates = 200

// denseWeight is the dense cosine's weight in the fusion: the local
// embedder sees the same characters BM25 does, so it breaks ties rather than
// outvoting BM25 (measured on the dev sets, see the README).
var denseWeight = 0.5

// Mode selects the rankings a search uses.
type Mode int

// The search modes: Search always uses ModeHybrid; the single-sided modes
// exist to measure each side on its own (qabot bench).
const (
	ModeHybrid  Mode = iota // BM25 and dense scores fused
	ModeLexical             // BM25 only, with named documents preferred
	ModeDense               // dense cosine only
)

// String names the mode as qabot bench reports it.
func (m Mode) String() string {
	switch m {
	case ModeLexical:
		return "lexical"
	case ModeDense:
		return "dense"
	}
	return "hybrid"
}

// Search returns the k clauses that best match q, best first: BM25 and dense
// scores fused, with documents that q names preferred.
func (e *Engine) Search(ctx context.Context, q string, k int) ([]Hit, error) {
	return e.SearchMode(ctx, q, k, ModeHybrid)
}

// agreeTop is how many of each side's best results are compared by
// agreement.
const agreeTop = 10

// agreement gives the dense side its weight on a question (1) only when
// its agreeTop best results share at least one clause with BM25's, else 0.
// A dense model that understands the question finds some of what BM25
// finds; one that is weak on the documents' language ranks noise, and then
// it cannot reorder what BM25 got right. When BM25 finds nothing (a
// question in another language) the dense ranking stands alone anyway.
// Measured (README): a noise embedder cost CMRC recall@1 0.981 → 0.972
// without this gate and 0.980 with it; the local embedder's gains on
// laws-dev (0.833 → 0.917) are kept, and CMRC goes 0.979 → 0.981.
func agreement(lex []lexHit, dense []index.Scored, st *state) float64 {
	top := map[string]bool{}
	for _, lh := range lex[:min(len(lex), agreeTop)] {
		top[st.lex.clauses[lh.clause].Key()] = true
	}
	for _, d := range dense[:min(len(dense), agreeTop)] {
		if top[d.Key] {
			return 1
		}
	}
	return 0
}

// EmbedError is a question that could not be embedded (the embedding
// endpoint failed); answers then fall back to lexical retrieval.
type EmbedError struct{ Err error }

func (e *EmbedError) Error() string { return "embed question: " + e.Err.Error() }
func (e *EmbedError) Unwrap() error { return e.Err }

// searchAnswering is Search for answers: when the question cannot be
// embedded, it searches lexically only and says so in notice.
// degraded is the endpoint's error, for the log.
func (e *Engine) searchAnswering(ctx context.Context, q string, k int) (hits []Hit, notice Notice, degraded string, err error) {
	hits, err = e.SearchMode(ctx, q, k, ModeHybrid)
	var ee *EmbedError
	if errors.As(err, &ee) && ctx.Err() == nil {
		hits, err = e.SearchMode(ctx, q, k, ModeLexical)
		notice, degraded = noticeEmbedFailed, oneLine(ee.Err.Error())
	}
	return hits, notice, degraded, err
}

// SearchMode is Search restricted to the rankings mode names. With
// ModeDense a hit's score is its cosine; with ModeLexical its BM25 score
// relative to the best one.
func (e *Engine) SearchMode(ctx context.Context, q string, k int, mode Mode) ([]Hit, error) {
	st := e.cur.Load()
	q = st.inDocumentsScript(q)
	if k <= 0 {
		return nil, nil
	}
	k = min(k, max(st.snap.NumClauses(), 1))
	var lex []lexHit
	lq := q
	lexical := func(n int) []lexHit {
		if cq := st.crossLanguage(q); cq != nil {
			lq = cq.lexical // an English question over Chinese documents, in Chinese
		}
		boost, named := st.docBoost(lq)
		for _, n := range named {
			// The named document is already preferred; its name would otherwise
			// favour the clauses that repeat it over the one that answers.
			lq = strings.ReplaceAll(lq, n, " ")
		}
		return st.lex.Search(expandQuery(stripQuestionWords(lq)), n, boost)
	}
	fuse := max(k, candidates) // how many of each side's results are fused
	var dense []index.Scored
	if mode == ModeLexical || e.embedder.Embed == nil || st.snap.NumClauses() == 0 {
		if mode != ModeDense {
			lex = lexical(fuse)
		}
	} else {
		var err error
		if lex, dense, err = e.bothSides(ctx, st, q, mode, fuse, lexical); err != nil {
			return nil, err
		}
	}
	fused := map[string]*Hit{}
	get := func(c *index.Clause) *Hit {
		h, ok := fused[c.Key()]
		if !ok {
			h = &Hit{Clause: c}
			fused[c.Key()] = h
		}
		return h
	}
	// Score fusion: BM25 relative to the best BM25 score, plus the dense
	// cosine weighted by denseWeight. Reciprocal-rank fusion was measured
	// too: it flattens BM25's confidence, and a weak dense ranking then
	// reorders clear lexical winners (CMRC recall@1 0.81 against 0.98).
	top := 0.0
	if len(lex) > 0 {
		top = lex[0].score
	}
	for _, lh := range lex {
		h := get(st.lex.clauses[lh.clause])
		h.Score += lh.score / top
		h.lexical = lh.score
	}
	w := denseWeight
	switch {
	case mode == ModeDense:
		w = 1
	case len(lex) > 0 && len(dense) > 0 && (index.HasCJK(lq) || !st.hasCJK()):
		// (A question in another language than the documents matches
		// only stray Latin words lexically: the dense side is its
		// retrieval, not a second opinion.)
		w *= agreement(lex, dense, st)
	}
	for _, d := range dense {
		c, ok := st.snap.Clause(d.Key)
		if !ok {
			continue
		}
		get(c).Score += w * float64(d.Score)
	}
	hits := make([]Hit, 0, len(fused))
	vf := st.versionFactors(q)
	for _, h := range fused {
		if i, ok := st.docIdx[h.Clause.Doc]; ok {
			h.DocTitle = st.displayTitle(i)
			if vf != nil {
				h.Score *= vf[i]
			}
		}
		hits = append(hits, *h)
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Clause.Key() < hits[j].Clause.Key()
	})
	if mode != ModeDense {
		deferToReferenced(lq, hits) // the question as BM25 searched it: in Chinese, named documents left out
	}
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits, nil
}

// bothSides runs BM25 (lexical(n) searches the n best) and the dense side
// of a question at once: the question is embedded (an endpoint's round
// trip, or the local embedder) while BM25 searches, and with the full scan
// the scan runs then too. It returns the fuse best results of each side.
func (e *Engine) bothSides(ctx context.Context, st *state, q string, mode Mode, fuse int, lexical func(n int) []lexHit) (lex []lexHit, dense []index.Scored, err error) {
	among := mode == ModeHybrid && e.among && denseCandidates > 0
	var vec []float32
	var derr error
	var panicked any // a panic of the embedder, raised again in the caller
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { panicked = recover() }()
		vecs, err := e.embedder.Embed(ctx, []string{q})
		if err != nil {
			derr = &EmbedError{err}
			return
		}
		if len(vecs) != 1 {
			return
		}
		vec = unit(vecs[0])
		if !among {
			dense, derr = st.snap.Nearest(ctx, vec, fuse)
		}
	}()
	if mode != ModeDense {
		n := fuse
		if among {
			n = max(n, denseCandidates)
		}
		lex = lexical(n)
	}
	<-done
	if panicked != nil {
		panic(panicked)
	}
	if derr != nil {
		return nil, nil, derr
	}
	if among && vec != nil {
		if len(lex) > 0 {
			// Only BM25's best candidates are scored: the dense side
			// reorders what BM25 found rather than searching everything.
			ords := make([]int32, 0, min(len(lex), denseCandidates))
			for _, lh := range lex[:min(len(lex), denseCandidates)] {
				ords = append(ords, lh.clause)
			}
			dense, err = st.snap.NearestAmong(ctx, vec, ords, fuse)
		} else {
			dense, err = st.snap.Nearest(ctx, vec, fuse)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	return lex[:min(len(lex), fuse)], dense, nil
}

// docBoost gives each document a bonus when the question names it: its
// short title ("数据安全法") appears in the question (full bonus), or a run of
// at least nameGram characters covering two thirds of it does ("家庭暴力"
// for 反家庭暴力法: half). It returns nil when the question names no
// document, and the titles named in full. Its cost grows with the
// question's length, not with the number of documents: only titles that
// share a run of nameGram characters with the question are compared.
func (st *state) docBoost(q string) (boost []float64, named []string) {
	qr := []rune(q)
	cand := map[int32]bool{}
	for j := 0; j+nameGram <= len(qr); j++ {
		for _, d := range st.grams[string(qr[j:j+nameGram])] {
			cand[d] = true
		}
	}
	// Titles shorter than nameGram are named only in full.
	for i, r := range st.runes {
		if len(r) >= 3 && len(r) < nameGram && strings.Contains(q, st.titles[i]) {
			cand[int32(i)] = true
		}
	}
	if len(cand) == 0 {
		return nil, nil
	}
	docs := make([]int, 0, len(cand))
	for d := range cand {
		docs = append(docs, int(d))
	}
	sort.Ints(docs)
	var buf []int
	for _, i := range docs {
		r := st.runes[i]
		w := 0.0
		switch n := longestCommonRun(qr, r, &buf); {
		case len(r) >= 3 && n == len(r):
			w = nameBoost
			named = append(named, st.titles[i])
		case n >= nameGram && 3*n >= 2*len(r):
			w = nameBoost / 2
		}
		if w > 0 {
			if boost == nil {
				boost = make([]float64, len(st.titles))
			}
			boost[i] = w
		}
	}
	return boost, named
}

// longestCommonRun is the length of the longest run of characters that a
// and b share; buf is scratch space, reused across calls.
func longestCommonRun(a, b []rune, buf *[]int) int {
	if cap(*buf) < 2*(len(b)+1) {
		*buf = make([]int, 2*(len(b)+1))
	}
	cells := (*buf)[:2*(len(b)+1)]
	clear(cells)
	prev, cur := cells[:len(b)+1], cells[len(b)+1:]
	best := 0
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
				best = max(best, cur[j+1])
			} else {
				cur[j+1] = 0
			}
		}
		prev, cur = cur, prev
	}
	return best
}

// nameBoost raises the BM25 scores of the clauses of a document the
// question names, by that fraction.
const nameBoost = 1.0

// stripParens drops bracketed parts of a title: dates, 试行, 摘要.
func stripParens(t string) string { return strings.TrimSpace(clip.Unbracketed(t, "(（", ")）")) }

// unit returns v scaled to unit length, as the index's vectors are (an
// EmbedFunc need not normalise); a zero vector is returned as it is.
func unit(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 || math.Abs(n-1) < 1e-6 {
		return v
	}
	inv := 1 / math.Sqrt(n)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) * inv)
	}
	return out
}
