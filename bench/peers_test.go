package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/qabot/qabot/retrieval"
)

// TestPeers runs both peers over qabot's own bench test documents.
func TestPeers(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join("..", "cmd", "qabot", "testdata", "bench")
	c, err := LoadCorpus(ctx, filepath.Join(dir, "docs"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Docs) != 2 || len(c.Clauses) < 10 {
		t.Fatalf("got %d documents, %d clauses; want the 2 test laws", len(c.Docs), len(c.Clauses))
	}
	f, err := os.Open(filepath.Join(dir, "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	gold, err := retrieval.ReadGold(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	ch, err := BuildChromem(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "chromem.gob")
	if err := ch.Export(path); err != nil {
		t.Fatal(err)
	}
	reopened, err := OpenChromem(path)
	if err != nil {
		t.Fatal(err)
	}
	bl, err := BuildBleve(c)
	if err != nil {
		t.Fatal(err)
	}
	defer bl.Close()
	for name, s := range map[string]Searcher{"chromem": reopened, "bleve": bl} {
		t.Run(name, func(t *testing.T) {
			keys, err := s.Search(ctx, "反制清单", 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 3 {
				t.Fatalf("got %d keys, want 3", len(keys))
			}
			for _, k := range keys {
				if _, ok := c.Clause(k); !ok {
					t.Errorf("key %q is not a clause", k)
				}
			}
			if _, err := TimeQueries(ctx, s, Questions(c, nil)); err != nil {
				t.Fatal(err)
			}
			r, err := Evaluate(ctx, s, c, gold)
			if err != nil {
				t.Fatal(err)
			}
			if r.R5 < r.R1 || r.MRR10 > 1 {
				t.Errorf("recall %+v is not consistent", r)
			}
		})
	}
}
