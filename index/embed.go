package index

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// EmbedFunc turns texts into vectors, one per text, in order. It is the seam
// between the index and whatever computes embeddings: the local embedder, or
// an OpenAI-compatible endpoint wired in by the command. Vectors need not be
// normalised; the index normalises them.
type EmbedFunc func(ctx context.Context, texts []string) ([][]float32, error)

// EmbedderID is what identifies an embedder's vectors: an index built by
// one embedder is never queried with, or extended by, another.
type EmbedderID struct {
	Provider string // LocalProvider, or the endpoint's kind ("openai")
	Host     string // the endpoint's host (and port); "" for the local embedder
	Model    string // the model, or the local embedder's version
	Dims     int    // vector length
}

// LocalProvider is the provider of the local embedder.
const LocalProvider = "local"

// String is the identity as the index records it:
// "provider[@host]/model/dims", e.g. "local/hashed-ngrams-v1/256",
// "openai@127.0.0.1:8080/bge-m3/1024".
func (id EmbedderID) String() string {
	p := id.Provider
	if id.Host != "" {
		p += "@" + id.Host
	}
	return p + "/" + id.Model + "/" + strconv.Itoa(id.Dims)
}

// ParseEmbedderID reads what String wrote. A model name may hold '/'
// (BAAI/bge-m3); the provider and host never do.
func ParseEmbedderID(s string) (EmbedderID, error) {
	head, rest, ok1 := strings.Cut(s, "/")
	i := strings.LastIndexByte(rest, '/')
	if !ok1 || i < 0 || head == "" {
		return EmbedderID{}, fmt.Errorf("%w: %q", errEmbedderID, s)
	}
	dims, err := strconv.Atoi(rest[i+1:])
	if err != nil || dims <= 0 || rest[:i] == "" {
		return EmbedderID{}, fmt.Errorf("%w: %q", errEmbedderID, s)
	}
	id := EmbedderID{Model: rest[:i], Dims: dims}
	id.Provider, id.Host, _ = strings.Cut(head, "@")
	if id.Provider == "" || strings.Contains(head, "@") && id.Host == "" {
		return EmbedderID{}, fmt.Errorf("%w: %q", errEmbedderID, s)
	}
	return id, nil
}

var errEmbedderID = errors.New("not an embedder identity (want provider[@host]/model/dims)")

// Embedder is an EmbedFunc together with what identifies its vectors.
type Embedder struct {
	EmbedderID
	Embed EmbedFunc `json:"-"`
}

// ID is the identity recorded in the index (EmbedderID.String).
func (e Embedder) ID() string { return e.EmbedderID.String() }
