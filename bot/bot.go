package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
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
	// Reindex rebuilds the index and returns a one-line summary; /reindex
	// calls it.
	Reindex func(ctx context.Context) (summary string, err error)
	// RateLimit is how many questions (/ask and mentions) a user may ask
	// per minute (default DefaultRateLimit).
	RateLimit int
	// Now is the clock used for the rate limit (default time.Now).
	Now func() time.Time
}

// Bot answers slash commands from an engine.
type Bot struct {
	s    *discordgo.Session
	eng  *retrieval.Engine
	log  *slog.Logger
	opts Options

	botID   string   // the bot's user id, set by Run
	threads threads  // threads started on questions
	limit   *limiter // per-user question rate limit
}

// New returns a bot that serves eng over session.
func New(session *discordgo.Session, eng *retrieval.Engine, logger *slog.Logger, opts Options) *Bot {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Bot{s: session, eng: eng, log: logger, opts: opts, limit: newLimiter(opts.RateLimit, opts.Now)}
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
		Name:                     "reindex",
		Description:              "Re-read the documents and update the index (server managers only)",
		DefaultMemberPermissions: &manageServer,
	},
}

var manageServer int64 = discordgo.PermissionManageServer

// Run checks the token, registers the commands, connects to the gateway and
// serves until ctx is done.
func (b *Bot) Run(ctx context.Context) error {
	me, err := b.s.User("@me")
	if err != nil {
		var rerr *discordgo.RESTError
		if errors.As(err, &rerr) && rerr.Response != nil && rerr.Response.StatusCode == 401 {
			return errors.New("discord rejected the bot token (401 Unauthorized); check DISCORD_TOKEN")
		}
		return fmt.Errorf("checking the bot token: %s", redact(err.Error(), b.s.Token))
	}
	appID := me.ID
	b.botID = me.ID
	if app, err := b.s.Application("@me"); err == nil && app.ID != "" {
		appID = app.ID
	}
	if _, err := b.s.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, commands); err != nil {
		return fmt.Errorf("registering slash commands: %s", redact(err.Error(), b.s.Token))
	}
	b.s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) { b.handle(ctx, i) })
	b.s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) { b.message(ctx, m.Message) })
	b.s.AddHandlerOnce(func(_ *discordgo.Session, r *discordgo.Ready) {
		b.log.Info("ready", "bot", r.User.Username, "guild", b.opts.GuildID)
	})
	b.s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsMessageContent
	if err := b.s.Open(); err != nil {
		return fmt.Errorf("connecting to the gateway: %s", redact(err.Error(), b.s.Token))
	}
	<-ctx.Done()
	if err := b.s.Close(); err != nil {
		b.log.Warn("close", "err", err)
	}
	return nil
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
	}
}

// reply answers an interaction at once with a message.
func (b *Bot) reply(i *discordgo.Interaction, content string, ephemeral bool) {
	d := &discordgo.InteractionResponseData{Content: truncate(content, maxContent), AllowedMentions: noMentions()}
	if ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d})
	if err != nil {
		b.log.Error("reply failed", "interaction", i.ID, "err", err)
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
	if err != nil {
		b.reply(i, "Please ask a question of at most "+fmt.Sprint(retrieval.MaxQuestionRunes)+" characters: "+err.Error()+".", true)
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
	edit := &discordgo.WebhookEdit{AllowedMentions: noMentions()}
	ans, err := b.eng.Ask(ctx, q, askK)
	if err != nil {
		msg := b.fail("ask", err)
		edit.Content = &msg
	} else {
		content := truncate(ans.Text, maxContent)
		edit.Content = &content
		if e := sourcesEmbed(ans.Citations); e != nil {
			edit.Embeds = &[]*discordgo.MessageEmbed{e}
		}
	}
	if _, err := b.s.InteractionResponseEdit(i, edit); err != nil {
		b.log.Error("edit failed", "interaction", i.ID, "err", err)
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

// sourcesEmbed lists the cited clauses, or returns nil when there are none.
func sourcesEmbed(cs []retrieval.Citation) *discordgo.MessageEmbed {
	if len(cs) == 0 {
		return nil
	}
	e := &discordgo.MessageEmbed{Title: "Sources"}
	for _, c := range cs {
		if len(e.Fields) == maxFields {
			break
		}
		name := "〔" + c.Label + "〕"
		if c.Tag != "" {
			name = "〔" + c.Tag + "〕"
		}
		val := c.DocTitle
		if c.Heading != "" {
			val += " — " + c.Heading
		}
		if val == "" {
			val = c.Label
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: truncate(name, 256), Value: truncate(val, maxFieldValue)})
	}
	return e
}

func (b *Bot) section(i *discordgo.Interaction, ref, doc string) {
	sec, err := b.eng.Section(ref, doc)
	if err != nil {
		var nf *retrieval.NotFoundError
		var amb *retrieval.AmbiguousError
		switch {
		case errors.As(err, &nf):
			msg := fmt.Sprintf("No section %q.", ref)
			if len(nf.Closest) > 0 {
				msg += " Closest: " + strings.Join(first(nf.Closest, 10), ", ")
			}
			b.reply(i, msg, true)
		case errors.As(err, &amb):
			b.reply(i, fmt.Sprintf("Several documents have %q; pick one with doc: %s", ref, strings.Join(first(amb.Docs, 10), ", ")), true)
		default:
			b.reply(i, b.fail("section", err), true)
		}
		return
	}
	var sb strings.Builder
	sb.WriteString(sec.Doc.Title)
	sb.WriteString("\n")
	for _, c := range sec.Clauses {
		fmt.Fprintf(&sb, "\n〔%s〕 %s\n", c.Label, c.Text)
	}
	b.reply(i, sb.String(), false)
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
