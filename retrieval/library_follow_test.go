package retrieval_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/retrieval"
	"github.com/qabot/qabot/seeds"
)

const smokingLaw = "# 测试市控烟条例\n\n第一条 为了减少烟草烟雾危害，制定本条例。\n\n第二条 在禁止吸烟场所吸烟且不听劝阻的，处五十元以上二百元以下罚款。\n"

// follower is a read-only library following a writer in dir, with the
// swaps it reported.
type follower struct {
	lib   *retrieval.Library
	swaps chan retrieval.Swapped
}

func follow(t *testing.T, dir string) *follower {
	t.Helper()
	f := &follower{
		lib:   retrieval.NewLibrary(retrieval.LibraryConfig{IndexDir: filepath.Join(dir, "index"), DocsDir: filepath.Join(dir, "reader-docs"), CreateDocsDir: true, ReadOnly: true}),
		swaps: make(chan retrieval.Swapped, 100),
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	// The poll never fires in a test: swaps come from the file system.
	go func() { done <- f.lib.Follow(ctx, time.Hour, func(s retrieval.Swapped) { f.swaps <- s }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return f
}

// next is the next swap (or failure) reported.
func (f *follower) next(t *testing.T) retrieval.Swapped {
	t.Helper()
	select {
	case s := <-f.swaps:
		return s
	case <-time.After(time.Minute): // a failure bound, not a measure
		t.Fatal("the reader reported nothing")
		return retrieval.Swapped{}
	}
}

// tree lists every file under dir with its size and modification time.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, p+" "+fi.ModTime().String()+" "+fi.Mode().String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestLibrary_readOnlyFollowsItsWriter(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	if err := os.Mkdir(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	reader := follow(t, dir) // before the writer has published anything
	writer, _, err := retrieval.OpenLibrary(context.Background(), retrieval.LibraryConfig{
		IndexDir: filepath.Join(dir, "index"), DocsDir: docs, Seeds: seeds.FS,
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := reader.next(t); s.Err != nil || s.Generation != "gen-000001" || s.Generation != writer.Generation() || s.Clauses != 43 {
		t.Fatalf("first swap %+v; the writer serves %s", s, writer.Generation())
	}
	lib := reader.lib
	if !lib.ReadOnly() || lib.Generation() != "gen-000001" {
		t.Errorf("reader serves %q (read-only %v)", lib.Generation(), lib.ReadOnly())
	}

	// It never writes: not the index, not a documents folder.
	before := tree(t, dir)
	if _, err := lib.Sync(context.Background()); !errors.Is(err, retrieval.ErrReadOnly) {
		t.Errorf("Sync: %v", err)
	}
	if _, err := lib.Add(context.Background(), "新.md", []byte(smokingLaw), retrieval.AddOptions{}); !errors.Is(err, retrieval.ErrReadOnly) {
		t.Errorf("Add: %v", err)
	}
	if err := lib.Watch(context.Background(), time.Second, nil, nil); !errors.Is(err, retrieval.ErrReadOnly) {
		t.Errorf("Watch: %v", err)
	}
	if after := tree(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("the reader changed the data folder:\nbefore %v\nafter  %v", before, after)
	}
	if _, err := os.Stat(filepath.Join(dir, "reader-docs")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the reader made its documents folder: %v", err)
	}

	// A document the writer publishes is cited by the reader, without a
	// restart.
	if err := os.WriteFile(filepath.Join(docs, "控烟条例.md"), []byte(smokingLaw), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := reader.next(t); s.Err != nil || s.Generation != "gen-000002" || s.Documents != 2 {
		t.Fatalf("swap after the writer's sync: %+v", s)
	}
	ans, err := lib.Ask(context.Background(), "在禁烟场所吸烟不听劝阻罚多少钱？", retrieval.AskOptions{})
	if err != nil || !ans.Found || !strings.Contains(ans.Text, "五十元以上二百元以下") {
		t.Errorf("the reader's answer %+v, %v", ans, err)
	}

	// A CURRENT naming a generation that cannot be read is reported once
	// and the reader keeps serving what it has; the next publication is
	// swapped in.
	if err := os.WriteFile(filepath.Join(dir, "index", "CURRENT"), []byte("gen-000099\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s := reader.next(t); s.Err == nil || s.Generation != "gen-000099" {
		t.Errorf("a generation that is not there: %+v", s)
	}
	if lib.Generation() != "gen-000002" || len(lib.Documents()) != 2 {
		t.Errorf("after a failed load the reader serves %s, %d documents", lib.Generation(), len(lib.Documents()))
	}
	if err := os.Remove(filepath.Join(docs, "控烟条例.md")); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	for {
		s := reader.next(t)
		if s.Err != nil {
			continue // gen-000099 again, before the writer's CURRENT landed
		}
		if s.Generation != writer.Generation() || s.Documents != 1 {
			t.Errorf("swap after the removal: %+v, writer at %s", s, writer.Generation())
		}
		break
	}
}

func TestLibrary_readOnlyOpen(t *testing.T) {
	dir := t.TempDir()
	ro := retrieval.LibraryConfig{IndexDir: filepath.Join(dir, "index"), ReadOnly: true}
	if _, _, err := retrieval.OpenLibrary(context.Background(), ro); !errors.Is(err, index.ErrNoIndex) {
		t.Errorf("read-only open with no index: %v, want ErrNoIndex", err)
	}
	if _, err := os.Stat(ro.IndexDir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a read-only open made the index folder: %v", err)
	}
	writer, _, err := retrieval.OpenLibrary(context.Background(), retrieval.LibraryConfig{IndexDir: ro.IndexDir, Seeds: seeds.FS})
	if err != nil {
		t.Fatal(err)
	}
	// A reader started (or restarted) later serves what is current.
	lib, o, err := retrieval.OpenLibrary(context.Background(), ro)
	if err != nil || o.Built || lib.Generation() != writer.Generation() || len(lib.Documents()) != 1 {
		t.Errorf("read-only open: %+v, %v; serves %q", o, err, lib.Generation())
	}
	if err := writer.Follow(context.Background(), time.Hour, nil); err == nil {
		t.Error("a writer followed")
	}
}
