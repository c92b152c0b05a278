package main

import (
	"context"
	"fmt"
	"time"

	"github.com/qabot/qabot/retrieval"
)

func cmdIndex(ctx context.Context, e env, args []string) error {
	c := newCommand(e, "index", "index [--json] [--watch]")
	c.jsonFlag("print the counts as JSON")
	var watch bool
	c.fs.BoolVar(&watch, "watch", false, "keep watching the documents folder and sync on every change")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected arguments %q", pos)
	}
	cfg := c.cfg
	if err := cfg.setupModels(ctx, e.getenv); err != nil {
		return err
	}
	lib := cfg.library(progressBar(e.stderr))
	rep, err := lib.Sync(ctx)
	if err != nil {
		return syncError(err)
	}
	// Under --watch every report says when it was made.
	at := time.Time{}
	if watch {
		at = time.Now()
	}
	if err := emitReport(e, cfg, rep, lib, at); err != nil {
		return err
	}
	if !watch {
		return nil
	}
	fmt.Fprintf(e.stderr, "qabot index: watching %s (Ctrl-C to stop)\n", lib.DocsDir())
	first := true
	return lib.Watch(ctx, 500*time.Millisecond, func(rep retrieval.SyncReport, err error) {
		// The first sync comes as the watch starts: it catches what changed
		// since the sync above, and is quiet when nothing did.
		quiet := first
		first = false
		if err != nil {
			if ctx.Err() == nil {
				fmt.Fprintf(e.stderr, "qabot index: %s: %v\n", time.Now().Format(time.DateTime), syncError(err))
			}
			return
		}
		if quiet && !rep.Changed() {
			return
		}
		if err := emitReport(e, cfg, rep, lib, time.Now()); err != nil {
			fmt.Fprintf(e.stderr, "qabot: index: %v\n", err)
		}
	}, func(err error) { fmt.Fprintf(e.stderr, "qabot: %v\n", err) })
}

// emitReport prints a sync's report; at, when not zero, is when it was
// made.
func emitReport(e env, cfg config, rep retrieval.SyncReport, lib *retrieval.Library, at time.Time) error {
	if cfg.JSON {
		if at.IsZero() {
			return writeJSON(e.stdout, rep)
		}
		return writeJSON(e.stdout, struct {
			At string `json:"at"`
			retrieval.SyncReport
		}{at.Format(time.RFC3339), rep})
	}
	if !at.IsZero() {
		fmt.Fprintf(e.stdout, "at:        %s\n", at.Format(time.DateTime))
	}
	printReport(e, rep, lib)
	return nil
}

func printReport(e env, rep retrieval.SyncReport, lib *retrieval.Library) {
	d, c := rep.Documents, rep.Clauses
	fmt.Fprintf(e.stdout, "documents: %d added, %d changed, %d removed, %d unchanged\n", d.Added, d.Changed, d.Removed, d.Unchanged)
	fmt.Fprintf(e.stdout, "clauses:   %d embedded, %d kept, %d removed\n", c.Embedded, c.Kept, c.Removed)
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stdout, "skipped:   %s: %s\n", s.File, skipWords(s))
	}
	for _, f := range rep.Folded {
		fmt.Fprintf(e.stdout, "folded:    %s (the same file as %s)\n", f.File, f.SameAs)
	}
	fmt.Fprintf(e.stdout, "index:     %s (%.2f s)\n", lib.IndexDir(), rep.Seconds)
}
