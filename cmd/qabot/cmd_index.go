package main

import (
	"context"
	"fmt"

	"github.com/qabot/qabot/index"
)

func cmdIndex(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := newFlags(e, "index", "index [--json]")
	cfg.commonFlags(fs, e.getenv)
	fs.BoolVar(&cfg.JSON, "json", false, "print the counts as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected arguments %q", pos)
	}
	cfg.resolve(e.getenv)
	m := cfg.manager(progressBar(e.stderr))
	_, rep, err := m.Sync(ctx, nil)
	if err != nil {
		return err
	}
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
	fmt.Fprintf(e.stdout, "index:     %s (%.2f s)\n", m.Store.Dir(), rep.Seconds)
}
