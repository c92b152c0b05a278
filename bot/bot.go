package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

// Discord limits.
const (
	maxContent    = 2000 // runes in a message's content
	maxFieldValue = 1024 // runes in an embed field's value
	maxFields     = 25   // fields in an embed
	askK          = 5    // clauses retrieved per question
)

// Options configure a Bot.
type Options struct {
	// GuildID, when set, registers the commands in that guild only (they
	// appear at once); otherwise they are registered globally.
	GuildID string
	// AdminRole, when set, names a role whose members may run /reindex
	// besides those with Manage Server.
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
	// FeedbackFile is the JSON-lines file 👍/👎 votes are appended to.
	FeedbackFile string
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
}

var _ Library = (*retrieval.Library)(nil)

// Bot answers slash commands from a library.
type Bot struct {
	s    *discordgo.Session
	lib  Library
	log  *slog.Logger
	opts Options

	botID    string   // the bot's user id, set by Run
	threads  threads  // threads started on questions
	limit    *limiter // per-user question rate limit
	answers  answers  // recent answers, for their feedback buttons
	feedback feedbackLog

	mu       sync.Mutex     // guards closing and the start of handlers
	closing  bool           // set at shutdown: new work is turned away
	inflight sync.WaitGroup // handlers running
}

// ShutdownGrace is how long Run waits at shutdown for answers in flight.
const ShutdownGrace = 30 * time.Second

// answerTimeout bounds the work on one question or command.
const answerTimeout = 2 * time.Minute

// New returns a bot that serves lib over session.
func New(session *discordgo.Session, lib Library, logger *slog.Logger, opts Options) *Bot {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Bot{
		s: session, lib: lib, log: logger, opts: opts,
		limit:    newLimiter(opts.RateLimit, opts.Now),
		feedback: feedbackLog{path: opts.FeedbackFile},
	}
}

func (b *Bot) now() time.Time {
	if b.opts.Now != nil {
		return b.opts.Now()
	}
	return time.Now()
}

// commands are the slash commands the bot registers.
var commands = []*discordgo.ApplicationCommand{
	{
		Name:        "ask",
		Description: "Ask a question about the documents; the answer cites its sections",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "question",
			Description: "Your question", Required: true, MaxLength: retrieval.MaxQuestionRunes,
		}},
	},
	{
		Name:        "section",
		Description: "Show a section or clause word for word",
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "ref", Description: "Reference, e.g. 2.3, 第二部分, 第十九条", Required: true, Autocomplete: true},
			{Type: discordgo.ApplicationCommandOptionString, Name: "doc", Description: "Document (part of its id or title)", Autocomplete: true},
		},
	},
	{
		Name:        "sources",
		Description: "List the indexed documents",
	},
	{
		Name:                     "upload",
		Description:              "Add a document (.txt or .md) and index it (server managers only)",
		DefaultMemberPermissions: &manageServer,
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "The document, UTF-8, UTF-16 or GBK text or Markdown", Required: true},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "replace", Description: "Overwrite a document of the same name"},
		},
	},
	{
		Name:                     "reindex",
		Description:              "Re-read the documents and update the index (server managers only)",
		DefaultMemberPermissions: &manageServer,
	},
}

var manageServer int64 = discordgo.PermissionManageGuild

// commands returns the commands to register. The admin commands are shown
// only to members with Manage Server, unless an admin role is configured:
// then everyone sees them and the bot checks the role itself.
func (b *Bot) commands() []*discordgo.ApplicationCommand {
	out := make([]*discordgo.ApplicationCommand, len(commands))
	for n, c := range commands {
		cc := *c
		if cc.DefaultMemberPermissions != nil && b.opts.AdminRole != "" {
			cc.DefaultMemberPermissions = nil
		}
		out[n] = &cc
	}
	return out
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
		return nil, fmt.Errorf("checking the bot token: %s", redact(err.Error(), s.Token))
	}
	return me, nil
}

// Run checks the token, registers the commands, connects to the gateway and
// serves until ctx is done.
func (b *Bot) Run(ctx context.Context) error {
	me, err := CheckToken(b.s)
	if err != nil {
		return err
	}
	appID := me.ID
	b.botID = me.ID
	if app, err := b.s.Application("@me"); err == nil && app.ID != "" {
		appID = app.ID
	}
	if _, err := b.s.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, b.commands()); err != nil {
		return fmt.Errorf("registering slash commands: %s", redact(err.Error(), b.s.Token))
	}
	// Handlers work on a context that shutdown does not cancel: answers in
	// flight are finished, not dropped.
	work := context.WithoutCancel(ctx)
	b.s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			b.guard(work, "autocomplete", func(ctx context.Context) { b.handle(ctx, i) }, func(string) {})
			return
		}
		b.guard(work, "interaction", func(ctx context.Context) { b.handle(ctx, i) }, func(msg string) { b.tell(i.Interaction, msg) })
	})
	b.s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		b.guard(work, "message", func(ctx context.Context) { b.message(ctx, m.Message) }, func(msg string) {
			if mentions(m.Message, b.botID) {
				b.replyTo(m.Message, msg)
			}
		})
	})
	b.s.AddHandlerOnce(func(_ *discordgo.Session, r *discordgo.Ready) {
		b.log.Info("ready", "bot", r.User.Username, "guild", b.opts.GuildID)
	})
	b.s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	if !b.opts.NoMessageContent {
		b.s.Identify.Intents |= discordgo.IntentsMessageContent
	}
	if err := b.s.Open(); err != nil {
		if strings.Contains(err.Error(), "4014") {
			return errors.New("discord refused the Message Content intent (close 4014): enable it in the developer portal (Bot → Privileged Gateway Intents), or set QABOT_MESSAGE_CONTENT=off to run without follow-ups in threads")
		}
		return fmt.Errorf("connecting to the gateway: %s", redact(err.Error(), b.s.Token))
	}
	<-ctx.Done()
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(ShutdownGrace):
		b.log.Warn("shutdown: gave up waiting for answers in flight", "after", ShutdownGrace)
	}
	if err := b.s.Close(); err != nil {
		b.log.Warn("close", "err", err)
	}
	return nil
}

// guard runs one handler: it is counted as in flight and bounded in time,
// and a panic in it is logged under a trace id and told to the user
// instead of killing the bot. At shutdown it tells the user to come back.
func (b *Bot) guard(ctx context.Context, what string, fn func(context.Context), tell func(msg string)) {
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		tell("I am restarting; please try again in a minute.")
		return
	}
	b.inflight.Add(1)
	b.mu.Unlock()
	defer b.inflight.Done()
	defer func() {
		if r := recover(); r != nil {
			tell(b.fail(what, fmt.Errorf("panic: %v\n%s", r, debug.Stack())))
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	fn(ctx)
}

// webhookPath matches the interaction token in webhook URLs.
var webhookPath = regexp.MustCompile(`(/webhooks/[0-9]+/)[A-Za-z0-9_.\-]+`)

// redactWebhook removes interaction tokens (which let anyone post as the
// bot for 15 minutes) from an error bound for the log.
func redactWebhook(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(webhookPath.ReplaceAllString(err.Error(), "${1}[token]"))
}

// redact removes the token from a message.
func redact(msg, token string) string {
	token = strings.TrimPrefix(token, "Bot ")
	if token == "" {
		return msg
	}
	return strings.ReplaceAll(msg, token, "[token]")
}

func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func (b *Bot) handle(ctx context.Context, i *discordgo.InteractionCreate) {
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		b.autocomplete(i.Interaction)
		return
	}
	if i.Type == discordgo.InteractionMessageComponent {
		b.component(i.Interaction)
		return
	}
	if i.Type != discordgo.InteractionApplicationCommand {
		return
	}
	data := i.ApplicationCommandData()
	opts := map[string]string{}
	for _, o := range data.Options {
		if o.Type == discordgo.ApplicationCommandOptionString {
			opts[o.Name] = o.StringValue()
		}
	}
	switch data.Name {
	case "ask":
		b.ask(ctx, i.Interaction, opts["question"])
	case "section":
		b.section(i.Interaction, opts["ref"], opts["doc"])
	case "sources":
		b.sources(i.Interaction)
	case "reindex":
		b.reindex(ctx, i.Interaction)
	case "upload":
		b.upload(ctx, i.Interaction)
	default:
		b.reply(i.Interaction, "I don't know this command any more; Discord may still be showing an old list.", true)
	}
}

// reply answers an interaction at once with a message, split over
// follow-ups when it is longer than Discord allows.
func (b *Bot) reply(i *discordgo.Interaction, content string, ephemeral bool) {
	b.respond(i, textMessages(content), ephemeral)
}

// tell gives the user a short message whatever state the interaction is
// in: as the response, or as the edit of a deferred one.
func (b *Bot) tell(i *discordgo.Interaction, msg string) {
	err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: msg, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()},
	})
	if err == nil {
		return
	}
	if _, err := b.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &msg, AllowedMentions: noMentions()}); err != nil {
		b.log.Error("could not tell the user", "interaction", i.ID, "err", redactWebhook(err))
	}
}

// respond answers an interaction at once with msgs: the first as the
// response, the rest as follow-ups.
func (b *Bot) respond(i *discordgo.Interaction, msgs []message, ephemeral bool) {
	d := &discordgo.InteractionResponseData{
		Content: msgs[0].Content, Embeds: msgs[0].Embeds, Components: msgs[0].Components,
		AllowedMentions: noMentions(),
	}
	if ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d})
	if err != nil {
		b.tell(i, b.fail("reply", redactWebhook(err)))
		return
	}
	b.followUp(i, msgs[1:], ephemeral)
}

// editDeferred replaces a deferred response with msgs: the first as the
// response, the rest as follow-ups.
func (b *Bot) editDeferred(i *discordgo.Interaction, msgs []message, ephemeral bool) {
	m := msgs[0]
	edit := &discordgo.WebhookEdit{Content: &m.Content, AllowedMentions: noMentions()}
	edit.Embeds = &m.Embeds
	if m.Components != nil {
		edit.Components = &m.Components
	}
	if _, err := b.s.InteractionResponseEdit(i, edit); err != nil {
		// Never leave the user with "thinking…": a plain message with a
		// trace id still gets through when the formatted one was refused.
		b.tell(i, b.fail("edit", redactWebhook(err)))
		return
	}
	b.followUp(i, msgs[1:], ephemeral)
}

func (b *Bot) followUp(i *discordgo.Interaction, msgs []message, ephemeral bool) {
	for _, m := range msgs {
		p := &discordgo.WebhookParams{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions()}
		if ephemeral {
			p.Flags = discordgo.MessageFlagsEphemeral
		}
		if _, err := b.s.FollowupMessageCreate(i, true, p); err != nil {
			b.log.Error("follow-up failed", "interaction", i.ID, "err", redactWebhook(err))
			return
		}
	}
}

// send posts msgs in a channel, the first as a reply to ref when set.
func (b *Bot) send(channelID string, msgs []message, ref *discordgo.MessageReference) {
	for n, m := range msgs {
		ms := &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions()}
		if n == 0 {
			ms.Reference = ref
		}
		if _, err := b.s.ChannelMessageSendComplex(channelID, ms); err != nil {
			b.log.Error("send failed", "channel", channelID, "err", err)
			return
		}
	}
}

// fail logs err under a new trace id and returns the message for the user.
func (b *Bot) fail(what string, err error) string {
	id := traceID()
	b.log.Error(what+" failed", "trace", id, "err", err)
	return fmt.Sprintf("Sorry, something went wrong (trace %s).", id)
}

func (b *Bot) ask(ctx context.Context, i *discordgo.Interaction, question string) {
	q, err := retrieval.CheckQuestion(question)
	if errors.Is(err, retrieval.ErrEmptyQuestion) {
		b.reply(i, "Please type a question, e.g. /ask question: 各方如何应对毒品威胁？", true)
		return
	}
	if err != nil {
		b.reply(i, fmt.Sprintf("Please ask a question of at most %d characters (this one has %d).", retrieval.MaxQuestionRunes, utf8.RuneCountInString(strings.TrimSpace(question))), true)
		return
	}
	if !b.limit.allow(interactionUser(i)) {
		b.reply(i, rateMessage, true)
		return
	}
	if err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		b.log.Error("defer failed", "interaction", i.ID, "err", err)
		return
	}
	b.editDeferred(i, b.answer(ctx, q, true, b.streamEdit(i)), false)
}

// answer answers q and formats the reply, remembering the answer for its
// feedback buttons. partial, when not nil, shows a generated answer as it
// grows, at most once per streamEvery; it is done when answer returns.
func (b *Bot) answer(ctx context.Context, q string, echo bool, partial func(string)) []message {
	return b.answerWith(ctx, "", q, echo, partial)
}

// answerAfter answers q, a follow-up of the question earlier.
func (b *Bot) answerAfter(ctx context.Context, earlier, q string) []message {
	return b.answerWith(ctx, earlier, q, false, nil)
}

func (b *Bot) answerWith(ctx context.Context, earlier, q string, echo bool, partial func(string)) []message {
	o := retrieval.AskOptions{K: askK, Earlier: earlier}
	if partial != nil {
		st := newStreamer(partial, streamEvery)
		o.OnPartial = st.update
		defer st.stop()
	}
	ans, err := b.lib.Ask(ctx, q, o)
	if err != nil {
		return textMessages(b.fail("ask", err))
	}
	if ans.Degraded != "" {
		// Answered without an endpoint: the user gets the notice, the log
		// the reason, under one trace id.
		id := traceID()
		b.log.Warn("answered without the model endpoint", "trace", id, "err", ans.Degraded)
		ans.Notice += " (trace " + id + ")"
	}
	return answerMessages(ans, b.answers.put(ans), echo)
}

// streamEvery is how often a streamed answer is edited in.
const streamEvery = time.Second

// streamEdit returns a partial-answer callback that edits i's deferred
// response with the text so far.
func (b *Bot) streamEdit(i *discordgo.Interaction) func(string) {
	return func(text string) {
		content := truncate(strings.TrimSpace(text), maxContent-2) + " ▌"
		if _, err := b.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content, AllowedMentions: noMentions()}); err != nil {
			b.log.Warn("stream edit failed", "interaction", i.ID, "err", redactWebhook(err))
		}
	}
}

// interactionUser returns the id of the user who sent i.
func interactionUser(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// sectionPrefix is the custom id of the menu that picks the document of
// an ambiguous /section reference, followed by the reference.
const sectionPrefix = "section:"

func (b *Bot) section(i *discordgo.Interaction, ref, doc string) {
	sec, err := b.lib.Section(ref, doc)
	if err != nil {
		var nf *retrieval.NotFoundError
		var amb *retrieval.AmbiguousError
		switch {
		case errors.As(err, &nf):
			msg := fmt.Sprintf("There is no section %q.", ref)
			if doc != "" {
				msg = fmt.Sprintf("There is no section %q in %q.", ref, doc)
			}
			if len(nf.Closest) > 0 {
				msg += " Closest: " + strings.Join(first(nf.Closest, 10), ", ")
			}
			b.reply(i, msg, true)
		case errors.As(err, &amb):
			b.respond(i, []message{docMenu(ref, amb.Docs)}, true)
		default:
			b.reply(i, b.fail("section", err), true)
		}
		return
	}
	b.respond(i, capParts(textMessages(formatClauses(sec.Doc.Name(), sec.Clauses)), maxParts), false)
}

// docMenu asks which document an ambiguous reference is meant in.
func docMenu(ref string, docs []string) message {
	m := message{Content: fmt.Sprintf("Several documents have %q. Which one?", ref)}
	if len(docs) > maxFields {
		m.Content += fmt.Sprintf(" (showing %d of %d; narrow it down with the doc option)", maxFields, len(docs))
		docs = docs[:maxFields]
	}
	var opts []discordgo.SelectMenuOption
	for _, d := range docs {
		opts = append(opts, discordgo.SelectMenuOption{Label: truncate(d, 100), Value: truncate(d, 100)})
	}
	id := sectionPrefix + ref
	if utf8.RuneCountInString(id) > maxCustomID {
		return message{Content: fmt.Sprintf("Several documents have %q; pick one with the doc option.", truncate(ref, 50))}
	}
	m.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu, CustomID: id, Placeholder: "Document", Options: opts},
	}}}
	return m
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// truncate cuts s to at most n runes, ending with an ellipsis when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func traceID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
