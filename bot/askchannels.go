package bot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/internal/clip"
)

// Ask channels (Options.AskChannels) are answered on their own, without a
// mention: in a text channel every new message is a question, answered in
// a thread started on it (its follow-ups there, as for mentions); in a
// forum every new post is, answered in the post's thread with the
// "✅ Answered" / "Still need help" buttons (forum.go). Never the bot's
// own messages, other bots', webhooks' or system messages (notForMe), nor
// messages that are only files or links. The rate limit and the question
// limits of /ask apply. A question left without an answer — nothing but
// files or links, refused, or not found while SilentNotFound — is
// remembered, and answered when its author edits it; an answered one is
// not answered again.

// notFoundPointer is added to an ask-channel answer that found nothing.
const notFoundPointer = "/sources lists the documents I answer from."

// askSet is the set of ask channel ids.
func askSet(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			m[id] = true
		}
	}
	return m
}

// isForum reports whether ch holds posts rather than messages.
func isForum(ch *discordgo.Channel) bool {
	return ch.Type == discordgo.ChannelTypeGuildForum || ch.Type == discordgo.ChannelTypeGuildMedia
}

// nothingToAsk reports whether text holds no question: none at all (a
// picture, a file, a sticker, or content the bot may not read) or only
// links.
func nothingToAsk(text string) bool {
	for _, f := range strings.Fields(text) {
		f = strings.TrimSuffix(strings.TrimPrefix(f, "<"), ">")
		if !strings.HasPrefix(f, "http://") && !strings.HasPrefix(f, "https://") {
			return false
		}
	}
	return true
}

// postText is the question of a forum post: its title, and its text
// when that says more.
func postText(title, body string) string {
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	switch {
	case nothingToAsk(body):
		return title
	case title == "" || strings.HasPrefix(body, title):
		return body
	}
	return title + "\n" + body
}

// postQuestion is the question of the post threadID, for the context of
// a question asked in it later.
func (b *Bot) postQuestion(threadID string, info chanInfo) string {
	start, err := b.d.message(threadID, threadID) // the starter has the thread's id
	if err != nil {
		return info.title
	}
	return postText(info.title, stripMention(start.Content, b.botID))
}

// askChannel answers m, a message in an ask text channel or the starter of
// a post in an ask forum (or its edit). meant reports whether it was a
// question, whose refusal the router tells its author.
func (b *Bot) askChannel(ctx context.Context, m *discordgo.Message) (meant bool, err error) {
	text := stripMention(m.Content, b.botID)
	forum := !b.asks[m.ChannelID]
	if forum {
		info := b.channelInfo(m.ChannelID)
		if info.kind != forumPost || m.ID != m.ChannelID {
			return false, nil
		}
		text = postText(info.title, text)
	}
	answered := false
	defer func() {
		if !answered {
			b.unanswered.add(m.ID) // an edit gets an answer
		}
	}()
	if nothingToAsk(text) {
		b.log.Debug("not a question", "message", m.ID, "channel", m.ChannelID, "why", "only files or links")
		return false, nil
	}
	q, err := checkQuestion(text, fromAskChannel)
	if err != nil {
		return true, err
	}
	if !b.limit.allow(m.Author.ID) {
		return true, errTooFast
	}
	_ = b.d.typing(m.ChannelID)
	ans, msgs, err := b.answer(ctx, q, "", answerOpts{notFound: notFoundPointer})
	if err != nil {
		return true, err
	}
	if !ans.Found && b.opts.SilentNotFound {
		b.log.Debug("not found; left unanswered", "message", m.ID, "channel", m.ChannelID)
		return true, nil
	}
	where, ref := m.ChannelID, (*discordgo.MessageReference)(nil)
	switch {
	case forum:
		last := &msgs[len(msgs)-1]
		last.Components = append(last.Components, postButtons())
	default:
		th, err := b.d.startThread(m.ChannelID, m.ID, &discordgo.ThreadStart{
			Name: clip.Runes("Q: "+q, maxThreadName), AutoArchiveDuration: 1440,
		})
		if err != nil {
			// Without the permission to start one: answer as a reply.
			b.log.Warn("thread start failed; answering in the channel", "message", m.ID, "err", err)
			ref = &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}
			break
		}
		b.channels.put(th.ID, chanInfo{kind: questionThread, question: q})
		where = th.ID
	}
	if err := sendAll(b.d, where, msgs, ref); err != nil {
		return true, err
	}
	answered = true
	return true, nil
}
