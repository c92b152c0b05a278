package llm

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/seeds"
)

func TestManager_switchingEmbedModelRebuildsAndAFailedRebuildKeepsTheOldIndex(t *testing.T) {
	good := newEmbedServer(t, &fakeEmbeddings{})
	broken := &fakeEmbeddings{fail: func(n int, w http.ResponseWriter) bool {
		http.Error(w, `{"error":{"message":"model not loaded"}}`, http.StatusInternalServerError)
		return true
	}}
	failing := newEmbedServer(t, broken)
	dir := t.TempDir()
	open := func(url, model string) (*index.Snapshot, string, error) {
		cfg := fastConfig(url)
		cfg.Model, cfg.Retries = model, 1
		emb, err := NewEmbedder(context.Background(), EmbedConfig{Config: cfg, Dims: 3, BatchSize: 16})
		if err != nil {
			t.Fatal(err)
		}
		m := &index.Manager{Store: index.NewStore(dir), Seeds: seeds.FS, Options: index.BuildOptions{Embedder: emb, BatchSize: 16}}
		return m.Open(context.Background())
	}
	snapA, why, err := open(good.URL, "model-a")
	if err != nil || why != "no index yet" {
		t.Fatalf("first open: %q, %v", why, err)
	}
	idA := snapA.Embedder
	if !strings.HasSuffix(idA, "/model-a/3") {
		t.Errorf("embedder id %q", idA)
	}

	// Model B through an endpoint that fails: the rebuild fails, the old
	// index stays on disk.
	if _, why, err := open(failing.URL, "model-b"); err == nil || !strings.Contains(why, "built by embedder "+idA) ||
		!strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("failing rebuild: %q, %v; want an error naming HTTP 500", why, err)
	}
	if broken.requests.Load() == 0 {
		t.Error("the failing endpoint was never asked")
	}
	kept, err := index.NewStore(dir).Load(context.Background())
	if err != nil || kept.Embedder != idA || kept.NumClauses() != snapA.NumClauses() {
		t.Fatalf("after the failed rebuild the store holds %v (%v), want the model-a index", kept, err)
	}
	if _, why, err := open(good.URL, "model-a"); err != nil || why != "" {
		t.Errorf("reopening with model-a: %q, %v; want the kept index, no rebuild", why, err)
	}

	// Model B through a working endpoint: rebuilt.
	snapB, why, err := open(good.URL, "model-b")
	if err != nil || !strings.Contains(why, "built by embedder "+idA) || !strings.HasSuffix(snapB.Embedder, "/model-b/3") {
		t.Errorf("switch to model-b: %q, %v, embedder %q", why, err, snapB.Embedder)
	}
}
