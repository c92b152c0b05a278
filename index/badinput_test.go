package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qabot/qabot/internal/syncreport"
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
	skips := map[string]Skip{}
	for _, s := range rep.Skipped {
		skips[filepath.Base(s.File)] = s
	}
	for file, want := range map[string]struct {
		reason, kind string
		kept         bool
	}{
		"empty.txt":    {"empty", syncreport.SkipEmpty, false},
		"binary.txt":   {"binary", syncreport.SkipBinary, false},
		"big.md":       {"larger than", syncreport.SkipTooLarge, false},
		"gone.md":      {"cannot read", syncreport.SkipUnreadable, false},
		"latin1.txt":   {"unknown text encoding", syncreport.SkipUndecodable, false},
		"turns-bad.md": {"keeping the version indexed before", syncreport.SkipBinary, true},
	} {
		if got := skips[file]; !strings.Contains(got.Reason, want.reason) || got.Kind != want.kind || got.Kept != want.kept {
			t.Errorf("%s: skipped %+v, want kind %s, kept %v, the reason saying %q", file, got, want.kind, want.kept, want.reason)
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

// TestSkipKind: each reason to skip a file has its own code, wrapped or not.
func TestSkipKind(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range []struct {
		err  error
		want string
	}{
		{ErrEmpty, syncreport.SkipEmpty},
		{ErrBinary, syncreport.SkipBinary},
		{ErrUndecodable, syncreport.SkipUndecodable},
		{ErrTooLarge, syncreport.SkipTooLarge},
		{ErrLinkOutside, syncreport.SkipLinkOutside},
		{ErrLinkBroken, syncreport.SkipLinkBroken},
		{ErrLinkFolder, syncreport.SkipLinkFolder},
		{&os.PathError{Op: "open", Path: "x.md", Err: os.ErrPermission}, syncreport.SkipNoAccess},
		{&os.PathError{Op: "read", Path: "x.md", Err: os.ErrClosed}, syncreport.SkipUnreadable},
	} {
		wrapped := fmt.Errorf("cannot read: %w", c.err)
		if got := skipKind(wrapped); got != c.want || seen[got] {
			t.Errorf("skipKind(%v) = %q, want %q (once)", wrapped, got, c.want)
		}
		seen[c.want] = true
	}
}
