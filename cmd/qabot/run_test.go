package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runQabot runs one command as main does, with data in dir.
func runQabot(t *testing.T, dir, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	mustMkdir(t, filepath.Join(dir, "docs")) // a documents folder that is named must exist
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		switch k {
		case "QABOT_DATA":
			return filepath.Join(dir, "data")
		case "QABOT_DOCS":
			return filepath.Join(dir, "docs")
		}
		return ""
	}
	code = run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// mustMkdir creates dir (and its parents).
func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestRun_askBuildsOnceThenReuses(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runQabot(t, dir, "", "ask", "--json", "各方如何应对毒品威胁？")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "built the index") {
		t.Errorf("first ask did not say it built the index: %q", errOut)
	}
	var ans struct {
		Question  string `json:"question"`
		Answer    string `json:"answer"`
		Found     bool   `json:"found"`
		Mode      string `json:"mode"`
		Citations []struct {
			Doc, Section, Label, Heading, Text string
			Score                              float64
		} `json:"citations"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("ask --json printed %q: %v", out, err)
	}
	if !ans.Found || ans.Mode != "extractive" || len(ans.Citations) == 0 || ans.Citations[0].Section != "1.10" ||
		ans.Citations[0].Doc != "china-central-asia-fm-joint-statement-2022" {
		t.Errorf("answer %+v, want found, extractive, citing 1.10 of the statement", ans)
	}
	code, _, errOut = runQabot(t, dir, "", "ask", "IT产业园")
	if code != 0 || strings.Contains(errOut, "built") {
		t.Errorf("second ask: exit %d, stderr %q; want the saved index reused", code, errOut)
	}
}

func TestRun_indexCountsChanges(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	os.MkdirAll(docs, 0o755)
	os.WriteFile(filepath.Join(docs, "notice.txt"), []byte("一、总则\n本办法适用于全体成员。\n二、附则\n本办法自发布之日起施行。\n"), 0o644)
	os.WriteFile(filepath.Join(docs, "empty.txt"), nil, 0o644)
	type report struct {
		Documents struct{ Added, Changed, Removed, Unchanged int }
		Clauses   struct{ Embedded, Kept, Removed int }
		Skipped   []struct{ File, Reason string }
	}
	index := func() report {
		t.Helper()
		code, out, errOut := runQabot(t, dir, "", "index", "--json")
		if code != 0 {
			t.Fatalf("index: exit %d: %s", code, errOut)
		}
		var r report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("index --json printed %q: %v", out, err)
		}
		return r
	}
	r := index()
	if r.Documents.Added != 2 || r.Clauses.Embedded != 43+2 || len(r.Skipped) != 1 || !strings.Contains(r.Skipped[0].File, "empty.txt") {
		t.Errorf("first sync %+v, want 2 documents and 45 clauses added, empty.txt skipped", r)
	}
	r = index()
	if r.Documents.Unchanged != 2 || r.Clauses.Embedded != 0 || r.Clauses.Kept != 45 {
		t.Errorf("no-op sync %+v, want nothing embedded", r)
	}
	os.WriteFile(filepath.Join(docs, "notice.txt"), []byte("一、总则\n本办法适用于全体成员。\n二、附则\n本办法自2027年1月1日起施行。\n"), 0o644)
	r = index()
	if r.Documents.Changed != 1 || r.Clauses.Embedded != 1 || r.Clauses.Kept != 44 {
		t.Errorf("sync after an edit %+v, want 1 clause re-embedded", r)
	}
	os.Remove(filepath.Join(docs, "notice.txt"))
	r = index()
	if r.Documents.Removed != 1 || r.Clauses.Removed != 2 {
		t.Errorf("sync after a removal %+v, want 1 document and 2 clauses removed", r)
	}
}

func TestRun_section(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runQabot(t, dir, "", "section", "二.3")
	if code != 0 || !strings.Contains(out, "各方高度评价首届中国—中亚经贸合作论坛（2022年1月17日）") {
		t.Errorf("section 二.3: exit %d, out %q, err %q", code, out, errOut)
	}
	code, _, errOut = runQabot(t, dir, "", "section", "9.9")
	if code != 1 || !strings.Contains(errOut, "not found") || !strings.Contains(errOut, "§8.") {
		t.Errorf("unknown section: exit %d, stderr %q; want 1 and the closest sections", code, errOut)
	}
}

// TestRun_searchJSONLines: one JSON line per input line, blank ones and
// refused ones included, so that the output lines up with the input.
func TestRun_searchJSONLines(t *testing.T) {
	dir := t.TempDir()
	in := "IT产业园\n\n" + strings.Repeat("问", 1001) + "\n亚欧贸易通道" // no final line break
	code, out, errOut := runQabot(t, dir, in, "search", "--json", "--k", "2")
	if code != 1 || !strings.Contains(errOut, "line 3 skipped") {
		t.Errorf("exit %d, stderr %q; want 1 and line 3 skipped", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want 4: %q", len(lines), out)
	}
	for i, want := range []struct {
		q, first, skipped string
	}{{"IT产业园", "5.1", ""}, {"", "", ""}, {"", "", "the question has 1001 characters"}, {"亚欧贸易通道", "3.5", ""}} {
		var r struct {
			Q       string
			Hits    []struct{ Section, Tag string }
			Skipped string
		}
		if err := json.Unmarshal([]byte(lines[i]), &r); err != nil || r.Q != want.q || !strings.Contains(r.Skipped, want.skipped) ||
			want.first == "" && (r.Hits == nil || len(r.Hits) != 0) ||
			want.first != "" && (len(r.Hits) != 2 || r.Hits[0].Section != want.first || r.Hits[0].Tag != "§"+want.first) {
			t.Errorf("line %d = %q (%v), want q %q, first hit %q", i+1, lines[i], err, want.q, want.first)
		}
	}
	// The same for people: a question line per input line.
	_, out, _ = runQabot(t, dir, "IT产业园\n\n亚欧贸易通道\n", "search", "--k", "1")
	if got := strings.Count(out, "\n  1. "); got != 2 || !strings.Contains(out, "\n\n亚欧贸易通道\n") {
		t.Errorf("search: %q; want two answered questions and an empty line between them", out)
	}
}

func TestRun_usageErrors(t *testing.T) {
	dir := t.TempDir()
	if code, _, _ := runQabot(t, dir, "", "nope"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if code, _, errOut := runQabot(t, dir, "", "ask", "  "); code != 1 || !strings.Contains(errOut, "empty") {
		t.Errorf("empty question: exit %d, %q", code, errOut)
	}
	if code, _, _ := runQabot(t, dir, "", "ask", "--help"); code != 0 {
		t.Errorf("ask --help: exit %d, want 0", code)
	}
}

// TestRun_missingDocsFolderFails: a documents folder that is named but
// does not exist is an error, and nothing is indexed.
func TestRun_missingDocsFolderFails(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such")
	code, out, errOut := runQabot(t, dir, "", "index", "--docs", missing)
	if code != 1 || !strings.Contains(errOut, missing) || !strings.Contains(errOut, "does not exist") || out != "" {
		t.Errorf("index --docs %s: exit %d, stdout %q, stderr %q; want exit 1 naming the missing folder", missing, code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "index", "CURRENT")); !os.IsNotExist(err) {
		t.Errorf("an index was written: %v", err)
	}
	// A reader answers from the index there is, and says the folder is gone.
	if code, _, errOut := runQabot(t, dir, "", "index"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	code, out, errOut = runQabot(t, dir, "", "ask", "--docs", missing, "IT产业园")
	if want := "qabot: the documents folder " + missing + " does not exist (--docs, QABOT_DOCS); answering from the index as last synced\n"; code != 0 || !strings.Contains(out, "〔§5.1〕") || errOut != want {
		t.Errorf("ask --docs %s: exit %d, stdout %q, stderr %q; want the answer and %q", missing, code, out, errOut, want)
	}
}

// TestRun_unwritableIndexSaysNothingBuilt: when the index cannot be
// written, ask fails without claiming it built one.
func TestRun_unwritableIndexSaysNothingBuilt(t *testing.T) {
	dir := t.TempDir()
	mustMkdir(t, filepath.Join(dir, "data"))
	// A file where the index folder goes: nothing can be written there
	// (a read-only folder would do, but tests may run as root).
	if err := os.WriteFile(filepath.Join(dir, "data", "index"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runQabot(t, dir, "", "ask", "IT产业园")
	if code != 1 || strings.Contains(errOut, "built the index") {
		t.Errorf("ask with an unwritable index: exit %d, stderr %q; want exit 1 and no claim of a built index", code, errOut)
	}
}
