package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/qabot/qabot/bot"
)

func cmdServe(ctx context.Context, e env, args []string) error {
	var cfg config
	var guild string
	fs := newFlags(e, "serve", "serve [--guild ID]\n\nRuns the Discord bot (/ask, /section, /sources, and questions that mention it). Env: DISCORD_TOKEN (required), QABOT_DISCORD_URL (optional API base URL), QABOT_ADMIN_ROLE (role that may /reindex besides Manage Server), QABOT_RATE_LIMIT (questions per user per minute, default 5).")
	cfg.commonFlags(fs, e.getenv)
	fs.StringVar(&guild, "guild", e.getenv("QABOT_GUILD"), "register the commands in this guild only (env QABOT_GUILD; default: global)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	rate := 0
	if v := strings.TrimSpace(e.getenv("QABOT_RATE_LIMIT")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("QABOT_RATE_LIMIT must be a positive number, got %q", v)
		}
		rate = n
	}
	sess, err := bot.NewSession(e.getenv("DISCORD_TOKEN"), e.getenv("QABOT_DISCORD_URL"))
	if err != nil {
		return err
	}
	cfg.resolve(e.getenv)
	eng, err := openEngine(ctx, e, &cfg)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	var reindexMu sync.Mutex
	reindex := func(ctx context.Context) (string, error) {
		reindexMu.Lock()
		defer reindexMu.Unlock()
		m := cfg.manager(nil)
		snap, rep, err := m.Sync(ctx, eng.Snapshot())
		if err != nil {
			return "", err
		}
		eng.Swap(snap)
		d, c := rep.Documents, rep.Clauses
		summary := fmt.Sprintf("Reindexed: documents %d added, %d changed, %d removed, %d unchanged; clauses %d embedded, %d kept, %d removed.",
			d.Added, d.Changed, d.Removed, d.Unchanged, c.Embedded, c.Kept, c.Removed)
		if len(rep.Skipped) > 0 {
			summary += fmt.Sprintf(" %d file(s) skipped.", len(rep.Skipped))
		}
		return summary, nil
	}
	err = bot.New(sess, eng, logger, bot.Options{
		GuildID:      guild,
		AdminRole:    strings.TrimSpace(e.getenv("QABOT_ADMIN_ROLE")),
		Reindex:      reindex,
		RateLimit:    rate,
		FeedbackFile: filepath.Join(cfg.Data, "feedback.jsonl"),
	}).Run(ctx)
	// A sync in progress finishes and saves its snapshot before we exit.
	reindexMu.Lock()
	defer reindexMu.Unlock()
	if err == nil {
		logger.Info("stopped")
	}
	return err
}
