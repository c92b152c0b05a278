package discordfake

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"time"
)

// Defaults used by the builders when a spec leaves a field empty.
const (
	DefaultGuildID   = "1200000000000000001"
	DefaultChannelID = "1200000000000000002"
	DefaultUserID    = "1200000000000000003"
	DefaultUserName  = "tester"
	// DefaultMemberPermissions is an ordinary member's permission set in a
	// channel (view, send, embed, attach, history, reactions, application
	// commands, public threads, send in threads), without ADMINISTRATOR.
	DefaultMemberPermissions = "311385246784"
	// DefaultAppPermissions is the bot's permission set in a channel
	// (DefaultMemberPermissions plus manage channels/messages/threads and
	// private threads).
	DefaultAppPermissions = "397284600912"
)

// Place says where an interaction or message happens and who is acting.
// Empty fields take the defaults above; DM true means a direct message
// (no guild, no member).
type Place struct {
	GuildID   string
	ChannelID string
	DM        bool
	// User is the acting user (default: id DefaultUserID, name
	// DefaultUserName).
	User *User
	// Permissions is the member's permission bit set as a decimal string
	// (default DefaultMemberPermissions; "0" means none).
	Permissions string
	// Roles are the member's role ids.
	Roles []string
	// Nick is the member's guild nickname.
	Nick string
	// Locale is the user's locale (default "en-US").
	Locale string
}

// CommandSpec describes an APPLICATION_COMMAND (slash command) or an
// APPLICATION_COMMAND_AUTOCOMPLETE interaction.
type CommandSpec struct {
	Place
	// Name is the command name.
	Name string
	// CommandID is data.id; by default the id of the registered command of
	// that name (guild commands first), else a fresh id.
	CommandID string
	// Options are data.options. For autocomplete, mark one Focused.
	Options []CommandOption
	// Resolved is data.resolved, for user/channel/role options.
	Resolved *Resolved
}

// ComponentSpec describes a MESSAGE_COMPONENT interaction.
type ComponentSpec struct {
	Place
	// CustomID is the clicked component's custom_id.
	CustomID string
	// ComponentType defaults to ComponentButton (2); use
	// ComponentStringMenu (3) with Values for a select menu.
	ComponentType int
	// Values are the selected values of a select menu.
	Values []string
	// Message is the message carrying the component; by default the
	// fake makes a bot message in the channel.
	Message *Message
}

// MessageSpec describes a MESSAGE_CREATE from a user.
type MessageSpec struct {
	Place
	// Content is the message text.
	Content string
	// Mentions are the mentioned users (e.g. the bot, s.BotUser()).
	Mentions []User
	// MentionRoles are the mentioned role ids.
	MentionRoles []string
	// MentionEveryone is true for @everyone / @here.
	MentionEveryone bool
	// Reference makes the message a reply.
	Reference *MessageReference
	// Type is the message type (0, a plain message, by default; e.g. 7
	// for a member's join, a system message).
	Type int
	// Attachments are files on the message.
	Attachments []Attachment
	// WebhookID makes the message a webhook's.
	WebhookID string
}

// user returns the acting user.
func (p *Place) user() *User {
	if p.User != nil {
		u := *p.User
		if u.Discriminator == "" {
			u.Discriminator = "0"
		}
		return &u
	}
	return &User{ID: DefaultUserID, Username: DefaultUserName, GlobalName: strPtr("Tester"), Discriminator: "0"}
}

// resolveLocked fills defaults, registers the channel and member, and
// returns (guildID, channel, member, user) as Discord would put them in
// an interaction.
func (s *Server) resolveLocked(p *Place) (string, *Channel, *Member, *User) {
	u := p.user()
	guildID := p.GuildID
	if guildID == "" && !p.DM {
		guildID = DefaultGuildID
	}
	chID := p.ChannelID
	if chID == "" {
		chID = DefaultChannelID
	}
	ch := s.channels[chID]
	if ch == nil {
		ch = &Channel{ID: chID, Type: ChannelGuildText, GuildID: guildID, Name: "general"}
		if p.DM {
			ch = &Channel{ID: chID, Type: ChannelDM}
		}
		s.channels[chID] = ch
	}
	if p.DM {
		return "", ch, nil, u
	}
	perms := p.Permissions
	if perms == "" {
		perms = DefaultMemberPermissions
	}
	roles := p.Roles
	if roles == nil {
		roles = []string{}
	}
	m := &Member{
		User:        u,
		Roles:       roles,
		JoinedAt:    discordTime(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)),
		Permissions: perms,
	}
	if p.Nick != "" {
		m.Nick = strPtr(p.Nick)
	}
	s.addMemberLocked(guildID, m)
	return guildID, ch, m, u
}

// newInteractionLocked builds the common part of an interaction.
func (s *Server) newInteractionLocked(typ int, p *Place) *Interaction {
	guildID, ch, member, u := s.resolveLocked(p)
	id := s.newIDLocked()
	i := &Interaction{
		ID:             id,
		ApplicationID:  s.cfg.appID,
		Type:           typ,
		GuildID:        guildID,
		ChannelID:      ch.ID,
		Token:          base64.RawURLEncoding.EncodeToString([]byte("interaction:" + id + ":" + randomHex(32))),
		Version:        1,
		AppPermissions: DefaultAppPermissions,
		Locale:         p.Locale,
		Entitlements:   []json.RawMessage{},
		Context:        0,
	}
	chCopy := *ch
	i.Channel = &chCopy
	if i.Locale == "" {
		i.Locale = "en-US"
	}
	if member != nil {
		i.Member = member
		i.GuildLocale = "en-US"
		i.AuthorizingIntegrationOwners = map[string]string{"0": guildID}
	} else {
		i.User = u
		i.Context = 1
		i.AuthorizingIntegrationOwners = map[string]string{"0": "@me"}
	}
	return i
}

// commandIDLocked finds the registered command id for name.
func (s *Server) commandIDLocked(guildID, name string) string {
	for _, scope := range []string{guildID, ""} {
		for _, c := range s.commands[scope] {
			if c.Name == name && c.Type == 1 {
				return c.ID
			}
		}
	}
	return s.newIDLocked()
}

func (s *Server) newCommandInteraction(typ int, spec CommandSpec) *Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.newInteractionLocked(typ, &spec.Place)
	id := spec.CommandID
	if id == "" {
		id = s.commandIDLocked(i.GuildID, spec.Name)
	}
	i.Data = &InteractionData{ID: id, Name: spec.Name, Type: 1, Options: spec.Options, Resolved: spec.Resolved}
	for _, c := range s.commands[i.GuildID] {
		if i.GuildID != "" && c.ID == id {
			i.Data.GuildID = i.GuildID
		}
	}
	s.registerLocked(i)
	return i
}

// NewSlashCommand builds an APPLICATION_COMMAND interaction (type 2) with a
// fresh id and token. Dispatch it with DispatchInteraction.
func (s *Server) NewSlashCommand(spec CommandSpec) *Interaction {
	return s.newCommandInteraction(InteractionApplicationCommand, spec)
}

// NewAutocomplete builds an APPLICATION_COMMAND_AUTOCOMPLETE interaction
// (type 4); one of spec.Options should have Focused set.
func (s *Server) NewAutocomplete(spec CommandSpec) *Interaction {
	return s.newCommandInteraction(InteractionApplicationCommandAutocomplete, spec)
}

// NewComponent builds a MESSAGE_COMPONENT interaction (type 3).
func (s *Server) NewComponent(spec ComponentSpec) *Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.newInteractionLocked(InteractionMessageComponent, &spec.Place)
	ct := spec.ComponentType
	if ct == 0 {
		ct = ComponentButton
	}
	i.Data = &InteractionData{CustomID: spec.CustomID, ComponentType: ct, Values: spec.Values}
	if ct != ComponentButton && i.Data.Values == nil {
		i.Data.Values = []string{}
	}
	m := spec.Message
	if m == nil {
		m = &Message{
			ID:           s.newIDLocked(),
			ChannelID:    i.ChannelID,
			GuildID:      i.GuildID,
			Author:       ptr(s.bot),
			Timestamp:    discordTime(time.Now()),
			Mentions:     []*User{},
			MentionRoles: []string{},
			Attachments:  []json.RawMessage{},
			Embeds:       []json.RawMessage{},
			Components:   []json.RawMessage{},
		}
	}
	mc := *m
	i.Message = &mc
	if s.messages[mc.ID] == nil {
		stored := mc
		s.messages[mc.ID] = &stored
	}
	s.registerLocked(i)
	return i
}

// registerLocked makes the interaction's id and token known to the REST
// routes.
func (s *Server) registerLocked(i *Interaction) {
	st := s.interactions[i.ID]
	if st == nil {
		st = &interactionState{}
		s.interactions[i.ID] = st
	}
	if st.i != nil && st.i.Token != i.Token {
		delete(s.byToken, st.i.Token)
	}
	c := *i
	st.i = &c
	s.byToken[i.Token] = st
}

// DispatchInteraction sends an INTERACTION_CREATE with i and returns its
// sequence number. The ack deadline (WithAckDeadline) starts now.
func (s *Server) DispatchInteraction(i *Interaction) int64 {
	s.mu.Lock()
	s.registerLocked(i)
	s.interactions[i.ID].dispatched = time.Now()
	s.mu.Unlock()
	return s.Dispatch("INTERACTION_CREATE", i)
}

// NewMessage builds a user's message (as in MESSAGE_CREATE) with a fresh
// id. Dispatch it with DispatchMessageCreate.
func (s *Server) NewMessage(spec MessageSpec) *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	guildID, ch, member, u := s.resolveLocked(&spec.Place)
	m := &Message{
		ID:              s.newIDLocked(),
		ChannelID:       ch.ID,
		GuildID:         guildID,
		Author:          u,
		Content:         spec.Content,
		Timestamp:       discordTime(time.Now()),
		MentionEveryone: spec.MentionEveryone,
		Mentions:        []*User{},
		MentionRoles:    append([]string{}, spec.MentionRoles...),
		Attachments:     attachmentsJSON(spec.Attachments),
		Embeds:          []json.RawMessage{},
		Components:      []json.RawMessage{},
		Type:            spec.Type,
		WebhookID:       spec.WebhookID,
	}
	if member != nil {
		mm := *member
		mm.User = nil
		mm.Permissions = ""
		m.Member = &mm
	}
	for _, mu := range spec.Mentions {
		mu := mu
		if mu.Discriminator == "" {
			mu.Discriminator = "0"
		}
		if guildID != "" {
			mu.Member = &Member{Roles: []string{}, JoinedAt: discordTime(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))}
		}
		m.Mentions = append(m.Mentions, &mu)
	}
	if r := spec.Reference; r != nil {
		m.Type = 19
		ref := *r
		if ref.ChannelID == "" {
			ref.ChannelID = ch.ID
		}
		if ref.GuildID == "" {
			ref.GuildID = guildID
		}
		m.MessageReference = &ref
		if orig := s.messages[ref.MessageID]; orig != nil {
			m.ReferencedMessage = copyMessage(orig)
		}
	}
	stored := *m
	s.messages[m.ID] = &stored
	return m
}

// DispatchMessageCreate sends a MESSAGE_CREATE with m and returns its
// sequence number, applying Discord's intent rules for the current
// session: without GUILD_MESSAGES (guild) or DIRECT_MESSAGES (DM) the event
// is not sent (returns 0); without MESSAGE_CONTENT, a guild message that
// does not mention the bot arrives with empty content, embeds, attachments
// and components.
func (s *Server) DispatchMessageCreate(m *Message) int64 {
	s.mu.Lock()
	s.messages[m.ID] = copyMessage(m)
	s.mu.Unlock()
	return s.dispatchMessage("MESSAGE_CREATE", m)
}

// dispatchMessage sends a user's message event under the intent rules of
// DispatchMessageCreate.
func (s *Server) dispatchMessage(eventType string, m *Message) int64 {
	need := intentGuildMessages
	if m.GuildID == "" {
		need = intentDirectMessages
	}
	s.mu.Lock()
	none := len(s.sessions) == 0
	s.mu.Unlock()
	if none {
		s.tb.Errorf("discordfake: %s before any gateway session identified", eventType)
		return 0
	}
	return s.deliver(eventType, m.GuildID, func(intents int) (any, bool) {
		if intents&need == 0 {
			s.tb.Logf("discordfake: %s %s not sent: session lacks intent %d", eventType, m.ID, need)
			return nil, false
		}
		out := copyMessage(m)
		if m.GuildID != "" && intents&intentMessageContent == 0 && !s.mentionsBot(m) {
			out.Content = ""
			out.Embeds = []json.RawMessage{}
			out.Attachments = []json.RawMessage{}
			out.Components = []json.RawMessage{}
		}
		return out, true
	})
}

func (s *Server) mentionsBot(m *Message) bool {
	if m.Author != nil && m.Author.ID == s.bot.ID {
		return true
	}
	for _, u := range m.Mentions {
		if u.ID == s.bot.ID {
			return true
		}
	}
	return false
}

// sortMessages orders messages by snowflake (creation order).
func sortMessages(ms []Message) {
	sort.Slice(ms, func(a, b int) bool {
		x, y := ms[a].ID, ms[b].ID
		if len(x) != len(y) {
			return len(x) < len(y)
		}
		return x < y
	})
}

// NewAttachment stores data as a file on the fake's CDN and returns its
// description, for the Resolved.Attachments of an attachment option. Its
// URL is on the fake's own address (as a real one is on Discord's CDN, not
// the API host), so a client that sends only API requests elsewhere still
// downloads it here; the size reported may be overridden to test a client
// that trusts it.
func (s *Server) NewAttachment(filename, contentType string, data []byte) *Attachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked()
	p := "/attachments/" + id + "/" + id + "/" + url.PathEscape(filename)
	s.files[p] = append([]byte(nil), data...)
	u := s.http.URL + p
	return &Attachment{ID: id, Filename: filename, Size: len(data), URL: u, ProxyURL: u, ContentType: contentType}
}

// serveAttachment serves files stored by NewAttachment; it is not part of
// the recorded REST API.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	data, ok := s.files[r.URL.EscapedPath()]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
}
