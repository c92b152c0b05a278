package retrieval

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qabot/qabot/index"
)

func TestVersions(t *testing.T) {
	law := func(year, fine string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("# 中华人民共和国示范法\n\n第一条 为了规范示范活动，制定本法。\n\n" +
			"第二条 违反本法规定的，处" + fine + "罚款。\n\n第三条 本法自" + year + "年1月1日起施行。\n")}
	}
	fsys := fstest.MapFS{
		"示范法(2016-03-16).md": law("2016", "一千元以下"),
		"示范法(2023-12-29).md": law("2023", "五千元以下"),
		"其他条例.md":            {Data: []byte("# 其他条例\n\n第一条 为了其他目的，制定本条例。\n")},
	}
	e, _ := engineFor(t, index.LocalEmbedder(), "", fsys)
	ctx := context.Background()
	t.Run("the newest is preferred and cited with its year", func(t *testing.T) {
		ans, err := e.Ask(ctx, "违反示范法规定罚款多少？", 5)
		if err != nil || !ans.Found {
			t.Fatalf("%+v, %v", ans, err)
		}
		if c := ans.Citations[0]; c.Tag != "示范法(2023) 第二条" || !strings.Contains(ans.Text, "五千元") {
			t.Errorf("first citation %q, answer %q; want the 2023 version", c.Tag, ans.Text)
		}
	})
	t.Run("a year in the question picks its version", func(t *testing.T) {
		ans, err := e.Ask(ctx, "2016年的示范法规定违反规定罚款多少？", 5)
		if err != nil || !ans.Found {
			t.Fatalf("%+v, %v", ans, err)
		}
		if c := ans.Citations[0]; c.Tag != "示范法(2016) 第二条" {
			t.Errorf("first citation %q; want the 2016 version", c.Tag)
		}
	})
	t.Run("the same words are quoted once", func(t *testing.T) {
		ans, err := e.Ask(ctx, "示范法的立法目的是什么？", 5)
		if err != nil || !ans.Found {
			t.Fatalf("%+v, %v", ans, err)
		}
		if n := strings.Count(ans.Text, "为了规范示范活动"); n != 1 {
			t.Errorf("the purpose clause is quoted %d times: %q", n, ans.Text)
		}
	})
	t.Run("a printed citation looks its version up", func(t *testing.T) {
		for _, form := range []string{"〔示范法(2023) 第二条〕", "示范法(2016) 第二条"} {
			sec, err := e.Section(form, "")
			year := form[strings.Index(form, "(")+1 : strings.Index(form, ")")]
			if err != nil || len(sec.Clauses) != 1 || !strings.Contains(sec.Doc.ID, year) {
				t.Errorf("Section(%q) = %+v, %v", form, sec, err)
			}
		}
		if _, err := e.Section("第二条", ""); !errors.Is(err, ErrAmbiguous) {
			t.Errorf("第二条 in three documents: %v, want ambiguous", err)
		}
	})
	t.Run("a section several documents have asks which", func(t *testing.T) {
		for _, q := range []string{"第一条规定了什么？", strings.Repeat("第一条", 300), "What does 第一条 say?"} {
			ans, err := e.Ask(ctx, q, 5)
			if err != nil || ans.Found || len(ans.Closest) != 2 || !strings.Contains(ans.Text, "第一条") || !strings.Contains(ans.Text, "示范法(2023)") {
				t.Errorf("%.20q: %+v, %v; want which of the 2 documents (a law's newest version for the law)", q, ans, err)
			}
			for _, c := range ans.Closest {
				if _, err := e.Section(c, ""); err != nil {
					t.Errorf("the suggestion %q cannot be looked up: %v", c, err)
				}
			}
		}
		// Only versions of one law have it: the newest answers.
		if ans, err := e.Ask(ctx, "第二条规定了什么？", 5); err != nil || !ans.Found || ans.Citations[0].Tag != "示范法(2023) 第二条" {
			t.Errorf("in versions of one law only: %+v, %v", ans, err)
		}
		// Named, it is answered; with words of its own, it is searched.
		if ans, err := e.Ask(ctx, "其他条例第一条说了什么？", 5); err != nil || !ans.Found || ans.Citations[0].Tag != "其他条例 第一条" {
			t.Errorf("named: %+v, %v", ans, err)
		}
		if ans, err := e.Ask(ctx, "第二条规定违反规定罚款多少？", 5); err != nil || !ans.Found {
			t.Errorf("a question with words of its own: %+v, %v", ans, err)
		}
	})
	t.Run("a document without versions keeps its title", func(t *testing.T) {
		ans, err := e.Ask(ctx, "其他条例的目的是什么？", 5)
		if err != nil || !ans.Found || ans.Citations[0].Tag != "其他条例 第一条" {
			t.Errorf("%+v, %v", ans, err)
		}
	})
}
