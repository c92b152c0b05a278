package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testWatch is a watch on a fresh folder whose debounce timer never fires
// by itself: the test fires it (flush) or moves the clock (advance), and
// learns from saw which events made a sync pending. Nothing depends on how
// fast the machine is.
type testWatch struct {
	dir     string
	changes chan time.Duration // one per onChange: the fake time since the start
	saw     chan string        // the events that made a sync pending
	flush   chan struct{}
	cancel  context.CancelFunc
	done    chan error

	mu  sync.Mutex
	now time.Time
}

// longWait bounds how long a test waits for something that must happen;
// it only matters when the test fails.
const longWait = 30 * time.Second

func startTestWatch(t *testing.T, maxWait time.Duration) *testWatch {
	t.Helper()
	w := &testWatch{
		dir:     filepath.Join(t.TempDir(), "docs"),
		changes: make(chan time.Duration, 100),
		saw:     make(chan string, 1000),
		flush:   make(chan struct{}),
		done:    make(chan error, 1),
		now:     time.Unix(1e9, 0),
	}
	if err := os.Mkdir(w.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	start := w.now
	var ctx context.Context
	ctx, w.cancel = context.WithCancel(context.Background())
	cfg := watchConfig{debounce: time.Hour, maxWait: maxWait, now: w.clock, flush: w.flush,
		saw: func(name string) { w.saw <- filepath.Base(name) }}
	go func() {
		w.done <- watch(ctx, w.dir, cfg, func() { w.changes <- w.clock().Sub(start) }, func(err error) { t.Logf("watch: %v", err) })
	}()
	t.Cleanup(func() {
		w.cancel()
		<-w.done
	})
	// The first call says the folder is watched.
	w.wantChange(t, "the first onChange, once watching")
	return w
}

func (w *testWatch) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *testWatch) advance(d time.Duration) {
	w.mu.Lock()
	w.now = w.now.Add(d)
	w.mu.Unlock()
}

// wantChange waits for an onChange.
func (w *testWatch) wantChange(t *testing.T, what string) time.Duration {
	t.Helper()
	select {
	case d := <-w.changes:
		return d
	case err := <-w.done:
		t.Fatalf("%s: Watch ended: %v", what, err)
	case <-time.After(longWait):
		t.Fatalf("%s: no onChange", what)
	}
	return 0
}

// noChange checks that no onChange is queued.
func (w *testWatch) noChange(t *testing.T, what string) {
	t.Helper()
	select {
	case <-w.changes:
		t.Fatalf("%s: unexpected onChange", what)
	default:
	}
}

// waitSaw waits until Watch has seen an event for each of names, and
// fails on an event for any name in never.
func (w *testWatch) waitSaw(t *testing.T, names []string, never ...string) {
	t.Helper()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for len(want) > 0 {
		select {
		case n := <-w.saw:
			for _, bad := range never {
				if n == bad {
					t.Fatalf("event for %s made a sync pending", n)
				}
			}
			delete(want, n)
		case <-time.After(longWait):
			t.Fatalf("Watch never saw %v", want)
		}
	}
}

// sync fires the debounce timer and waits for the onChange.
func (w *testWatch) sync(t *testing.T, what string) {
	t.Helper()
	select {
	case w.flush <- struct{}{}:
	case <-time.After(longWait):
		t.Fatalf("%s: Watch did not take the flush", what)
	}
	w.wantChange(t, what)
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWatchDebouncesBurst(t *testing.T) {
	w := startTestWatch(t, time.Hour)
	var names []string
	for i := range 5 {
		names = append(names, fmt.Sprintf("doc%d.md", i))
		write(t, filepath.Join(w.dir, names[i]), "text")
	}
	w.waitSaw(t, names)
	w.noChange(t, "before the debounce timer fired")
	w.sync(t, "the burst")
	w.noChange(t, "after the burst's one onChange")
}

func TestWatchNewSubfolder(t *testing.T) {
	w := startTestWatch(t, time.Hour)
	sub := filepath.Join(w.dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	w.waitSaw(t, []string{"sub"})
	w.sync(t, "the new folder")
	// The folder was watched before its event made a sync pending.
	write(t, filepath.Join(sub, "a.txt"), "text")
	w.waitSaw(t, []string{"a.txt"})
	w.sync(t, "a file in the new folder")
	// A file written together with its new folders.
	write(t, filepath.Join(w.dir, "new", "deep", "b.md"), "text")
	w.waitSaw(t, []string{"new"})
	w.sync(t, "a file in new nested folders")
}

func TestWatchIgnoresOtherFiles(t *testing.T) {
	w := startTestWatch(t, time.Hour)
	write(t, filepath.Join(w.dir, "image.png"), "png")
	write(t, filepath.Join(w.dir, ".hidden.md"), "text")
	write(t, filepath.Join(w.dir, "a.md"), "text")
	// Events arrive in order: the ignored files' came before a.md's.
	w.waitSaw(t, []string{"a.md"}, "image.png", ".hidden.md")
}

func TestWatchCancel(t *testing.T) {
	w := startTestWatch(t, time.Hour)
	w.cancel()
	select {
	case err := <-w.done:
		if err != nil {
			t.Fatalf("Watch returned %v, want nil", err)
		}
		w.done <- err // for the cleanup
	case <-time.After(longWait):
		t.Fatal("Watch did not return after cancel")
	}
}

func TestWatchRenameAndFolderRemoval(t *testing.T) {
	w := startTestWatch(t, time.Hour)
	write(t, filepath.Join(w.dir, "sub", "a.md"), "text")
	w.waitSaw(t, []string{"sub"})
	w.sync(t, "a new file")
	if err := os.Rename(filepath.Join(w.dir, "sub", "a.md"), filepath.Join(w.dir, "sub", "b.md")); err != nil {
		t.Fatal(err)
	}
	w.waitSaw(t, []string{"a.md", "b.md"})
	w.sync(t, "a rename")
	if err := os.RemoveAll(filepath.Join(w.dir, "sub")); err != nil {
		t.Fatal(err)
	}
	w.waitSaw(t, []string{"sub"})
	w.sync(t, "a removed folder")
}

// TestWatchNeverPausingChangesStillSync: changes that never leave the
// debounce quiet still sync once maxWait has passed since the first.
func TestWatchNeverPausingChangesStillSync(t *testing.T) {
	const maxWait, step = 400 * time.Millisecond, 30 * time.Millisecond
	w := startTestWatch(t, maxWait)
	var first time.Duration
	for n := 0; ; n++ {
		write(t, filepath.Join(w.dir, "busy.md"), fmt.Sprint(n))
		w.waitSaw(t, []string{"busy.md"})
		select {
		case at := <-w.changes:
			if at-first < maxWait || at-first > maxWait+2*step {
				t.Fatalf("synced %v after the first change, want once %v had passed", at-first, maxWait)
			}
			return
		default:
		}
		if n == 0 {
			first = w.clock().Sub(time.Unix(1e9, 0))
		}
		if n > int(maxWait/step)+3 {
			t.Fatalf("no sync after %d changes %v apart", n, step)
		}
		w.advance(step)
	}
}
