// Package topk keeps the k best of a stream of items: the one top-k of
// qabot (BM25 and dense search both rank with it).
package topk

// Keeper keeps the k best items pushed into it. worse(a, b) reports
// whether a ranks below b; it must be a strict order for results to be
// deterministic (break score ties, e.g. by position).
type Keeper[T any] struct {
	k     int
	worse func(a, b T) bool
	h     []T // a heap with the worst kept item first
}

// New returns a keeper of the k best items by worse.
func New[T any](k int, worse func(a, b T) bool) *Keeper[T] {
	return &Keeper[T]{k: max(k, 0), worse: worse, h: make([]T, 0, max(k, 0))}
}

// Push offers x: it is kept while fewer than k are, or when it is better
// than the worst kept, which it then replaces.
func (p *Keeper[T]) Push(x T) {
	switch {
	case len(p.h) < p.k:
		p.h = append(p.h, x)
		p.up(len(p.h) - 1)
	case p.k > 0 && p.worse(p.h[0], x):
		p.h[0] = x
		p.down(0)
	}
}

// Items returns the kept items in no particular order (to push them into
// another keeper).
func (p *Keeper[T]) Items() []T { return p.h }

// Best returns the kept items, best first, and empties the keeper.
func (p *Keeper[T]) Best() []T {
	out := make([]T, len(p.h))
	for i := len(p.h) - 1; i >= 0; i-- {
		out[i] = p.h[0]
		last := len(p.h) - 1
		p.h[0] = p.h[last]
		p.h = p.h[:last]
		p.down(0)
	}
	return out
}

func (p *Keeper[T]) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !p.worse(p.h[i], p.h[parent]) {
			return
		}
		p.h[i], p.h[parent] = p.h[parent], p.h[i]
		i = parent
	}
}

func (p *Keeper[T]) down(i int) {
	n := len(p.h)
	for {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < n && p.worse(p.h[l], p.h[worst]) {
			worst = l
		}
		if r < n && p.worse(p.h[r], p.h[worst]) {
			worst = r
		}
		if worst == i {
			return
		}
		p.h[i], p.h[worst] = p.h[worst], p.h[i]
		i = worst
	}
}
