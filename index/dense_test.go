package index

import (
	"context"
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
