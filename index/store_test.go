package index

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// mustBuild builds a snapshot of n generated documents.
func mustBuild(tb testing.TB, prev *Snapshot, n int, variant string) (*Snapshot, Report) {
	tb.Helper()
	fsys := fstest.MapFS{}
	for i := 0; i < n; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "# 测试条例%d\n\n## 第一章 总则\n\n", i)
		for a := 1; a <= 20; a++ {
			fmt.Fprintf(&b, "第%s条 本条例第%d条规定了%s事项%d。\n\n", ChineseNumber(a), a, variant, i*100+a)
		}
		fsys[fmt.Sprintf("doc%03d.md", i)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	src, err := ListSources("", fsys)
	if err != nil {
		tb.Fatal(err)
	}
	snap, rep, err := Build(context.Background(), prev, src, BuildOptions{Embedder: LocalEmbedder()})
	if err != nil {
		tb.Fatal(err)
	}
	return snap, rep
}

func TestStore_SaveLoad(t *testing.T) {
	st := NewStore(t.TempDir())
	if _, err := st.Load(); err == nil {
		t.Fatal("Load of an empty store succeeded")
	}
	snap, _ := mustBuild(t, nil, 3, "甲")
	if err := st.Save(snap); err != nil {
		t.Fatal(err)
	}
	got, err := st.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.NumClauses() != 60 || got.Embedder != LocalEmbedder().ID() {
		t.Errorf("loaded %d clauses by %s, want 60 by %s", got.NumClauses(), got.Embedder, LocalEmbedder().ID())
	}
	c, ok := got.Clause("doc001#7")
	if !ok || !strings.Contains(c.Text, "甲事项107") {
		t.Errorf("clause doc001#7 = %+v, %v", c, ok)
	}
	res, err := got.Nearest(context.Background(), mustEmbed(t, c.Text), 1000)
	if err != nil || len(res) != 60 || res[0].Key != "doc001#7" {
		t.Errorf("Nearest with k above the count: %d results, first %v, err %v", len(res), res, err)
	}
}

func mustEmbed(tb testing.TB, s string) []float32 {
	tb.Helper()
	v, err := LocalEmbedder().Embed(context.Background(), []string{s})
	if err != nil {
		tb.Fatal(err)
	}
	return v[0]
}

func TestStore_leftoversOfACrashAreIgnored(t *testing.T) {
	dir := t.TempDir()
	st := NewStore(dir)
	snap, _ := mustBuild(t, nil, 2, "甲")
	if err := st.Save(snap); err != nil {
		t.Fatal(err)
	}
	// A crash mid-write leaves a half-written generation that CURRENT does
	// not name, and a stray CURRENT.tmp.
	os.MkdirAll(filepath.Join(dir, "gen-000002.tmp"), 0o755)
	os.WriteFile(filepath.Join(dir, "gen-000002.tmp", "vectors.gob"), []byte("half"), 0o644)
	os.WriteFile(filepath.Join(dir, "CURRENT.tmp"), []byte("gen-000002\n"), 0o644)
	got, err := st.Load()
	if err != nil || got.NumClauses() != 40 {
		t.Fatalf("after a crash: %v, %v; want the last good index", got, err)
	}
	if err := st.Save(snap); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "gen-000002.tmp")); !os.IsNotExist(err) {
		t.Errorf("half-written generation not removed by the next save: %v", err)
	}
}

// TestStore_killedMidSave kills a process that saves snapshots in a loop and
// checks that the index it leaves always loads.
func TestStore_killedMidSave(t *testing.T) {
	if dir := os.Getenv("QABOT_TEST_SAVE_LOOP"); dir != "" {
		st := NewStore(dir)
		for i := 0; ; i++ {
			snap, _ := mustBuild(t, nil, 40, fmt.Sprint(i))
			if err := st.Save(snap); err != nil {
				t.Fatal(err)
			}
			fmt.Println("saved")
		}
	}
	dir := t.TempDir()
	for round, delay := range []time.Duration{150 * time.Millisecond, 400 * time.Millisecond, 900 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestStore_killedMidSave$")
		cmd.Env = append(os.Environ(), "QABOT_TEST_SAVE_LOOP="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()
		snap, err := NewStore(dir).Load()
		if err != nil {
			if round == 0 && strings.Contains(err.Error(), ErrNoIndex.Error()) {
				continue // killed before the first save finished: no index is a valid state
			}
			t.Fatalf("round %d: index unreadable after kill: %v", round, err)
		}
		if snap.NumClauses() != 800 {
			t.Fatalf("round %d: %d clauses after kill, want 800", round, snap.NumClauses())
		}
	}
}

func TestBuild_incremental(t *testing.T) {
	first, rep := mustBuild(t, nil, 3, "甲")
	if rep.Documents.Added != 3 || rep.Clauses.Embedded != 60 {
		t.Errorf("first build %+v", rep)
	}
	_, rep = mustBuild(t, first, 3, "甲")
	if rep.Changed() || rep.Clauses.Kept != 60 {
		t.Errorf("rebuild without changes %+v, want nothing embedded", rep)
	}
	_, rep = mustBuild(t, first, 2, "乙")
	if rep.Documents.Changed != 2 || rep.Documents.Removed != 1 || rep.Clauses.Embedded != 40 || rep.Clauses.Removed != 20 {
		t.Errorf("build after changing 2 and removing 1 document %+v", rep)
	}
}
