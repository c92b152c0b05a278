package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qabot/qabot/internal/syncreport"
	"github.com/qabot/qabot/retrieval"
)

// TestSkipWords: every reason to skip a file has its own words, which say
// what to do where something can be done; a report saved before there
// were codes keeps the index's account.
func TestSkipWords(t *testing.T) {
	seen := map[string]string{}
	for _, kind := range []string{
		syncreport.SkipEmpty, syncreport.SkipBinary, syncreport.SkipUndecodable, syncreport.SkipTooLarge,
		syncreport.SkipNoAccess, syncreport.SkipUnreadable, syncreport.SkipLinkOutside, syncreport.SkipLinkBroken,
		syncreport.SkipLinkFolder,
	} {
		w := skipWords(syncreport.Skip{Kind: kind, Reason: "the index's words"})
		if w == "" || w == "the index's words" || seen[w] != "" {
			t.Errorf("%s: %q (also %s's)", kind, w, seen[w])
		}
		seen[w] = kind
		if kept := skipWords(syncreport.Skip{Kind: kind, Kept: true}); !strings.HasSuffix(kept, "; the version indexed before is kept") {
			t.Errorf("%s, kept: %q", kind, kept)
		}
	}
	if w := skipWords(syncreport.Skip{Reason: "an old report"}); w != "an old report" {
		t.Errorf("no kind: %q", w)
	}
	if w := skipWords(syncreport.Skip{Kind: syncreport.SkipTooLarge}); !strings.Contains(w, "10 MB") {
		t.Errorf("too large: %q; want the limit", w)
	}

	dir := t.TempDir()
	mustMkdir(t, filepath.Join(dir, "docs"))
	writeFile(t, filepath.Join(dir, "docs", "empty.txt"), "")
	if err := os.Symlink("/", filepath.Join(dir, "docs", "root.md")); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runQabot(t, dir, "", "index")
	for _, want := range []string{
		"skipped:   " + filepath.Join(dir, "docs", "empty.txt") + ": empty: there is no text to index\n",
		"skipped:   " + filepath.Join(dir, "docs", "root.md") + ": a symbolic link to a folder; qabot does not follow those (copy the folder in)\n",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("index: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
		}
	}
}

// TestBuiltWords: why serve's open built the index, in words.
func TestBuiltWords(t *testing.T) {
	for _, c := range []struct {
		o    retrieval.Opened
		want string
	}{
		{retrieval.Opened{Built: true, Why: retrieval.RebuiltNoIndex, Rebuilt: "no index yet"}, "built the index in DIR"},
		{retrieval.Opened{Built: true}, "built the index in DIR"},
		{retrieval.Opened{Built: true, Why: retrieval.RebuiltForEmbedder, Was: "local/hashed-ngrams-v1/256"},
			"re-embedded the documents with openai@host/m/8 in DIR (embedder local/hashed-ngrams-v1/256 had built the index)"},
		{retrieval.Opened{Built: true, Why: retrieval.RebuiltUnreadable, Rebuilt: "the index could not be read (bad gob)"},
			"rebuilt the index in DIR (the index could not be read (bad gob))"},
	} {
		if got := builtWords(c.o, "DIR", "openai@host/m/8"); got != c.want {
			t.Errorf("%+v: %q, want %q", c.o, got, c.want)
		}
	}
}

// TestDefaultDataDir: XDG_DATA_HOME, else ~/.local/share, else (no HOME)
// ./.qabot, as the README says.
func TestDefaultDataDir(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	if got := defaultDataDir(env(map[string]string{"XDG_DATA_HOME": "/x", "HOME": "/h"})); got != "/x/qabot" {
		t.Errorf("with XDG_DATA_HOME: %q", got)
	}
	if got := defaultDataDir(env(map[string]string{"HOME": "/h"})); got != "/h/.local/share/qabot" {
		t.Errorf("with HOME: %q", got)
	}
	t.Setenv("HOME", "") // os.UserHomeDir reads it too
	if got := defaultDataDir(env(nil)); got != ".qabot" {
		t.Errorf("without HOME: %q, want .qabot", got)
	}
}
