package index

import (
	"context"
	"math"
	"testing"
)

func cosine(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestLocalEmbedder(t *testing.T) {
	e := LocalEmbedder()
	texts := []string{
		"各方欢迎中国—中亚天然气管道D线建设",
		"中国—中亚天然气管道D线",
		"各方对互联网分裂的不良后果表示关切",
		"",
		"！！！",
	}
	vecs, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != len(texts) {
		t.Fatalf("got %d vectors for %d texts", len(vecs), len(texts))
	}
	for i, v := range vecs {
		if len(v) != e.Dims {
			t.Fatalf("vector %d has %d dims, want %d", i, len(v), e.Dims)
		}
		var n float64
		for _, x := range v {
			if math.IsNaN(float64(x)) {
				t.Fatalf("vector %d has NaN", i)
			}
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-4 {
			t.Errorf("vector %d (%q) has norm² %.5f, want 1", i, texts[i], n)
		}
	}
	if near, far := cosine(vecs[0], vecs[1]), cosine(vecs[0], vecs[2]); near <= far {
		t.Errorf("similar texts %.3f not closer than unrelated ones %.3f", near, far)
	}
	again, _ := e.Embed(context.Background(), texts[:1])
	for i := range again[0] {
		if again[0][i] != vecs[0][i] {
			t.Fatal("local embedder is not deterministic")
		}
	}
}

func TestLocalEmbedder_canceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LocalEmbedder().Embed(ctx, []string{"x"}); err == nil {
		t.Error("embedding with a canceled context succeeded")
	}
}
