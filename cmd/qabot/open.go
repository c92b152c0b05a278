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
// exists, and says on stderr when the documents changed since.
func openLibrary(ctx context.Context, e env, cfg *config) (*retrieval.Library, error) {
	if err := cfg.setupModels(ctx, e.getenv); err != nil {
		return nil, err
	}
	lib := cfg.library(progressBar(e.stderr))
	o, err := lib.Open(ctx)
	if o.Rebuilt != "" {
		fmt.Fprintf(e.stderr, "qabot: built the index in %s (%s)\n", lib.IndexDir(), o.Rebuilt)
	}
	if err != nil {
		return nil, err
	}
	if o.Stale {
		fmt.Fprintln(e.stderr, "qabot: the documents changed since the last sync; run 'qabot index' to update the index")
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
