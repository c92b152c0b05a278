package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/qabot/qabot/index"
)

// Corpus is a documents folder parsed exactly as qabot parses it, so that
// every peer indexes the same clauses.
type Corpus struct {
	Docs    []index.Document // in qabot's order (by id)
	Clauses []*index.Clause
	byKey   map[string]*index.Clause
}

// LoadCorpus reads, decodes and parses every document of dir on all cores.
// Files that qabot would skip are skipped.
func LoadCorpus(ctx context.Context, dir string) (*Corpus, error) {
	src, err := index.ListSources(dir, nil)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	docs := make([]index.Document, len(src))
	ok := make([]bool, len(src))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				// The files qabot's sync skips are skipped here too.
				if d, _, err := index.LoadDocument(src[i], 0); err == nil {
					docs[i], ok[i] = d, true
				}
			}
		}()
	}
	for i := range src {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	c := &Corpus{byKey: map[string]*index.Clause{}}
	for i := range docs {
		if ok[i] {
			c.Docs = append(c.Docs, docs[i])
		}
	}
	for i := range c.Docs {
		for j := range c.Docs[i].Clauses {
			cl := &c.Docs[i].Clauses[j]
			c.Clauses = append(c.Clauses, cl)
			c.byKey[cl.Key()] = cl
		}
	}
	return c, nil
}

// Clause returns the clause with the given key.
func (c *Corpus) Clause(key string) (*index.Clause, bool) {
	cl, ok := c.byKey[key]
	return cl, ok
}

// Embed embeds every clause with qabot's local embedder, on all cores, as
// qabot's index build does.
func (c *Corpus) Embed(ctx context.Context) ([][]float32, error) {
	emb := index.LocalEmbedder()
	vecs := make([][]float32, len(c.Clauses))
	const batch = 128
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := range next {
				hi := min(lo+batch, len(c.Clauses))
				texts := make([]string, 0, hi-lo)
				for _, cl := range c.Clauses[lo:hi] {
					texts = append(texts, index.EmbedText(*cl))
				}
				out, err := emb.Embed(ctx, texts)
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					continue
				}
				copy(vecs[lo:hi], out)
			}
		}()
	}
	for lo := 0; lo < len(c.Clauses); lo += batch {
		next <- lo
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, fmt.Errorf("embed clauses: %w", first)
	}
	return vecs, nil
}
