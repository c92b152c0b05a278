package retrieval

import (
	"slices"
	"testing"

	"github.com/qabot/qabot/index"
)

// TestNewLexical_matchesMapBuild checks the parallel, blockwise build
// (the synthetic corpus spans two blocks) against the straightforward one:
// a term-frequency map per clause, postings appended in clause order.
func TestNewLexical_matchesMapBuild(t *testing.T) {
	t.Run("statement", func(t *testing.T) { checkLexical(t, mustSeedEngine(t).Snapshot()) })
	t.Run("synthetic", func(t *testing.T) { checkLexical(t, syntheticEngine(t, 5000).Snapshot()) })
}

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
				want[k] = append(want[k], posting{clause: id, tf: f})
			}
			lengths = append(lengths, float32(n))
		}
	}
	if !slices.Equal(lx.length, lengths) {
		t.Errorf("lengths differ")
	}
	got := 0
	for _, sh := range lx.postings {
		got += len(sh)
	}
	if got != len(want) {
		t.Errorf("got %d terms, want %d", got, len(want))
	}
	for k, ps := range want {
		if g := lx.postingsOf(k); !slices.Equal(g, ps) {
			t.Fatalf("postings of %x: got %v, want %v", k, g, ps)
		}
	}
}
