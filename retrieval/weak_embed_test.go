package retrieval

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/testcorpus"
	"github.com/qabot/qabot/seeds"
)

// weakEmbedder stands for a model that knows nothing of Chinese: its
// vectors are a shared direction plus noise seeded by the text, not
// normalised (the engine must normalise the question's).
func weakEmbedder(dims int) index.Embedder {
	return index.Embedder{EmbedderID: index.EmbedderID{Provider: "weak", Model: "noise", Dims: dims}, Embed: func(ctx context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		for i, t := range texts {
			h := fnv.New64a()
			h.Write([]byte(t))
			r := rand.New(rand.NewPCG(h.Sum64(), 1))
			v := make([]float32, dims)
			for j := range v {
				v[j] = 3 * float32(r.NormFloat64())
			}
			v[0] += 40
			out[i] = v
		}
		return out, nil
	}}
}

// An embedding model that is weak on Chinese cannot make results worse than
// lexical retrieval alone: BM25 stays in the fusion.
func TestEngine_weakEmbedderKeepsLexicalRecall(t *testing.T) {
	path := filepath.Join(testcorpus.Dir(), "eval", "seed-dev.jsonl")
	if _, err := os.Stat(path); err != nil {
		path = "testdata/seed-questions.jsonl"
	}
	gold := mustGold(t, path, func(c GoldCase) bool { return index.HasCJK(c.Q) })
	lexical := NewEngine(mustSeedEngine(t).Snapshot(), index.Embedder{}) // no dense side
	base, err := lexical.Evaluate(context.Background(), gold, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, dims := range []int{64, 1024} {
		weak, _ := engineFor(t, weakEmbedder(dims), "", seeds.FS)
		m, err := weak.Evaluate(context.Background(), gold, 10)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d questions, weak %d-d embedder: recall@1 %.3f recall@3 %.3f; lexical alone %.3f %.3f", m.Questions, dims, m.R1, m.R3, base.R1, base.R3)
		if m.R1 < base.R1 || m.R3 < base.R3 {
			t.Errorf("weak %d-d embedder: recall@1 %.3f, recall@3 %.3f; lexical alone %.3f, %.3f", dims, m.R1, m.R3, base.R1, base.R3)
		}
	}
}

// The same on CMRC, where the lexical side is strongest: a weak dense side
// may break ties but not lose questions lexical retrieval gets right.
func TestEngine_weakEmbedderKeepsLexicalRecall_cmrc(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(), "corpus", "cmrc2018-trial")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus/cmrc2018-trial not found (%v): set QABOT_CORPORA to the corpora folder (README)", err)
	}
	gold := mustGold(t, filepath.Join(dir, "questions.jsonl"), nil)
	weak, _ := engineFor(t, weakEmbedder(256), filepath.Join(dir, "docs"), nil)
	base, err := NewEngine(weak.Snapshot(), index.Embedder{}).Evaluate(context.Background(), gold, 10)
	if err != nil {
		t.Fatal(err)
	}
	m, err := weak.Evaluate(context.Background(), gold, 10)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("CMRC, weak 256-d embedder: recall@1 %.3f recall@5 %.3f; lexical alone %.3f %.3f", m.R1, m.R5, base.R1, base.R5)
	if m.R1 < base.R1-0.005 || m.R5 < base.R5-0.005 {
		t.Errorf("weak embedder: recall@1 %.3f, recall@5 %.3f; lexical alone %.3f, %.3f", m.R1, m.R5, base.R1, base.R5)
	}
}
