package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// startWatch runs Watch on a fresh temp folder and returns the folder, the
// change channel, a cancel func and the channel Watch's result arrives on.
func startWatch(t *testing.T) (string, chan struct{}, context.CancelFunc, chan error) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "docs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan struct{}, 100)
	done := make(chan error, 1)
	go func() {
		done <- Watch(ctx, dir, 100*time.Millisecond, func() { changes <- struct{}{} }, func(err error) { t.Logf("watch: %v", err) })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
	})
	// The first call says the folder exists and is watched.
	if !waitChange(t, changes, 2*time.Second) {
		t.Fatal("Watch did not call onChange once it was watching")
	}
	return dir, changes, cancel, done
}

func waitChange(t *testing.T, changes chan struct{}, d time.Duration) bool {
	t.Helper()
	select {
	case <-changes:
		return true
	case <-time.After(d):
		return false
	}
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
	dir, changes, _, _ := startWatch(t)
	for i := range 5 {
		write(t, filepath.Join(dir, fmt.Sprintf("doc%d.md", i)), "text")
	}
	if !waitChange(t, changes, 3*time.Second) {
		t.Fatal("no change reported")
	}
	n := 1
	for waitChange(t, changes, 400*time.Millisecond) {
		n++
	}
	if n > 2 {
		t.Fatalf("onChange called %d times for one burst, want 1 or 2", n)
	}
}

func TestWatchNewSubfolder(t *testing.T) {
	dir, changes, _, _ := startWatch(t)
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if !waitChange(t, changes, 3*time.Second) {
		t.Fatal("no change reported for the new folder")
	}
	time.Sleep(50 * time.Millisecond)
	write(t, filepath.Join(sub, "a.txt"), "text")
	if !waitChange(t, changes, 3*time.Second) {
		t.Fatal("no change reported for a file in the new folder")
	}
	// A file written together with its new folders.
	write(t, filepath.Join(dir, "new", "deep", "b.md"), "text")
	if !waitChange(t, changes, 3*time.Second) {
		t.Fatal("no change reported for a file in new nested folders")
	}
}

func TestWatchIgnoresOtherFiles(t *testing.T) {
	dir, changes, _, _ := startWatch(t)
	write(t, filepath.Join(dir, "image.png"), "png")
	write(t, filepath.Join(dir, ".hidden.md"), "text")
	if waitChange(t, changes, 500*time.Millisecond) {
		t.Fatal("change reported for a non-document file")
	}
}

func TestWatchCancel(t *testing.T) {
	_, _, cancel, done := startWatch(t)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Watch returned %v, want nil", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Watch did not return after cancel")
	}
}

func TestWatchRenameAndFolderRemoval(t *testing.T) {
	dir, changes, _, _ := startWatch(t)
	write(t, filepath.Join(dir, "sub", "a.md"), "text")
	if !waitChange(t, changes, 3*time.Second) {
		t.Fatal("no change reported for a new file")
	}
	if err := os.Rename(filepath.Join(dir, "sub", "a.md"), filepath.Join(dir, "sub", "b.md")); err != nil {
		t.Fatal(err)
	}
	if !waitChange(t, changes, 3*time.Second) {
		t.Fatal("no change reported for a rename")
	}
	if err := os.RemoveAll(filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	if !waitChange(t, changes, 3*time.Second) {
		t.Fatal("no change reported for a removed folder")
	}
}

func TestWatchNeverPausingChangesStillSync(t *testing.T) {
	old := maxWatchWait
	maxWatchWait = 400 * time.Millisecond
	t.Cleanup(func() { maxWatchWait = old }) // after the watch has stopped (cleanups run last first)
	dir, changes, _, _ := startWatch(t)
	// Writes every 30 ms never leave the 100 ms debounce quiet; the sync
	// comes anyway, after maxWatchWait.
	stop := time.After(1500 * time.Millisecond)
	synced := 0
	for n := 0; ; n++ {
		select {
		case <-stop:
			if synced == 0 {
				t.Fatal("no sync while changes kept coming")
			}
			return
		case <-changes:
			synced++
		case <-time.After(30 * time.Millisecond):
			write(t, filepath.Join(dir, "busy.md"), fmt.Sprint(n))
		}
	}
}
