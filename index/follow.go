package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchCurrent is for processes that read an index another process writes:
// it calls onChange whenever CURRENT may name another generation — once at
// the start, on every change to the CURRENT file that the file system
// reports, and every poll besides (a folder shared over the network
// reports nothing). A store folder that does not exist yet is waited for
// in its parent folder (and polled for). onChange reads Current and Loads what it names: a generation
// is complete before CURRENT names it, so a reader never sees a
// half-written one. Trouble with the watch, which goes on polling, goes to
// onError (which may be nil). WatchCurrent returns nil when ctx is done,
// or an error when no watcher can be made.
func (s *Store) WatchCurrent(ctx context.Context, poll time.Duration, onChange func(), onError func(error)) error {
	t := time.NewTicker(poll)
	defer t.Stop()
	return s.watchCurrent(ctx, t.C, onChange, onError)
}

// watchCurrent is WatchCurrent with the poll's ticks from tick.
func (s *Store) watchCurrent(ctx context.Context, tick <-chan time.Time, onChange func(), onError func(error)) error {
	if onError == nil {
		onError = func(error) {}
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", filepath.Join(s.dir, currentFile), err)
	}
	defer w.Close()
	parent := filepath.Dir(s.dir)
	watching, waiting, told := false, false, ""
	var watch func()
	watch = func() {
		if watching {
			return
		}
		err := w.Add(s.dir)
		switch {
		case err == nil:
			watching, told = true, ""
			if waiting {
				_ = w.Remove(parent)
				waiting = false
			}
		case errors.Is(err, fs.ErrNotExist):
			// Not made yet: its parent says when it is.
			if !waiting && w.Add(parent) == nil {
				waiting = true
				// Made between the two calls, its Create came before
				// the parent was watched: watch it now, or the first
				// publication waits for the poll.
				if _, err := os.Stat(s.dir); err == nil {
					watch()
				}
			}
		case err.Error() != told:
			told = err.Error() // once, not at every poll
			onError(fmt.Errorf("watch %s (polling instead): %w", s.dir, err))
		}
	}
	watch()
	onChange()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			switch {
			case ev.Name == s.dir && ev.Has(fsnotify.Create):
				watch() // the store folder was made
				onChange()
			case ev.Name == s.dir && ev.Has(fsnotify.Remove|fsnotify.Rename):
				watching = false // the folder went: wait for it again
				watch()
			case filepath.Dir(ev.Name) == s.dir && filepath.Base(ev.Name) == currentFile && ev.Has(fsnotify.Create|fsnotify.Write|fsnotify.Rename):
				onChange()
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			onError(fmt.Errorf("watch %s: %w", s.dir, err)) // events may be lost: look now
			onChange()
		case <-tick:
			if !watching {
				if _, err := os.Stat(s.dir); err == nil {
					watch()
				}
			}
			onChange()
		}
	}
}
