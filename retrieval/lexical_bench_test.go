package retrieval

import (
	"context"
	"testing"

	"github.com/qabot/qabot/index"
)

// BenchmarkNewLexical builds the BM25 index over a snapshot: the synthetic
// 68k-article corpus and, when the corpora are there (internal/testcorpus), all of cn-laws. It also
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

// BenchmarkEngine_Search_cnLaws_fullScan is BenchmarkEngine_Search_cnLaws
// with the dense side scanning every clause rather than BM25's best
// denseCandidates, as it does for embedders other than the local one.
func BenchmarkEngine_Search_cnLaws_fullScan(b *testing.B) {
	e := fullScan(benchEngine(b))
	qs := []string{"劳动合同的试用期最长可以约定多久？", "发生数据安全事件后有关主管部门应当怎么做？", "人身安全保护令可以包括哪些措施？"}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := e.Search(ctx, qs[i%len(qs)], 10); err != nil {
			b.Fatal(err)
		}
	}
}
