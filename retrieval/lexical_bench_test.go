package retrieval

import (
	"testing"

	"github.com/qabot/qabot/index"
)

// BenchmarkNewLexical builds the BM25 index over a snapshot: the synthetic
// 68k-article corpus and, when ../shared is there, all of cn-laws. It also
// reports the CPU time per build (cpu-ms/op), which a busy machine disturbs
// less than the wall time.
func BenchmarkNewLexical(b *testing.B) {
	run := func(b *testing.B, snap *index.Snapshot) {
		b.ReportAllocs()
		b.ResetTimer()
		cpu := cpuTime()
		for b.Loop() {
			NewLexical(snap)
		}
		b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
	b.Run("synthetic68k", func(b *testing.B) { run(b, syntheticEngine(b, 68_000).Snapshot()) })
	b.Run("cnLaws", func(b *testing.B) { run(b, benchEngine(b).Snapshot()) })
}
