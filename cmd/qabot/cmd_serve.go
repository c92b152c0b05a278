package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/qabot/qabot/bot"
	"github.com/qabot/qabot/retrieval"
)

func cmdServe(ctx context.Context, e env, args []string) error {
	c := newCommand(e, "serve", "serve [--guild ID]\n\nRuns the Discord bot: /ask, /section, /sources, /upload and /reindex, and questions that mention it. Env: DISCORD_TOKEN (required), QABOT_DISCORD_URL (optional API base URL), QABOT_ADMIN_ROLE (ids of roles, comma-separated, that may /upload and /reindex besides Manage Server), QABOT_RATE_LIMIT (questions per user per minute, default 5), QABOT_ANNOUNCE_CHANNEL (channel id told about document changes), QABOT_UPLOAD_MB (largest /upload, default 5), QABOT_MESSAGE_CONTENT=off (run without the privileged Message Content intent: replies in the bot's threads must then mention it), QABOT_WATCH_DEBOUNCE (quiet time before a sync, default 1s). The documents folder is watched: files added, changed or removed there are indexed within seconds.")
	var guild string
	c.fs.StringVar(&guild, "guild", e.getenv("QABOT_GUILD"), "register the commands in this guild only (env QABOT_GUILD; default: global)")
	if _, err := c.parse(args); err != nil {
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
	debounce := watchDebounce
	if v := strings.TrimSpace(e.getenv("QABOT_WATCH_DEBOUNCE")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("QABOT_WATCH_DEBOUNCE must be a positive duration such as 1s, got %q", v)
		}
		debounce = d
	}
	uploadMB := int64(bot.DefaultUploadLimit >> 20)
	if v := strings.TrimSpace(e.getenv("QABOT_UPLOAD_MB")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("QABOT_UPLOAD_MB must be a positive number of megabytes, got %q", v)
		}
		uploadMB = n
	}
	sess, err := bot.NewSession(e.getenv("DISCORD_TOKEN"), e.getenv("QABOT_DISCORD_URL"))
	if err != nil {
		return err
	}
	// The token first: a bad one is reported before any indexing work.
	if _, err := bot.CheckToken(sess); err != nil {
		return err
	}
	c.cfg.rebuildForEmbedder = true // serve's sync re-embeds for the configured embedder anyway
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	b := bot.New(sess, lib, logger, bot.Options{
		GuildID:          guild,
		AdminRole:        strings.TrimSpace(e.getenv("QABOT_ADMIN_ROLE")),
		RateLimit:        rate,
		FeedbackFile:     filepath.Join(c.cfg.Data, "feedback.jsonl"),
		UploadLimit:      uploadMB << 20,
		AnnounceChannel:  strings.TrimSpace(e.getenv("QABOT_ANNOUNCE_CHANNEL")),
		NoMessageContent: strings.EqualFold(strings.TrimSpace(e.getenv("QABOT_MESSAGE_CONTENT")), "off"),
	})
	// The watcher syncs through the library as /reindex and /upload do;
	// the bot logs and announces each sync.
	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		err := lib.Watch(watchCtx, debounce, func(rep retrieval.SyncReport, err error) {
			if watchCtx.Err() == nil {
				b.Synced(rep, err)
			}
		}, func(err error) { logger.Warn("watching the documents folder", "err", err) })
		if err != nil {
			logger.Error("watching the documents folder stopped; use /reindex after changes", "dir", c.cfg.Docs, "err", err)
		}
	}()
	err = b.Run(ctx)
	// Run has waited for the answers and the /reindex or /upload syncs in
	// flight; a watcher's sync is cancelled (the last saved index stays),
	// and Watch returns once it has let go.
	stopWatch()
	<-watched
	if err == nil {
		logger.Info("stopped")
	}
	return err
}

// watchDebounce is the quiet time after a burst of file events before the
// documents are synced, unless QABOT_WATCH_DEBOUNCE says otherwise.
const watchDebounce = time.Second
