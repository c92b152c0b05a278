package bot

import (
	"context"
	"regexp"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/internal/clip"
)

// maxChannels bounds the channels the bot remembers.
const maxChannels = 10000

// chanKind is what a channel is to the bot.
type chanKind int

const (
	otherChannel   chanKind = iota
	questionThread          // a thread the bot started on a question: its messages are follow-ups
	forumPost               // a post in a forum that is an ask channel
)

// chanInfo is what the bot knows of a channel.
type chanInfo struct {
	kind     chanKind
	question string // questionThread: the question it was started on
	title    string // forumPost: the post's title
}

// channels remembers what each channel the bot has seen messages in is.
// It is a cache: after a restart the bot finds its threads again from
// Discord (see channelInfo).
type channels struct {
	mu sync.Mutex
	m  map[string]chanInfo
}

func (c *channels) get(id string) (chanInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	info, ok := c.m[id]
	return info, ok
}

func (c *channels) put(id string, info chanInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxChannels {
		c.m = map[string]chanInfo{} // start over rather than grow without end
	}
	c.m[id] = info
}

// channelInfo says what channel id is: from memory, else from Discord — a
// thread the bot owns has the id of the message it was started on, and
// that message is the question; a thread of a forum that is an ask channel
// is a post. Each channel is looked up once.
func (b *Bot) channelInfo(id string) chanInfo {
	if info, ok := b.channels.get(id); ok {
		return info
	}
	ch, err := b.d.channel(id)
	if err != nil {
		b.log.Warn("channel look-up failed", "channel", id, "err", err)
		return chanInfo{} // not remembered: tried again next time
	}
	var info chanInfo
	switch {
	case !ch.IsThread() || ch.ParentID == "":
	case ch.OwnerID == b.botID:
		if start, err := b.d.message(ch.ParentID, ch.ID); err == nil {
			if q := stripMention(start.Content, b.botID); q != "" {
				info = chanInfo{kind: questionThread, question: q}
			}
		}
	case b.asks[ch.ParentID]:
		parent, err := b.d.channel(ch.ParentID)
		if err != nil {
			b.log.Warn("channel look-up failed", "channel", ch.ParentID, "err", err)
			return chanInfo{}
		}
		if isForum(parent) {
			info = chanInfo{kind: forumPost, title: ch.Name}
		}
	}
	b.channels.put(id, info)
	return info
}

// stripMention removes mentions of the user id from s.
func stripMention(s, id string) string {
	s = strings.ReplaceAll(s, "<@"+id+">", " ")
	s = strings.ReplaceAll(s, "<@!"+id+">", " ")
	return strings.TrimSpace(s)
}

// reMarkup is Discord's markup in a message: mentions of users, roles and
// channels, @everyone and @here, slash-command mentions, custom emoji and
// timestamps. None of it is a word of a question.
var reMarkup = regexp.MustCompile(`<@[!&]?\d+>|<#\d+>|</[\w -]+:\d+>|<a?:\w+:\d+>|<t:-?\d+(?::[tTdDfFR])?>|@everyone|@here`)

// stripMarkup blanks Discord's markup out of a question (see reMarkup).
func stripMarkup(s string) string {
	return strings.Join(strings.Fields(reMarkup.ReplaceAllString(s, " ")), " ")
}

func mentions(m *discordgo.Message, id string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == id {
			return true
		}
	}
	return false
}

// notForMe says why m is none of the bot's business ("" when it may be):
// the bot's own messages, other bots' and webhooks', system messages.
func (b *Bot) notForMe(m *discordgo.Message) string {
	switch {
	case b.botID == "":
		return "not ready"
	case m.Author == nil:
		return "no author"
	case m.Author.ID == b.botID:
		return "the bot's own"
	case m.Author.Bot || m.WebhookID != "":
		return "a bot's"
	case m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply:
		return "a system message"
	}
	return ""
}

// message answers a message (edit: its edit) meant for the bot: a mention,
// in a new thread; a message in a thread the bot started, as a follow-up
// of its question; a question in an ask channel (askchannels.go). meant
// reports whether it was for the bot. Each message is answered once.
func (b *Bot) message(ctx context.Context, m *discordgo.Message, edit bool) (meant bool, err error) {
	why := b.notForMe(m)
	switch {
	case why != "":
	case edit && b.unanswered.take(m.ID):
		return b.askChannel(ctx, m) // only ask-channel questions are left unanswered
	case edit:
		why = "an edit of a message answered or not a question"
	case !b.seen.add(m.ID):
		why = "delivered again"
	case b.asks[m.ChannelID]:
		return b.askChannel(ctx, m)
	}
	if why != "" {
		b.log.Debug("not a question", "message", m.ID, "channel", m.ChannelID, "why", why)
		return false, nil
	}
	ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}
	info := b.channelInfo(m.ChannelID)
	switch {
	case info.kind == forumPost && m.ID == m.ChannelID:
		return b.askChannel(ctx, m) // a new post
	case info.kind == questionThread:
		text := stripMention(m.Content, b.botID)
		if text == "" {
			return true, nil // a picture or a bare mention: nothing to answer
		}
		q, err := checkQuestion(text, fromFollowUp)
		if err != nil {
			return true, err
		}
		if !b.limit.allow(m.Author.ID) {
			return true, errTooFast
		}
		// The earlier question gives the context.
		return true, b.answerIn(ctx, m.ChannelID, q, info.question, nil)
	case !mentions(m, b.botID):
		b.log.Debug("not a question", "message", m.ID, "channel", m.ChannelID, "why", "no mention, not an ask channel")
		return false, nil
	}
	q, err := checkQuestion(stripMention(m.Content, b.botID), fromMention)
	if err != nil {
		return true, err
	}
	if !b.limit.allow(m.Author.ID) {
		return true, errTooFast
	}
	if info.kind == forumPost {
		// Asked in a post: answered there, the post giving the context.
		return true, b.answerIn(ctx, m.ChannelID, q, b.postQuestion(m.ChannelID, info), ref)
	}
	th, err := b.d.startThread(m.ChannelID, m.ID, &discordgo.ThreadStart{
		Name: clip.Runes("Q: "+q, maxThreadName), AutoArchiveDuration: 1440,
	})
	if err != nil {
		// Inside a thread already, or without the permission to start
		// one: answer right here, as a reply.
		b.log.Warn("thread start failed; answering in the channel", "message", m.ID, "err", err)
		return true, b.answerIn(ctx, m.ChannelID, q, "", ref)
	}
	b.channels.put(th.ID, chanInfo{kind: questionThread, question: q})
	return true, b.answerIn(ctx, th.ID, q, "", nil)
}

// answerIn posts the answer to q in a channel, the first message a reply
// to ref when set.
func (b *Bot) answerIn(ctx context.Context, channelID, q, earlier string, ref *discordgo.MessageReference) error {
	_ = b.d.typing(channelID)
	_, msgs, err := b.answer(ctx, q, earlier, answerOpts{})
	if err != nil {
		// Told where the answer would have been.
		msgs = textMessages(b.words("answer", err))
	}
	return sendAll(b.d, channelID, msgs, ref)
}

// replyTo answers m with a short message in its channel.
func (b *Bot) replyTo(m *discordgo.Message, msg string) {
	ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}
	if err := sendAll(b.d, m.ChannelID, textMessages(msg), ref); err != nil {
		b.log.Error("could not tell the user", "message", m.ID, "err", err)
	}
}
