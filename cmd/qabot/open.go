package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/qabot/qabot/retrieval"
)

// openLibrary opens the index as last synced, building it only when none
// exists, and says on stderr what it found. It never rebuilds an index
// that another embedder built (re-embedding may cost many paid requests;
// that is qabot index's job): questions are embedded with the index's own
// embedder when it is available, else they match words only, with a
// notice. serve (cfg.rebuildForEmbedder) rebuilds, as its sync would
// anyway.
func openLibrary(ctx context.Context, e env, cfg *config) (*retrieval.Library, error) {
	lib, o, err := loadLibrary(ctx, e, cfg)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Stale:
		fmt.Fprintln(e.stderr, "qabot: the documents changed since the last sync; run 'qabot index' to update the index")
	case o.Unlisted != nil:
		fmt.Fprintf(e.stderr, "qabot: %v; answering from the index as last synced\n", syncError(o.Unlisted))
	}
	return lib, nil
}

// openSynced opens the library and brings it up to date with the
// documents, as eval measures the documents it is given: as it is, never
// re-embedding for another embedder than the index's (that is qabot
// index's job). What the sync did is said on stderr.
func openSynced(ctx context.Context, e env, cfg *config) (*retrieval.Library, error) {
	lib, o, err := loadLibrary(ctx, e, cfg)
	if err != nil {
		return nil, err
	}
	if o.Built {
		return lib, nil // just built from the documents
	}
	rep, err := lib.SyncAsIs(ctx)
	if err != nil {
		return nil, syncError(err)
	}
	if rep.Changed() {
		d, c := rep.Documents, rep.Clauses
		fmt.Fprintf(e.stderr, "qabot: synced the index with the documents first (documents: %d added, %d changed, %d removed; clauses: %d embedded)\n",
			d.Added, d.Changed, d.Removed, c.Embedded)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stderr, "qabot: skipped %s: %s\n", s.File, skipWords(s))
	}
	return lib, nil
}

// loadLibrary opens the library as its index was last synced and says on
// stderr what it found, but for a stale index (the caller's to say).
func loadLibrary(ctx context.Context, e env, cfg *config) (*retrieval.Library, retrieval.Opened, error) {
	if err := cfg.setupModels(ctx, e.getenv); err != nil {
		return nil, retrieval.Opened{}, err
	}
	cfg.mapFiles = true // one index, opened once: mapped, not read
	lib := cfg.library(progressBar(e.stderr))
	o, err := lib.Open(ctx)
	if err != nil {
		return nil, o, syncError(err)
	}
	if o.Built {
		fmt.Fprintf(e.stderr, "qabot: %s\n", builtWords(o, lib.IndexDir(), cfg.embedderName()))
	}
	switch o.Embedder {
	case retrieval.EmbedderNone:
		fmt.Fprintf(e.stderr, "qabot: the index was built by embedder %s, which is not configured; questions match words only (configure that embedder, or run 'qabot index' to re-embed the documents)\n", o.IndexEmbedder)
	case retrieval.EmbedderOfIndex:
		fmt.Fprintf(e.stderr, "qabot: the index was built by embedder %s, not %s; questions are embedded with it until 'qabot index' re-embeds the documents\n", o.IndexEmbedder, o.ConfiguredEmbedder)
	}
	return lib, o, nil
}

// progressMin is the number of clauses to embed below which no progress bar
// is drawn.
const progressMin = 2000

// progressBar returns a progress callback that draws a bar on w when w is a
// terminal, or nil.
func progressBar(w io.Writer) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var mu sync.Mutex
	var last time.Time
	return func(done, total int) {
		if total < progressMin {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if done < total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		const width = 30
		n := done * width / total
		fmt.Fprintf(f, "\rembedding %7d/%d [%s%s] %3d%%", done, total,
			strings.Repeat("=", n), strings.Repeat(" ", width-n), done*100/total)
		if done == total {
			fmt.Fprintln(f)
		}
	}
}
