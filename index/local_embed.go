package index

import (
	"context"
	"math"
)

// LocalDims is the vector length of the local embedder.
const LocalDims = 256

// localModel names the feature design; change it whenever vectors change so
// that existing indexes are rebuilt rather than mixed.
const localModel = "hashed-ngrams-v1"

// LocalEmbedder returns the offline, deterministic embedder: CJK characters,
// character pairs and Latin words are hashed into LocalDims signed buckets
// with sub-linear term frequency, pairs and words weighing more than single
// characters. It needs no model file and no network, and it embeds about a
// million characters a second on one core.
func LocalEmbedder() Embedder {
	return Embedder{EmbedderID: EmbedderID{Provider: LocalProvider, Model: localModel, Dims: LocalDims}, Embed: embedLocal}
}

func embedLocal(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	counts := make(map[uint64]float32)
	for i, t := range texts {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		clear(counts)
		Terms(t, func(k uint64) { counts[k]++ })
		out[i] = hashVector(counts)
	}
	return out, nil
}

// hashVector folds term counts into a unit vector. A text without any term
// gets a fixed unit vector, never a zero one (chromem-go would turn it into
// NaN).
func hashVector(counts map[uint64]float32) []float32 {
	v := make([]float32, LocalDims)
	for k, c := range counts {
		w := float32(1 + math.Log(float64(c)))
		switch KindOf(k) {
		case Unigram:
			w *= 0.5
		case Word:
			w *= 1.5
		}
		h := mix64(k)
		idx := h % LocalDims
		if h&(1<<63) != 0 {
			w = -w
		}
		v[idx] += w
	}
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm == 0 {
		v[0] = 1
		return v
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i] *= inv
	}
	return v
}

// mix64 is SplitMix64's finaliser: it spreads structured term keys over all
// bits before they are reduced to a bucket.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
