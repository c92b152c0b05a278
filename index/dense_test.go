package index

import (
	"context"
	"slices"
	"testing"
	"testing/fstest"
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

// A build's flat vectors are, to the bit, what its chromem-go store holds,
// for vectors of unit length (the local embedder's) and for others (an
// endpoint's need not be normalised).
func TestBuild_flatIsTheStore(t *testing.T) {
	scaled := Embedder{EmbedderID: EmbedderID{Provider: "scaled", Model: "x3", Dims: LocalDims}, Embed: func(ctx context.Context, texts []string) ([][]float32, error) {
		vs, err := embedLocal(ctx, texts)
		for _, v := range vs {
			for i := range v {
				v[i] *= 3
			}
		}
		return vs, err
	}}
	for _, emb := range []Embedder{LocalEmbedder(), scaled} {
		src, err := ListSources("", fstest.MapFS{
			"a.md": {Data: []byte("# 甲法\n\n第一条 为了规范甲事项，制定本法。\n\n第二条 甲事项由乙部门负责。\n")},
			"b.md": {Data: []byte("# 乙法\n\n第一条 乙事项适用本法。\n")},
		})
		if err != nil {
			t.Fatal(err)
		}
		snap, _, err := Build(context.Background(), nil, src, BuildOptions{Embedder: emb})
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range snap.flat.keys {
			d, err := snap.coll.GetByID(context.Background(), k)
			if err != nil {
				t.Fatal(err)
			}
			if row := snap.flat.data[i*snap.flat.dims : (i+1)*snap.flat.dims]; !slices.Equal(row, d.Embedding) {
				t.Errorf("%s, %s: the flat row differs from the store's vector", emb.ID(), k)
			}
		}
	}
}
