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
	if err := cfg.setupModels(ctx, e.getenv); err != nil {
		return nil, err
	}
	lib := cfg.library(progressBar(e.stderr))
	o, err := lib.Open(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Rebuilt != "":
		fmt.Fprintf(e.stderr, "qabot: built the index in %s (%s)\n", lib.IndexDir(), o.Rebuilt)
	case o.Built:
		fmt.Fprintf(e.stderr, "qabot: built the index in %s\n", lib.IndexDir())
	case o.Stale:
		fmt.Fprintln(e.stderr, "qabot: the documents changed since the last sync; run 'qabot index' to update the index")
	}
	switch o.Embedder {
	case retrieval.EmbedderNone:
		fmt.Fprintf(e.stderr, "qabot: the index was built by embedder %s, which is not configured; questions match words only (configure that embedder, or run 'qabot index' to re-embed the documents)\n", o.IndexEmbedder)
	case retrieval.EmbedderOfIndex:
		fmt.Fprintf(e.stderr, "qabot: the index was built by embedder %s, not %s; questions are embedded with it until 'qabot index' re-embeds the documents\n", o.IndexEmbedder, o.ConfiguredEmbedder)
	}
	return lib, nil
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
