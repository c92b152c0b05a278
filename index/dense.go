package index

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	chromem "github.com/philippgille/chromem-go"

	"github.com/qabot/qabot/internal/topk"
)

// flatVectors is a contiguous copy of a collection's vectors, row i being
// the clause keys[i]. chromem-go stays the store (and the persisted form);
// searching one flat slice with an unrolled dot product avoids its
// per-document pointer chasing and map iteration, which dominated query time
// on large corpora (see the README's benchmark).
type flatVectors struct {
	dims int
	keys []string
	data []float32
}

// newFlatVectors copies the vectors of keys out of coll.
func newFlatVectors(ctx context.Context, coll *chromem.Collection, keys []string) (*flatVectors, error) {
	f := &flatVectors{keys: keys}
	for i, k := range keys {
		d, err := coll.GetByID(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("vector of %s: %w", k, err)
		}
		if i == 0 {
			f.dims = len(d.Embedding)
			f.data = make([]float32, 0, len(keys)*f.dims)
		}
		if len(d.Embedding) != f.dims {
			return nil, fmt.Errorf("vector of %s has %d dimensions, expected %d", k, len(d.Embedding), f.dims)
		}
		f.data = append(f.data, d.Embedding...)
	}
	return f, nil
}

// storeNormalized returns v as chromem-go stores it: as it is when it is of
// unit length by chromem-go's measure, else scaled to unit length as
// chromem-go scales it (the same arithmetic, so that the flat copy and the
// store's agree to the bit).
func storeNormalized(v []float32) []float32 {
	var sq float64
	for _, x := range v {
		sq += float64(x) * float64(x)
	}
	if math.Abs(math.Sqrt(sq)-1) < 1e-6 {
		return v
	}
	var norm float32
	for _, x := range v {
		norm += x * x
	}
	norm = float32(math.Sqrt(float64(norm)))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x / norm
	}
	return out
}

// search returns the k rows most similar to vec (dot product of unit
// vectors, i.e. cosine), best first, on all cores.
func (f *flatVectors) search(vec []float32, k int) []Scored {
	n := len(f.keys)
	if k > n {
		k = n
	}
	if k <= 0 || len(vec) != f.dims {
		return nil
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, n/4096))
	parts := make([]*topk.Keeper[rowScore], workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func(w, lo, hi int) {
			defer wg.Done()
			best := topk.New(k, worseRow)
			for i := lo; i < hi; i++ {
				best.Push(rowScore{i, dot(vec, f.data[i*f.dims:(i+1)*f.dims])})
			}
			parts[w] = best
		}(w, lo, hi)
	}
	wg.Wait()
	all := parts[0]
	for _, p := range parts[1:] {
		for _, r := range p.Items() {
			all.Push(r)
		}
	}
	rows := all.Best()
	out := make([]Scored, len(rows))
	for i, r := range rows {
		out[i] = Scored{Key: f.keys[r.row], Score: r.score}
	}
	return out
}

// dot is an unrolled dot product; four accumulators let the CPU overlap the
// multiply-adds.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

type rowScore struct {
	row   int
	score float32
}

// worseRow ranks by score, ties to the earlier row.
func worseRow(a, b rowScore) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.row > b.row
}

// NearestAmong is Nearest over the given clauses only, named by ordinal:
// the position of a clause in the snapshot's documents and their clauses,
// in order (the ordinals a lexical index over Docs numbers them with).
// Ordinals out of range are skipped; ties go to the earlier ordinal.
func (s *Snapshot) NearestAmong(ctx context.Context, vec []float32, ords []int32, k int) ([]Scored, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("dense search: %w", err)
	}
	f := s.flat
	if len(vec) != f.dims && len(f.keys) > 0 {
		return nil, fmt.Errorf("dense search: question vector has %d dimensions, the index %d", len(vec), f.dims)
	}
	k = min(k, len(ords))
	if k <= 0 {
		return nil, nil
	}
	best := topk.New(k, worseRow)
	for _, o := range ords {
		i := int(o)
		if i < 0 || i >= len(f.keys) {
			continue
		}
		best.Push(rowScore{i, dot(vec, f.data[i*f.dims:(i+1)*f.dims])})
	}
	rows := best.Best()
	out := make([]Scored, len(rows))
	for i, r := range rows {
		out[i] = Scored{Key: f.keys[r.row], Score: r.score}
	}
	return out, nil
}

// Vectors are stored as a query file (see qfile) with the counts rows and
// dimensions and one array, the rows' float32 values one row after the
// other; row i is the i-th clause of the snapshot's documents.
const (
	vectorsMagic   = "vectors\x00"
	vectorsVersion = 1
)

func (f *flatVectors) qfile() *qfile {
	return &qfile{magic: vectorsMagic, version: vectorsVersion,
		counts: []uint64{uint64(len(f.keys)), uint64(f.dims)}, arrays: [][]byte{wordBytes(f.data)}}
}

// decodeVectors returns the vectors of a vectors file whose rows are the
// clauses keys, in order. On a little-endian machine the values are buf's
// own memory. checksum false skips the checksum, which the caller verified.
func decodeVectors(buf []byte, keys []string, checksum bool) (*flatVectors, error) {
	f, err := readQFile(buf, vectorsMagic, vectorsVersion, 2, 1, checksum)
	if err != nil {
		return nil, err
	}
	n, dims := f.counts[0], f.counts[1]
	data, ok := words[float32](f.arrays[0])
	if !ok || n != uint64(len(keys)) || dims > 1<<20 || uint64(len(data)) != n*dims {
		return nil, fmt.Errorf("%w: vectors: %d values for %d rows of %d dimensions, %d clauses", ErrCorruptQueryFile, len(data), n, dims, len(keys))
	}
	return &flatVectors{dims: int(dims), keys: keys, data: data}, nil
}
