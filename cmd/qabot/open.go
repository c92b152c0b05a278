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

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/retrieval"
)

// openEngine opens the index as last synced, building it only when none
// exists, and says on stderr when the documents changed since. It never
// rebuilds an index that another embedder built (re-embedding may cost
// many paid requests; that is qabot index's job): questions are embedded
// with the index's own embedder when it is available, else they match
// words only, with a notice. serve (cfg.rebuildForEmbedder) rebuilds, as
// its sync would anyway.
func openEngine(ctx context.Context, e env, cfg *config) (*retrieval.Engine, error) {
	if err := cfg.setupModels(ctx, e.getenv); err != nil {
		return nil, err
	}
	m := cfg.manager(progressBar(e.stderr))
	if err := m.EnsureDocsDir(); err != nil { // the default DATA/docs, for the watcher too
		return nil, err
	}
	if cfg.rebuildForEmbedder {
		snap, rebuilt, err := m.Open(ctx)
		if err != nil {
			return nil, err
		}
		if rebuilt != "" {
			fmt.Fprintf(e.stderr, "qabot: built the index in %s (%s)\n", m.Store.Dir(), rebuilt)
			releaseBuildMemory()
		}
		return retrieval.NewEngine(snap, questionEmbedder(cfg, m.Options.Embedder)), nil
	}
	m.Store.MapFiles = true // one index, opened once: mapped, not read
	snap, built, err := m.OpenAsIs(ctx)
	if err != nil {
		return nil, err
	}
	if built {
		fmt.Fprintf(e.stderr, "qabot: built the index in %s\n", m.Store.Dir())
		releaseBuildMemory()
	} else if stale, err := m.Stale(snap); err == nil && stale {
		fmt.Fprintln(e.stderr, "qabot: the documents changed since the last sync; run 'qabot index' to update the index")
	}
	emb, ok := m.QuestionEmbedder(snap)
	switch {
	case !ok:
		fmt.Fprintf(e.stderr, "qabot: the index was built by embedder %s, which is not configured; questions match words only (configure that embedder, or run 'qabot index' to re-embed the documents)\n", snap.Embedder)
		emb = index.Embedder{Name: "none"} // no Embed: lexical retrieval only
	case emb.ID() != m.Options.Embedder.ID():
		fmt.Fprintf(e.stderr, "qabot: the index was built by embedder %s, not %s; questions are embedded with it until 'qabot index' re-embeds the documents\n", snap.Embedder, m.Options.Embedder.ID())
	default:
		emb = questionEmbedder(cfg, emb)
	}
	return retrieval.NewEngine(snap, emb), nil
}

// questionEmbedder is emb with the question budget when it is the
// configured endpoint.
func questionEmbedder(cfg *config, emb index.Embedder) index.Embedder {
	if cfg.questionEmbedder != nil && cfg.questionEmbedder.ID() == emb.ID() {
		return *cfg.questionEmbedder // the same identity, a budget for questions
	}
	return emb
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
