package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const lawA = "# 甲条例\n\n第一条 甲条例的内容。\n\n第二条 本条例自公布之日起施行。\n"

// docsManager is a manager over a documents folder dir/docs holding a.md and
// b.md, synced once.
func docsManager(t *testing.T) (*Manager, string) {
	t.Helper()
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	write(t, filepath.Join(docs, "a.md"), lawA)
	write(t, filepath.Join(docs, "b.md"), strings.ReplaceAll(lawA, "甲", "乙"))
	m := &Manager{Store: NewStore(filepath.Join(dir, "index")), DocsDir: docs, Options: BuildOptions{Embedder: LocalEmbedder()}}
	if _, rep, err := m.Sync(context.Background(), nil); err != nil || rep.Documents.Added != 2 {
		t.Fatalf("first sync: %+v, %v", rep, err)
	}
	return m, docs
}

// TestSync_missingFolderKeepsTheIndex: a documents folder that is gone (or
// unmounted, or never was) is an error naming it, not an empty folder; the
// index keeps its documents. An empty folder that is there may empty it.
func TestSync_missingFolderKeepsTheIndex(t *testing.T) {
	m, docs := docsManager(t)
	ctx := context.Background()
	if err := os.RemoveAll(docs); err != nil {
		t.Fatal(err)
	}
	_, _, err := m.Sync(ctx, nil)
	var de *DocsFolderError
	if !errors.As(err, &de) || !de.Missing || de.Dir != docs || de.Kept != 2 {
		t.Fatalf("sync of a missing folder: %v (%+v), want a *DocsFolderError, Missing, keeping 2 documents", err, de)
	}
	snap, err := m.Store.Load(ctx)
	if err != nil || len(snap.Docs) != 2 {
		t.Fatalf("after the refused sync: %v, %v; want the 2 documents kept", snap, err)
	}
	// A file where the folder should be, or a link to nothing, is missing too.
	for name, make := range map[string]func() error{
		"file":        func() error { return os.WriteFile(docs, []byte("x"), 0o644) },
		"broken link": func() error { return os.Symlink(filepath.Join(filepath.Dir(docs), "nowhere"), docs) },
	} {
		os.RemoveAll(docs)
		if err := make(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.Sync(ctx, nil); !errors.As(err, &de) || !de.Missing {
			t.Errorf("docs folder is a %s: %v, want a missing-folder error", name, err)
		}
	}
	os.RemoveAll(docs)
	if err := os.Mkdir(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	snap, rep, err := m.Sync(ctx, nil)
	if err != nil || rep.Documents.Removed != 2 || len(snap.Docs) != 0 {
		t.Errorf("sync of an empty folder: %+v, %v; want both documents removed", rep, err)
	}
}

// TestSync_createsTheDefaultFolderOnly: with CreateDocsDir (the default
// DATA/docs) a missing folder is created; without it (a folder the user
// named), a missing folder fails even when there is no index yet.
func TestSync_createsTheDefaultFolderOnly(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	m := &Manager{Store: NewStore(filepath.Join(dir, "index")), DocsDir: docs, Options: BuildOptions{Embedder: LocalEmbedder()}}
	var de *DocsFolderError
	if _, _, err := m.Sync(context.Background(), nil); !errors.As(err, &de) || !de.Missing || de.Kept != 0 {
		t.Fatalf("named folder missing: %v, want a missing-folder error", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "index", currentFile)); !os.IsNotExist(err) {
		t.Errorf("an index was written for a missing folder: %v", err)
	}
	m.CreateDocsDir = true
	if _, _, err := m.Sync(context.Background(), nil); err != nil {
		t.Fatalf("default folder missing: %v", err)
	}
	if fi, err := os.Stat(docs); err != nil || !fi.IsDir() {
		t.Errorf("the default folder was not created: %v", err)
	}
}

func TestSync_unreadableFolderKeepsTheIndex(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: every folder is readable")
	}
	m, docs := docsManager(t)
	sub := filepath.Join(docs, "sub")
	write(t, filepath.Join(sub, "c.md"), lawA)
	if err := os.Chmod(sub, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(sub, 0o755)
	var de *DocsFolderError
	if _, _, err := m.Sync(context.Background(), nil); !errors.As(err, &de) || de.Missing || de.Kept != 2 {
		t.Fatalf("unreadable subfolder: %v, want a *DocsFolderError keeping 2 documents", err)
	}
}

// TestListSources_links: the folder may be a link; links inside it are
// followed to files inside it (relative or absolute), and reported as
// skipped with a reason otherwise.
func TestListSources_links(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	outside := filepath.Join(dir, "outside")
	write(t, filepath.Join(real, "a.md"), lawA)
	write(t, filepath.Join(real, "sub", "inner.md"), strings.ReplaceAll(lawA, "甲", "丙"))
	write(t, filepath.Join(outside, "secret.md"), strings.ReplaceAll(lawA, "甲", "密"))
	links := map[string]string{
		"rel.md":        "sub/inner.md",
		"abs.md":        filepath.Join(real, "a.md"),
		"escape.md":     "../outside/secret.md",
		"escape-abs.md": filepath.Join(outside, "secret.md"),
		"broken.md":     "nothing.md",
		"folder":        outside,
		"notes.pdf":     "../outside/secret.md", // not a document name: ignored
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(real, name)); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "docs")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	src, err := ListSources(link, nil)
	if err != nil {
		t.Fatal(err)
	}
	snap, rep, err := Build(context.Background(), nil, src, BuildOptions{Embedder: LocalEmbedder()})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range snap.Docs {
		ids = append(ids, d.ID)
	}
	// The links inside lead to the same bytes as their targets: each pair is
	// indexed once.
	if got := strings.Join(ids, " "); got != "a rel" {
		t.Errorf("indexed %q, want a and rel (the folder link followed, inside links followed, copies folded)", got)
	}
	var folds []string
	for _, f := range rep.Folded {
		fr, _ := filepath.Rel(link, f.File)
		sr, _ := filepath.Rel(link, f.SameAs)
		folds = append(folds, fr+"="+sr)
	}
	if got := strings.Join(folds, " "); got != "abs.md=a.md sub/inner.md=rel.md" {
		t.Errorf("folded %q, want abs.md=a.md sub/inner.md=rel.md", got)
	}
	for _, d := range snap.Docs {
		for _, c := range d.Clauses {
			if strings.Contains(c.Text, "密") {
				t.Errorf("%s indexes a file outside the folder: %q", d.ID, c.Text)
			}
		}
	}
	reasons := map[string]error{"escape.md": ErrLinkOutside, "escape-abs.md": ErrLinkOutside, "broken.md": ErrLinkBroken, "folder": ErrLinkFolder}
	if len(rep.Skipped) != len(reasons) {
		t.Errorf("skipped %+v, want %d", rep.Skipped, len(reasons))
	}
	for _, s := range rep.Skipped {
		want, ok := reasons[filepath.Base(s.File)]
		if !ok || s.Reason != want.Error() || s.Kind != skipKind(want) || !strings.HasPrefix(s.File, link) {
			t.Errorf("skipped %+v, want reason %v under %s", s, want, link)
		}
	}
}

// TestBuild_fileSwappedForLinkAfterListing: a listed file replaced by a
// link to a file outside the folder before it is read is not read through
// the link (it keeps its last indexed version).
func TestBuild_fileSwappedForLinkAfterListing(t *testing.T) {
	m, docs := docsManager(t)
	ctx := context.Background()
	prev, err := m.Store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(filepath.Dir(docs), "secret.md")
	write(t, secret, "# 机密\n\n第一条 不应被索引的机密内容。\n")
	write(t, filepath.Join(docs, "a.md"), lawA+"\n第三条 新增的内容。\n")
	src, err := m.Sources()
	if err != nil {
		t.Fatal(err)
	}
	// Between listing and reading, a.md becomes a link out of the folder.
	if err := os.Remove(filepath.Join(docs, "a.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(docs, "a.md")); err != nil {
		t.Fatal(err)
	}
	snap, rep, err := Build(ctx, prev, src, m.Options)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range snap.Docs {
		for _, c := range d.Clauses {
			if strings.Contains(c.Text, "机密") {
				t.Fatalf("%s#%s was read through the swapped-in link: %q", d.ID, c.ID, c.Text)
			}
		}
	}
	if len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Reason, "keeping the version indexed before") {
		t.Errorf("skipped %+v, want a.md skipped, its indexed version kept", rep.Skipped)
	}
	if _, ok := snap.Clause("a#1"); !ok {
		t.Error("a.md's indexed version was lost")
	}
}

// TestWatch_linkedFolder: a documents folder given as a link is watched
// through it.
func TestWatch_linkedFolder(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "docs")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := make(chan struct{}, 10)
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, link, 0, func() { changes <- struct{}{} }, nil) }()
	<-changes // watching
	write(t, filepath.Join(link, "a.md"), lawA)
	select {
	case <-changes:
	case err := <-done:
		t.Fatalf("Watch ended: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
	var de *DocsFolderError
	if err := Watch(context.Background(), filepath.Join(dir, "none"), 0, func() { t.Error("onChange for a missing folder") }, nil); !errors.As(err, &de) || !de.Missing {
		t.Errorf("Watch of a missing folder: %v, want a missing-folder error", err)
	}
}

func TestManager_EnsureDocsDir(t *testing.T) {
	docs := filepath.Join(t.TempDir(), "data", "docs")
	m := &Manager{DocsDir: docs}
	if err := m.EnsureDocsDir(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(docs); !os.IsNotExist(err) {
		t.Fatalf("a folder the user named was created: %v", err)
	}
	m.CreateDocsDir = true
	if err := m.EnsureDocsDir(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(docs); err != nil || !fi.IsDir() {
		t.Fatalf("the default folder was not created: %v", err)
	}
}
