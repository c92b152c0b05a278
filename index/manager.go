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
	if err := m.EnsureDocsDir(); err != nil {
		return nil, err
	}
	return ListSources(m.DocsDir, m.Seeds)
}

// EnsureDocsDir creates DocsDir when CreateDocsDir is set and it does not
// exist (before watching it, say); otherwise it does nothing.
func (m *Manager) EnsureDocsDir() error {
	if !m.CreateDocsDir || m.DocsDir == "" {
		return nil
	}
	if _, err := os.Stat(m.DocsDir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(m.DocsDir, 0o755); err != nil {
			return &DocsFolderError{Dir: m.DocsDir, Err: err}
		}
	}
	return nil
}

// Open loads the current snapshot. When there is none, when it cannot be
// read, or when another embedder built it, it builds and saves a new one;
// rebuilt says why. Only callers that may re-embed every clause use it
// (qabot serve, whose sync would anyway); read-only ones use OpenAsIs.
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

// EmbedderMismatchError is an index built by another embedder than the
// configured one, met by a caller that may not rebuild it (OpenAsIs,
// SyncAsIs): re-embedding every clause can cost many paid requests, so
// only an explicit sync (Sync: qabot index, serve) does it.
type EmbedderMismatchError struct {
	Index      string // Embedder.ID() of the index
	Configured string // Embedder.ID() configured
}

func (e *EmbedderMismatchError) Error() string {
	return fmt.Sprintf("the index was built by embedder %s, not the configured %s", e.Index, e.Configured)
}

// OpenAsIs loads the current snapshot as it is, whichever embedder built it
// (see QuestionEmbedder): read-only callers never rebuild an index for
// another embedder. It builds one only when there is none, or when the one
// there cannot be read and its manifest names no other embedder (an
// unreadable index of another embedder is an *EmbedderMismatchError, wrapping
// nothing: a sync must decide). built reports that it built one.
func (m *Manager) OpenAsIs(ctx context.Context) (snap *Snapshot, built bool, err error) {
	snap, err = m.Store.Load(ctx)
	if err == nil {
		return snap, false, nil
	}
	if !errors.Is(err, ErrNoIndex) {
		if man, merr := m.Store.LoadManifest(); merr == nil && man.Embedder != m.Options.Embedder.ID() {
			return nil, false, fmt.Errorf("open index: %w (%w)", &EmbedderMismatchError{Index: man.Embedder, Configured: m.Options.Embedder.ID()}, err)
		}
	}
	snap, _, err = m.Sync(ctx, nil)
	if err != nil {
		return nil, false, err
	}
	return snap, true, nil
}

// QuestionEmbedder is the embedder that questions over snap must be embedded
// with: the configured one when it built snap, else the local embedder when
// that built snap (it is always available). ok is false when snap's
// embedder is neither: its vectors cannot be queried, and questions can
// only match words.
func (m *Manager) QuestionEmbedder(snap *Snapshot) (emb Embedder, ok bool) {
	switch snap.Embedder {
	case m.Options.Embedder.ID():
		return m.Options.Embedder, true
	case LocalEmbedder().ID():
		return LocalEmbedder(), true
	}
	return Embedder{}, false
}

// Sync builds a snapshot from the documents, re-using prev's unchanged
// vectors (prev may be nil: then the one on disk is used, if any), and
// saves it. Until Save returns, the store still holds the previous
// snapshot, so a crash mid-sync loses nothing. An index built by another
// embedder is rebuilt with the configured one.
func (m *Manager) Sync(ctx context.Context, prev *Snapshot) (*Snapshot, Report, error) {
	return m.sync(ctx, prev, false)
}

// SyncAsIs is Sync for callers that may not change the index's embedder
// (qabot eval): it syncs with the embedder that built the index when that
// is the configured or the local one (QuestionEmbedder); with any other it
// returns the index unchanged when no document changed, and an
// *EmbedderMismatchError, touching nothing, when one did.
func (m *Manager) SyncAsIs(ctx context.Context, prev *Snapshot) (*Snapshot, Report, error) {
	return m.sync(ctx, prev, true)
}

func (m *Manager) sync(ctx context.Context, prev *Snapshot, asIs bool) (*Snapshot, Report, error) {
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
	opt := m.Options
	if asIs && prev != nil && prev.Embedder != opt.Embedder.ID() {
		emb, ok := m.QuestionEmbedder(prev)
		switch {
		case ok:
			opt.Embedder, opt.BatchSize, opt.Concurrency = emb, 0, 0
		case prev.Fingerprint == Fingerprint(sources):
			return prev, noOpReport(prev, start), nil
		default:
			return nil, Report{}, fmt.Errorf("sync index: %w", &EmbedderMismatchError{Index: prev.Embedder, Configured: opt.Embedder.ID()})
		}
	}
	if prev != nil && prev.Fingerprint != "" && prev.Fingerprint == Fingerprint(sources) && prev.Embedder == opt.Embedder.ID() {
		// No file was added, removed, resized or touched since prev was
		// built: nothing to read or embed. Only when prev was opened from
		// its record (query files missing or damaged) is it saved again,
		// with them.
		if prev.queryErr != nil && !prev.resaved.Load() {
			if err := m.Store.Save(prev); err != nil {
				return nil, Report{}, fmt.Errorf("sync index: %w", err)
			}
			prev.resaved.Store(true)
		}
		return prev, noOpReport(prev, start), nil
	}
	snap, rep, err := Build(ctx, prev, sources, opt)
	if err != nil {
		return nil, rep, fmt.Errorf("sync index: %w", err)
	}
	if err := m.Store.Save(snap); err != nil {
		return nil, rep, fmt.Errorf("sync index: %w", err)
	}
	// Saved: queries use the flat copy of the vectors, and the next build
	// re-uses them from it.
	snap.release()
	return snap, rep, nil
}

// noOpReport is the report of a sync that found nothing to do.
func noOpReport(prev *Snapshot, start time.Time) Report {
	return Report{
		Documents: DocCounts{Unchanged: len(prev.Manifest.Docs)},
		Clauses:   ClauseCounts{Kept: prev.NumClauses()},
		Skipped:   append([]Skip{}, prev.Manifest.Skipped...),
		Folded:    append([]Fold{}, prev.Manifest.Folded...),
		Seconds:   time.Since(start).Seconds(),
	}
}

// Stale reports whether the documents changed since snap was built.
func (m *Manager) Stale(snap *Snapshot) (bool, error) {
	sources, err := m.Sources()
	if err != nil {
		return false, err
	}
	return Fingerprint(sources) != snap.Fingerprint, nil
}
