package index

import (
	"context"
	"errors"
	"fmt"
	"time"

	chromem "github.com/philippgille/chromem-go"
)

// collectionName is the single chromem-go collection an index holds.
const collectionName = "clauses"

// DocInfo is what an index records of one document.
type DocInfo struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Source    string    `json:"source"`
	Version   string    `json:"version,omitempty"` // Document.Version
	Format    string    `json:"format"`
	Encoding  string    `json:"encoding"`
	Hash      string    `json:"hash"` // over title and clause hashes
	Clauses   int       `json:"clauses"`
	IndexedAt time.Time `json:"indexed_at"`
}

// Manifest describes a snapshot: which embedder built it, from which files.
type Manifest struct {
	Version     int       `json:"version"`
	Embedder    string    `json:"embedder"` // Embedder.ID()
	BuiltAt     time.Time `json:"built_at"`
	Fingerprint string    `json:"fingerprint"` // of the sources it was built from
	Docs        []DocInfo `json:"docs"`
	// Skipped are the files the build left out, and why, so that a sync
	// that finds nothing changed can report them again.
	Skipped []Skip `json:"skipped,omitempty"`
	// Folded are the byte-identical copies left out, for the same reason.
	Folded []Fold `json:"folded,omitempty"`
}

// manifestVersion changes whenever the on-disk layout does.
const manifestVersion = 1

// Snapshot is one complete, immutable index: documents, their clauses and
// the clause vectors. Readers share it freely; a sync builds a new one.
type Snapshot struct {
	Manifest
	Docs []Document // sorted by id, clauses in document order

	db    *chromem.DB
	coll  *chromem.Collection
	flat  *flatVectors
	byKey map[string]clauseRef
	byDoc map[string]int // document id → index in Docs
	gen   string         // the store generation it was loaded from or saved as
}

// Generation is the store generation the snapshot was loaded from or saved
// as ("gen-000042"); "" for one never saved.
func (s *Snapshot) Generation() string { return s.gen }

// clauseRef locates a clause: the clause itself and its row in flat.
type clauseRef struct {
	c   *Clause
	row int
}

func newSnapshot(ctx context.Context, m Manifest, docs []Document, db *chromem.DB, coll *chromem.Collection) (*Snapshot, error) {
	s := &Snapshot{Manifest: m, Docs: docs, db: db, coll: coll,
		byKey: make(map[string]clauseRef), byDoc: make(map[string]int, len(docs))}
	var keys []string
	for i := range s.Docs {
		s.byDoc[s.Docs[i].ID] = i
		for j := range s.Docs[i].Clauses {
			c := &s.Docs[i].Clauses[j]
			s.byKey[c.Key()] = clauseRef{c: c, row: len(keys)}
			keys = append(keys, c.Key())
		}
	}
	if n := coll.Count(); n != len(keys) {
		return nil, fmt.Errorf("%d vectors for %d clauses", n, len(keys))
	}
	flat, err := newFlatVectors(ctx, coll, keys)
	if err != nil {
		return nil, err
	}
	s.flat = flat
	return s, nil
}

// Clause returns the clause with the given key (doc#id).
func (s *Snapshot) Clause(key string) (*Clause, bool) {
	r, ok := s.byKey[key]
	return r.c, ok
}

// NumClauses is the number of clauses in the index.
func (s *Snapshot) NumClauses() int { return len(s.byKey) }

// Document returns the document with the given id.
func (s *Snapshot) Document(id string) (*Document, bool) {
	i, ok := s.byDoc[id]
	if !ok {
		return nil, false
	}
	return &s.Docs[i], true
}

// Scored is a clause key with a similarity score.
type Scored struct {
	Key   string
	Score float32
}

// Nearest returns up to k clauses whose vectors are most similar to vec
// (cosine), best first; k may exceed the number of clauses. vec must be of
// unit length, as the index's vectors are.
func (s *Snapshot) Nearest(ctx context.Context, vec []float32, k int) ([]Scored, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("dense search: %w", err)
	}
	if len(vec) != s.flat.dims && len(s.flat.keys) > 0 {
		return nil, fmt.Errorf("dense search: question vector has %d dimensions, the index %d", len(vec), s.flat.dims)
	}
	return s.flat.search(vec, k), nil
}

// vector returns the stored vector of a clause, if any; it shares memory
// with the snapshot and must not be modified.
func (s *Snapshot) vector(key string) ([]float32, bool) {
	if s == nil {
		return nil, false
	}
	r, ok := s.byKey[key]
	if !ok {
		return nil, false
	}
	d := s.flat.dims
	return s.flat.data[r.row*d : (r.row+1)*d : (r.row+1)*d], true
}

// noEmbed stands in for chromem-go's embedding function: qabot always passes
// vectors in, and passing nil would make chromem-go fall back to OpenAI.
func noEmbed(context.Context, string) ([]float32, error) {
	return nil, errors.New("index: clause vectors are computed before they reach the store")
}
