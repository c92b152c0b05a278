package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestLockDir_waitsAndHonoursContext(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	// A second taker (another process, as far as flock is concerned: a
	// separate open file) waits, and gives up when its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := lockDir(ctx, dir); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock while held: %v, want a deadline error", err)
	}
	got := make(chan error, 1)
	go func() {
		u, err := lockDir(context.Background(), dir)
		if err == nil {
			u()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("second lock taken while held (err %v)", err)
	case <-time.After(150 * time.Millisecond):
	}
	unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(longWait):
		t.Fatal("second lock not taken after unlock")
	}
}

func TestManager_concurrentSyncsAreSerialised(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	if err := os.MkdirAll(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(docs, "a.md"), []byte("# 甲\n\n第一条 甲的内容。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Two managers over one store, as two processes would have.
	var mu sync.Mutex
	inside, most := 0, 0
	embed := LocalEmbedder()
	local := embed.Embed
	embed.Embed = func(ctx context.Context, texts []string) ([][]float32, error) {
		mu.Lock()
		inside++
		most = max(most, inside)
		mu.Unlock()
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		inside--
		mu.Unlock()
		return local(ctx, texts)
	}
	var wg sync.WaitGroup
	for n := range 2 {
		m := &Manager{Store: NewStore(filepath.Join(dir, "index")), DocsDir: docs, Options: BuildOptions{Embedder: embed}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// An empty previous snapshot: each sync embeds everything.
			if _, _, err := m.Sync(context.Background(), &Snapshot{}); err != nil {
				t.Errorf("sync %d: %v", n, err)
			}
		}()
	}
	wg.Wait()
	if most > 1 {
		t.Errorf("%d syncs embedded at the same time", most)
	}
}

func TestManager_noOpSyncTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	if err := os.MkdirAll(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(docs, "a.md"), []byte("# 甲\n\n第一条 甲的内容。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(docs, "empty.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	m := &Manager{Store: NewStore(filepath.Join(dir, "index")), DocsDir: docs, Options: BuildOptions{Embedder: LocalEmbedder()}}
	first, _, err := m.Sync(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	gens := func() int {
		es, _ := os.ReadDir(filepath.Join(dir, "index"))
		n := 0
		for _, e := range es {
			if e.IsDir() {
				n++
			}
		}
		return n
	}
	before := gens()
	again, rep, err := m.Sync(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	if again != first || rep.Changed() || rep.Clauses.Kept != 1 || len(rep.Skipped) != 1 || gens() != before {
		t.Errorf("no-op sync: same snapshot %v, report %+v, generations %d → %d", again == first, rep, before, gens())
	}
	// A touched file is read again (its content decides what changed).
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(filepath.Join(docs, "a.md"), later, later); err != nil {
		t.Fatal(err)
	}
	next, rep, err := m.Sync(context.Background(), first)
	if err != nil || next == first || rep.Changed() || rep.Documents.Unchanged != 1 {
		t.Errorf("after touching a file: new snapshot %v, report %+v, %v", next != first, rep, err)
	}
}
