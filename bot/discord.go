package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// discord is the part of Discord's REST API that the handlers use. session
// is the real one; the tests in this package record the calls instead.
// Every error it returns is already redacted (see redact).
type discord interface {
	respond(i *discordgo.Interaction, r *discordgo.InteractionResponse) error
	editResponse(i *discordgo.Interaction, e *discordgo.WebhookEdit) error
	followUp(i *discordgo.Interaction, p *discordgo.WebhookParams) error
	send(channelID string, m *discordgo.MessageSend) error
	startThread(channelID, messageID string, t *discordgo.ThreadStart) (*discordgo.Channel, error)
	typing(channelID string) error
	channel(id string) (*discordgo.Channel, error)
	editChannel(id string, e *discordgo.ChannelEdit) error
	message(channelID, id string) (*discordgo.Message, error)
	guildRoles(guildID string) ([]*discordgo.Role, error)
	download(ctx context.Context, url string, limit int64) ([]byte, error)
}

// session is discord over a discordgo session: the gateway's state first
// where it knows the answer (any shard's), REST otherwise.
type session struct {
	s      *discordgo.Session
	shards []*discordgo.Session // every shard's session (s among them), set by Run
}

// states are the gateway caches to look in.
func (d session) states() []*discordgo.State {
	if len(d.shards) == 0 {
		return []*discordgo.State{d.s.State}
	}
	out := make([]*discordgo.State, len(d.shards))
	for i, s := range d.shards {
		out[i] = s.State
	}
	return out
}

func (d session) redact(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(redact(err.Error(), d.s.Token))
}

func (d session) respond(i *discordgo.Interaction, r *discordgo.InteractionResponse) error {
	return d.redact(d.s.InteractionRespond(i, r))
}

func (d session) editResponse(i *discordgo.Interaction, e *discordgo.WebhookEdit) error {
	_, err := d.s.InteractionResponseEdit(i, e)
	return d.redact(err)
}

func (d session) followUp(i *discordgo.Interaction, p *discordgo.WebhookParams) error {
	_, err := d.s.FollowupMessageCreate(i, true, p)
	return d.redact(err)
}

func (d session) send(channelID string, m *discordgo.MessageSend) error {
	_, err := d.s.ChannelMessageSendComplex(channelID, m)
	return d.redact(err)
}

func (d session) startThread(channelID, messageID string, t *discordgo.ThreadStart) (*discordgo.Channel, error) {
	ch, err := d.s.MessageThreadStartComplex(channelID, messageID, t)
	return ch, d.redact(err)
}

func (d session) typing(channelID string) error { return d.redact(d.s.ChannelTyping(channelID)) }

func (d session) channel(id string) (*discordgo.Channel, error) {
	for _, st := range d.states() {
		if ch, err := st.Channel(id); err == nil {
			return ch, nil
		}
	}
	ch, err := d.s.Channel(id)
	return ch, d.redact(err)
}

func (d session) editChannel(id string, e *discordgo.ChannelEdit) error {
	_, err := d.s.ChannelEditComplex(id, e)
	return d.redact(err)
}

func (d session) message(channelID, id string) (*discordgo.Message, error) {
	m, err := d.s.ChannelMessage(channelID, id)
	return m, d.redact(err)
}

func (d session) guildRoles(guildID string) ([]*discordgo.Role, error) {
	for _, st := range d.states() {
		if g, err := st.Guild(guildID); err == nil && len(g.Roles) > 0 {
			return g.Roles, nil
		}
	}
	roles, err := d.s.GuildRoles(guildID)
	return roles, d.redact(err)
}

// download fetches an attachment, reading at most limit bytes.
func (d session) download(ctx context.Context, url string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	resp, err := d.s.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", d.redact(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download attachment: %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", d.redact(err))
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

// errTooLarge is a download over the upload limit.
var errTooLarge = errors.New("the file is larger than the upload limit")

// tokenPath matches the token in the paths of interaction callbacks
// (/interactions/{id}/{token}/callback) and of webhooks, which interaction
// follow-ups and edits use (/webhooks/{application}/{token}/…): either
// token lets anyone post as the bot for 15 minutes.
var tokenPath = regexp.MustCompile(`(/(?:interactions|webhooks)/[^/\s"']+/)[^/\s"'?#]+`)

// redact removes interaction and webhook tokens, and the bot's own token,
// from a message bound for a log or an error.
func redact(msg, botToken string) string {
	msg = tokenPath.ReplaceAllString(msg, "${1}[token]")
	if t := strings.TrimSpace(strings.TrimPrefix(botToken, "Bot ")); t != "" {
		msg = strings.ReplaceAll(msg, t, "[token]")
	}
	return msg
}

// NewSession returns a discordgo session for a bot token. When baseURL is
// set (e.g. a test fake), every request goes to its scheme and host instead
// of Discord's, keeping path and query.
func NewSession(token, baseURL string) (*discordgo.Session, error) {
	token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(token), "Bot "))
	if token == "" {
		return nil, errors.New("DISCORD_TOKEN is not set")
	}
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, errors.New("creating the Discord session failed")
	}
	s.LogLevel = discordgo.LogWarning
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("bad Discord base URL %q", baseURL)
		}
		s.Client = &http.Client{Transport: &rewrite{base: u, next: http.DefaultTransport}, Timeout: 30 * time.Second}
	}
	return s, nil
}

// noAnswer words a request that got no answer: the URL it really went to
// (QABOT_DISCORD_URL's, when set) and why — a timeout as one.
func noAnswer(s *discordgo.Session, uerr *url.Error) string {
	target := uerr.URL
	if rw, ok := s.Client.Transport.(*rewrite); ok {
		if u, err := url.Parse(target); err == nil && rw.redirects(u) {
			u.Scheme, u.Host = rw.base.Scheme, rw.base.Host
			target = u.String()
		}
	}
	target = redact(target, s.Token)
	if uerr.Timeout() {
		if s.Client.Timeout > 0 {
			return fmt.Sprintf("%s did not answer within %s", target, s.Client.Timeout)
		}
		return fmt.Sprintf("%s did not answer in time", target)
	}
	cause := error(uerr)
	for errors.Unwrap(cause) != nil {
		cause = errors.Unwrap(cause)
	}
	return fmt.Sprintf("could not reach %s (%s)", target, redact(cause.Error(), s.Token))
}

// rewrite sends every request to base's scheme and host.
type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

// redirects reports whether requests for u go to base: those for
// Discord's API hosts.
func (t *rewrite) redirects(u *url.URL) bool {
	h := u.Hostname()
	return h == "discord.com" || h == "discordapp.com" || strings.HasSuffix(h, ".discord.com")
}

// RoundTrip implements http.RoundTripper. Only requests for Discord's API
// hosts are redirected; others (attachments on the CDN) go where they
// point.
func (t *rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	if !t.redirects(r.URL) {
		return t.next.RoundTrip(r)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = t.base.Scheme
	r2.URL.Host = t.base.Host
	r2.Host = t.base.Host
	return t.next.RoundTrip(r2)
}
