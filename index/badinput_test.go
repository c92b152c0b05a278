package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSync_badInputLosesNothing: files that cannot be indexed are skipped
// with a reason, and a document that turns bad keeps its indexed version.
func TestSync_badInputLosesNothing(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.MkdirAll(docs, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(docs, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := "# 好条例\n\n第一条 为了测试，制定本条例。\n\n第二条 本条例自公布之日起施行。\n"
	write("good.md", []byte(good))
	write("turns-bad.md", []byte("# 会变坏的条例\n\n第一条 原来的内容。\n"))
	m := &Manager{Store: NewStore(filepath.Join(dir, "index")), DocsDir: docs, Options: BuildOptions{Embedder: LocalEmbedder()}}
	ctx := context.Background()
	snap, rep, err := m.Sync(ctx, nil)
	if err != nil || rep.Documents.Added != 2 {
		t.Fatalf("first sync: %+v, %v", rep, err)
	}

	write("empty.txt", nil)
	write("binary.txt", []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	write("latin1.txt", []byte("caf\xe9 \xe0 la cr\xe8me \xff\xfe\xfd"))
	write("turns-bad.md", []byte{0, 0, 0, 0, 0xff, 0xfe, 0, 1})
	// 50 MB, sparse: skipped on its size without being read.
	big := filepath.Join(docs, "big.md")
	if f, err := os.Create(big); err != nil {
		t.Fatal(err)
	} else {
		if err := f.Truncate(50 << 20); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	// Deleted between listing and reading.
	write("gone.md", []byte(good))
	sources, err := ListSources(docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(docs, "gone.md")); err != nil {
		t.Fatal(err)
	}
	next, rep, err := Build(ctx, snap, sources, m.Options)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, s := range rep.Skipped {
		reasons[filepath.Base(s.File)] = s.Reason
	}
	for file, want := range map[string]string{
		"empty.txt":    "empty",
		"binary.txt":   "binary",
		"big.md":       "larger than",
		"gone.md":      "cannot read",
		"latin1.txt":   "unknown text encoding",
		"turns-bad.md": "keeping the version indexed before",
	} {
		if !strings.Contains(reasons[file], want) {
			t.Errorf("%s: reason %q, want it to say %q", file, reasons[file], want)
		}
	}
	if _, ok := next.Clause("good#1"); !ok {
		t.Error("the good document was lost")
	}
	if c, ok := next.Clause("turns-bad#1"); !ok || !strings.Contains(c.Text, "原来的内容。") {
		t.Errorf("the document that turned bad lost its indexed version: %+v", c)
	}
	if rep.Clauses.Embedded != 0 {
		t.Errorf("bad files caused %d embeddings", rep.Clauses.Embedded)
	}
}
