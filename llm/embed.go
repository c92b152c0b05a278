package llm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	openai "github.com/sashabaranov/go-openai"

	"github.com/qabot/qabot/index"
)

// EmbedConfig configures an embedder.
type EmbedConfig struct {
	Config
	BatchSize int // texts per request; 0 means DefaultEmbedBatch
	Dims      int // vector length; 0: learned from a first request
}

// DefaultEmbedBatch is how many texts go in one embeddings request unless
// configured.
const DefaultEmbedBatch = 64

// EmbedderName is the provider of endpoint embedders (index.EmbedderID).
const EmbedderName = "openai"

// NewEmbedder returns an index.Embedder that embeds through the endpoint:
// texts in batches of BatchSize per CreateEmbeddings request, at most
// Concurrency requests in flight (across all callers), each retried on 429,
// 5xx and timeouts. Vectors come back normalised. Its Name holds the
// endpoint's host and its Model the model, so an index built through another
// endpoint or model is rebuilt, never mixed. When Dims is 0, one short text
// is embedded to learn it.
func NewEmbedder(ctx context.Context, cfg EmbedConfig) (index.Embedder, error) {
	if cfg.Model == "" {
		return index.Embedder{}, errors.New("embedding endpoint: no model given")
	}
	e := &embedder{c: newClient(cfg.Config, "embeddings"), batch: cfg.BatchSize}
	if e.batch <= 0 {
		e.batch = DefaultEmbedBatch
	}
	dims := cfg.Dims
	if dims <= 0 {
		v, err := e.embed(ctx, []string{"dimensions 维度"})
		if err != nil {
			return index.Embedder{}, fmt.Errorf("learn embedding dimensions: %w", err)
		}
		dims = len(v[0])
	}
	return index.Embedder{EmbedderID: index.EmbedderID{Provider: EmbedderName, Host: cfg.Host(), Model: cfg.Model, Dims: dims}, Embed: e.embed}, nil
}

type embedder struct {
	c     *client
	batch int
}

// embed splits texts into batches and embeds them concurrently; the
// client's semaphore bounds requests in flight.
func (e *embedder) embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	if len(texts) == 0 {
		return out, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg   sync.WaitGroup
		once sync.Once
		ferr error
	)
	// At most as many goroutines as requests may be in flight.
	slots := make(chan struct{}, e.c.cfg.concurrency())
	for lo := 0; lo < len(texts) && ctx.Err() == nil; lo += e.batch {
		hi := min(lo+e.batch, len(texts))
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		wg.Add(1)
		go func(lo, hi int) {
			defer func() { <-slots; wg.Done() }()
			if err := e.embedBatch(ctx, texts[lo:hi], out[lo:hi]); err != nil {
				once.Do(func() { ferr = err; cancel() })
			}
		}(lo, hi)
	}
	wg.Wait()
	if ferr == nil && ctx.Err() != nil {
		ferr = fmt.Errorf("embeddings: %w", ctx.Err())
	}
	if ferr != nil {
		return nil, ferr
	}
	return out, nil
}

func (e *embedder) embedBatch(ctx context.Context, texts []string, out [][]float32) error {
	var resp openai.EmbeddingResponse
	err := e.c.do(ctx, func(ctx context.Context) error {
		var err error
		resp, err = e.c.api.CreateEmbeddings(ctx, openai.EmbeddingRequest{Input: texts, Model: openai.EmbeddingModel(e.c.cfg.Model)})
		return err
	})
	if err != nil {
		return err
	}
	if len(resp.Data) != len(texts) {
		return &Error{Op: "embeddings", Host: e.c.cfg.Host(), Message: fmt.Sprintf("%d vectors came back for %d texts", len(resp.Data), len(texts))}
	}
	for i, d := range resp.Data {
		j := d.Index
		if j < 0 || j >= len(texts) || out[j] != nil {
			j = i // servers that leave index out send them in order
		}
		out[j] = normalize(d.Embedding)
	}
	for _, v := range out {
		if v == nil {
			return &Error{Op: "embeddings", Host: e.c.cfg.Host(), Message: "the response left a text without a vector"}
		}
	}
	return nil
}

// normalize scales v to unit length; a zero vector becomes a fixed unit
// vector (a zero one would turn into NaN in the index).
func normalize(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	if n == 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		if len(out) > 0 {
			out[0] = 1
		}
		return out
	}
	inv := 1 / math.Sqrt(n)
	for i, x := range v {
		out[i] = float32(float64(x) * inv)
	}
	return out
}
