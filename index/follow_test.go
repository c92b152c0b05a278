package index

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestStore_Generation(t *testing.T) {
	st := NewStore(t.TempDir())
	if _, err := st.Current(); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Current of an empty store: %v, want ErrNoIndex", err)
	}
	snap, _ := mustBuild(t, nil, 1, "甲")
	if snap.Generation() != "" {
		t.Errorf("an unsaved snapshot's generation is %q", snap.Generation())
	}
	for _, want := range []string{"gen-000001", "gen-000002"} {
		if err := st.Save(snap); err != nil {
			t.Fatal(err)
		}
		cur, err := st.Current()
		if err != nil || cur != want || snap.Generation() != want {
			t.Errorf("after a save: Current %q (%v), snapshot's %q; want %s", cur, err, snap.Generation(), want)
		}
		got, err := st.Load(context.Background())
		if err != nil || got.Generation() != want {
			t.Errorf("loaded generation %q (%v), want %s", got.Generation(), err, want)
		}
	}
}

// TestStore_WatchCurrent: the watch sees each save through the file
// system, waits for a store folder that does not exist yet in its parent,
// and polls when the parent is missing too. The poll's ticks come from the
// test; nothing waits on time.
func TestStore_WatchCurrent(t *testing.T) {
	for _, c := range []struct {
		name string
		dir  string // the store's, under a fresh temporary folder
		tick bool   // whether only a poll finds the first save
	}{
		{"folder made by the first save", "index", false},
		{"parent made by the first save", "data/index", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := NewStore(filepath.Join(t.TempDir(), c.dir))
			tick := make(chan time.Time)
			seen := make(chan string, 100) // what CURRENT named at each onChange
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- st.watchCurrent(ctx, tick, func() {
					cur, _ := st.Current()
					seen <- cur
				}, func(err error) { t.Logf("watch: %v", err) })
			}()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Error(err)
				}
			}()
			waitFor := func(want string) {
				t.Helper()
				deadline := time.After(longWait)
				for {
					select {
					case got := <-seen:
						if got == want {
							return
						}
					case <-deadline:
						t.Fatalf("onChange never saw CURRENT name %q", want)
					}
				}
			}
			waitFor("") // at the start, with nothing published

			snap, _ := mustBuild(t, nil, 1, "甲")
			if err := st.Save(snap); err != nil {
				t.Fatal(err)
			}
			if c.tick {
				tick <- time.Time{} // the poll finds it, and starts watching the folder
			}
			waitFor("gen-000001")

			snap2, _ := mustBuild(t, snap, 2, "乙")
			if err := st.Save(snap2); err != nil {
				t.Fatal(err)
			}
			waitFor("gen-000002") // from the file system, without a tick
		})
	}
}
