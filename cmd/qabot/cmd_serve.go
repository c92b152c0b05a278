package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qabot/qabot/bot"
	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/retrieval"
)

const serveSynopsis = `serve [--guild ID] [--shard I/N|auto] [--read-only]

Runs the Discord bot (/ask, /section, /sources, /upload, /reindex, questions that mention it, ask channels).
Env: DISCORD_TOKEN (required), QABOT_DISCORD_URL (optional API base URL), QABOT_ADMIN_ROLE (ids of roles,
comma-separated, that may /upload and /reindex besides Manage Server), QABOT_RATE_LIMIT (questions per user per
minute, default 5), QABOT_ANNOUNCE_CHANNEL (channel id told about document changes), QABOT_UPLOAD_MB (largest
/upload, default 5), QABOT_MESSAGE_CONTENT=off (run without the privileged Message Content intent: replies in the
bot's threads must then mention it), QABOT_WATCH_DEBOUNCE (quiet time before a sync, default 1s),
QABOT_ASK_CHANNELS (channel ids, comma-separated: every new message of a text channel, every new post of a forum,
is answered), QABOT_ASK_SILENT_NOT_FOUND=1 (say nothing there when the documents have no answer),
QABOT_FORUM_HELP_TAG (the forum tag, name or id, that "Still need help" adds), QABOT_FEEDBACK_FILE (where votes go;
default DATA/feedback.jsonl, DATA/feedback-shard-I-of-N.jsonl for shard I/N), QABOT_LOG_LEVEL (debug, info, warn,
error). The documents folder is watched: files added, changed or removed there are indexed within seconds. A
read-only replica never writes the index or the documents: it serves what the writer publishes, swapping in each
new generation.`

// followPoll is how often a read-only replica looks at the index's CURRENT
// besides the file system's notices (which a network file system does not
// give).
const followPoll = 2 * time.Second

func cmdServe(ctx context.Context, e env, args []string) error {
	c := newCommand(e, "serve", serveSynopsis)
	var guild, shard string
	var readOnly bool
	c.fs.StringVar(&guild, "guild", e.getenv("QABOT_GUILD"), "register the commands in this guild only (env QABOT_GUILD; default: global)")
	c.fs.StringVar(&shard, "shard", e.getenv("QABOT_SHARD"), "run gateway shard I of N (I/N), or every shard Discord recommends (auto) (env QABOT_SHARD; default: one unsharded connection)")
	c.fs.BoolVar(&readOnly, "read-only", envOn(e.getenv("QABOT_READ_ONLY")), "serve the index another qabot serve writes, never writing it or the documents (env QABOT_READ_ONLY=1)")
	if _, err := c.parse(args); err != nil {
		return err
	}
	opts, debounce, level, err := serveOptions(e.getenv)
	if err != nil {
		return err
	}
	if opts.Shard, err = bot.ParseSharding(shard); err != nil {
		return fmt.Errorf("--shard: %w", err)
	}
	opts.GuildID, opts.ReadOnly = guild, readOnly
	opts.FeedbackFile = feedbackFile(e.getenv, c.cfg.Data, opts.Shard)
	sess, err := bot.NewSession(e.getenv("DISCORD_TOKEN"), e.getenv("QABOT_DISCORD_URL"))
	if err != nil {
		return err
	}
	// The token first: a bad one is reported before any indexing work.
	if _, err := bot.CheckToken(sess); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	var lib *retrieval.Library
	var keep func(ctx context.Context, b *bot.Bot) (stop func())
	if readOnly {
		lib, keep, err = openReplica(ctx, c, logger)
	} else {
		c.cfg.rebuildForEmbedder = true // serve's sync re-embeds for the configured embedder anyway
		lib, err = c.open(ctx)
		keep = func(ctx context.Context, b *bot.Bot) func() {
			return watchDocs(ctx, lib, b, logger, debounce, c.cfg.Docs)
		}
	}
	if err != nil || lib == nil {
		return err // nil: stopped while waiting for the writer
	}
	b := bot.New(sess, lib, logger, opts)
	stop := keep(ctx, b)
	err = b.Run(ctx)
	// Run has waited for the answers and the /reindex or /upload syncs in
	// flight; a watcher's sync is cancelled (the last saved index stays),
	// and the watch returns once it has let go.
	stop()
	if err == nil {
		logger.Info("stopped")
	}
	return err
}

// watchDocs syncs the writer's library after every change to the documents
// folder, through the library as /reindex and /upload do; the bot logs and
// announces each sync. stop ends the watch and waits for it.
func watchDocs(ctx context.Context, lib *retrieval.Library, b *bot.Bot, logger *slog.Logger, debounce time.Duration, dir string) (stop func()) {
	watchCtx, cancel := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		err := lib.Watch(watchCtx, debounce, func(rep retrieval.SyncReport, err error) {
			if watchCtx.Err() == nil {
				b.Synced(rep, err)
			}
		}, func(err error) { logger.Warn("watching the documents folder", "err", err) })
		if err != nil {
			logger.Error("watching the documents folder stopped; use /reindex after changes", "dir", dir, "err", err)
		}
	}()
	return func() { cancel(); <-watched }
}

// openReplica opens the index read-only and follows its writer: each
// generation published is swapped in and logged. With no index published
// yet it waits for the first (lib nil: ctx ended first).
func openReplica(ctx context.Context, c *command, logger *slog.Logger) (*retrieval.Library, func(context.Context, *bot.Bot) func(), error) {
	c.cfg.readOnly = true
	if err := c.cfg.setupModels(ctx, c.e.getenv); err != nil {
		return nil, nil, err
	}
	lib := c.cfg.library(nil)
	o, err := lib.Open(ctx)
	waiting := errors.Is(err, index.ErrNoIndex)
	if err != nil && !waiting {
		return nil, nil, err
	}
	if o.Embedder != retrieval.EmbedderConfigured {
		logger.Warn("the index was built by another embedder than the configured one", "index", o.IndexEmbedder, "configured", o.ConfiguredEmbedder, "words_only", o.Embedder == retrieval.EmbedderNone)
	}
	followCtx, cancel := context.WithCancel(ctx)
	first, once := make(chan struct{}), sync.Once{}
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		err := lib.Follow(followCtx, followPoll, func(s retrieval.Swapped) {
			if s.Err != nil {
				logger.Warn("the writer's index could not be read; serving the generation loaded before", "generation", s.Generation, "serving", lib.Generation(), "err", s.Err)
				return
			}
			once.Do(func() { close(first) })
			logger.Info("swapped", "generation", s.Generation, "documents", s.Documents, "clauses", s.Clauses)
		})
		if err != nil {
			logger.Error("following the index stopped; restart to serve newer generations", "dir", lib.IndexDir(), "err", err)
		}
	}()
	stop := func() { cancel(); <-followed }
	if waiting {
		logger.Info("waiting for the writer to publish an index", "dir", lib.IndexDir())
		select {
		case <-first:
		case <-ctx.Done():
			stop()
			return nil, nil, nil
		}
	}
	return lib, func(context.Context, *bot.Bot) func() { return stop }, nil
}

// serveOptions reads the bot's settings from the environment.
func serveOptions(getenv func(string) string) (o bot.Options, debounce time.Duration, level slog.Level, err error) {
	if v := strings.TrimSpace(getenv("QABOT_RATE_LIMIT")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return o, 0, 0, fmt.Errorf("QABOT_RATE_LIMIT must be a positive number, got %q", v)
		}
		o.RateLimit = n
	}
	debounce = watchDebounce
	if v := strings.TrimSpace(getenv("QABOT_WATCH_DEBOUNCE")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return o, 0, 0, fmt.Errorf("QABOT_WATCH_DEBOUNCE must be a positive duration such as 1s, got %q", v)
		}
		debounce = d
	}
	uploadMB := int64(bot.DefaultUploadLimit >> 20)
	if v := strings.TrimSpace(getenv("QABOT_UPLOAD_MB")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return o, 0, 0, fmt.Errorf("QABOT_UPLOAD_MB must be a positive number of megabytes, got %q", v)
		}
		uploadMB = n
	}
	if v := strings.TrimSpace(getenv("QABOT_LOG_LEVEL")); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			return o, 0, 0, fmt.Errorf("QABOT_LOG_LEVEL must be debug, info, warn or error, got %q", v)
		}
	}
	for _, id := range strings.Split(getenv("QABOT_ASK_CHANNELS"), ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		} else if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			return o, 0, 0, fmt.Errorf("QABOT_ASK_CHANNELS holds channel ids (digits, comma-separated), not %q", id)
		}
		o.AskChannels = append(o.AskChannels, id)
	}
	o.UploadLimit = uploadMB << 20
	o.AdminRole = strings.TrimSpace(getenv("QABOT_ADMIN_ROLE"))
	o.AnnounceChannel = strings.TrimSpace(getenv("QABOT_ANNOUNCE_CHANNEL"))
	o.NoMessageContent = strings.EqualFold(strings.TrimSpace(getenv("QABOT_MESSAGE_CONTENT")), "off")
	o.SilentNotFound = envOn(getenv("QABOT_ASK_SILENT_NOT_FOUND"))
	o.ForumHelpTag = strings.TrimSpace(getenv("QABOT_FORUM_HELP_TAG"))
	return o, debounce, level, nil
}

// feedbackFile is where votes go: QABOT_FEEDBACK_FILE, else DATA's
// feedback.jsonl — one per shard of a sharded process, as each process
// rewrites its file whole.
func feedbackFile(getenv func(string) string, data string, sh bot.Sharding) string {
	if f := strings.TrimSpace(getenv("QABOT_FEEDBACK_FILE")); f != "" {
		return f
	}
	if !sh.Auto && sh.Count > 1 {
		return filepath.Join(data, fmt.Sprintf("feedback-shard-%d-of-%d.jsonl", sh.ID, sh.Count))
	}
	return filepath.Join(data, "feedback.jsonl")
}

// envOn reads a boolean setting: 1, true, yes or on.
func envOn(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// watchDebounce is the quiet time after a burst of file events before the
// documents are synced, unless QABOT_WATCH_DEBOUNCE says otherwise.
const watchDebounce = time.Second
