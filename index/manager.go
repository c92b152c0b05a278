package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

// Manager ties a store to the documents it indexes: it opens the current
// snapshot, building one when there is none, and syncs the index with the
// documents. Syncs never overlap, in one process or across processes that
// share the data folder.
type Manager struct {
	Store   *Store
	DocsDir string // documents folder; "" for none
	Seeds   fs.FS  // shipped documents; nil to leave them out
	Options BuildOptions
	// CreateDocsDir creates DocsDir when it does not exist (the default
	// folder); otherwise a missing DocsDir is a *DocsFolderError.
	CreateDocsDir bool

	mu sync.Mutex
}

// Sources lists the documents the index should hold.
func (m *Manager) Sources() ([]Source, error) {
	if m.CreateDocsDir && m.DocsDir != "" {
		if _, err := os.Stat(m.DocsDir); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(m.DocsDir, 0o755); err != nil {
				return nil, &DocsFolderError{Dir: m.DocsDir, Err: err}
			}
		}
	}
	return ListSources(m.DocsDir, m.Seeds)
}

// Open loads the current snapshot. When there is none, when it cannot be
// read, or when another embedder built it, it builds and saves a new one;
// rebuilt reports that, and why is the reason.
func (m *Manager) Open(ctx context.Context) (snap *Snapshot, rebuilt string, err error) {
	snap, err = m.Store.Load(ctx)
	switch {
	case err == nil && snap.Embedder == m.Options.Embedder.ID():
		return snap, "", nil
	case err == nil:
		rebuilt = fmt.Sprintf("the index was built by embedder %s, now %s", snap.Embedder, m.Options.Embedder.ID())
	case errors.Is(err, ErrNoIndex):
		rebuilt = "no index yet"
	default:
		rebuilt = fmt.Sprintf("the index could not be read (%v)", err)
	}
	snap, _, err = m.Sync(ctx, nil)
	if err != nil {
		return nil, rebuilt, err
	}
	return snap, rebuilt, nil
}

// Sync builds a snapshot from the documents, re-using prev's unchanged
// vectors (prev may be nil: then the one on disk is used, if any), and
// saves it. Until Save returns, the store still holds the previous
// snapshot, so a crash mid-sync loses nothing.
func (m *Manager) Sync(ctx context.Context, prev *Snapshot) (*Snapshot, Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	unlock, err := lockDir(ctx, m.Store.Dir())
	if err != nil {
		return nil, Report{}, fmt.Errorf("sync index: %w", err)
	}
	defer unlock()
	// With the lock held no save is in progress: whatever a killed one
	// left behind can go.
	m.Store.removeLeftovers()
	if prev == nil {
		prev, _ = m.Store.Load(ctx) // another process may have synced meanwhile
	}
	start := time.Now()
	sources, err := m.Sources()
	if err != nil {
		// A folder that is missing, unmounted or unreadable is not an
		// empty one: the index stays as it is.
		var de *DocsFolderError
		if errors.As(err, &de) && prev != nil {
			de.Kept = len(prev.Docs)
		}
		return nil, Report{}, fmt.Errorf("sync index: %w", err)
	}
	if prev != nil && prev.Fingerprint != "" && prev.Fingerprint == Fingerprint(sources) && prev.Embedder == m.Options.Embedder.ID() {
		// No file was added, removed, resized or touched since prev was
		// built: nothing to read, embed or save.
		return prev, Report{
			Documents: DocCounts{Unchanged: len(prev.Manifest.Docs)},
			Clauses:   ClauseCounts{Kept: prev.NumClauses()},
			Skipped:   append([]Skip{}, prev.Manifest.Skipped...),
			Seconds:   time.Since(start).Seconds(),
		}, nil
	}
	snap, rep, err := Build(ctx, prev, sources, m.Options)
	if err != nil {
		return nil, rep, fmt.Errorf("sync index: %w", err)
	}
	if err := m.Store.Save(snap); err != nil {
		return nil, rep, fmt.Errorf("sync index: %w", err)
	}
	return snap, rep, nil
}

// Stale reports whether the documents changed since snap was built.
func (m *Manager) Stale(snap *Snapshot) (bool, error) {
	sources, err := m.Sources()
	if err != nil {
		return false, err
	}
	return Fingerprint(sources) != snap.Fingerprint, nil
}
