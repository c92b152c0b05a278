package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun_evalSyncsFirst: eval measures the documents it is given, syncing
// the index with them first, as it is: an index the local embedder built
// stays local (nothing is sent to a configured endpoint), and an index of
// an embedder that is not at hand is not re-embedded.
func TestRun_evalSyncsFirst(t *testing.T) {
	dir := t.TempDir()
	f := &fakeModel{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	endpoint := map[string]string{"QABOT_EMBED_URL": srv.URL + "/v1", "QABOT_EMBED_MODEL": "fake-embed", "QABOT_API_KEY": modelKey}
	if code, _, errOut := runQabot(t, dir, "", "index"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	law := "中华人民共和国测试法\n\n第一条 为了测试，制定本法。\n\n第二条 本法自二〇二七年一月一日起施行。\n"
	writeFile(t, filepath.Join(dir, "docs", "测试法.md"), law)
	set := filepath.Join(dir, "gold.jsonl")
	writeFile(t, set, `{"q":"测试法什么时候施行？","gold":["测试法#2"]}`+"\n"+`{"q":" ","gold":["2.3"]}`+"\n"+`{"q":"首届中国—中亚经贸合作论坛是什么时候举行的？","gold":["2.3","9.9"]}`+"\n")
	code, out, errOut := runWithEnv(t, dir, endpoint, "eval", "--json", "--set", set)
	var m struct {
		Questions int     `json:"questions"`
		R1        float64 `json:"recall@1"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || m.Questions != 2 || m.R1 != 1 {
		t.Fatalf("eval: exit %d, stdout %q, stderr %q; want 2 questions, both first", code, out, errOut)
	}
	for _, want := range []string{
		"synced the index with the documents first (documents: 1 added, 0 changed, 0 removed; clauses: 2 embedded)",
		"qabot eval: warning: " + set + ": line 2 has no question; skipped",
		"qabot eval: warning: " + set + `:3: gold "9.9" names nothing in the index`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("eval: stderr %q; want %q", errOut, want)
		}
	}
	if n := f.embeds.Load(); n > 1 {
		t.Errorf("eval sent %d embedding requests to the configured endpoint (more than the probe for its vector length); the index is the local embedder's", n)
	}
	if got := indexEmbedder(t, dir); !strings.HasPrefix(got, "local/") {
		t.Errorf("after eval the index is %s's, want the local embedder's", got)
	}

	// An index the endpoint built, the endpoint gone: a change is not
	// re-embedded, and eval says what to do.
	if code, _, errOut := runWithEnv(t, dir, endpoint, "index"); code != 0 || f.embeds.Load() == 0 {
		t.Fatalf("index with the endpoint: exit %d, %d requests: %s", code, f.embeds.Load(), errOut)
	}
	writeFile(t, filepath.Join(dir, "docs", "测试法.md"), law+"\n第三条 本法由测试机关负责解释。\n")
	code, _, errOut = runQabot(t, dir, "", "eval", "--set", set)
	if want := "only 'qabot index' re-embeds them"; code != 1 || !strings.Contains(errOut, want) || !strings.Contains(errOut, "fake-embed") {
		t.Errorf("eval over a changed index of another embedder: exit %d, stderr %q; want 1 and %q", code, errOut, want)
	}
	if got := indexEmbedder(t, dir); !strings.Contains(got, "fake-embed") {
		t.Errorf("after eval the index is %s's, want the endpoint's kept", got)
	}
}

// indexEmbedder is the embedder the manifest of dir's index names.
func indexEmbedder(t *testing.T, dir string) string {
	t.Helper()
	idx := filepath.Join(dir, "data", "index")
	cur, err := os.ReadFile(filepath.Join(idx, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(idx, strings.TrimSpace(string(cur)), "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Embedder string }
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Embedder
}
