package retrieval_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/qabot/qabot/retrieval"
)

// TestLibrary_tags: every view of a clause shows it as answers cite it
// (CiteTag), with the document's short title once several documents are
// indexed, and that form looks the clause up again.
func TestLibrary_tags(t *testing.T) {
	ctx := context.Background()
	docs := t.TempDir()
	lib := libraryFor(t, docs)
	check := func(want string) {
		t.Helper()
		ans, err := lib.Ask(ctx, "首届中国—中亚经贸合作论坛是什么时候举行的？", retrieval.AskOptions{})
		if err != nil || len(ans.Citations) == 0 || ans.Citations[0].Tag != want {
			t.Fatalf("Ask: %+v, %v; want the first citation tagged %q", ans.Citations, err, want)
		}
		hits, err := lib.Search(ctx, "首届中国—中亚经贸合作论坛", 1)
		if err != nil || len(hits) != 1 || hits[0].Tag != want {
			t.Errorf("Search: %+v, %v; want tag %q", hits, err, want)
		}
		c, _, _ := lib.Clause(ans.Citations[0].Key())
		if c.Tag != want || c.Label != "二.3" {
			t.Errorf("Clause: tag %q, label %q; want %q and the document's own 二.3", c.Tag, c.Label, want)
		}
		for _, ref := range []string{want, "〔" + want + "〕"} {
			sec, err := lib.Section(ref, "")
			if err != nil || len(sec.Clauses) != 1 || sec.Clauses[0].Tag != want || sec.Clauses[0].ID != "2.3" {
				t.Errorf("Section(%q) = %+v, %v", ref, sec.Clauses, err)
			}
		}
	}
	check("§2.3")
	law := "中华人民共和国测试法\n\n第一条 为了测试，制定本法。\n\n第二条 本法自公布之日起施行。\n"
	if err := os.WriteFile(filepath.Join(docs, "测试法.md"), []byte(law), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	check("“中国+中亚五国”外长会晤联合声明（摘要） §2.3")
	sec, err := lib.Section("第二条", "")
	if err != nil || len(sec.Clauses) != 1 || sec.Clauses[0].Tag != "测试法 第二条" {
		t.Errorf("Section(第二条) = %+v, %v; want tag 测试法 第二条", sec.Clauses, err)
	}
}
