package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/testcorpus"
	"github.com/qabot/qabot/seeds"
)

var lawsOnce struct {
	sync.Once
	e *Engine
}

// lawsEngine is one engine over all of cn-laws and the statement, shared
// by the tests that only read it; it skips without the corpus.
func lawsEngine(tb testing.TB) *Engine {
	tb.Helper()
	dir := filepath.Join(testcorpus.Dir(), "corpus", "cn-laws")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("corpus/cn-laws not found (%v): set QABOT_CORPORA to the corpora folder (README)", err)
	}
	lawsOnce.Do(func() { lawsOnce.e, _ = engineFor(tb, index.LocalEmbedder(), dir, seeds.FS) })
	return lawsOnce.e
}

// phrasingCase asks, of one law, a question in everyday words whose answer
// is the article written in statute phrasing: found when the first
// citation is of that law and its text has the phrasing.
type phrasingCase struct {
	name  string
	ask   func(title string) string
	found string // the phrasing the answering article has
}

var phrasingCases = []phrasingCase{
	{"立法目的", func(t string) string { return t + "的立法目的是什么？" }, "制定本"},
	{"施行", func(t string) string { return t + "从哪天开始施行？" }, "起施行"},
	{"生效", func(t string) string { return t + "什么时候生效？" }, "起施行"},
	{"解释", func(t string) string { return t + "由谁负责解释？" }, "负责解释"},
}

// TestPhrasing_cnLaws measures the statute-phrasing expansions on
// questions generated for every 25th law of cn-laws that has the phrasing
// (no dev question among them), with and without the expansion: the laws
// 0, 25, 50, … that the phrasing was developed on, and the laws 12, 37,
// 62, … held out.
func TestPhrasing_cnLaws(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the whole cn-laws corpus; skipped with -short")
	}
	e := lawsEngine(t)
	st := e.cur.Load()
	ctx := context.Background()
	for _, pc := range phrasingCases {
		for _, offset := range []int{0, 12} {
			var asked, right, plain int
			for i := offset; i < len(st.snap.Docs); i += 25 {
				d := &st.snap.Docs[i]
				has := false
				for _, c := range d.Clauses {
					has = has || strings.Contains(c.Text, pc.found)
				}
				title := stripParens(ShortTitle(d.Title))
				if !has || len(st.grams) == 0 || st.version[i] != "" || strings.HasPrefix(d.ID, "china-") {
					continue
				}
				asked++
				q := pc.ask(title)
				if firstCitesPhrasing(t, e, ctx, q, d.ID, pc.found) {
					right++
				}
				saved := legalPhrasing
				legalPhrasing = nil
				if firstCitesPhrasing(t, e, ctx, q, d.ID, pc.found) {
					plain++
				}
				legalPhrasing = saved
			}
			t.Logf("%s, laws from %d: %d laws, answered from the phrasing %d with the expansion, %d without", pc.name, offset, asked, right, plain)
			if asked == 0 || float64(right) < 0.8*float64(asked) || right < plain {
				t.Errorf("%s, laws from %d: %d of %d (without the expansion %d)", pc.name, offset, right, asked, plain)
			}
		}
	}
}

func firstCitesPhrasing(t *testing.T, e *Engine, ctx context.Context, q, doc, phrasing string) bool {
	t.Helper()
	ans, err := e.Ask(ctx, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Found {
		return false
	}
	c := ans.Citations[0]
	return c.Doc == doc && strings.Contains(c.Text, phrasing)
}
