package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
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
	ch, err := b.s.State.Channel(channelID)
	if err != nil {
		ch, err = b.s.Channel(channelID)
	}
	if err == nil && ch.IsThread() && ch.OwnerID == b.botID && ch.ParentID != "" {
		if start, err := b.s.ChannelMessage(ch.ParentID, ch.ID); err == nil {
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
// thread the bot started as a follow-up of its question.
func (b *Bot) message(ctx context.Context, m *discordgo.Message) {
	if m.Author == nil || m.Author.ID == b.botID || m.Author.Bot || b.botID == "" {
		return
	}
	if earlier, ok := b.threadQuestion(m.ChannelID); ok {
		text := stripMention(m.Content, b.botID)
		if text == "" {
			return // a picture or a bare mention: nothing to answer
		}
		text, err := retrieval.CheckQuestion(text)
		if err != nil {
			b.replyTo(m, fmt.Sprintf("Please keep follow-up questions to at most %d characters.", retrieval.MaxQuestionRunes))
			return
		}
		if !b.limit.allow(m.Author.ID) {
			b.replyTo(m, rateMessage)
			return
		}
		// The earlier question gives the context.
		_ = b.s.ChannelTyping(m.ChannelID)
		b.send(m.ChannelID, b.answerAfter(ctx, earlier, text), nil)
		return
	}
	if !mentions(m, b.botID) {
		return
	}
	text := stripMention(m.Content, b.botID)
	q, err := retrieval.CheckQuestion(text)
	if err != nil {
		msg := fmt.Sprintf("Please ask a question of at most %d characters after mentioning me.", retrieval.MaxQuestionRunes)
		if errors.Is(err, retrieval.ErrEmptyQuestion) {
			msg = "Mention me with a question, e.g. “@qabot 各方如何应对毒品威胁？”."
		}
		b.replyTo(m, msg)
		return
	}
	if !b.limit.allow(m.Author.ID) {
		b.replyTo(m, rateMessage)
		return
	}
	th, err := b.s.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
		Name: truncate("Q: "+q, 100), AutoArchiveDuration: 1440,
	})
	if err != nil {
		// Inside a thread already, or without the permission to start
		// one: answer right here, as a reply.
		b.log.Warn("thread start failed; answering in the channel", "message", m.ID, "err", err)
		_ = b.s.ChannelTyping(m.ChannelID)
		b.send(m.ChannelID, b.answer(ctx, q, false, nil), &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID})
		return
	}
	b.threads.put(th.ID, q)
	b.answerIn(ctx, th.ID, q)
}

// replyTo answers m with a short message in its channel.
func (b *Bot) replyTo(m *discordgo.Message, msg string) {
	b.send(m.ChannelID, textMessages(msg), &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID})
}

// answerIn posts the answer to q in a channel.
func (b *Bot) answerIn(ctx context.Context, channelID, q string) {
	_ = b.s.ChannelTyping(channelID)
	b.send(channelID, b.answer(ctx, q, false, nil), nil)
}
