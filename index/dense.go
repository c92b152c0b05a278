package index

import (
	"context"
	"fmt"
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
