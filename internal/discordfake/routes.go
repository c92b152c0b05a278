package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"
)

// Message flags used by the fake.
const (
	flagEphemeral = 1 << 6
	flagLoading   = 1 << 7
)

// Gateway intents the fake honours.
const (
	intentGuilds         = 1 << 0
	intentGuildMessages  = 1 << 9
	intentDirectMessages = 1 << 12
	intentMessageContent = 1 << 15
)

// interactionState tracks one interaction's responses.
type interactionState struct {
	i          *Interaction
	dispatched time.Time
	acked      bool
	ackType    int
	original   *Message
	followups  map[string]bool
}

// routes registers every REST route.
func (s *Server) routes() {
	const p = APIPrefix
	// Gateway and identity.
	s.handle("GET "+p+"/gateway", false, func(*call) apiResult {
		return ok(map[string]any{"url": s.GatewayURL()})
	})
	s.handle("GET "+p+"/gateway/bot", true, func(*call) apiResult {
		return ok(map[string]any{
			"url":    s.GatewayURL(),
			"shards": s.cfg.shards,
			"session_start_limit": map[string]any{
				"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": s.cfg.maxConcurrency,
			},
		})
	})
	s.handle("GET "+p+"/users/@me", true, func(*call) apiResult { return ok(s.bot) })
	s.handle("GET "+p+"/users/{user}", true, s.getUser)
	s.handle("GET "+p+"/applications/@me", true, s.getApplication)
	s.handle("GET "+p+"/applications/{app}", true, s.getApplication)
	s.handle("GET "+p+"/oauth2/applications/@me", true, s.getApplication)
	s.handle("GET "+p+"/oauth2/applications/{app}", true, s.getApplication)

	// Application commands, global and per guild.
	for _, scope := range []string{"/applications/{app}/commands", "/applications/{app}/guilds/{guild}/commands"} {
		s.handle("GET "+p+scope, true, s.listCommands)
		s.handle("PUT "+p+scope, true, s.bulkOverwriteCommands)
		s.handle("POST "+p+scope, true, s.createCommand)
		s.handle("GET "+p+scope+"/{cmd}", true, s.getCommand)
		s.handle("PATCH "+p+scope+"/{cmd}", true, s.editCommand)
		s.handle("DELETE "+p+scope+"/{cmd}", true, s.deleteCommand)
	}

	// Interactions and their webhooks (authorised by the token in the path).
	s.handle("POST "+p+"/interactions/{id}/{token}/callback", false, s.interactionCallback)
	s.handle("POST "+p+"/webhooks/{app}/{token}", false, s.followupCreate)
	s.handle("GET "+p+"/webhooks/{app}/{token}/messages/{message}", false, s.webhookMessageGet)
	s.handle("PATCH "+p+"/webhooks/{app}/{token}/messages/{message}", false, s.webhookMessageEdit)
	s.handle("DELETE "+p+"/webhooks/{app}/{token}/messages/{message}", false, s.webhookMessageDelete)

	// Channels and messages.
	s.handle("GET "+p+"/channels/{channel}", true, s.getChannel)
	s.handle("PATCH "+p+"/channels/{channel}", true, s.editChannel)
	s.handle("POST "+p+"/channels/{channel}/typing", true, s.typing)
	s.handle("POST "+p+"/channels/{channel}/messages", true, s.createMessage)
	s.handle("GET "+p+"/channels/{channel}/messages/{message}", true, s.getMessage)
	s.handle("PATCH "+p+"/channels/{channel}/messages/{message}", true, s.editMessage)
	s.handle("DELETE "+p+"/channels/{channel}/messages/{message}", true, s.deleteMessage)
	s.handle("POST "+p+"/channels/{channel}/messages/{message}/threads", true, s.startThread)

	// Guilds.
	s.handle("GET "+p+"/guilds/{guild}/members/{user}", true, s.getMember)
	s.handle("GET "+p+"/guilds/{guild}/roles", true, s.getRoles)
}

func unknownMessage() apiResult { return apiError(http.StatusNotFound, 10008, "Unknown Message") }
func unknownChannel() apiResult { return apiError(http.StatusNotFound, 10003, "Unknown Channel") }
func unknownWebhook() apiResult { return apiError(http.StatusNotFound, 10015, "Unknown Webhook") }
func missingAccess() apiResult  { return apiError(http.StatusForbidden, 50001, "Missing Access") }

func (s *Server) getUser(c *call) apiResult {
	id := c.param("user")
	if id == s.bot.ID {
		return ok(s.bot)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.members {
		if m.User != nil && m.User.ID == id {
			u := *m.User
			u.Member = nil
			return ok(u)
		}
	}
	return apiError(http.StatusNotFound, 10013, "Unknown User")
}

func (s *Server) getApplication(c *call) apiResult {
	if app := c.param("app"); app != "" && app != "@me" && app != s.cfg.appID {
		return apiError(http.StatusNotFound, 10002, "Unknown Application")
	}
	return ok(map[string]any{
		"id":                     s.cfg.appID,
		"name":                   s.bot.Username,
		"icon":                   nil,
		"description":            "",
		"bot_public":             true,
		"bot_require_code_grant": false,
		"verify_key":             "0000000000000000000000000000000000000000000000000000000000000000",
		"flags":                  0,
		"bot":                    s.bot,
		"owner":                  User{ID: DefaultUserID, Username: DefaultUserName, Discriminator: "0"},
		"summary":                "",
		"team":                   nil,
	})
}

// ---- application commands ----

// commandScope checks the app id and returns the scope key ("" = global).
func (c *call) commandScope(s *Server) (string, *apiResult) {
	if c.param("app") != s.cfg.appID {
		r := missingAccess()
		return "", &r
	}
	return c.param("guild"), nil
}

// commandFromJSON builds a command from the client's JSON.
func (s *Server) commandFromJSON(raw json.RawMessage, scope string) (*ApplicationCommand, *apiResult) {
	var hdr struct {
		Name string `json:"name"`
		Type int    `json:"type"`
	}
	if err := json.Unmarshal(raw, &hdr); err != nil {
		r := apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return nil, &r
	}
	if n := utf8.RuneCountInString(hdr.Name); n < 1 || n > 32 {
		r := formError("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
		return nil, &r
	}
	if hdr.Type == 0 {
		hdr.Type = 1
	}
	return &ApplicationCommand{ApplicationID: s.cfg.appID, GuildID: scope, Name: hdr.Name, Type: hdr.Type, Raw: raw}, nil
}

func (s *Server) listCommands(c *call) apiResult {
	scope, e := c.commandScope(s)
	if e != nil {
		return *e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok(copyCommands(s.commands[scope]))
}

func copyCommands(cmds []*ApplicationCommand) []ApplicationCommand {
	out := make([]ApplicationCommand, 0, len(cmds))
	for _, c := range cmds {
		out = append(out, *c)
	}
	return out
}

func (s *Server) bulkOverwriteCommands(c *call) apiResult {
	scope, e := c.commandScope(s)
	if e != nil {
		return *e
	}
	var raws []json.RawMessage
	if e := c.decode(&raws); e != nil {
		return *e
	}
	if len(raws) > 100 {
		return formError("_root", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
	}
	var next []*ApplicationCommand
	for _, raw := range raws {
		cmd, e := s.commandFromJSON(raw, scope)
		if e != nil {
			return *e
		}
		next = append(next, cmd)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cmd := range next {
		cmd.ID = ""
		for _, old := range s.commands[scope] {
			if old.Name == cmd.Name && old.Type == cmd.Type {
				cmd.ID = old.ID
			}
		}
		if cmd.ID == "" {
			cmd.ID = s.newIDLocked()
		}
		cmd.Version = s.newIDLocked()
	}
	s.commands[scope] = next
	return ok(copyCommands(next))
}

func (s *Server) createCommand(c *call) apiResult {
	scope, e := c.commandScope(s)
	if e != nil {
		return *e
	}
	cmd, e := s.commandFromJSON(c.body, scope)
	if e != nil {
		return *e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd.Version = s.newIDLocked()
	for i, old := range s.commands[scope] {
		if old.Name == cmd.Name && old.Type == cmd.Type {
			cmd.ID = old.ID
			s.commands[scope][i] = cmd
			return ok(*cmd)
		}
	}
	cmd.ID = s.newIDLocked()
	s.commands[scope] = append(s.commands[scope], cmd)
	return apiResult{http.StatusCreated, *cmd}
}

// findCommandLocked returns the index of command id in scope, or -1.
func (s *Server) findCommandLocked(scope, id string) int {
	for i, cmd := range s.commands[scope] {
		if cmd.ID == id {
			return i
		}
	}
	return -1
}

func unknownCommand() apiResult {
	return apiError(http.StatusNotFound, 10063, "Unknown application command")
}

func (s *Server) getCommand(c *call) apiResult {
	scope, e := c.commandScope(s)
	if e != nil {
		return *e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.findCommandLocked(scope, c.param("cmd"))
	if i < 0 {
		return unknownCommand()
	}
	return ok(*s.commands[scope][i])
}

func (s *Server) editCommand(c *call) apiResult {
	scope, e := c.commandScope(s)
	if e != nil {
		return *e
	}
	var patch map[string]json.RawMessage
	if e := c.decode(&patch); e != nil {
		return *e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.findCommandLocked(scope, c.param("cmd"))
	if i < 0 {
		return unknownCommand()
	}
	old := s.commands[scope][i]
	merged := map[string]json.RawMessage{}
	_ = json.Unmarshal(old.Raw, &merged)
	for k, v := range patch {
		merged[k] = v
	}
	raw, _ := json.Marshal(merged)
	cmd, e := s.commandFromJSON(raw, scope)
	if e != nil {
		return *e
	}
	cmd.ID = old.ID
	cmd.Version = s.newIDLocked()
	s.commands[scope][i] = cmd
	return ok(*cmd)
}

func (s *Server) deleteCommand(c *call) apiResult {
	scope, e := c.commandScope(s)
	if e != nil {
		return *e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.findCommandLocked(scope, c.param("cmd"))
	if i < 0 {
		return unknownCommand()
	}
	s.commands[scope] = append(s.commands[scope][:i:i], s.commands[scope][i+1:]...)
	return noContent()
}

// Commands returns the registered commands of a guild, or the global ones
// when guildID is "".
func (s *Server) Commands(guildID string) []ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copyCommands(s.commands[guildID])
}

// ---- messages ----

// messageBody is the part of a create/edit message body the fake reads.
type messageBody struct {
	Content          *string            `json:"content"`
	Embeds           *[]json.RawMessage `json:"embeds"`
	Components       *[]json.RawMessage `json:"components"`
	Flags            *int               `json:"flags"`
	TTS              bool               `json:"tts"`
	MessageReference *MessageReference  `json:"message_reference"`
	Nonce            json.RawMessage    `json:"nonce"`
	StickerIDs       []string           `json:"sticker_ids"`
	Choices          *[]json.RawMessage `json:"choices"`
	AllowedMentions  *struct {
		Parse *[]string `json:"parse"`
	} `json:"allowed_mentions"`
}

// embed is the part of an embed whose limits the fake checks.
type embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Footer      *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author"`
	Fields []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
}

// validate checks Discord's message limits; create also rejects empty
// messages.
func (b *messageBody) validate(files int, create, strictMentions bool) *apiResult {
	fail := func(r apiResult) *apiResult { return &r }
	if strictMentions && (b.AllowedMentions == nil || b.AllowedMentions.Parse == nil || len(*b.AllowedMentions.Parse) != 0) {
		return fail(formError("allowed_mentions", "STRICT_MENTIONS", "discordfake: every bot message must carry allowed_mentions with an empty parse list"))
	}
	if b.Components != nil {
		if e := validateComponents(*b.Components); e != nil {
			return e
		}
	}
	if b.Content != nil && utf8.RuneCountInString(*b.Content) > 2000 {
		return fail(formError("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."))
	}
	if b.Embeds != nil {
		if len(*b.Embeds) > 10 {
			return fail(formError("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."))
		}
		total := 0
		for i, raw := range *b.Embeds {
			var e embed
			if err := json.Unmarshal(raw, &e); err != nil {
				return fail(formError(fmt.Sprintf("embeds.%d", i), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"))
			}
			n := func(s string) int { return utf8.RuneCountInString(s) }
			field := func(f string) string { return fmt.Sprintf("embeds.%d.%s", i, f) }
			if n(e.Title) > 256 {
				return fail(formError(field("title"), "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length."))
			}
			if n(e.Description) > 4096 {
				return fail(formError(field("description"), "BASE_TYPE_MAX_LENGTH", "Must be 4096 or fewer in length."))
			}
			if len(e.Fields) > 25 {
				return fail(formError(field("fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."))
			}
			total += n(e.Title) + n(e.Description)
			if e.Footer != nil {
				if n(e.Footer.Text) > 2048 {
					return fail(formError(field("footer.text"), "BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length."))
				}
				total += n(e.Footer.Text)
			}
			if e.Author != nil {
				if n(e.Author.Name) > 256 {
					return fail(formError(field("author.name"), "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length."))
				}
				total += n(e.Author.Name)
			}
			for j, f := range e.Fields {
				if n(f.Name) > 256 || n(f.Name) == 0 {
					return fail(formError(field(fmt.Sprintf("fields.%d.name", j)), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 256 in length."))
				}
				if n(f.Value) > 1024 || n(f.Value) == 0 {
					return fail(formError(field(fmt.Sprintf("fields.%d.value", j)), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 1024 in length."))
				}
				total += n(f.Name) + n(f.Value)
			}
		}
		if total > 6000 {
			return fail(formError("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"))
		}
	}
	if create {
		empty := (b.Content == nil || *b.Content == "") &&
			(b.Embeds == nil || len(*b.Embeds) == 0) &&
			(b.Components == nil || len(*b.Components) == 0) &&
			files == 0 && len(b.StickerIDs) == 0
		if empty {
			return fail(apiError(http.StatusBadRequest, 50006, "Cannot send an empty message"))
		}
	}
	return nil
}

// newMessageLocked builds a message authored by the bot from body.
func (s *Server) newMessageLocked(channelID, guildID string, b *messageBody, files []File) *Message {
	m := &Message{
		ID:           s.newIDLocked(),
		ChannelID:    channelID,
		GuildID:      guildID,
		Author:       ptr(s.bot),
		Timestamp:    discordTime(time.Now()),
		TTS:          b.TTS,
		Mentions:     []*User{},
		MentionRoles: []string{},
		Attachments:  []json.RawMessage{},
		Embeds:       []json.RawMessage{},
		Components:   []json.RawMessage{},
		Nonce:        b.Nonce,
	}
	s.applyEditLocked(m, b, files)
	m.EditedTimestamp = nil
	s.messages[m.ID] = m
	return m
}

// applyEditLocked applies the fields present in b to m.
func (s *Server) applyEditLocked(m *Message, b *messageBody, files []File) {
	if b.Content != nil {
		m.Content = *b.Content
	}
	if b.Embeds != nil {
		m.Embeds = withRichType(*b.Embeds)
	}
	if b.Components != nil {
		m.Components = append([]json.RawMessage{}, *b.Components...)
	}
	if b.Flags != nil {
		m.Flags = *b.Flags | m.Flags&flagEphemeral
	}
	for _, f := range files {
		id := s.newIDLocked()
		u := "https://cdn.discordapp.com/attachments/" + m.ChannelID + "/" + id + "/" + f.Name
		a, _ := json.Marshal(map[string]any{
			"id": id, "filename": f.Name, "size": len(f.Data), "url": u, "proxy_url": u, "content_type": f.ContentType,
		})
		m.Attachments = append(m.Attachments, a)
	}
	m.Flags &^= flagLoading
	m.EditedTimestamp = strPtr(discordTime(time.Now()))
}

// withRichType copies embeds, defaulting their type to "rich".
func withRichType(embeds []json.RawMessage) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(embeds))
	for _, e := range embeds {
		var m map[string]any
		if json.Unmarshal(e, &m) == nil {
			if _, ok := m["type"]; !ok {
				m["type"] = "rich"
			}
			if b, err := json.Marshal(m); err == nil {
				e = b
			}
		}
		out = append(out, e)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// copyMessage returns a copy of m safe to hand out (slices are shared but
// never modified in place by the fake).
func copyMessage(m *Message) *Message {
	c := *m
	return &c
}

// echo dispatches MESSAGE_CREATE/MESSAGE_UPDATE for a message the bot
// made, as Discord does to the sessions whose intents cover it.
func (s *Server) echo(eventType string, m *Message) {
	if m == nil || m.Flags&flagEphemeral != 0 {
		return
	}
	need := intentGuildMessages
	if m.GuildID == "" {
		need = intentDirectMessages
	}
	s.deliver(eventType, m.GuildID, func(intents int) (any, bool) { return m, intents&need != 0 })
}

func (s *Server) getChannel(c *call) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[c.param("channel")]
	if ch == nil {
		return unknownChannel()
	}
	return ok(*ch)
}

func (s *Server) typing(c *call) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.channels[c.param("channel")] == nil {
		return unknownChannel()
	}
	return noContent()
}

func (s *Server) createMessage(c *call) apiResult {
	var b messageBody
	if e := c.decode(&b); e != nil {
		return *e
	}
	if e := b.validate(len(c.rec.Files), true, s.cfg.strictMentions); e != nil {
		return *e
	}
	s.mu.Lock()
	ch := s.channels[c.param("channel")]
	if ch == nil {
		s.mu.Unlock()
		return unknownChannel()
	}
	var ref *Message
	if r := b.MessageReference; r != nil && r.MessageID != "" {
		ref = s.messages[r.MessageID]
		if ref == nil && (r.FailIfNotExists == nil || *r.FailIfNotExists) {
			s.mu.Unlock()
			return formError("message_reference", "REPLIES_UNKNOWN_MESSAGE", "Unknown message")
		}
	}
	b.Flags = ptr(derefInt(b.Flags) &^ flagEphemeral) // ephemeral only exists for interactions
	m := s.newMessageLocked(ch.ID, ch.GuildID, &b, c.rec.Files)
	if ref != nil {
		m.Type = 19
		m.MessageReference = &MessageReference{Type: 0, MessageID: ref.ID, ChannelID: ref.ChannelID, GuildID: ref.GuildID}
		m.ReferencedMessage = copyMessage(ref)
	}
	if ch.MessageCount != nil {
		ch.MessageCount = ptr(*ch.MessageCount + 1)
		ch.TotalMessageSent = ptr(derefInt(ch.TotalMessageSent) + 1)
	}
	ch.LastMessageID = strPtr(m.ID)
	out := copyMessage(m)
	s.mu.Unlock()
	s.echo("MESSAGE_CREATE", out)
	return ok(out)
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// channelMessageLocked finds a message of the channel in the path.
func (s *Server) channelMessageLocked(c *call) (*Message, *apiResult) {
	if s.channels[c.param("channel")] == nil {
		r := unknownChannel()
		return nil, &r
	}
	m := s.messages[c.param("message")]
	if m == nil || m.ChannelID != c.param("channel") {
		r := unknownMessage()
		return nil, &r
	}
	return m, nil
}

func (s *Server) getMessage(c *call) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.channelMessageLocked(c)
	if e != nil {
		return *e
	}
	return ok(copyMessage(m))
}

func (s *Server) editMessage(c *call) apiResult {
	var b messageBody
	if e := c.decode(&b); e != nil {
		return *e
	}
	if e := b.validate(len(c.rec.Files), false, s.cfg.strictMentions); e != nil {
		return *e
	}
	s.mu.Lock()
	m, e := s.channelMessageLocked(c)
	if e != nil {
		s.mu.Unlock()
		return *e
	}
	if m.Author == nil || m.Author.ID != s.bot.ID {
		s.mu.Unlock()
		return apiError(http.StatusForbidden, 50005, "Cannot edit a message authored by another user")
	}
	s.applyEditLocked(m, &b, c.rec.Files)
	out := copyMessage(m)
	s.mu.Unlock()
	s.echo("MESSAGE_UPDATE", out)
	return ok(out)
}

func (s *Server) deleteMessage(c *call) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.channelMessageLocked(c)
	if e != nil {
		return *e
	}
	delete(s.messages, m.ID)
	return noContent()
}

func (s *Server) startThread(c *call) apiResult {
	var b struct {
		Name                string `json:"name"`
		AutoArchiveDuration int    `json:"auto_archive_duration"`
		Type                int    `json:"type"`
		RateLimitPerUser    int    `json:"rate_limit_per_user"`
	}
	if e := c.decode(&b); e != nil {
		return *e
	}
	if n := utf8.RuneCountInString(b.Name); n < 1 || n > 100 {
		return formError("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
	switch b.AutoArchiveDuration {
	case 0:
		b.AutoArchiveDuration = 4320
	case 60, 1440, 4320, 10080:
	default:
		return formError("auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.")
	}
	s.mu.Lock()
	m, e := s.channelMessageLocked(c)
	if e != nil {
		s.mu.Unlock()
		return *e
	}
	parent := s.channels[m.ChannelID]
	if m.Thread != nil || s.channels[m.ID] != nil {
		s.mu.Unlock()
		return apiError(http.StatusBadRequest, 160004, "A thread has already been created for this message")
	}
	if parent.Type != ChannelGuildText {
		s.mu.Unlock()
		return apiError(http.StatusBadRequest, 50024, "Cannot execute action on this channel type")
	}
	// A thread started from a message has the message's id.
	th := &Channel{
		ID:               m.ID,
		Type:             ChannelPublicThread,
		GuildID:          parent.GuildID,
		Name:             b.Name,
		ParentID:         strPtr(parent.ID),
		OwnerID:          s.bot.ID,
		RateLimitPerUser: b.RateLimitPerUser,
		MessageCount:     ptr(0),
		MemberCount:      ptr(1),
		TotalMessageSent: ptr(0),
		ThreadMetadata: &ThreadMetadata{
			AutoArchiveDuration: b.AutoArchiveDuration,
			ArchiveTimestamp:    discordTime(time.Now()),
		},
	}
	s.channels[th.ID] = th
	m.Thread = ptr(*th)
	out := *th
	s.mu.Unlock()

	ev := struct {
		Channel
		NewlyCreated bool `json:"newly_created"`
	}{out, true}
	s.deliver("THREAD_CREATE", out.GuildID, func(intents int) (any, bool) { return ev, intents&intentGuilds != 0 })
	return apiResult{http.StatusCreated, out}
}

func (s *Server) getMember(c *call) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.members[c.param("guild")+"/"+c.param("user")]
	if m == nil {
		return apiError(http.StatusNotFound, 10007, "Unknown Member")
	}
	out := *m
	out.Permissions = ""
	return ok(out)
}

func (s *Server) getRoles(c *call) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := c.param("guild")
	if r, found := s.roles[g]; found {
		return ok(r)
	}
	return ok([]Role{everyoneRole(g)})
}

func everyoneRole(guildID string) Role {
	return Role{ID: guildID, Name: "@everyone", Permissions: DefaultMemberPermissions}
}

// ---- interactions ----

func unknownInteraction() apiResult {
	return apiError(http.StatusNotFound, 10062, "Unknown interaction")
}

func (s *Server) interactionCallback(c *call) apiResult {
	var b struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if e := c.decode(&b); e != nil {
		return *e
	}
	var data messageBody
	if len(b.Data) > 0 && string(b.Data) != "null" {
		if err := json.Unmarshal(b.Data, &data); err != nil {
			return formError("data", "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
		}
	}

	s.mu.Lock()
	st := s.interactions[c.param("id")]
	if st == nil || st.i.Token != c.param("token") {
		s.mu.Unlock()
		return unknownInteraction()
	}
	if st.acked {
		s.mu.Unlock()
		return apiError(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
	}
	if s.cfg.ackDeadline > 0 && !st.dispatched.IsZero() && time.Since(st.dispatched) > s.cfg.ackDeadline {
		s.mu.Unlock()
		return unknownInteraction()
	}
	it := st.i.Type
	invalid := func() apiResult {
		s.mu.Unlock()
		return formError("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type")
	}
	var created, updated *Message
	switch b.Type {
	case 1: // PONG
		if it != InteractionPing {
			return invalid()
		}
	case 4, 5: // CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
		if it != InteractionApplicationCommand && it != InteractionMessageComponent && it != InteractionModalSubmit {
			return invalid()
		}
		if b.Type == 4 {
			if e := data.validate(len(c.rec.Files), true, s.cfg.strictMentions); e != nil {
				s.mu.Unlock()
				return *e
			}
		}
		flags := derefInt(data.Flags) & flagEphemeral
		if b.Type == 5 {
			data = messageBody{}
		}
		data.Flags = nil
		m := s.newMessageLocked(st.i.ChannelID, st.i.GuildID, &data, c.rec.Files)
		m.Flags |= flags
		if b.Type == 5 {
			m.Flags |= flagLoading
		}
		m.WebhookID = s.cfg.appID
		m.ApplicationID = s.cfg.appID
		m.InteractionMetadata = s.interactionMetadata(st.i)
		if it == InteractionApplicationCommand {
			m.Type = 20
		} else {
			m.Type = 19
		}
		st.original = m
		created = copyMessage(m)
	case 6, 7: // DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE
		if it != InteractionMessageComponent && it != InteractionModalSubmit || st.i.Message == nil {
			return invalid()
		}
		if e := data.validate(len(c.rec.Files), false, s.cfg.strictMentions); e != nil {
			s.mu.Unlock()
			return *e
		}
		m := s.messages[st.i.Message.ID]
		if m == nil {
			m = copyMessage(st.i.Message)
			s.messages[m.ID] = m
		}
		if b.Type == 7 {
			s.applyEditLocked(m, &data, c.rec.Files)
			updated = copyMessage(m)
		}
		st.original = m
	case 8: // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
		if it != InteractionApplicationCommandAutocomplete {
			return invalid()
		}
		if e := validateChoices(data.Choices); e != nil {
			s.mu.Unlock()
			return *e
		}
	case 9: // MODAL
		if it != InteractionApplicationCommand && it != InteractionMessageComponent {
			return invalid()
		}
	default:
		return invalid()
	}
	st.acked = true
	st.ackType = b.Type
	s.mu.Unlock()
	if created != nil {
		s.echo("MESSAGE_CREATE", created)
	}
	if updated != nil {
		s.echo("MESSAGE_UPDATE", updated)
	}
	return noContent()
}

// validateComponents checks Discord's limits on message components: at most
// 5 action rows of 1–5 buttons or one select menu; custom ids of 1–100
// characters, unique in the message; button labels up to 80; select menus
// with 1–25 options whose labels and values are 1–100 characters.
func validateComponents(rows []json.RawMessage) *apiResult {
	fail := func(field, msg string) *apiResult { r := formError(field, "COMPONENT_LAYOUT_INVALID", msg); return &r }
	if len(rows) > 5 {
		return fail("components", "Must be 5 or fewer in length.")
	}
	type option struct {
		Label string `json:"label"`
		Value string `json:"value"`
	}
	type component struct {
		Type     int      `json:"type"`
		CustomID string   `json:"custom_id"`
		Label    string   `json:"label"`
		URL      string   `json:"url"`
		Options  []option `json:"options"`
	}
	n := utf8.RuneCountInString
	seen := map[string]bool{}
	for i, raw := range rows {
		var row struct {
			Type       int         `json:"type"`
			Components []component `json:"components"`
		}
		if err := json.Unmarshal(raw, &row); err != nil || row.Type != ComponentActionRow {
			return fail(fmt.Sprintf("components.%d", i), "Top-level components must be action rows.")
		}
		if len(row.Components) == 0 || len(row.Components) > 5 {
			return fail(fmt.Sprintf("components.%d.components", i), "Must be between 1 and 5 in length.")
		}
		for j, c := range row.Components {
			field := fmt.Sprintf("components.%d.components.%d", i, j)
			if c.Type != ComponentButton && len(row.Components) > 1 {
				return fail(field, "A select menu must be alone in its row.")
			}
			if c.URL == "" {
				if n(c.CustomID) == 0 || n(c.CustomID) > 100 {
					return fail(field+".custom_id", "Must be between 1 and 100 in length.")
				}
				if seen[c.CustomID] {
					return fail(field+".custom_id", "Component custom id cannot be duplicated")
				}
				seen[c.CustomID] = true
			}
			if n(c.Label) > 80 {
				return fail(field+".label", "Must be 80 or fewer in length.")
			}
			if c.Type == ComponentStringMenu {
				if len(c.Options) == 0 || len(c.Options) > 25 {
					return fail(field+".options", "Must be between 1 and 25 in length.")
				}
				for k, o := range c.Options {
					if n(o.Label) == 0 || n(o.Label) > 100 || n(o.Value) == 0 || n(o.Value) > 100 {
						return fail(fmt.Sprintf("%s.options.%d", field, k), "Label and value must be between 1 and 100 in length.")
					}
				}
			}
		}
	}
	return nil
}

// validateChoices checks an autocomplete result's choices.
func validateChoices(choices *[]json.RawMessage) *apiResult {
	fail := func(r apiResult) *apiResult { return &r }
	if choices == nil {
		return fail(formError("data.choices", "BASE_TYPE_REQUIRED", "This field is required"))
	}
	if len(*choices) > 25 {
		return fail(formError("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."))
	}
	for i, raw := range *choices {
		var ch struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		}
		if err := json.Unmarshal(raw, &ch); err != nil {
			return fail(formError(fmt.Sprintf("data.choices.%d", i), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"))
		}
		if n := utf8.RuneCountInString(ch.Name); n < 1 || n > 100 {
			return fail(formError(fmt.Sprintf("data.choices.%d.name", i), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."))
		}
		if v, isStr := ch.Value.(string); isStr && utf8.RuneCountInString(v) > 100 {
			return fail(formError(fmt.Sprintf("data.choices.%d.value", i), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."))
		}
		if ch.Value == nil {
			return fail(formError(fmt.Sprintf("data.choices.%d.value", i), "BASE_TYPE_REQUIRED", "This field is required"))
		}
	}
	return nil
}

// interactionMetadata describes i for its response messages.
func (s *Server) interactionMetadata(i *Interaction) *MessageInteractionMetadata {
	md := &MessageInteractionMetadata{ID: i.ID, Type: i.Type}
	if i.Member != nil {
		md.User = i.Member.User
	} else {
		md.User = i.User
	}
	if i.Data != nil && i.Type == InteractionApplicationCommand {
		md.Name = i.Data.Name
	}
	return md
}

// webhookLocked finds the interaction of a webhook path.
func (s *Server) webhookLocked(c *call) (*interactionState, *apiResult) {
	st := s.byToken[c.param("token")]
	if c.param("app") != s.cfg.appID || st == nil {
		r := unknownWebhook()
		return nil, &r
	}
	return st, nil
}

// webhookMessageLocked finds the message of a webhook message path.
func (s *Server) webhookMessageLocked(c *call) (*interactionState, *Message, *apiResult) {
	st, e := s.webhookLocked(c)
	if e != nil {
		return nil, nil, e
	}
	id := c.param("message")
	var m *Message
	switch {
	case id == "@original" || st.original != nil && id == st.original.ID:
		m = st.original
	case st.followups[id]:
		m = s.messages[id]
	}
	if m == nil {
		r := unknownMessage()
		return nil, nil, &r
	}
	return st, m, nil
}

func (s *Server) webhookMessageGet(c *call) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, e := s.webhookMessageLocked(c)
	if e != nil {
		return *e
	}
	return ok(copyMessage(m))
}

func (s *Server) webhookMessageEdit(c *call) apiResult {
	var b messageBody
	if e := c.decode(&b); e != nil {
		return *e
	}
	if e := b.validate(len(c.rec.Files), false, s.cfg.strictMentions); e != nil {
		return *e
	}
	b.Flags = nil // flags cannot be changed by an edit
	s.mu.Lock()
	_, m, e := s.webhookMessageLocked(c)
	if e != nil {
		s.mu.Unlock()
		return *e
	}
	wasLoading := m.Flags&flagLoading != 0
	s.applyEditLocked(m, &b, c.rec.Files)
	if wasLoading {
		m.EditedTimestamp = nil
	}
	out := copyMessage(m)
	s.mu.Unlock()
	s.echo("MESSAGE_UPDATE", out)
	return ok(out)
}

func (s *Server) webhookMessageDelete(c *call) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, m, e := s.webhookMessageLocked(c)
	if e != nil {
		return *e
	}
	if m == st.original {
		st.original = nil
	}
	delete(st.followups, m.ID)
	delete(s.messages, m.ID)
	return noContent()
}

func (s *Server) followupCreate(c *call) apiResult {
	var b messageBody
	if e := c.decode(&b); e != nil {
		return *e
	}
	if e := b.validate(len(c.rec.Files), true, s.cfg.strictMentions); e != nil {
		return *e
	}
	s.mu.Lock()
	st, e := s.webhookLocked(c)
	if e != nil {
		s.mu.Unlock()
		return *e
	}
	if !st.acked {
		s.mu.Unlock()
		return unknownWebhook()
	}
	flags := derefInt(b.Flags) & flagEphemeral
	b.Flags = nil
	m := s.newMessageLocked(st.i.ChannelID, st.i.GuildID, &b, c.rec.Files)
	m.Flags |= flags
	m.Type = 0
	m.WebhookID = s.cfg.appID
	m.ApplicationID = s.cfg.appID
	m.InteractionMetadata = s.interactionMetadata(st.i)
	if st.followups == nil {
		st.followups = map[string]bool{}
	}
	st.followups[m.ID] = true
	out := copyMessage(m)
	s.mu.Unlock()
	s.echo("MESSAGE_CREATE", out)
	if c.r.URL.Query().Get("wait") != "true" {
		return noContent()
	}
	return ok(out)
}

// ---- state accessors ----

// AddChannel makes a channel known to the fake (GET /channels/{id}, sending
// messages to it). Channels named in the builders are added automatically.
func (s *Server) AddChannel(ch Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[ch.ID] = &ch
}

// Channel returns a channel the fake knows, including threads the client
// started.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[id]
	if ch == nil {
		return Channel{}, false
	}
	return *ch, true
}

// AddMember makes a guild member known to GET /guilds/{guild}/members/{user}.
// Members of the builders' interactions and messages are added
// automatically.
func (s *Server) AddMember(guildID string, m Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addMemberLocked(guildID, &m)
}

func (s *Server) addMemberLocked(guildID string, m *Member) {
	if m.User == nil {
		return
	}
	c := *m
	s.members[guildID+"/"+m.User.ID] = &c
}

// SetRoles sets what GET /guilds/{guild}/roles returns (by default just
// @everyone with DefaultMemberPermissions).
func (s *Server) SetRoles(guildID string, roles []Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[guildID] = append([]Role(nil), roles...)
}

// Message returns a message the fake knows: one a builder made or one the
// client created (channel messages, interaction responses, follow-ups).
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[id]
	if m == nil {
		return Message{}, false
	}
	return *m, true
}

// ChannelMessages returns the messages the bot created in a channel, oldest
// first.
func (s *Server) ChannelMessages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.ChannelID == channelID && m.Author != nil && m.Author.ID == s.bot.ID {
			out = append(out, *m)
		}
	}
	sortMessages(out)
	return out
}

// Response reports how an interaction was acknowledged: the callback type
// (0 if not yet), and the current original response message if there is
// one (after callback types 4, 5, 6 or 7, reflecting later edits).
func (s *Server) Response(interactionID string) (callbackType int, original *Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.interactions[interactionID]
	if st == nil {
		return 0, nil
	}
	if st.original != nil {
		original = copyMessage(st.original)
	}
	return st.ackType, original
}

// Followups returns the follow-up messages of an interaction, oldest first.
func (s *Server) Followups(interactionID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.interactions[interactionID]
	if st == nil {
		return nil
	}
	var out []Message
	for id := range st.followups {
		if m := s.messages[id]; m != nil {
			out = append(out, *m)
		}
	}
	sortMessages(out)
	return out
}
