package main

import (
	"context"
	"log/slog"

	"github.com/qabot/qabot/bot"
)

func cmdServe(ctx context.Context, e env, args []string) error {
	var cfg config
	var guild string
	fs := newFlags(e, "serve", "serve [--guild ID]\n\nRuns the Discord bot (/ask, /section, /sources, and questions that mention it). Env: DISCORD_TOKEN (required), QABOT_DISCORD_URL (optional API base URL).")
	cfg.commonFlags(fs, e.getenv)
	fs.StringVar(&guild, "guild", e.getenv("QABOT_GUILD"), "register the commands in this guild only (env QABOT_GUILD; default: global)")
	if _, err := parse(fs, args); err != nil {
		return err
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
	return bot.New(sess, eng, logger, bot.Options{GuildID: guild}).Run(ctx)
}
