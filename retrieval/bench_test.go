package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/testcorpus"
)

// benchEngine builds an engine over the shared cn-laws corpus, or skips.
func benchEngine(b *testing.B) *Engine {
	b.Helper()
	dir := filepath.Join(testcorpus.Dir(), "corpus", "cn-laws")
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("corpus/cn-laws not found (%v)", err)
	}
	e, _ := engineFor(b, index.LocalEmbedder(), dir, nil)
	return e
}

// BenchmarkEngine_Search_cnLaws is one hybrid query over all of cn-laws.
func BenchmarkEngine_Search_cnLaws(b *testing.B) {
	e := benchEngine(b)
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

// BenchmarkAsk_cnLaws answers the laws dev questions over all of cn-laws,
// one after the other: what one extractive answer costs (search, the
// relevance decision, the excerpt). Run with GOMAXPROCS=1 for the cost on
// one core.
func BenchmarkAsk_cnLaws(b *testing.B) {
	gold, err := ReadGoldFile(filepath.Join(testcorpus.Dir(), "eval", "laws-dev.jsonl"))
	if err != nil {
		b.Skipf("eval/laws-dev.jsonl: %v", err)
	}
	e := benchEngine(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.Ask(ctx, gold[i%len(gold)].Q, DefaultK); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
