package retrieval

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/longbridgeapp/opencc"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/testcorpus"
)

// firstCited is the tag of the first clause ans cites, or "not found".
func firstCited(ans Answer) string {
	if !ans.Found || len(ans.Citations) == 0 {
		return "not found"
	}
	return ans.Citations[0].Tag
}

// TestAsk_traditionalCharacters: a question in traditional characters over
// the shipped (simplified) statement gets the answer its simplified form
// gets, and is echoed as it was asked.
func TestAsk_traditionalCharacters(t *testing.T) {
	e := mustSeedEngine(t)
	ctx := context.Background()
	for trad, simp := range map[string]string{
		"各方在禁毒方面打算怎麼做？":          "各方在禁毒方面打算怎么做？",
		"首屆中國—中亞經貿合作論壇是什麼時候舉行的？": "首届中国—中亚经贸合作论坛是什么时候举行的？",
		"王毅的職務是什麼？":              "王毅的职务是什么？",
	} {
		want, err := e.Ask(ctx, simp, DefaultK)
		if err != nil || !want.Found {
			t.Fatalf("%s: %+v, %v", simp, want, err)
		}
		got, err := e.Ask(ctx, trad, DefaultK)
		if err != nil || firstCited(got) != firstCited(want) || got.Text != want.Text {
			t.Errorf("%s: %s %q, want %s %q (%v)", trad, firstCited(got), got.Text, firstCited(want), want.Text, err)
		}
		if got.Question != trad {
			t.Errorf("%s: echoed as %q", trad, got.Question)
		}
		hits, err := e.Search(ctx, trad, 3)
		if err != nil || len(hits) == 0 || hits[0].Clause.Key() != want.Citations[0].Doc+"#"+want.Citations[0].Section {
			t.Errorf("search %s: %+v, %v", trad, hits, err)
		}
	}
}

// TestAsk_traditionalDocumentsKeepTheirScript: over documents written in
// traditional characters a traditional question is searched for as it is,
// and their articles cite as they are numbered (第二條).
func TestAsk_traditionalDocumentsKeepTheirScript(t *testing.T) {
	fsys := fstest.MapFS{"條例.md": &fstest.MapFile{Data: []byte("# 測試市控煙條例\n\n第一條 為了減少煙草煙霧危害，制定本條例。\n\n第二條 在禁止吸煙場所吸煙且不聽勸阻的，處五十元以上二百元以下罰款。\n")}}
	e, _ := engineFor(t, index.LocalEmbedder(), "", fsys)
	ans, err := e.Ask(context.Background(), "在禁止吸煙場所吸煙不聽勸阻罰多少錢？", DefaultK)
	if err != nil || !ans.Found || firstCited(ans) != "第二條" || !strings.Contains(ans.Citations[0].Text, "五十元以上二百元以下罰款") {
		t.Errorf("%s: %+v, %v", firstCited(ans), ans, err)
	}
	// Its articles are looked up as the text numbers them, or in simplified
	// characters.
	for _, ref := range []string{"第二條", "第二条", "〔第二條〕"} {
		ans, err := e.Ask(context.Background(), ref, DefaultK)
		if err != nil || firstCited(ans) != "第二條" {
			t.Errorf("%s: %s, %v", ref, firstCited(ans), err)
		}
	}
}

// TestAsk_traditionalDevQuestions: every Chinese question of seed-dev,
// written in traditional characters (OpenCC s2t), gets the answer its
// simplified form gets.
func TestAsk_traditionalDevQuestions(t *testing.T) {
	gold, err := ReadGoldFile(testcorpus.Need(t, "eval", "seed-dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s2t, err := opencc.New("s2t")
	if err != nil {
		t.Fatal(err)
	}
	e := mustSeedEngine(t)
	ctx := context.Background()
	same, n := 0, 0
	for _, g := range gold {
		if !index.HasCJK(g.Q) {
			continue
		}
		trad, err := s2t.Convert(g.Q)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := e.Ask(ctx, g.Q, DefaultK)
		got, _ := e.Ask(ctx, trad, DefaultK)
		n++
		if firstCited(got) == firstCited(want) {
			same++
		} else {
			t.Logf("%s: %s, simplified %s", trad, firstCited(got), firstCited(want))
		}
	}
	t.Logf("%d of %d traditional questions answered as their simplified form", same, n)
	if same < n {
		t.Errorf("%d of %d traditional questions answered as their simplified form", same, n)
	}
}
