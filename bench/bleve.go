package bench

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Bleve is bleve v2 as a Go developer would set it up for Chinese text: the
// CJK analyzer (bigrams), BM25 scoring, an in-memory scorch index.
// (bleve.NewMemOnly would fall back to the old upsidedown index and TF-IDF,
// and is far slower.)
type Bleve struct {
	idx bleve.Index
}

// bleveDoc is one clause as bleve indexes it: the same text and context
// qabot's BM25 sees (document title, heading, words), in one field.
type bleveDoc struct {
	Text string `json:"text"`
}

// BuildBleve indexes every clause of c in memory.
func BuildBleve(c *Corpus) (*Bleve, error) { return buildBleve(c, "") }

// BuildBleveAt indexes every clause of c into a scorch index in the folder
// path, for measuring bleve's cold start (OpenBleve).
func BuildBleveAt(c *Corpus, path string) (*Bleve, error) { return buildBleve(c, path) }

// OpenBleve opens an index BuildBleveAt wrote.
func OpenBleve(path string) (*Bleve, error) {
	idx, err := bleve.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bleve: %w", err)
	}
	return &Bleve{idx: idx}, nil
}

func buildBleve(c *Corpus, path string) (*Bleve, error) {
	// One indexed field, nothing stored, no term vectors, no _all copy: the
	// leanest set-up that still ranks by BM25.
	text := bleve.NewTextFieldMapping()
	text.Analyzer = cjk.AnalyzerName
	text.Store = false
	text.IncludeTermVectors = false
	text.IncludeInAll = false
	text.DocValues = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", text)
	m := bleve.NewIndexMapping()
	m.DefaultMapping = dm
	m.DefaultAnalyzer = cjk.AnalyzerName
	m.ScoringModel = bindex.BM25Scoring
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	idx, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("bleve: %w", err)
	}
	titles := map[string]string{}
	for _, d := range c.Docs {
		titles[d.ID] = d.Title
	}
	b := idx.NewBatch()
	for _, cl := range c.Clauses {
		if err := b.Index(cl.Key(), bleveDoc{Text: titles[cl.Doc] + "\n" + cl.Heading + "\n" + cl.Text}); err != nil {
			return nil, fmt.Errorf("bleve: %w", err)
		}
		if b.Size() >= 1000 {
			if err := idx.Batch(b); err != nil {
				return nil, fmt.Errorf("bleve: %w", err)
			}
			b.Reset()
		}
	}
	if err := idx.Batch(b); err != nil {
		return nil, fmt.Errorf("bleve: %w", err)
	}
	return &Bleve{idx: idx}, nil
}

// Search returns the keys of the k best BM25 matches of q.
func (bl *Bleve) Search(ctx context.Context, q string, k int) ([]string, error) {
	mq := bleve.NewMatchQuery(q)
	mq.SetField("text")
	req := bleve.NewSearchRequestOptions(mq, k, 0, false)
	res, err := bl.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleve: %w", err)
	}
	keys := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		keys[i] = h.ID
	}
	return keys, nil
}

// Close releases the index.
func (bl *Bleve) Close() error { return bl.idx.Close() }
