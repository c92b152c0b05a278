package llm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Azure OpenAI: deployments in the path, the API version in the query, the
// key in an api-key header.
func TestEmbedder_azure(t *testing.T) {
	var mu sync.Mutex
	var paths, versions, keys, bearers []string
	f := &fakeEmbeddings{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		versions = append(versions, r.URL.Query().Get("api-version"))
		keys = append(keys, r.Header.Get("api-key"))
		bearers = append(bearers, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.URL.Path != "/openai/deployments/my-bge/embeddings" {
			http.NotFound(w, r)
			return
		}
		r.URL.Path = "/v1/embeddings" // the OpenAI-shaped fake answers the rest
		f.vec = lenVec
		f.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cfg := fastConfig(srv.URL)
	cfg.BaseURL, cfg.Model, cfg.Azure = srv.URL, "my-bge", true
	emb, err := NewEmbedder(context.Background(), EmbedConfig{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	vecs, err := emb.Embed(context.Background(), []string{"甲", "乙乙"})
	if err != nil || len(vecs) != 2 {
		t.Fatalf("embed: %v, %d vectors", err, len(vecs))
	}
	mu.Lock()
	defer mu.Unlock()
	for i := range paths {
		if paths[i] != "/openai/deployments/my-bge/embeddings" || versions[i] != DefaultAzureAPIVersion ||
			keys[i] != testKey || strings.Contains(bearers[i], testKey) {
			t.Errorf("request %d: path %s, api-version %q, api-key %q, authorization %q", i, paths[i], versions[i], keys[i], bearers[i])
		}
	}
	if !strings.Contains(emb.ID(), "my-bge") {
		t.Errorf("embedder id %q does not name the deployment", emb.ID())
	}
}
