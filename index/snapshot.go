package index

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
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
	// QueryFiles are the files that hold the snapshot in the form queries
	// use (clauses, postings, vectors), derived from docs.gob and
	// vectors.gob at save time; an index saved before there were any has
	// none, and is opened from docs.gob and vectors.gob.
	QueryFiles []QueryFile `json:"query_files,omitempty"`
}

// QueryFile names one of a generation's query files with what it must be.
type QueryFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	CRC32C string `json:"crc32c"` // the checksum in its header, 8 hex digits
}

// manifestVersion changes whenever the on-disk layout does.
const manifestVersion = 1

// Snapshot is one complete, immutable index: documents, their clauses and
// the clause vectors. Readers share it freely; a sync builds a new one.
type Snapshot struct {
	Manifest
	Docs []Document // sorted by id, clauses in document order

	// db and coll are the chromem-go store the snapshot was built or
	// opened in: nil once it is saved (Manager drops it, the flat vectors
	// being the copy queries use) and when it was opened from its query
	// files.
	db    *chromem.DB
	coll  *chromem.Collection
	flat  *flatVectors
	byKey map[string]clauseRef
	byDoc map[string]int // document id → index in Docs
	keys  []string       // of every clause, in order (opening only)

	post     *Postings // the lexical index, built on first use unless opened
	postOnce sync.Once
	// queryErr is why the snapshot was opened from docs.gob and
	// vectors.gob rather than from its query files; resaved, that a sync
	// has saved it again since, with them.
	queryErr error
	resaved  atomic.Bool
	// gen is the store generation it was loaded from or saved as: a
	// snapshot opened from its record is saved again while it is served.
	gen atomic.Pointer[string]
}

// Generation is the store generation the snapshot was loaded from or saved
// as ("gen-000042"); "" for one never saved.
func (s *Snapshot) Generation() string {
	if g := s.gen.Load(); g != nil {
		return *g
	}
	return ""
}

// clauseRef locates a clause: the clause itself and its row in flat.
type clauseRef struct {
	c   *Clause
	row int
}

// newSnapshot is a snapshot of docs whose vectors coll holds; flat, when
// not nil, is their flat copy already (a build's), else it is copied out of
// coll.
func newSnapshot(ctx context.Context, m Manifest, docs []Document, db *chromem.DB, coll *chromem.Collection, flat *flatVectors) (*Snapshot, error) {
	s := &Snapshot{Manifest: m, Docs: docs, db: db, coll: coll,
		byKey: make(map[string]clauseRef), byDoc: make(map[string]int, len(docs))}
	var keys []string
	if flat != nil {
		keys = flat.keys
	}
	row := 0
	for i := range s.Docs {
		s.byDoc[s.Docs[i].ID] = i
		for j := range s.Docs[i].Clauses {
			c := &s.Docs[i].Clauses[j]
			if flat == nil {
				keys = append(keys, c.Key())
			}
			s.byKey[keys[row]] = clauseRef{c: c, row: row}
			row++
		}
	}
	if n := coll.Count(); n != len(keys) || row != len(keys) {
		return nil, fmt.Errorf("%d vectors for %d clauses", n, row)
	}
	if flat == nil {
		var err error
		if flat, err = newFlatVectors(ctx, coll, keys); err != nil {
			return nil, err
		}
	}
	s.flat = flat
	return s, nil
}

// newQuerySnapshot is a snapshot being opened from its query files:
// documents and the key of every clause, in order; the caller sets flat
// and post.
func newQuerySnapshot(m Manifest, docs []Document, keys []string) *Snapshot {
	s := &Snapshot{Manifest: m, Docs: docs, keys: keys,
		byKey: make(map[string]clauseRef, len(keys)), byDoc: make(map[string]int, len(docs))}
	row := 0
	for i := range s.Docs {
		s.byDoc[s.Docs[i].ID] = i
		for j := range s.Docs[i].Clauses {
			s.byKey[keys[row]] = clauseRef{c: &s.Docs[i].Clauses[j], row: row}
			row++
		}
	}
	return s
}

// Postings returns the lexical index over the snapshot's clauses, numbered
// by ordinal (see Ordinal): the one saved with it, else built on first use.
func (s *Snapshot) Postings() *Postings {
	s.postOnce.Do(func() {
		if s.post == nil {
			s.post = BuildPostings(lexicalInput(s.Docs))
		}
	})
	return s.post
}

// Ordinal returns the position of the clause with the given key among all
// clauses of Docs, in order: its number in Postings and NearestAmong.
func (s *Snapshot) Ordinal(key string) (int, bool) {
	r, ok := s.byKey[key]
	return r.row, ok
}

// QueryFilesError is nil when the snapshot was opened from its query files
// (or built); else it says why it was opened from docs.gob and vectors.gob
// instead (an index saved before there were query files, or files that
// failed their checks), which costs a decode of every document and vector.
// The next sync writes them.
func (s *Snapshot) QueryFilesError() error { return s.queryErr }

// chromemDB returns the chromem-go store of the snapshot: the one it was
// built or opened in, else one made from its flat vectors (a snapshot
// opened from its query files, saved again).
func (s *Snapshot) chromemDB() (*chromem.DB, error) {
	if s.db != nil {
		return s.db, nil
	}
	db := chromem.NewDB()
	coll, err := db.CreateCollection(collectionName, nil, noEmbed)
	if err != nil {
		return nil, err
	}
	f := s.flat
	if n := len(f.keys); n > 0 {
		vecs := make([][]float32, n)
		for i := range vecs {
			vecs[i] = f.data[i*f.dims : (i+1)*f.dims : (i+1)*f.dims]
		}
		if err := coll.AddConcurrently(context.Background(), f.keys, vecs, nil, nil, runtime.GOMAXPROCS(0)); err != nil {
			return nil, err
		}
	}
	return db, nil
}

// release drops the chromem-go store once the snapshot is saved: queries
// use the flat copy of the vectors.
func (s *Snapshot) release() { s.db, s.coll = nil, nil }

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
