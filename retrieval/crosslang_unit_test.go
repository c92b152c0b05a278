package retrieval

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/cedict"
)

// lawsFS is two small laws: their wording decides which renderings of an
// English word are searched for.
func lawsFS() fstest.MapFS {
	return fstest.MapFS{
		"数据安全法.md": &fstest.MapFile{Data: []byte("# 中华人民共和国数据安全法\n\n" +
			"第一条 为了规范数据处理活动，保障数据安全，制定本法。\n\n" +
			"第二条 发生数据安全事件，有关主管部门应当立即采取处置措施。\n\n" +
			"第三条 本法自2021年9月1日起施行。\n")},
		"劳动合同法.md": &fstest.MapFile{Data: []byte("# 中华人民共和国劳动合同法\n\n" +
			"第一条 建立劳动关系，应当订立书面劳动合同。\n\n" +
			"第二条 用人单位自用工之日起超过一个月未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资。\n\n" +
			"第三条 旅游企业的劳动者享有休息休假的权利。\n")},
	}
}

func crossFor(t *testing.T, e *Engine, q string) *crossQuery {
	t.Helper()
	cq := e.cur.Load().crossLanguage(q)
	if cq == nil {
		t.Fatalf("%q: no rendering", q)
	}
	return cq
}

func TestCrossLanguage_rendersWhatTheDocumentsSay(t *testing.T) {
	e, _ := engineFor(t, index.LocalEmbedder(), "", lawsFS())
	ctx := context.Background()
	t.Run("only renderings the documents contain", func(t *testing.T) {
		// tourism is 旅游 or 观光 in the dictionary; only 旅游 is in the text.
		cq := crossFor(t, e, "Do tourism workers have holidays?")
		if !slices.Contains(cq.searched, "旅游") || slices.Contains(cq.searched, "观光") {
			t.Errorf("searched %v, want 旅游 and not 观光", cq.searched)
		}
		for _, s := range cq.searched {
			if e.cur.Load().lex.phraseDF(s) == 0 && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x80 }) {
				t.Errorf("searched for %s, which no clause contains", s)
			}
		}
	})
	t.Run("plural and British spelling", func(t *testing.T) {
		cq := crossFor(t, e, "Must employers sign written labour contracts?")
		if !slices.ContainsFunc(cq.searched, func(s string) bool { return strings.Contains(s, "劳动合同") }) {
			t.Errorf("searched %v, want 劳动合同 for labour contracts", cq.searched)
		}
	})
	t.Run("stop and frame words are not searched", func(t *testing.T) {
		cq := crossFor(t, e, "What does the document say about the data security incident?")
		for _, u := range cq.units {
			for _, w := range strings.Fields(u.english) {
				if w == "the" || w == "document" || w == "say" || w == "about" {
					t.Errorf("unit %q: %q is searched for", u.english, w)
				}
			}
		}
		if !slices.Contains(cq.searched, "数据安全事件") {
			t.Errorf("searched %v, want the compound 数据安全事件", cq.searched)
		}
	})
	t.Run("a law's title names its document", func(t *testing.T) {
		cq := crossFor(t, e, "When does the Data Security Law take effect?")
		if !slices.Contains(cq.searched, "数据安全法") {
			t.Errorf("searched %v, want the title 数据安全法", cq.searched)
		}
		ans, err := e.Ask(ctx, "When does the Data Security Law take effect?", 5)
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Found || ans.Citations[0].Section != "3" || !strings.Contains(ans.Citations[0].Doc, "数据安全法") {
			t.Errorf("got %+v, want 数据安全法 第三条", ans)
		}
		if !strings.Contains(strings.Join(ans.Searched, ", "), "施行") {
			t.Errorf("notice %q should name the Chinese terms searched", ans.Notice)
		}
		if !index.HasCJK(ans.Text) {
			t.Errorf("the excerpt %q should stay in the document's language", ans.Text)
		}
	})
	t.Run("what the documents do not have is not found", func(t *testing.T) {
		ans, err := e.Ask(ctx, "How many soldiers does the army have?", 5)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Found || ans.Notice != NoticeCrossLanguage {
			t.Errorf("got %+v, want not found with the cross-language notice", ans)
		}
	})
}

// TestCrossLanguage_tableLoadedOnlyForEnglish runs in a fresh process (the
// table, once loaded, stays): Chinese questions, also ones with Latin
// letters, never load the table; the first English question does.
func TestCrossLanguage_tableLoadedOnlyForEnglish(t *testing.T) {
	if os.Getenv("QABOT_CEDICT_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrossLanguage_tableLoadedOnlyForEnglish$", "-test.v")
		cmd.Env = append(os.Environ(), "QABOT_CEDICT_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS") {
			t.Fatalf("child test: %v\n%s", err, out)
		}
		return
	}
	e := mustSeedEngine(t)
	ctx := context.Background()
	for _, q := range []string{"首届中国—中亚经贸合作论坛是什么时候举行的？", "IT产业园", "§2.3说了什么"} {
		if _, err := e.Ask(ctx, q, 5); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Search(ctx, q, 5); err != nil {
			t.Fatal(err)
		}
	}
	if cedict.Loaded() {
		t.Fatal("a Chinese question loaded the English table")
	}
	if _, err := e.Ask(ctx, "Which roadmap do the parties support?", 5); err != nil {
		t.Fatal(err)
	}
	if !cedict.Loaded() {
		t.Fatal("an English question did not load the table")
	}
}
