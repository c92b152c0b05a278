package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// countingEmbedder stands in for a paid endpoint: the local embedder's
// vectors under another identity, counting the texts it embeds.
func countingEmbedder(model string, texts *atomic.Int64) Embedder {
	local := LocalEmbedder()
	return Embedder{EmbedderID: EmbedderID{Provider: "openai", Host: "embed.example", Model: model, Dims: local.Dims},
		Embed: func(ctx context.Context, in []string) ([][]float32, error) {
			texts.Add(int64(len(in)))
			return local.Embed(ctx, in)
		}}
}

// TestManager_readersNeverRebuildForAnotherEmbedder: an index built through
// an endpoint is opened as it is by a reader configured with another
// embedder (or none): nothing is embedded, nothing is written, and a later
// reader with the endpoint finds its vectors intact. Only Sync rebuilds.
func TestManager_readersNeverRebuildForAnotherEmbedder(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	write(t, filepath.Join(docs, "a.md"), lawA)
	write(t, filepath.Join(docs, "b.md"), strings.ReplaceAll(lawA, "甲", "乙"))
	ctx := context.Background()
	var paid atomic.Int64
	endpoint := countingEmbedder("model-a", &paid)
	manager := func(emb Embedder) *Manager {
		return &Manager{Store: NewStore(filepath.Join(dir, "index")), DocsDir: docs, Options: BuildOptions{Embedder: emb}}
	}
	_, rep, err := manager(endpoint).Sync(ctx, nil)
	if err != nil || paid.Load() != 4 || rep.Clauses.Embedded != 4 {
		t.Fatalf("first sync: %+v, %v, %d texts embedded", rep, err, paid.Load())
	}
	current := func() string {
		b, err := os.ReadFile(filepath.Join(dir, "index", currentFile))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	gen := current()

	// A reader without the endpoint (local) and one with another model.
	var other atomic.Int64
	for _, emb := range []Embedder{LocalEmbedder(), countingEmbedder("model-b", &other)} {
		m := manager(emb)
		snap, rebuilt, err := m.OpenAsIs(ctx)
		if err != nil || rebuilt || snap.Embedder != endpoint.ID() || snap.NumClauses() != 4 {
			t.Fatalf("%s: OpenAsIs = %v, rebuilt %v, %v; want the endpoint's index as it is", emb.ID(), snap, rebuilt, err)
		}
		if _, ok := m.QuestionEmbedder(snap); ok {
			t.Errorf("%s: QuestionEmbedder offers an embedder for %s's vectors", emb.ID(), endpoint.ID())
		}
		// Nothing changed: SyncAsIs (qabot eval) returns the index untouched.
		if got, rep, err := m.SyncAsIs(ctx, nil); err != nil || got.Embedder != endpoint.ID() || rep.Changed() {
			t.Errorf("%s: SyncAsIs without changes = %+v, %v", emb.ID(), rep, err)
		}
	}
	// A document changed: SyncAsIs refuses rather than re-embed.
	write(t, filepath.Join(docs, "a.md"), lawA+"\n第三条 新增。\n")
	var mismatch *EmbedderMismatchError
	if _, _, err := manager(LocalEmbedder()).SyncAsIs(ctx, nil); !errors.As(err, &mismatch) ||
		mismatch.Index != endpoint.ID() || mismatch.Configured != LocalEmbedder().ID() {
		t.Errorf("SyncAsIs after a change: %v, want an *EmbedderMismatchError", err)
	}
	if other.Load() != 0 || current() != gen {
		t.Fatalf("readers embedded %d texts with another model, CURRENT %q → %q; want nothing embedded or written", other.Load(), gen, current())
	}

	// The endpoint again: its vectors were kept, only the changed document's
	// clauses are embedded.
	paid.Store(0)
	m := manager(endpoint)
	snap, rebuilt, err := m.OpenAsIs(ctx)
	if err != nil || rebuilt || paid.Load() != 0 {
		t.Fatalf("reopening with the endpoint: rebuilt %v, %v, %d texts", rebuilt, err, paid.Load())
	}
	if emb, ok := m.QuestionEmbedder(snap); !ok || emb.ID() != endpoint.ID() {
		t.Errorf("QuestionEmbedder = %s, %v; want the endpoint", emb.ID(), ok)
	}
	if _, rep, err := m.Sync(ctx, snap); err != nil || paid.Load() != 1 || rep.Clauses.Kept != 4 {
		t.Errorf("sync with the endpoint: %+v, %v, %d texts embedded; want the one new clause only", rep, err, paid.Load())
	}

	// Only Sync (qabot index, serve) rebuilds for another embedder.
	snap, rep, err = manager(LocalEmbedder()).Sync(ctx, nil)
	if err != nil || snap.Embedder != LocalEmbedder().ID() || rep.Clauses.Embedded != 5 {
		t.Errorf("Sync with the local embedder: %+v, %v, embedder %s; want a rebuild", rep, err, snap.Embedder)
	}
}

// TestManager_localIndexServesAnEndpointReader: an index built by the local
// embedder, opened by a reader configured with an endpoint, is queried
// with the local embedder (always available) and SyncAsIs keeps it local:
// the endpoint is never asked.
func TestManager_localIndexServesAnEndpointReader(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	write(t, filepath.Join(docs, "a.md"), lawA)
	ctx := context.Background()
	st := NewStore(filepath.Join(dir, "index"))
	if _, _, err := (&Manager{Store: st, DocsDir: docs, Options: BuildOptions{Embedder: LocalEmbedder()}}).Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var paid atomic.Int64
	m := &Manager{Store: st, DocsDir: docs, Options: BuildOptions{Embedder: countingEmbedder("model-a", &paid)}}
	snap, rebuilt, err := m.OpenAsIs(ctx)
	if err != nil || rebuilt || snap.Embedder != LocalEmbedder().ID() {
		t.Fatalf("OpenAsIs = %v, %v, %v", snap, rebuilt, err)
	}
	if emb, ok := m.QuestionEmbedder(snap); !ok || emb.ID() != LocalEmbedder().ID() {
		t.Errorf("QuestionEmbedder = %s, %v; want the local embedder", emb.ID(), ok)
	}
	write(t, filepath.Join(docs, "b.md"), strings.ReplaceAll(lawA, "甲", "乙"))
	snap, rep, err := m.SyncAsIs(ctx, nil)
	if err != nil || snap.Embedder != LocalEmbedder().ID() || rep.Documents.Added != 1 || paid.Load() != 0 {
		t.Errorf("SyncAsIs: %+v, %v, embedder %s, %d paid texts; want b added locally", rep, err, snap.Embedder, paid.Load())
	}
}
