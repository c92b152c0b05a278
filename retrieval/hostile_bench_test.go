package retrieval

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostileQuestions are questions of the longest allowed length shaped to
// cost: repeated references, one character repeated, many distinct rare
// characters, mixed scripts.
func hostileQuestions() map[string]string {
	var rare strings.Builder
	for r := rune(0x4E00); utf8.RuneCountInString(rare.String()) < MaxQuestionRunes; r += 7 {
		rare.WriteRune(r)
	}
	mixed := strings.Repeat("数据安全法 Article 21 §2.3 第十九条 ＡＢＣ١٢٣ ", 40)
	return map[string]string{
		"articles":   strings.Repeat("第一条", 333),
		"sections":   strings.Repeat("§1.1", 250),
		"one-char":   strings.Repeat("法", MaxQuestionRunes),
		"rare-chars": rare.String(),
		"mixed":      string([]rune(mixed)[:MaxQuestionRunes]),
		"titles":     strings.Repeat("中华人民共和国数据安全法", 83),
	}
}

// BenchmarkAsk_hostile answers each hostile shape over all of cn-laws: the
// README's limit is 50 ms a question.
func BenchmarkAsk_hostile(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	for name, q := range hostileQuestions() {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Ask(ctx, q, 5); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestAsk_hostileShapes answers every hostile shape over the statement:
// each gets an answer or a clear not-found, never an error, and a
// cancelled question stops.
func TestAsk_hostileShapes(t *testing.T) {
	e := mustSeedEngine(t)
	for name, q := range hostileQuestions() {
		if utf8.RuneCountInString(q) > MaxQuestionRunes {
			t.Fatalf("%s: %d characters, over the limit", name, utf8.RuneCountInString(q))
		}
		ans, err := e.Ask(context.Background(), q, 5)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if ans.Text == "" {
			t.Errorf("%s: empty answer", name)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Ask(ctx, hostileQuestions()["articles"], 5); err == nil {
		t.Error("a cancelled question was answered")
	}
}

func TestSearch_hugeK(t *testing.T) {
	e := mustSeedEngine(t)
	hits, err := e.Search(context.Background(), "各方如何应对毒品威胁？", int(^uint(0)>>1))
	if err != nil || len(hits) == 0 || len(hits) > e.Snapshot().NumClauses() {
		t.Errorf("k = MaxInt: %d hits, %v", len(hits), err)
	}
	if _, err := e.Ask(context.Background(), "各方如何应对毒品威胁？", int(^uint(0)>>1)); err != nil {
		t.Errorf("Ask with k = MaxInt: %v", err)
	}
}
