package retrieval

import (
	"context"
	"testing"

	"github.com/qabot/qabot/internal/cedict"
)

// crossBenchQuestions are English questions over cn-laws (not from the dev
// sets' wording).
var crossBenchQuestions = []string{
	"When does the Data Security Law take effect?",
	"What penalties apply to employers who do not pay wages on time?",
	"Which department supervises food safety?",
}

// BenchmarkCrossLanguage_render_cnLaws is the rendering of an English
// question alone (the table loaded), over all of cn-laws.
func BenchmarkCrossLanguage_render_cnLaws(b *testing.B) {
	e := benchEngine(b)
	st := e.cur.Load()
	if _, err := cedict.Default(); err != nil {
		b.Fatal(err)
	}
	st.crossLanguage(crossBenchQuestions[0]) // builds the table's word index
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		st.crossLanguage(crossBenchQuestions[i%len(crossBenchQuestions)])
	}
}

// BenchmarkCrossLanguage_Search_cnLaws is one hybrid English query over
// all of cn-laws, rendering included.
func BenchmarkCrossLanguage_Search_cnLaws(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	if _, err := e.Search(ctx, crossBenchQuestions[0], 10); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := e.Search(ctx, crossBenchQuestions[i%len(crossBenchQuestions)], 10); err != nil {
			b.Fatal(err)
		}
	}
}
