package main

import (
	"context"
	"fmt"
	"time"

	"github.com/qabot/qabot/index"
)

func cmdIndex(ctx context.Context, e env, args []string) error {
	var cfg config
	var watch bool
	fs := newFlags(e, "index", "index [--json] [--watch]")
	cfg.commonFlags(fs, e.getenv)
	fs.BoolVar(&cfg.JSON, "json", false, "print the counts as JSON")
	fs.BoolVar(&watch, "watch", false, "keep watching the documents folder and sync on every change")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected arguments %q", pos)
	}
	cfg.resolve(e.getenv)
	if err := cfg.setupModels(ctx, e.getenv); err != nil {
		return err
	}
	m := cfg.manager(progressBar(e.stderr))
	snap, rep, err := m.Sync(ctx, nil)
	if err != nil {
		return err
	}
	if err := emitReport(e, cfg, rep, m); err != nil {
		return err
	}
	if !watch {
		return nil
	}
	first := true
	return index.Watch(ctx, cfg.Docs, 500*time.Millisecond, func() {
		// The first call comes as the watch starts: it catches what changed
		// since the sync above, and is quiet when nothing did.
		quiet := first
		first = false
		next, rep, err := m.Sync(ctx, snap)
		if err != nil {
			if ctx.Err() == nil {
				fmt.Fprintf(e.stderr, "qabot: index: %v\n", err)
			}
			return
		}
		snap = next
		if quiet && !rep.Changed() {
			return
		}
		if err := emitReport(e, cfg, rep, m); err != nil {
			fmt.Fprintf(e.stderr, "qabot: index: %v\n", err)
		}
	}, func(err error) { fmt.Fprintf(e.stderr, "qabot: %v\n", err) })
}

func emitReport(e env, cfg config, rep index.Report, m *index.Manager) error {
	if cfg.JSON {
		return writeJSON(e.stdout, rep)
	}
	printReport(e, rep, m)
	return nil
}

func printReport(e env, rep index.Report, m *index.Manager) {
	d, c := rep.Documents, rep.Clauses
	fmt.Fprintf(e.stdout, "documents: %d added, %d changed, %d removed, %d unchanged\n", d.Added, d.Changed, d.Removed, d.Unchanged)
	fmt.Fprintf(e.stdout, "clauses:   %d embedded, %d kept, %d removed\n", c.Embedded, c.Kept, c.Removed)
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stdout, "skipped:   %s: %s\n", s.File, s.Reason)
	}
	for _, f := range rep.Folded {
		fmt.Fprintf(e.stdout, "folded:    %s (the same file as %s)\n", f.File, f.SameAs)
	}
	fmt.Fprintf(e.stdout, "index:     %s (%.2f s)\n", m.Store.Dir(), rep.Seconds)
}
