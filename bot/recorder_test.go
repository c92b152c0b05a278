package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// sent is one call the bot made to Discord, as the recorder saw it.
type sent struct {
	Kind        string // respond, edit, followup, send, thread, typing
	Interaction string // the interaction's id (respond, edit, followup)
	Channel     string // send, thread, typing
	Type        discordgo.InteractionResponseType
	Content     string
	Ephemeral   bool
	Embeds      []*discordgo.MessageEmbed
	Components  []discordgo.MessageComponent
	Files       []file
	Choices     []*discordgo.ApplicationCommandOptionChoice
	Reference   *discordgo.MessageReference
	Tags        []string // editChannel: the applied tags set
}

// recorder is discord for the tests: it records what the bot sends and
// holds it to Discord's rules (one response per interaction, edits and
// follow-ups only after it, the limits, no pings), failing the test on a
// breach; look-ups are answered from its maps; failNext makes a kind of
// call fail once.
type recorder struct {
	t  testing.TB
	mu sync.Mutex

	calls     []sent
	responded map[string]bool
	fails     map[string]error

	channels  map[string]*discordgo.Channel
	messages  map[string]*discordgo.Message // by channel id + "/" + message id
	roles     map[string][]*discordgo.Role  // by guild
	downloads map[string][]byte             // by URL
	threads   int
	onEdit    func(content string) // called after each edit is recorded
}

func newRecorder(t testing.TB) *recorder {
	return &recorder{t: t, responded: map[string]bool{}, fails: map[string]error{},
		channels: map[string]*discordgo.Channel{}, messages: map[string]*discordgo.Message{},
		roles: map[string][]*discordgo.Role{}, downloads: map[string][]byte{}}
}

// failNext makes the next call of kind fail with err.
func (r *recorder) failNext(kind string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fails[kind] = err
}

// sent returns the calls recorded so far, of the given kinds (all when none
// given).
func (r *recorder) sent(kinds ...string) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sent
	for _, c := range r.calls {
		if len(kinds) == 0 || strings.Contains(" "+strings.Join(kinds, " ")+" ", " "+c.Kind+" ") {
			out = append(out, c)
		}
	}
	return out
}

// last is the last call recorded; the test fails when there is none.
func (r *recorder) last() sent {
	r.t.Helper()
	cs := r.sent()
	if len(cs) == 0 {
		r.t.Fatal("the bot sent nothing")
	}
	return cs[len(cs)-1]
}

// text is the content of every message sent, joined.
func (r *recorder) text() string {
	var sb strings.Builder
	for _, c := range r.sent("respond", "edit", "followup", "send") {
		sb.WriteString(c.Content)
	}
	return sb.String()
}

func (r *recorder) record(c sent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err, ok := r.fails[c.Kind]; ok {
		delete(r.fails, c.Kind)
		return err
	}
	switch c.Kind {
	case "respond":
		if r.responded[c.Interaction] {
			return errors.New("HTTP 400 Bad Request, {\"code\": 40060, \"message\": \"Interaction has already been acknowledged.\"}")
		}
		r.responded[c.Interaction] = true
	case "edit", "followup":
		if !r.responded[c.Interaction] {
			return errors.New("HTTP 404 Not Found, {\"code\": 10015, \"message\": \"Unknown Webhook\"}")
		}
	}
	r.calls = append(r.calls, c)
	return nil
}

// check holds a message to Discord's limits.
func (r *recorder) check(c sent, mentions *discordgo.MessageAllowedMentions) {
	r.t.Helper()
	if n := utf8.RuneCountInString(c.Content); n > maxContent {
		r.t.Errorf("%s: %d characters of content", c.Kind, n)
	}
	if mentions == nil || mentions.Parse == nil || len(mentions.Parse) != 0 {
		r.t.Errorf("%s: allowed mentions %+v: the message could ping", c.Kind, mentions)
	}
	if maskedLink.MatchString(c.Content) {
		r.t.Errorf("%s: a masked link in %q", c.Kind, c.Content)
	}
	for _, e := range c.Embeds {
		checkEmbed(r.t, e)
		for _, f := range e.Fields {
			if maskedLink.MatchString(f.Value) {
				r.t.Errorf("%s: a masked link in the embed: %q", c.Kind, f.Value)
			}
		}
	}
	checkComponents(r.t, c.Components)
}

func readFiles(fs []*discordgo.File) []file {
	var out []file
	for _, f := range fs {
		b, _ := io.ReadAll(f.Reader)
		out = append(out, file{Name: f.Name, Text: string(b)})
	}
	return out
}

func (r *recorder) respond(i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	c := sent{Kind: "respond", Interaction: i.ID, Type: resp.Type}
	if d := resp.Data; d != nil {
		c.Content, c.Embeds, c.Components, c.Files, c.Choices = d.Content, d.Embeds, d.Components, readFiles(d.Files), d.Choices
		c.Ephemeral = d.Flags&discordgo.MessageFlagsEphemeral != 0
		if resp.Type == discordgo.InteractionResponseChannelMessageWithSource {
			r.check(c, d.AllowedMentions)
		}
		if len(d.Choices) > maxChoices {
			r.t.Errorf("%d choices", len(d.Choices))
		}
		for _, ch := range d.Choices {
			if v, _ := ch.Value.(string); ch.Name == "" || utf8.RuneCountInString(ch.Name) > maxChoiceText || utf8.RuneCountInString(v) > maxChoiceText {
				r.t.Errorf("choice %+v", ch)
			}
		}
	}
	return r.record(c)
}

func (r *recorder) editResponse(i *discordgo.Interaction, e *discordgo.WebhookEdit) error {
	c := sent{Kind: "edit", Interaction: i.ID, Files: readFiles(e.Files)}
	if e.Content != nil {
		c.Content = *e.Content
	}
	if e.Embeds != nil {
		c.Embeds = *e.Embeds
	}
	if e.Components != nil {
		c.Components = *e.Components
	}
	r.check(c, e.AllowedMentions)
	err := r.record(c)
	if err == nil && r.onEdit != nil {
		r.onEdit(c.Content)
	}
	return err
}

func (r *recorder) followUp(i *discordgo.Interaction, p *discordgo.WebhookParams) error {
	c := sent{Kind: "followup", Interaction: i.ID, Content: p.Content, Embeds: p.Embeds, Components: p.Components,
		Files: readFiles(p.Files), Ephemeral: p.Flags&discordgo.MessageFlagsEphemeral != 0}
	r.check(c, p.AllowedMentions)
	return r.record(c)
}

func (r *recorder) send(channelID string, m *discordgo.MessageSend) error {
	c := sent{Kind: "send", Channel: channelID, Content: m.Content, Embeds: m.Embeds, Components: m.Components,
		Files: readFiles(m.Files), Reference: m.Reference}
	r.check(c, m.AllowedMentions)
	return r.record(c)
}

func (r *recorder) startThread(channelID, messageID string, t *discordgo.ThreadStart) (*discordgo.Channel, error) {
	if n := utf8.RuneCountInString(t.Name); n > maxThreadName || n == 0 {
		r.t.Errorf("thread name of %d characters", n)
	}
	if err := r.record(sent{Kind: "thread", Channel: channelID, Content: t.Name}); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// A thread started on a message has the message's id.
	ch := &discordgo.Channel{ID: messageID, ParentID: channelID, Type: discordgo.ChannelTypeGuildPublicThread, OwnerID: testBotID, Name: t.Name}
	r.channels[ch.ID] = ch
	r.threads++
	return ch, nil
}

func (r *recorder) typing(channelID string) error {
	return r.record(sent{Kind: "typing", Channel: channelID})
}

func (r *recorder) channel(id string) (*discordgo.Channel, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err, ok := r.fails["channel"]; ok {
		delete(r.fails, "channel")
		return nil, err
	}
	if ch, ok := r.channels[id]; ok {
		return ch, nil
	}
	return &discordgo.Channel{ID: id, Type: discordgo.ChannelTypeGuildText}, nil
}

func (r *recorder) editChannel(id string, e *discordgo.ChannelEdit) error {
	c := sent{Kind: "editChannel", Channel: id}
	if e.AppliedTags != nil {
		c.Tags = append([]string{}, *e.AppliedTags...)
	}
	if err := r.record(c); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if ch, ok := r.channels[id]; ok && e.AppliedTags != nil {
		cp := *ch
		cp.AppliedTags = c.Tags
		r.channels[id] = &cp
	}
	return nil
}

func (r *recorder) message(channelID, id string) (*discordgo.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.messages[channelID+"/"+id]; ok {
		return m, nil
	}
	return nil, errors.New("HTTP 404 Not Found, {\"code\": 10008, \"message\": \"Unknown Message\"}")
}

func (r *recorder) guildRoles(guildID string) ([]*discordgo.Role, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err, ok := r.fails["roles"]; ok {
		delete(r.fails, "roles")
		return nil, err
	}
	return r.roles[guildID], nil
}

func (r *recorder) download(_ context.Context, url string, limit int64) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.downloads[url]
	if !ok {
		return nil, fmt.Errorf("download attachment: 404 Not Found")
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}
