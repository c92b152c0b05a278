package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch watches the documents folder dir and its subfolders (hidden ones
// skipped) and calls onChange once as soon as the watches are in place (so
// that nothing changed before them is missed), then whenever a burst of
// changes to document files or folders has been followed by debounce of
// quiet (or, for changes that never pause, at least every maxWatchWait).
// Subfolders created while watching are watched too. dir may be a
// symbolic link to the folder; a dir that does not exist is a
// *DocsFolderError (Watch does not create it: a missing or unmounted
// folder must not look like an empty one).
//
// Trouble after the start does not end the watch: an overflowing event
// queue (a big folder copied in) or a subfolder that cannot be watched is
// passed to onError (which may be nil) and answered with a sync, which
// sees everything. Watch returns nil when ctx is done, or an error when
// the folder cannot be watched at all.
func Watch(ctx context.Context, dir string, debounce time.Duration, onChange func(), onError func(error)) error {
	return watch(ctx, dir, watchConfig{debounce: debounce, maxWait: maxWatchWait, now: time.Now}, onChange, onError)
}

// watchConfig is Watch's timing, and seams for tests.
type watchConfig struct {
	debounce time.Duration
	maxWait  time.Duration
	now      func() time.Time
	// saw, if set, is told each event that makes a sync pending, after
	// any onChange it caused.
	saw func(name string)
	// flush, if set, acts as the debounce timer firing when it receives.
	flush <-chan struct{}
}

func watch(ctx context.Context, dir string, cfg watchConfig, onChange func(), onError func(error)) error {
	debounce, maxWait := cfg.debounce, cfg.maxWait
	if onError == nil {
		onError = func(error) {}
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("watch: %w", &DocsFolderError{Dir: dir, Missing: true, Err: err})
	case err != nil:
		return fmt.Errorf("watch: %w", &DocsFolderError{Dir: dir, Err: err})
	case !fi.IsDir():
		return fmt.Errorf("watch: %w", &DocsFolderError{Dir: dir, Missing: true, Err: fmt.Errorf("%s is not a folder", dir)})
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real // a linked folder: watch what it links to
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.Close()

	dirs := make(map[string]bool)
	// addTree watches root and its non-hidden subfolders; it reports whether
	// any document file or folder was found below root (created before its
	// watch was in place).
	addTree := func(root string) (bool, error) {
		found := false
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p != root && errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if p != root && hidden(d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() {
				if IsDocumentFile(d.Name()) {
					found = true
				}
				return nil
			}
			if p != root {
				found = true
			}
			if dirs[p] {
				return nil
			}
			if err := w.Add(p); err != nil {
				return err
			}
			dirs[p] = true
			return nil
		})
		if err != nil {
			return found, fmt.Errorf("watch %s: %w", root, err)
		}
		return found, nil
	}
	if _, err := addTree(dir); err != nil {
		return err
	}
	onChange()

	timer := time.NewTimer(debounce)
	if !timer.Stop() {
		<-timer.C
	}
	defer timer.Stop()
	pending := false
	var since time.Time // first change of the pending burst
	fire := func() {
		if pending {
			pending = false
			timer.Stop()
			onChange()
		}
	}
	trigger := func(name string) {
		now := cfg.now()
		if !pending {
			since = now
		}
		pending = true
		if now.Sub(since) >= maxWait {
			fire() // changes that never pause: sync at least every maxWait
		} else {
			timer.Reset(debounce)
		}
		if cfg.saw != nil {
			cfg.saw(name)
		}
	}

	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			// Events may have been lost: a sync finds what changed.
			onError(fmt.Errorf("watch %s: %w", dir, err))
			trigger("")
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			name := filepath.Base(ev.Name)
			if hidden(name) {
				continue
			}
			switch {
			case ev.Has(fsnotify.Create):
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					if _, err := addTree(ev.Name); err != nil {
						if _, serr := os.Stat(ev.Name); serr == nil {
							// Not gone again, but not watched (e.g. the
							// watch limit): its files are synced now,
							// later changes in it need a /reindex.
							onError(err)
						}
					}
					trigger(ev.Name)
				} else if IsDocumentFile(name) {
					trigger(ev.Name)
				}
			case ev.Has(fsnotify.Write):
				if IsDocumentFile(name) {
					trigger(ev.Name)
				}
			case ev.Has(fsnotify.Remove), ev.Has(fsnotify.Rename):
				if dirs[ev.Name] {
					for p := range dirs {
						if p == ev.Name || strings.HasPrefix(p, ev.Name+string(filepath.Separator)) {
							_ = w.Remove(p) // may already be gone with the folder
							delete(dirs, p)
						}
					}
					trigger(ev.Name)
				} else if IsDocumentFile(name) {
					trigger(ev.Name)
				}
			}
		case <-timer.C:
			fire()
		case <-cfg.flush:
			fire()
		}
	}
}

// maxWatchWait is the longest a sync waits while changes keep coming.
var maxWatchWait = 10 * time.Second

func hidden(name string) bool {
	return strings.HasPrefix(name, ".") && name != "." && name != ".."
}
