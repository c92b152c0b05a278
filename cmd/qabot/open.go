package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/qabot/qabot/retrieval"
)

// openEngine opens the index as last synced, building it only when none
// exists, and says on stderr when the documents changed since.
func openEngine(ctx context.Context, e env, cfg *config) (*retrieval.Engine, error) {
	if err := cfg.setupModels(ctx, e.getenv); err != nil {
		return nil, err
	}
	m := cfg.manager(progressBar(e.stderr))
	snap, rebuilt, err := m.Open(ctx)
	if rebuilt != "" {
		fmt.Fprintf(e.stderr, "qabot: built the index in %s (%s)\n", m.Store.Dir(), rebuilt)
	}
	if err != nil {
		return nil, err
	}
	if rebuilt == "" {
		if stale, err := m.Stale(snap); err == nil && stale {
			fmt.Fprintln(e.stderr, "qabot: the documents changed since the last sync; run 'qabot index' to update the index")
		}
	} else {
		releaseBuildMemory()
	}
	emb := m.Options.Embedder
	if cfg.questionEmbedder != nil {
		emb = *cfg.questionEmbedder // the same identity, a budget for questions
	}
	return retrieval.NewEngine(snap, emb), nil
}

// releaseBuildMemory hands the memory a full index build used (parsing,
// embedding, encoding) back to the system before the engine builds its
// own index, so that the two peaks do not add up.
func releaseBuildMemory() { debug.FreeOSMemory() }

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
