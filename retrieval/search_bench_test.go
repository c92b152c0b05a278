package retrieval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/qabot/qabot/index"
)

// synthetic holds the engines of the seeded synthetic corpora, by clause
// count, so that b.N re-runs do not rebuild them.
var synthetic struct {
	sync.Mutex
	engines map[int]*Engine
}

// syntheticEngine returns an engine over n synthetic law articles: 50 per
// document, Chinese characters drawn from a Zipf distribution (as real text
// is) with a fixed seed, so every run searches the same corpus.
func syntheticEngine(b testing.TB, n int) *Engine {
	b.Helper()
	synthetic.Lock()
	defer synthetic.Unlock()
	if e, ok := synthetic.engines[n]; ok {
		return e
	}
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	zipf := rand.NewZipf(rand.New(rand.NewPCG(2, uint64(n))), 1.1, 8, 2999)
	char := func() rune { return 0x4E00 + rune(zipf.Uint64()) }
	const perDoc = 50
	for d := 0; d*perDoc < n; d++ {
		var sb strings.Builder
		fmt.Fprintf(&sb, "# 中华人民共和国合成%s法\n\n", index.ChineseNumber(d+1))
		for a := 1; a <= perDoc && d*perDoc+a <= n; a++ {
			fmt.Fprintf(&sb, "第%s条 ", index.ChineseNumber(a))
			for i, m := 0, 30+rng.IntN(120); i < m; i++ {
				sb.WriteRune(char())
				if rng.IntN(12) == 0 {
					sb.WriteRune('，')
				}
			}
			sb.WriteString("。\n\n")
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("law%05d.md", d)), []byte(sb.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	e, _ := engineFor(b, index.LocalEmbedder(), dir, nil)
	if synthetic.engines == nil {
		synthetic.engines = map[int]*Engine{}
	}
	synthetic.engines[n] = e
	return e
}

func benchmarkSearch(b *testing.B, n int, mode Mode) {
	e := syntheticEngine(b, n)
	qs := SampleQuestions(e.Snapshot().Docs, 100)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := e.SearchMode(ctx, qs[i%len(qs)], 10, mode); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkSearchModes(b *testing.B, n int) {
	for _, mode := range []Mode{ModeHybrid, ModeLexical, ModeDense} {
		b.Run(mode.String(), func(b *testing.B) { benchmarkSearch(b, n, mode) })
	}
}

func BenchmarkSearch_1k(b *testing.B)  { benchmarkSearchModes(b, 1_000) }
func BenchmarkSearch_10k(b *testing.B) { benchmarkSearchModes(b, 10_000) }
func BenchmarkSearch_68k(b *testing.B) { benchmarkSearchModes(b, 68_000) }
