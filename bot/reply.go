package bot

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// message is one Discord message of a reply: the first goes into the
// interaction response (or the channel), the rest follow it.
type message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Files      []file // attached, e.g. the full text of a long reply
}

// file is an attachment of a message.
type file struct{ Name, Text string }

func (m message) files() []*discordgo.File {
	var out []*discordgo.File
	for _, f := range m.Files {
		out = append(out, &discordgo.File{Name: f.Name, ContentType: "text/plain; charset=utf-8", Reader: strings.NewReader(f.Text)})
	}
	return out
}

// noMentions is on every message the bot sends: nothing it writes or
// quotes (a question, a document) may ping anyone.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// ack is how far an interaction has been answered.
type ack int

const (
	unanswered ack = iota
	deferred       // "thinking…": the response is an edit away
	responded      // the response is there: more goes in follow-ups
)

// request is an interaction being answered. It knows how far it got, so
// that whatever a handler sends, and the words for an error, go where
// Discord takes them.
type request struct {
	d         discord
	i         *discordgo.Interaction
	state     ack
	ephemeral bool // the deferred response is seen by its user alone
}

// user is the id of the user who sent the interaction.
func (r *request) user() string {
	if r.i.Member != nil && r.i.Member.User != nil {
		return r.i.Member.User.ID
	}
	if r.i.User != nil {
		return r.i.User.ID
	}
	return ""
}

// defer acknowledges the interaction with "thinking…", to be followed by
// reply. Discord waits three seconds for an acknowledgement; work that may
// take longer defers first.
func (r *request) deferReply(ephemeral bool) error {
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if ephemeral {
		resp.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	if err := r.d.respond(r.i, resp); err != nil {
		return fmt.Errorf("defer: %w", err)
	}
	r.state, r.ephemeral = deferred, ephemeral
	return nil
}

// reply sends msgs: the first as the response (or as the edit of the
// deferred one), the rest as follow-ups. ephemeral has no effect on a
// deferred response, which was made visible or not when it was deferred.
func (r *request) reply(msgs []message, ephemeral bool) error {
	if r.state == deferred {
		ephemeral = r.ephemeral
	}
	for n, m := range msgs {
		var err error
		switch {
		case n == 0 && r.state == unanswered:
			d := &discordgo.InteractionResponseData{Content: m.Content, Embeds: m.Embeds, Components: m.Components,
				Files: m.files(), AllowedMentions: noMentions()}
			if ephemeral {
				d.Flags = discordgo.MessageFlagsEphemeral
			}
			err = r.d.respond(r.i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d})
		case n == 0 && r.state == deferred:
			e := &discordgo.WebhookEdit{Content: &m.Content, Embeds: &m.Embeds, Files: m.files(), AllowedMentions: noMentions()}
			if m.Components != nil {
				e.Components = &m.Components
			}
			err = r.d.editResponse(r.i, e)
		default:
			p := &discordgo.WebhookParams{Content: m.Content, Embeds: m.Embeds, Components: m.Components,
				Files: m.files(), AllowedMentions: noMentions()}
			if ephemeral {
				p.Flags = discordgo.MessageFlagsEphemeral
			}
			err = r.d.followUp(r.i, p)
		}
		if err != nil {
			return fmt.Errorf("reply, message %d of %d: %w", n+1, len(msgs), err)
		}
		r.state = responded
	}
	return nil
}

// say replies with a short text.
func (r *request) say(text string, ephemeral bool) error {
	return r.reply(textMessages(text), ephemeral)
}

// edit replaces the deferred response's text (a streamed answer so far).
func (r *request) edit(text string) error {
	return r.d.editResponse(r.i, &discordgo.WebhookEdit{Content: &text, AllowedMentions: noMentions()})
}

// sendAll posts msgs in a channel, the first as a reply to ref when set.
func sendAll(d discord, channelID string, msgs []message, ref *discordgo.MessageReference) error {
	for n, m := range msgs {
		ms := &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, Components: m.Components,
			Files: m.files(), AllowedMentions: noMentions()}
		if n == 0 {
			ms.Reference = ref
		}
		if err := d.send(channelID, ms); err != nil {
			return fmt.Errorf("send to channel %s, message %d of %d: %w", channelID, n+1, len(msgs), err)
		}
	}
	return nil
}
