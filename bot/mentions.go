package bot

import (
	"context"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/internal/clip"
)

// maxChannels bounds the channels the bot remembers as its question
// threads or as other channels.
const maxChannels = 10000

// threads remembers, for each thread the bot started, the question that
// started it (so messages in the thread are answered as follow-ups), and
// which channels are not such threads. It is a cache: after a restart the
// bot finds its threads again from Discord (see threadQuestion).
type threads struct {
	mu sync.Mutex
	q  map[string]string // thread id → question; "" for other channels
}

func (t *threads) get(id string) (q string, known bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	q, known = t.q[id]
	return q, known
}

func (t *threads) put(id, q string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.q == nil || len(t.q) >= maxChannels {
		t.q = map[string]string{} // start over rather than grow without end
	}
	t.q[id] = q
}

// threadQuestion returns the question of the thread channelID if the bot
// started it on a question: from memory, else from Discord — the thread
// (owned by the bot) has the id of the message it was started on, and that
// message is the question. Each channel is looked up once.
func (b *Bot) threadQuestion(channelID string) (string, bool) {
	if q, known := b.threads.get(channelID); known {
		return q, q != ""
	}
	q := ""
	ch, err := b.d.channel(channelID)
	if err == nil && ch.IsThread() && ch.OwnerID == b.botID && ch.ParentID != "" {
		if start, err := b.d.message(ch.ParentID, ch.ID); err == nil {
			q = stripMention(start.Content, b.botID)
		}
	}
	if err != nil {
		b.log.Warn("channel look-up failed", "channel", channelID, "err", err)
		return "", false // not remembered: tried again next time
	}
	b.threads.put(channelID, q)
	return q, q != ""
}

// stripMention removes mentions of the user id from s.
func stripMention(s, id string) string {
	s = strings.ReplaceAll(s, "<@"+id+">", " ")
	s = strings.ReplaceAll(s, "<@!"+id+">", " ")
	return strings.TrimSpace(s)
}

func mentions(m *discordgo.Message, id string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == id {
			return true
		}
	}
	return false
}

// message answers a mention of the bot in a new thread, or a message in a
// thread the bot started as a follow-up of its question; meant reports
// whether the message was for the bot.
func (b *Bot) message(ctx context.Context, m *discordgo.Message) (meant bool, err error) {
	if m.Author == nil || m.Author.ID == b.botID || m.Author.Bot || b.botID == "" {
		return false, nil
	}
	ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}
	if earlier, ok := b.threadQuestion(m.ChannelID); ok {
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
		return true, b.answerIn(ctx, m.ChannelID, q, earlier, nil)
	}
	if !mentions(m, b.botID) {
		return false, nil
	}
	q, err := checkQuestion(stripMention(m.Content, b.botID), fromMention)
	if err != nil {
		return true, err
	}
	if !b.limit.allow(m.Author.ID) {
		return true, errTooFast
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
	b.threads.put(th.ID, q)
	return true, b.answerIn(ctx, th.ID, q, "", nil)
}

// answerIn posts the answer to q in a channel, the first message a reply
// to ref when set.
func (b *Bot) answerIn(ctx context.Context, channelID, q, earlier string, ref *discordgo.MessageReference) error {
	_ = b.d.typing(channelID)
	msgs, err := b.answer(ctx, q, earlier, false, nil)
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
