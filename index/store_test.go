package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
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
	if _, err := st.Load(context.Background()); err == nil {
		t.Fatal("Load of an empty store succeeded")
	}
	snap, _ := mustBuild(t, nil, 3, "甲")
	if err := st.Save(snap); err != nil {
		t.Fatal(err)
	}
	got, err := st.Load(context.Background())
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
	got, err := st.Load(context.Background())
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

// TestStore_killedMidSave kills a saving process (SIGKILL, as kill -9 does)
// at every point of a save where the files on disk differ, and checks that
// the index it leaves loads and is the old snapshot until CURRENT names the
// new one, the new one from then on. The child kills itself at the point
// named, so nothing depends on how fast the machine is.
func TestStore_killedMidSave(t *testing.T) {
	if dir := os.Getenv("QABOT_TEST_SAVE_DIR"); dir != "" {
		saveAndDie(t, dir, os.Getenv("QABOT_TEST_KILL_AT"))
		return
	}
	points := []struct {
		step    string
		newSnap bool // the new snapshot is current after a kill here
	}{
		{stepTmpCreated, false},
		{stepManifest, false},
		{stepDocs, false},
		{stepVectors, false},
		{stepQueryFiles, false},
		{stepGenRenamed, false},
		{stepCurrentTmp, false},
		{stepCurrentRenamed, true},
		{stepRemoving, true},
	}
	for _, p := range points {
		t.Run(p.step, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestStore_killedMidSave$")
			cmd.Env = append(os.Environ(), "QABOT_TEST_SAVE_DIR="+dir, "QABOT_TEST_KILL_AT="+p.step)
			out, err := cmd.CombinedOutput()
			if cmd.ProcessState == nil || cmd.ProcessState.Success() || !strings.Contains(string(out), "killing at "+p.step) {
				t.Fatalf("the saving process was not killed at %s (%v):\n%s", p.step, err, out)
			}
			st := NewStore(dir)
			snap, err := st.Load(context.Background())
			if err != nil {
				t.Fatalf("index unreadable after a kill at %s: %v", p.step, err)
			}
			want := 40 // the first save: 2 documents of 20 clauses
			if p.newSnap {
				want = 60
			}
			if snap.NumClauses() != want {
				t.Fatalf("after a kill at %s: %d clauses, want %d", p.step, snap.NumClauses(), want)
			}
			// The next sync starts by removing what the killed save left.
			m := &Manager{Store: st, Options: BuildOptions{Embedder: LocalEmbedder()}}
			if _, _, err := m.Sync(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			if left := leftovers(t, dir); len(left) > 0 {
				t.Errorf("after a kill at %s and a sync: leftovers %q", p.step, left)
			}
		})
	}
}

// saveAndDie is the child of TestStore_killedMidSave: one complete save,
// a second one killed at the point named, and a third, older generation
// so that the second save has one to remove.
func saveAndDie(t *testing.T, dir, point string) {
	st := NewStore(dir)
	for _, n := range []int{1, 2} {
		snap, _ := mustBuild(t, nil, n, "甲")
		if err := st.Save(snap); err != nil {
			t.Fatal(err)
		}
	}
	st.step = func(p string) {
		if p == point {
			fmt.Println("killing at " + p)
			self, _ := os.FindProcess(os.Getpid())
			self.Kill()
			select {} // until the signal lands
		}
	}
	snap, _ := mustBuild(t, nil, 3, "乙")
	if err := st.Save(snap); err != nil {
		t.Fatal(err)
	}
	fmt.Println("save finished without being killed")
}

// leftovers lists what interrupted saves may leave in a store folder.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestStore_loadSurvivesTwoSaves: a reader that has read CURRENT and then
// sees two saves finish before it opens the generation (the second save
// removes it) still loads an index — the one CURRENT names by then.
func TestStore_loadSurvivesTwoSaves(t *testing.T) {
	dir := t.TempDir()
	st := NewStore(dir)
	first, _ := mustBuild(t, nil, 1, "甲")
	if err := st.Save(first); err != nil {
		t.Fatal(err)
	}
	second, _ := mustBuild(t, nil, 2, "乙")
	third, _ := mustBuild(t, nil, 3, "丙")
	reader := NewStore(dir) // another process's store
	var started []string
	reader.loading = func(gen string) {
		started = append(started, gen)
		if len(started) == 1 {
			for _, s := range []*Snapshot{second, third} {
				if err := st.Save(s); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, gen)); !os.IsNotExist(err) {
				t.Fatalf("the generation the reader started on is still there (%v): the test does not test", err)
			}
		}
	}
	snap, err := reader.Load(context.Background())
	if err != nil {
		t.Fatalf("load while two saves finished: %v", err)
	}
	if snap.NumClauses() != 60 || len(started) != 2 {
		t.Errorf("loaded %d clauses after %d attempts (%q), want the third save's 60 after 2", snap.NumClauses(), len(started), started)
	}
}

// TestManager_syncRemovesLeftoversOnlyWithTheLock: a killed save's gen-N.tmp
// is removed when the next sync starts — by a sync that holds the lock, so
// never the folder of a save still being written.
func TestManager_syncRemovesLeftoversOnlyWithTheLock(t *testing.T) {
	if !fileLocks {
		t.Skip("no file locks on this system")
	}
	dir := t.TempDir()
	st := NewStore(dir)
	m := &Manager{Store: st, Seeds: fstest.MapFS{"a.md": {Data: []byte("# 甲\n\n第一条 甲的内容。\n")}}, Options: BuildOptions{Embedder: LocalEmbedder()}}
	if _, _, err := m.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "gen-000007.tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "vectors.gob"), []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	// While another sync holds the lock (another process, as flock sees
	// it), a sync that gives up waiting leaves the folder alone.
	unlock, err := lockDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := m.Sync(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("sync while locked: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("a sync without the lock removed %s: %v", tmp, err)
	}
	unlock()
	// A no-op sync (nothing changed, nothing saved) still cleans up.
	_, rep, err := m.Sync(context.Background(), nil)
	if err != nil || rep.Changed() {
		t.Fatalf("no-op sync: %+v, %v", rep, err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("%s survived a sync: %v", tmp, err)
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
