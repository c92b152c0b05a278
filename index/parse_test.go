package index

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"github.com/qabot/qabot/internal/testcorpus"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenCases are the documents whose whole split is pinned in testdata.
var goldenCases = []struct {
	name, path, format string
}{
	{"statement", "../seeds/china-central-asia-fm-joint-statement-2022.txt", FormatStatement},
	{"law", "testdata/反外国制裁法.md", FormatLaw},
	{"law-excerpt", "testdata/law-excerpt.md", FormatLaw},
	{"english-numbered", "testdata/service-agreement.txt", FormatNumbered},
	{"gbk", "testdata/gbk-communique.txt", FormatStatement},
	{"notice", "testdata/notice.txt", FormatNumbered},
	{"markdown", "testdata/handbook.md", FormatMarkdown},
	{"paragraphs", "testdata/tea.txt", FormatParagraphs},
	// Short items: numbered lines without a body are clauses of their own.
	{"short-items", "testdata/short-items.txt", FormatNumbered},
	{"short-dotted", "testdata/short-dotted.txt", FormatNumbered},
	{"short-paren", "testdata/short-paren.md", FormatNumbered},
	{"short-headings", "testdata/short-headings.md", FormatMarkdown},
}

// parseFile decodes and parses a file the way the index reads documents.
func parseFile(t *testing.T, path string) Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := Decode(data)
	if err != nil {
		t.Fatalf("Decode(%s): %v", path, err)
	}
	id := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	doc, err := Parse(id, text)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return doc
}

func TestParseGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			doc := parseFile(t, tc.path)
			if doc.Format != tc.format {
				t.Errorf("Format = %q, want %q", doc.Format, tc.format)
			}
			checkClauses(t, doc)
			got, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", tc.name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./index/ -run TestParseGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("split of %s differs from %s (run with -update after checking the change):\n%s", tc.path, golden, firstDiff(string(got), string(want)))
			}
		})
	}
}

// checkClauses checks the invariants every parsed document keeps.
func checkClauses(t *testing.T, doc Document) {
	t.Helper()
	if len(doc.Clauses) == 0 {
		t.Fatalf("%s: no clauses", doc.ID)
	}
	seen := make(map[string]bool)
	for _, c := range doc.Clauses {
		if seen[c.ID] {
			t.Errorf("%s: duplicate clause id %q", doc.ID, c.ID)
		}
		seen[c.ID] = true
		if c.Doc != doc.ID || c.ID == "" || c.Label == "" || strings.TrimSpace(c.Text) != c.Text || c.Text == "" {
			t.Errorf("%s: malformed clause %+v", doc.ID, c)
		}
		if c.Hash != ContentHash(c.Doc, c.ID, c.Heading, c.Text) {
			t.Errorf("%s#%s: wrong hash", doc.ID, c.ID)
		}
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

// clauseByID finds a clause or fails the test.
func clauseByID(t *testing.T, doc Document, id string) Clause {
	t.Helper()
	for _, c := range doc.Clauses {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("%s: no clause %q", doc.ID, id)
	return Clause{}
}

func TestParseStatement(t *testing.T) {
	doc := parseFile(t, "../seeds/china-central-asia-fm-joint-statement-2022.txt")
	if got := len(doc.Clauses); got != 43 {
		t.Errorf("%d clauses, want 43", got)
	}
	if doc.Title != "“中国+中亚五国”外长会晤联合声明（摘要）" {
		t.Errorf("Title = %q", doc.Title)
	}
	if doc.Dateline != "（新华社努尔苏丹6月8日电）" {
		t.Errorf("Dateline = %q", doc.Dateline)
	}
	for _, id := range []string{"0.1", "0.2"} {
		c := clauseByID(t, doc, id)
		if c.Heading != "序言" || !strings.HasPrefix(c.Label, "序言.") {
			t.Errorf("%s: heading %q label %q, want the preamble", id, c.Heading, c.Label)
		}
	}
	if c := clauseByID(t, doc, "0.1"); !strings.HasPrefix(c.Text, "2022年6月8日") {
		t.Errorf("0.1 = %q", c.Text)
	}
	c := clauseByID(t, doc, "2.3")
	if !strings.HasPrefix(c.Text, "各方高度评价首届中国—中亚经贸合作论坛") || c.Label != "二.3" || c.Heading != "经贸投资合作" {
		t.Errorf("2.3 = %+v", c)
	}
	if c := clauseByID(t, doc, "8.5"); !strings.HasPrefix(c.Text, "各方感谢哈方") || c.Heading != "卫生领域合作" {
		t.Errorf("8.5 = %+v", c)
	}
	if last := doc.Clauses[len(doc.Clauses)-1]; last.ID != "8.5" {
		t.Errorf("last clause %s, want 8.5", last.ID)
	}
	if c := clauseByID(t, doc, "1.1"); c.Heading != "政治外交合作" || c.Label != "一.1" {
		t.Errorf("1.1 = %+v", c)
	}
}

// clauseWant is what a clause of a parsed document must be: its label and
// heading, and how its text opens.
type clauseWant struct{ id, label, heading, prefix string }

// checkWants checks the clauses of doc that want names.
func checkWants(t *testing.T, doc Document, want []clauseWant) {
	t.Helper()
	for _, tc := range want {
		c := clauseByID(t, doc, tc.id)
		if c.Label != tc.label || c.Heading != tc.heading || !strings.HasPrefix(c.Text, tc.prefix) {
			t.Errorf("clause %s = %+v, want label %q heading %q text %q…", tc.id, c, tc.label, tc.heading, tc.prefix)
		}
	}
}

func TestParseLaw(t *testing.T) {
	doc := parseFile(t, "testdata/law-excerpt.md")
	if doc.Title != "中华人民共和国刑法（节选）" {
		t.Errorf("Title = %q", doc.Title)
	}
	checkWants(t, doc, []clauseWant{
		{"0.1", "序言.1", "序言", "为测试而节选的条文。"},
		{"1", "第一条", "第一编 总则 第一章 刑法的任务、基本原则和适用范围", "第一条 为了惩罚犯罪"},
		{"133", "第一百三十三条", "第二编 分则 第二章 危害公共安全罪", "第一百三十三条 违反交通运输管理法规"},
		{"133-1", "第一百三十三条之一", "第二编 分则 第二章 危害公共安全罪", "第一百三十三条之一 在道路上驾驶机动车"},
		{"133~2", "第一百三十三条", "第二编 分则 第二章 危害公共安全罪 第一节 节选的重复条文用于测试重复编号", "第一百三十三条 本条与前文"},
		{"128", "第一百二十八条", "第二编 分则 第二章 危害公共安全罪 第一节 节选的重复条文用于测试重复编号", "第一百二十八 条侦查人员"},
		{"0.2", "附.2", "附件一", "全国人民代表大会常务委员会制定的下列条例"},
	})
	c := clauseByID(t, doc, "133-1")
	if n := strings.Count(c.Text, "\n"); n != 6 {
		t.Errorf("133-1 has %d paragraphs, want 7 (its items and paragraphs)", n+1)
	}
	for _, c := range doc.Clauses {
		if strings.Contains(c.Text, "第二编 分则") && c.ID != "0.1" {
			t.Errorf("table of contents leaked into clause %s", c.ID)
		}
	}
}

// TestParseLaw_traditional: a law written in traditional characters (第一條,
// 第一章 總則, 第一節) is split into its articles, labelled as it numbers
// them.
func TestParseLaw_traditional(t *testing.T) {
	doc, err := Parse("tw-law", "# 測試條例\n\n第一章　總則\n\n第一節　通則\n\n第一條　為了測試，制定本條例。\n\n第二條　本條例所稱煙草，指菸品。\n\n第二條之一　吸菸者應當遵守本條例。\n\n第二章　罰則\n\n第三條　違反第二條規定的，處罰款。\n")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Format != FormatLaw {
		t.Errorf("format %q, want %q", doc.Format, FormatLaw)
	}
	checkWants(t, doc, []clauseWant{
		{"1", "第一條", "第一章 總則 第一節 通則", "第一條　為了測試"},
		{"2", "第二條", "第一章 總則 第一節 通則", "第二條　本條例所稱"},
		{"2-1", "第二條之一", "第一章 總則 第一節 通則", "第二條之一　吸菸者"},
		{"3", "第三條", "第二章 罰則", "第三條　違反第二條規定的"},
	})
}

func TestParseNumbered(t *testing.T) {
	doc := parseFile(t, "testdata/notice.txt")
	checkWants(t, doc, []clauseWant{
		{"0.1", "序言.1", "序言", "各区教育局"},
		{"1.1", "一.1", "总体要求", "坚持安全第一"},
		{"2.1", "二（一）", "重点任务", "（一）加强消防安全管理。"},
		{"3.2", "三（二）", "保障措施", "（二）严格责任追究。"},
		{"4", "四", "", "四、本通知自印发之日起施行。"},
	})
	if c := clauseByID(t, doc, "2.1"); !strings.HasSuffix(c.Text, "每学期至少组织一次消防疏散演练。") {
		t.Errorf("2.1 lost its second paragraph: %q", c.Text)
	}

	doc = parseFile(t, "testdata/service-agreement.txt")
	if doc.Title != "Service Level Agreement" {
		t.Errorf("Title = %q", doc.Title)
	}
	for _, tc := range []struct{ id, heading, prefix string }{
		{"1.2", "Introduction", "1.2 Terms not defined"},
		{"2.1.1", "Availability", "2.1.1 Scheduled maintenance"},
		{"4.1", "Termination", "4.1 Either party"},
	} {
		c := clauseByID(t, doc, tc.id)
		if c.Label != tc.id || c.Heading != tc.heading || !strings.HasPrefix(c.Text, tc.prefix) {
			t.Errorf("clause %s = %+v", tc.id, c)
		}
	}
	if c := clauseByID(t, doc, "1.2"); !strings.Contains(c.Text, "\nThe Master Agreement prevails") {
		t.Errorf("1.2 lost its continuation line: %q", c.Text)
	}
}

func TestParseMarkdownAndParagraphs(t *testing.T) {
	doc := parseFile(t, "testdata/handbook.md")
	if doc.Title != "新员工入职手册" {
		t.Errorf("Title = %q", doc.Title)
	}
	if c := clauseByID(t, doc, "4.2"); c.Heading != "考勤 请假" || !strings.HasPrefix(c.Text, "病假超过三天") {
		t.Errorf("4.2 = %+v", c)
	}
	doc = parseFile(t, "testdata/tea.txt")
	if doc.Title != "西湖龙井" || len(doc.Clauses) != 4 {
		t.Errorf("Title %q, %d clauses", doc.Title, len(doc.Clauses))
	}
	if c := clauseByID(t, doc, "2"); c.Label != "¶2" || !strings.HasPrefix(c.Text, "龙井茶的采摘") {
		t.Errorf("2 = %+v", c)
	}
}

// TestParseShortItems: a list of short numbered items, alone or under a
// title line, keeps every item as a clause; so does a heading-like item
// with no body under it.
func TestParseShortItems(t *testing.T) {
	for _, tc := range []struct {
		text  string
		ids   []string
		items []string
	}{
		{"一、携带身份证\n二、上午九点前到场\n三、报名费五十元", []string{"1", "2", "3"}, []string{"一、携带身份证", "二、上午九点前到场", "三、报名费五十元"}},
		{"报名须知\n一、携带身份证\n二、上午九点前到场\n三、报名费五十元", []string{"1", "2", "3"}, []string{"一、携带身份证", "二、上午九点前到场", "三、报名费五十元"}},
		{"1.1 携带身份证\n1.2 上午九点前到场\n1.3 报名费五十元", []string{"1.1", "1.2", "1.3"}, []string{"1.1 携带身份证", "1.2 上午九点前到场", "1.3 报名费五十元"}},
		{"（一）携带身份证\n（二）上午九点前到场", []string{"1", "2"}, []string{"（一）携带身份证", "（二）上午九点前到场"}},
		{"# 报名须知\n\n1. 携带身份证\n2. 上午九点前到场", []string{"1", "2"}, []string{"1. 携带身份证", "2. 上午九点前到场"}},
		{"# 报名须知\n\n## 携带身份证\n## 上午九点前到场", []string{"1", "2"}, []string{"携带身份证", "上午九点前到场"}},
		// A statement whose second heading has no paragraph under it.
		{"一、总体要求\n坚持安全第一。\n二、重点任务\n三、保障措施\n严格责任追究。", []string{"1.1", "2", "3.1"}, []string{"坚持安全第一。", "二、重点任务", "严格责任追究。"}},
	} {
		doc, err := Parse("x", tc.text)
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		checkClauses(t, doc)
		var ids, items []string
		for _, c := range doc.Clauses {
			ids = append(ids, c.ID)
			items = append(items, c.Text)
		}
		if strings.Join(ids, "|") != strings.Join(tc.ids, "|") || strings.Join(items, "|") != strings.Join(tc.items, "|") {
			t.Errorf("%q: clauses %q %q, want %q %q", tc.text, ids, items, tc.ids, tc.items)
		}
	}
}

func TestParseEdgeCases(t *testing.T) {
	if _, err := Parse("x", " \n\u3000\u3000\n"); !errors.Is(err, ErrEmpty) {
		t.Errorf("blank text: err = %v, want ErrEmpty", err)
	}
	doc, err := Parse("long", strings.Repeat("很长的一句话，", 20)+"。")
	if err != nil || doc.Title != "long" || len(doc.Clauses) != 1 || doc.Clauses[0].ID != "1" {
		t.Errorf("one long paragraph: %+v, %v", doc, err)
	}
	doc, err = Parse("short", "只有标题")
	if err != nil || len(doc.Clauses) != 1 {
		t.Errorf("title only: %+v, %v", doc, err)
	}
	// Ideographic-space runs split paragraphs, but not 第一章　　总则.
	doc, err = Parse("ws", "示例条例\u3000\u3000第一章\u3000\u3000总则\u3000\u3000第一条\u3000\u3000为了示例，制定本条例。\u3000\u3000第二条　本条例自公布之日起施行。")
	if err != nil || doc.Format != FormatLaw || len(doc.Clauses) != 2 || doc.Clauses[0].Heading != "第一章 总则" || doc.Clauses[0].Text != "第一条\u3000\u3000为了示例，制定本条例。" {
		t.Errorf("ideographic spaces: %+v, %v", doc, err)
	}
	// Full-width numbering is normalised in ids.
	doc, err = Parse("fw", "标题\n１．第一项内容。\n２．第二项内容。\n")
	if err != nil || len(doc.Clauses) != 2 || doc.Clauses[1].ID != "2" {
		t.Errorf("full-width numbers: %+v, %v", doc, err)
	}
}

func TestParseLawCorpus(t *testing.T) {
	corpusDir := testcorpus.Need(t, "corpus", "cn-laws") // the law corpus (LawRefBook/Laws)
	start := time.Now()
	files, articles, clauses := 0, 0, 0
	formats := make(map[string]int)
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		text, _, err := Decode(data)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		rel, _ := filepath.Rel(corpusDir, path)
		doc, err := Parse(strings.TrimSuffix(filepath.ToSlash(rel), ".md"), text)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		checkClauses(t, doc)
		formats[doc.Format]++
		clauses += len(doc.Clauses)
		if doc.Format == FormatLaw {
			for _, c := range doc.Clauses {
				if strings.HasPrefix(c.Label, "第") {
					articles++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files, %d clauses, %d law articles, formats %v, in %v", files, clauses, articles, formats, time.Since(start).Round(time.Millisecond))
	if files < 1500 {
		t.Errorf("only %d files", files)
	}
	if articles <= 60000 {
		t.Errorf("%d law articles, want more than 60,000", articles)
	}
}
