package bench

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	chromem "github.com/philippgille/chromem-go"
	"github.com/qabot/qabot/index"
)

// Chromem is chromem-go used as a Go developer would: one collection of the
// clause vectors, searched with its own exhaustive QueryEmbedding.
type Chromem struct {
	db   *chromem.DB
	coll *chromem.Collection
	emb  index.Embedder
}

// noEmbed keeps chromem-go from falling back to OpenAI: vectors are always
// passed in.
func noEmbed(context.Context, string) ([]float32, error) {
	return nil, errors.New("bench: vectors are computed before they reach chromem-go")
}

// BuildChromem embeds the corpus with the local embedder and adds the
// vectors to a new in-memory collection.
func BuildChromem(ctx context.Context, c *Corpus) (*Chromem, error) {
	vecs, err := c.Embed(ctx)
	if err != nil {
		return nil, err
	}
	db := chromem.NewDB()
	coll, err := db.CreateCollection("clauses", nil, noEmbed)
	if err != nil {
		return nil, fmt.Errorf("chromem: %w", err)
	}
	ids := make([]string, len(c.Clauses))
	for i, cl := range c.Clauses {
		ids[i] = cl.Key()
	}
	if err := coll.AddConcurrently(ctx, ids, vecs, nil, nil, runtime.GOMAXPROCS(0)); err != nil {
		return nil, fmt.Errorf("chromem: %w", err)
	}
	return &Chromem{db: db, coll: coll, emb: index.LocalEmbedder()}, nil
}

// Export writes the database to a gob file, chromem-go's own persisted form.
func (ch *Chromem) Export(path string) error {
	if err := ch.db.ExportToFile(path, false, ""); err != nil {
		return fmt.Errorf("chromem: %w", err)
	}
	return nil
}

// OpenChromem imports a database Export wrote: chromem-go's cold start.
func OpenChromem(path string) (*Chromem, error) {
	db := chromem.NewDB()
	if err := db.ImportFromFile(path, ""); err != nil {
		return nil, fmt.Errorf("chromem: %w", err)
	}
	coll := db.GetCollection("clauses", noEmbed)
	if coll == nil {
		return nil, errors.New("chromem: no clauses collection")
	}
	return &Chromem{db: db, coll: coll, emb: index.LocalEmbedder()}, nil
}

// Search embeds q and returns the keys of the k nearest clauses.
func (ch *Chromem) Search(ctx context.Context, q string, k int) ([]string, error) {
	vecs, err := ch.emb.Embed(ctx, []string{q})
	if err != nil {
		return nil, err
	}
	res, err := ch.coll.QueryEmbedding(ctx, vecs[0], min(k, ch.coll.Count()), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("chromem: %w", err)
	}
	keys := make([]string, len(res))
	for i, r := range res {
		keys[i] = r.ID
	}
	return keys, nil
}
