package topk

import (
	"math/rand/v2"
	"slices"
	"testing"
)

type item struct {
	pos   int
	score float64
}

// worse ranks by score, ties to the earlier position.
func worse(a, b item) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.pos > b.pos
}

func TestKeeper_matchesASort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n, k := r.IntN(60), r.IntN(12)
		items := make([]item, n)
		for i := range items {
			items[i] = item{i, float64(r.IntN(8))} // many ties
		}
		p := New(k, worse)
		for _, it := range items {
			p.Push(it)
		}
		got := p.Best()
		want := slices.Clone(items)
		slices.SortFunc(want, func(a, b item) int {
			if worse(a, b) {
				return 1
			}
			if worse(b, a) {
				return -1
			}
			return 0
		})
		want = want[:min(k, n)]
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d (n %d, k %d): got %v, want %v", trial, n, k, got, want)
		}
		if len(p.Items()) != 0 {
			t.Fatal("Best left items behind")
		}
	}
}

func TestKeeper_mergesKeepers(t *testing.T) {
	a, b, all := New(3, worse), New(3, worse), New(3, worse)
	for i, s := range []float64{5, 1, 9, 7, 3, 9, 2, 8} {
		if i%2 == 0 {
			a.Push(item{i, s})
		} else {
			b.Push(item{i, s})
		}
	}
	for _, it := range append(a.Items(), b.Items()...) {
		all.Push(it)
	}
	if got := all.Best(); !slices.Equal(got, []item{{2, 9}, {5, 9}, {7, 8}}) {
		t.Errorf("merged %v", got)
	}
}
