package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

// Options configure a Bot.
type Options struct {
	// GuildID, when set, registers the commands in that guild only (they
	// appear at once); otherwise they are registered globally.
	GuildID string
	// AdminRole, when set, holds the ids of roles (comma-separated) whose
	// members may run /reindex and /upload besides those with Manage
	// Server. A role name is accepted while only one role has it, with a
	// warning: anyone who may manage roles can make one of any name.
	AdminRole string
	// UploadLimit is the largest file /upload accepts, in bytes (default
	// DefaultUploadLimit).
	UploadLimit int64
	// AnnounceChannel, when set, is a channel id that gets a one-line
	// summary whenever a sync changes the documents.
	AnnounceChannel string
	// RateLimit is how many questions (/ask and mentions) a user may ask
	// per minute (default DefaultRateLimit).
	RateLimit int
	// Now is the clock used for the rate limit and feedback (default
	// time.Now).
	Now func() time.Time
	// NoMessageContent leaves out the privileged Message Content intent:
	// questions that mention the bot and slash commands still work, but
	// replies in the bot's threads are only seen when they mention it.
	NoMessageContent bool
	// FeedbackFile is the JSON-lines file 👍/👎 votes are kept in.
	FeedbackFile string
	// Shard says which gateway shards this process runs (the zero value:
	// one connection, unsharded). Only the process with shard 0 registers
	// the slash commands.
	Shard Sharding
	// AskChannels are the ids of channels whose every new message (a text
	// channel) or post (a forum) is a question (askchannels.go).
	AskChannels []string
	// SilentNotFound leaves ask-channel questions the documents cannot
	// answer without a reply, instead of saying so.
	SilentNotFound bool
	// ForumHelpTag is the tag (id or name) of a forum that "Still need
	// help" adds to a post.
	ForumHelpTag string
	// ReadOnly says the library is a read-only replica: /upload and
	// /reindex say so instead of writing.
	ReadOnly bool
}

// Library is what the bot needs of the documents; *retrieval.Library is
// the one it serves in production.
type Library interface {
	Ask(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error)
	Section(ref, doc string) (retrieval.SectionView, error)
	Documents() []retrieval.DocumentView
	Document(id string) (retrieval.DocumentView, bool)
	Clauses(docID string) []retrieval.ClauseView
	Clause(k retrieval.ClauseKey) (retrieval.ClauseView, retrieval.DocumentView, bool)
	ClauseByDigest(digest string) (retrieval.ClauseView, retrieval.DocumentView, bool)
	Sync(ctx context.Context) (retrieval.SyncReport, error)
	Add(ctx context.Context, name string, data []byte, o retrieval.AddOptions) (retrieval.Added, error)
	Generation() string // the index generation served, for the log
}

var _ Library = (*retrieval.Library)(nil)

// Bot serves a library on Discord.
type Bot struct {
	s    *discordgo.Session // for the gateway and registration; handlers use d
	d    discord
	lib  Library
	log  *slog.Logger
	opts Options

	botID        string   // the bot's user id, set by Run
	adminRoles   []string // Options.AdminRole, split
	nameWarning  sync.Once
	channels     channels // what the channels messages arrive in are
	limit        *limiter // per-user question rate limit
	answers      answers  // recent answers, for their feedback buttons
	feedback     feedbackLog
	streamWait   func() <-chan time.Time // between the edits of a streamed answer
	identifyWait func() <-chan time.Time // between rounds of shards identifying
	asks         map[string]bool         // Options.AskChannels
	seen         idSet                   // events handled, so that each is answered once
	unanswered   idSet                   // ask-channel questions without an answer: an edit is answered

	mu       sync.Mutex     // guards closing and the start of handlers
	closing  bool           // set at shutdown: new work is turned away
	inflight sync.WaitGroup // handlers running
}

// ShutdownGrace is how long Run waits at shutdown for answers in flight.
const ShutdownGrace = 30 * time.Second

// answerTimeout bounds the work on one question or command.
const answerTimeout = 2 * time.Minute

// New returns a bot that serves lib over the session s. The log never sees the
// bot's token or an interaction's.
func New(s *discordgo.Session, lib Library, logger *slog.Logger, opts Options) *Bot {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Bot{
		s: s, d: session{s: s}, lib: lib, opts: opts,
		log:          slog.New(redactLog{h: logger.Handler(), token: s.Token}),
		adminRoles:   splitRoles(opts.AdminRole),
		limit:        newLimiter(opts.RateLimit, opts.Now),
		feedback:     feedbackLog{path: opts.FeedbackFile},
		streamWait:   every(streamEvery),
		identifyWait: every(identifyEvery),
		asks:         askSet(opts.AskChannels),
	}
}

func (b *Bot) now() time.Time {
	if b.opts.Now != nil {
		return b.opts.Now()
	}
	return time.Now()
}

// CheckToken asks Discord who the session's token belongs to (GET
// /users/@me), so that a bad token is reported at once, before any other
// work, instead of the gateway reconnecting forever.
func CheckToken(s *discordgo.Session) (*discordgo.User, error) {
	me, err := s.User("@me")
	if err != nil {
		var rerr *discordgo.RESTError
		if errors.As(err, &rerr) && rerr.Response != nil && rerr.Response.StatusCode == 401 {
			return nil, errors.New("discord rejected the bot token (401 Unauthorized); check DISCORD_TOKEN")
		}
		var uerr *url.Error
		if errors.As(err, &uerr) {
			return nil, fmt.Errorf("checking the bot token: %s", noAnswer(s, uerr))
		}
		return nil, fmt.Errorf("checking the bot token: %s", redact(err.Error(), s.Token))
	}
	return me, nil
}

// Run checks the token, registers the commands (in the process that runs
// shard 0), connects each of its gateway shards and serves until ctx is
// done; then it waits (at most ShutdownGrace) for the answers in flight.
func (b *Bot) Run(ctx context.Context) error {
	me, err := CheckToken(b.s)
	if err != nil {
		return err
	}
	b.botID = me.ID
	plan, err := b.plan()
	if err != nil {
		return err
	}
	if plan.registers() {
		appID := me.ID
		if app, err := b.s.Application("@me"); err == nil && app.ID != "" {
			appID = app.ID
		}
		if _, err := b.s.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, b.definitions()); err != nil {
			return fmt.Errorf("registering slash commands: %s", redact(err.Error(), b.s.Token))
		}
	}
	if len(b.asks) > 0 && b.opts.NoMessageContent {
		b.log.Warn("ask channels see questions only with the Message Content intent; without it only mentions are answered there")
	}
	ss, err := b.sessions(plan)
	if err != nil {
		return err
	}
	if d, ok := b.d.(session); ok {
		d.shards = ss // every shard's gateway state answers look-ups
		b.d = d
	}
	// Handlers work on a context that shutdown does not cancel: answers in
	// flight are finished, not dropped.
	work := context.WithoutCancel(ctx)
	for _, s := range ss {
		s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { b.onInteraction(work, i.Interaction) })
		s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { b.onMessage(work, m.Message, false) })
		s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageUpdate) { b.onMessage(work, m.Message, true) })
		s.AddHandler(func(s *discordgo.Session, _ *discordgo.Ready) {
			b.log.Info("shard connected", "shard", Sharding{ID: s.ShardID, Count: s.ShardCount}.String())
		})
	}
	if err := b.open(ctx, plan, ss); errors.Is(err, errStopped) {
		return nil
	} else if err != nil {
		return err
	}
	b.log.Info("ready", "bot", me.Username, "guild", b.opts.GuildID, "shards", plan.String(),
		"generation", b.lib.Generation(), "read_only", b.opts.ReadOnly)
	<-ctx.Done()
	b.drain(ShutdownGrace)
	for _, s := range ss {
		if err := s.Close(); err != nil {
			b.log.Warn("close", "shard", s.ShardID, "err", err)
		}
	}
	return nil
}

// drain turns new work away and waits for the handlers in flight, at most
// grace.
func (b *Bot) drain(grace time.Duration) {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		b.log.Warn("shutdown: gave up waiting for answers in flight", "after", grace)
	}
}
