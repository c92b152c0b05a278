package index

import (
	"context"
	"fmt"
)

// EmbedFunc turns texts into vectors, one per text, in order. It is the seam
// between the index and whatever computes embeddings: the local embedder, or
// an OpenAI-compatible endpoint wired in by the command. Vectors need not be
// normalised; the index normalises them.
type EmbedFunc func(ctx context.Context, texts []string) ([][]float32, error)

// Embedder is an EmbedFunc together with what identifies its vectors. An
// index built by one embedder is never queried with, or extended by, another.
type Embedder struct {
	Name  string    // "local", "openai", …
	Model string    // model name, or the local embedder's version
	Dims  int       // vector length
	Embed EmbedFunc `json:"-"`
}

// ID is the identity recorded in the index.
func (e Embedder) ID() string { return fmt.Sprintf("%s/%s/%d", e.Name, e.Model, e.Dims) }
