package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun_oneDisplayForm: a clause is shown as answers cite it wherever
// qabot prints it (section, the sources lines, search), once, with no
// stray spaces, and what is shown looks it up again.
func TestRun_oneDisplayForm(t *testing.T) {
	dir := t.TempDir()
	mustMkdir(t, filepath.Join(dir, "docs"))
	law := "中华人民共和国测试法\n\n第一条 为了测试，制定本法。\n\n第二条 本法自二〇二七年一月一日起施行。\n"
	if err := os.WriteFile(filepath.Join(dir, "docs", "测试法.md"), []byte(law), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runQabot(t, dir, "", "section", "--no-seeds", "第二条")
	if want := "中华人民共和国测试法\n\n〔第二条〕 本法自二〇二七年一月一日起施行。\n"; code != 0 || out != want {
		t.Errorf("section 第二条: exit %d, stdout %q (stderr %q); want %q", code, out, errOut, want)
	}
	code, out, errOut = runQabot(t, dir, "", "ask", "--no-seeds", "测试法什么时候施行？")
	if want := "\nSources:\n  〔第二条〕 中华人民共和国测试法\n"; code != 0 || !strings.Contains(out, want) {
		t.Errorf("ask: exit %d, stdout %q (stderr %q); want %q", code, out, errOut, want)
	}
	// With the statement too, tags name the document, and still look up.
	if code, _, errOut := runQabot(t, dir, "", "index"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	code, out, _ = runQabot(t, dir, "", "section", "〔测试法 第二条〕")
	if want := "〔测试法 第二条〕 本法自"; code != 0 || !strings.Contains(out, want) {
		t.Errorf("section 〔测试法 第二条〕: exit %d, stdout %q; want %q", code, out, want)
	}
	code, out, _ = runQabot(t, t.TempDir(), "", "ask", "外长第三次会晤在哪里举行")
	if want := "\nSources:\n  〔§0.1〕 “中国+中亚五国”外长会晤联合声明（摘要） · 序言\n"; code != 0 || !strings.HasSuffix(out, want) {
		t.Errorf("ask about the preamble: exit %d, stdout %q; want it to end %q", code, out, want)
	}
	code, out, _ = runQabot(t, dir, "测试法的施行日期\n", "search", "--k", "1")
	if want := "  1. 测试法 测试法 第二条 ("; code != 0 || !strings.Contains(out, want) || strings.Contains(out, "  (") {
		t.Errorf("search: exit %d, stdout %q; want %q", code, out, want)
	}
}

// TestRun_sectionInManyDocuments: a reference that several documents have
// asks for --doc, counting all of them while it names only the first ten.
func TestRun_sectionInManyDocuments(t *testing.T) {
	dir := t.TempDir()
	mustMkdir(t, filepath.Join(dir, "docs"))
	for _, n := range []string{"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑"} {
		law := "中华人民共和国" + n + "法\n\n第一条 为了规范" + n + "，制定本法。\n"
		writeFile(t, filepath.Join(dir, "docs", n+"法.md"), law)
	}
	code, _, errOut := runQabot(t, dir, "", "section", "第一条")
	if want := `section "第一条" is in 12 documents (`; code != 1 || !strings.Contains(errOut, want) ||
		!strings.Contains(errOut, ", … 2 more); name one with --doc") || strings.Count(errOut, "法, ") != 10 {
		t.Errorf("section 第一条 over 12 laws: exit %d, stderr %q; want 1, %q, ten named and 2 more", code, errOut, want)
	}
	code, out, _ := runQabot(t, dir, "", "section", "--doc", "丑法", "第一条")
	if code != 0 || !strings.Contains(out, "〔丑法 第一条〕 为了规范丑") {
		t.Errorf("section --doc 丑法 第一条: exit %d, stdout %q", code, out)
	}
	code, _, errOut = runQabot(t, dir, "", "section", "--doc", "不存在的法", "第一条")
	if want := `no document matches --doc "不存在的法"`; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("section --doc 不存在的法: exit %d, stderr %q; want %q", code, errOut, want)
	}
}
