package index

import (
	"context"
	"slices"
	"testing"
)

// TestFlatVectors_matchesChromem checks the flat search against chromem-go's
// own exhaustive query over the same vectors.
func TestFlatVectors_matchesChromem(t *testing.T) {
	snap, _ := mustBuild(t, nil, 10, "丙")
	ctx := context.Background()
	for _, q := range []string{"本条例第七条规定了丙事项", "事项905", "总则"} {
		vec := mustEmbed(t, q)
		got, err := snap.Nearest(ctx, vec, 10)
		if err != nil {
			t.Fatal(err)
		}
		want, err := snap.coll.QueryEmbedding(ctx, vec, 10, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d results, chromem-go %d", q, len(got), len(want))
		}
		for i := range got {
			if d := got[i].Score - want[i].Similarity; d > 1e-5 || d < -1e-5 {
				t.Errorf("%q rank %d: score %.6f (%s), chromem-go %.6f (%s)", q, i+1, got[i].Score, got[i].Key, want[i].Similarity, want[i].ID)
			}
		}
	}
}

func BenchmarkSnapshot_Nearest(b *testing.B) {
	snap, _ := mustBuild(b, nil, 200, "丁") // 4,000 clauses
	vec := mustEmbed(b, "本条例第七条规定了丁事项")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := snap.Nearest(ctx, vec, 10); err != nil {
			b.Fatal(err)
		}
	}
}

// NearestAmong ranks the given ordinals as Nearest ranks all of them, and
// skips ordinals that name no clause.
func TestSnapshot_NearestAmong(t *testing.T) {
	snap, _ := mustBuild(t, nil, 10, "丙")
	ctx := context.Background()
	vec := mustEmbed(t, "本条例第七条规定了丙事项")
	n := snap.NumClauses()
	all := make([]int32, 0, n)
	for i := n - 1; i >= 0; i-- { // in any order
		all = append(all, int32(i))
	}
	want, err := snap.Nearest(ctx, vec, 10)
	if err != nil {
		t.Fatal(err)
	}
	got, err := snap.NearestAmong(ctx, vec, append(all, -1, int32(n)), 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("over every ordinal: %v\nNearest: %v", got, want)
	}
	// Over every other ordinal: Nearest's ranking with the others left out.
	var some []int32
	keep := map[string]bool{}
	row := 0
	for _, d := range snap.Docs {
		for _, c := range d.Clauses {
			if row%2 == 0 {
				some = append(some, int32(row))
				keep[c.Key()] = true
			}
			row++
		}
	}
	full, _ := snap.Nearest(ctx, vec, n)
	want = want[:0]
	for _, s := range full {
		if keep[s.Key] && len(want) < 5 {
			want = append(want, s)
		}
	}
	got, _ = snap.NearestAmong(ctx, vec, some, 5)
	if !slices.Equal(got, want) {
		t.Errorf("over even ordinals: %v\nwant %v", got, want)
	}
	if got, _ := snap.NearestAmong(ctx, vec, nil, 5); len(got) != 0 {
		t.Errorf("over no ordinals: %v", got)
	}
}
