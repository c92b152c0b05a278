package discordfake_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/qabot/qabot/internal/discordfake"
)

const wait = 10 * time.Second

// newSession makes a discordgo session that talks to fake.
func newSession(t *testing.T, fake *discordfake.Server, token string) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = fake.Client()
	s.LogLevel = discordgo.LogWarning
	return s
}

// openSession opens a gateway connection with the given intents and
// handlers, closing it when the test ends.
func openSession(t *testing.T, fake *discordfake.Server, intents discordgo.Intent, handlers ...any) *discordgo.Session {
	t.Helper()
	s := newSession(t, fake, fake.Token())
	s.Identify.Intents = intents
	for _, h := range handlers {
		s.AddHandler(h)
	}
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	fake.WaitIdentified(t, wait)
	return s
}

// recv waits for a value on ch.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func noUnknown(t *testing.T, fake *discordfake.Server) {
	t.Helper()
	for _, r := range fake.UnknownRequests() {
		t.Errorf("unknown route requested: %s", r)
	}
}

func TestOpenReady(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t, discordfake.WithBotUser("42", "askbot"), discordfake.WithApplicationID("77"))
	ready := make(chan *discordgo.Ready, 1)
	intents := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
	s := openSession(t, fake, intents, func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })

	r := recv(t, ready, "READY")
	if r.User == nil || r.User.ID != "42" || r.User.Username != "askbot" || !r.User.Bot {
		t.Errorf("READY user = %+v", r.User)
	}
	if r.Application == nil || r.Application.ID != "77" {
		t.Errorf("READY application = %+v", r.Application)
	}
	if r.SessionID == "" || r.SessionID != fake.SessionID() {
		t.Errorf("READY session_id = %q, fake has %q", r.SessionID, fake.SessionID())
	}
	if s.State.User == nil || s.State.User.ID != "42" {
		t.Errorf("State.User = %+v", s.State.User)
	}
	ids := fake.IdentifyPayloads()
	if len(ids) != 1 || ids[0].Intents != int(intents) {
		t.Errorf("IDENTIFY payloads = %+v, want one with intents %d", ids, intents)
	}
	if got := len(fake.Filter(discordfake.Matching("GET", "/gateway"))); got != 1 {
		t.Errorf("GET /gateway requests = %d, want 1", got)
	}
	if fake.Identifies() != 1 || fake.Resumes() != 0 {
		t.Errorf("identifies=%d resumes=%d", fake.Identifies(), fake.Resumes())
	}
	noUnknown(t, fake)
}

func TestUserMe(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)

	u, err := newSession(t, fake, fake.Token()).User("@me")
	if err != nil {
		t.Fatalf("User(@me) with valid token: %v", err)
	}
	if u.ID != fake.BotUser().ID || !u.Bot {
		t.Errorf("User(@me) = %+v", u)
	}

	_, err = newSession(t, fake, "wrong").User("@me")
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) {
		t.Fatalf("User(@me) with bad token: err = %v, want *RESTError", err)
	}
	if rerr.Response.StatusCode != http.StatusUnauthorized || rerr.Message == nil ||
		rerr.Message.Message != "401: Unauthorized" || rerr.Message.Code != 0 {
		t.Errorf("bad token: status %d, message %+v", rerr.Response.StatusCode, rerr.Message)
	}
	reqs := fake.Filter(discordfake.Matching("GET", "/users/@me"))
	if len(reqs) != 2 || !reqs[0].Authorized || reqs[1].Authorized {
		t.Fatalf("recorded /users/@me = %v", reqs)
	}
	if reqs[0].Header.Get("Authorization") != "" || !strings.HasPrefix(reqs[0].Header.Get("User-Agent"), "DiscordBot") {
		t.Errorf("recorded headers = %v", reqs[0].Header)
	}
}

func TestSlashCommandDeferredThenEdit(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	type result struct {
		i    *discordgo.InteractionCreate
		err  error
		err2 error // second acknowledgement
	}
	got := make(chan result, 1)
	s := openSession(t, fake, discordgo.IntentsGuilds, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		})
		if err == nil {
			_, err = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: ptr("the answer")})
		}
		err2 := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		})
		got <- result{i, err, err2}
	})
	_ = s

	in := fake.NewSlashCommand(discordfake.CommandSpec{
		Name:    "ask",
		Options: []discordfake.CommandOption{{Name: "question", Type: discordfake.OptionString, Value: "what is x?"}},
		Place:   discordfake.Place{ChannelID: "555", Permissions: "8", Roles: []string{"900"}},
	})
	fake.DispatchInteraction(in)
	res := recv(t, got, "interaction handler")
	if res.err != nil {
		t.Fatalf("respond/edit: %v", res.err)
	}
	var rerr *discordgo.RESTError
	if !errors.As(res.err2, &rerr) || rerr.Message == nil || rerr.Message.Code != 40060 {
		t.Errorf("second acknowledgement: err = %v, want code 40060", res.err2)
	}

	i := res.i
	if i.Type != discordgo.InteractionApplicationCommand || i.ID != in.ID || i.Token != in.Token ||
		i.AppID != fake.ApplicationID() || i.Version != 1 || i.GuildID != discordfake.DefaultGuildID || i.ChannelID != "555" {
		t.Errorf("interaction = %+v", i.Interaction)
	}
	data := i.ApplicationCommandData()
	if data.Name != "ask" || data.ID == "" || len(data.Options) != 1 || data.Options[0].StringValue() != "what is x?" {
		t.Errorf("data = %+v", data)
	}
	if i.Member == nil || i.Member.Permissions != 8 || i.Member.User.ID != discordfake.DefaultUserID ||
		len(i.Member.Roles) != 1 || i.Member.Roles[0] != "900" {
		t.Errorf("member = %+v", i.Member)
	}

	cb := fake.WaitFor(t, discordfake.Matching("POST", "/interactions/"+in.ID+"/"+in.Token+"/callback"), wait)
	var body struct {
		Type int `json:"type"`
	}
	if err := cb.Decode(&body); err != nil || body.Type != 5 || cb.Status != http.StatusNoContent {
		t.Errorf("callback %s: type %d, err %v", cb, body.Type, err)
	}
	edit := fake.WaitFor(t, discordfake.Matching("PATCH", "/webhooks/"+fake.ApplicationID()+"/"+in.Token+"/messages/@original"), wait)
	var eb struct {
		Content string `json:"content"`
	}
	if err := edit.Decode(&eb); err != nil || eb.Content != "the answer" || edit.Status != http.StatusOK {
		t.Errorf("edit %s: %+v, err %v", edit, eb, err)
	}
	typ, orig := fake.Response(in.ID)
	if typ != 5 || orig == nil || orig.Content != "the answer" || orig.Flags != 0 || orig.ChannelID != "555" {
		t.Errorf("Response = %d, %+v", typ, orig)
	}
	noUnknown(t, fake)
}

func TestAutocomplete(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	type result struct {
		focused *discordgo.ApplicationCommandInteractionDataOption
		err     error
	}
	got := make(chan result, 1)
	openSession(t, fake, discordgo.IntentsGuilds, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
			got <- result{err: errors.New("wrong interaction type " + i.Type.String())}
			return
		}
		var focused *discordgo.ApplicationCommandInteractionDataOption
		for _, o := range i.ApplicationCommandData().Options {
			if o.Focused {
				focused = o
			}
		}
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{
				{Name: "How do I install?", Value: "install"},
				{Name: "How do I upgrade?", Value: "upgrade"},
			}},
		})
		got <- result{focused, err}
	})

	in := fake.NewAutocomplete(discordfake.CommandSpec{
		Name:    "ask",
		Options: []discordfake.CommandOption{{Name: "question", Type: discordfake.OptionString, Value: "how", Focused: true}},
	})
	fake.DispatchInteraction(in)
	res := recv(t, got, "autocomplete handler")
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.focused == nil || res.focused.Name != "question" || res.focused.StringValue() != "how" {
		t.Errorf("focused option = %+v", res.focused)
	}
	cb := fake.WaitFor(t, discordfake.Matching("POST", "/interactions/*/*/callback"), wait)
	var body struct {
		Type int `json:"type"`
		Data struct {
			Choices []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"choices"`
		} `json:"data"`
	}
	if err := cb.Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.Type != 8 || len(body.Data.Choices) != 2 || body.Data.Choices[1].Value != "upgrade" {
		t.Errorf("autocomplete callback = %s", cb.Body)
	}
	if typ, orig := fake.Response(in.ID); typ != 8 || orig != nil {
		t.Errorf("Response = %d, %v", typ, orig)
	}
}

func TestComponentUpdateAndFollowup(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	type result struct {
		customID string
		msgID    string
		follow   *discordgo.Message
		err      error
	}
	got := make(chan result, 1)
	openSession(t, fake, discordgo.IntentsGuilds, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		r := result{customID: i.MessageComponentData().CustomID}
		if i.Message != nil {
			r.msgID = i.Message.ID
		}
		r.err = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "thanks for the feedback"},
		})
		if r.err == nil {
			r.follow, r.err = s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{
				Content: "noted", Flags: discordgo.MessageFlagsEphemeral,
			})
		}
		got <- r
	})
	in := fake.NewComponent(discordfake.ComponentSpec{CustomID: "feedback:up:123"})
	fake.DispatchInteraction(in)
	res := recv(t, got, "component handler")
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.customID != "feedback:up:123" || res.msgID != in.Message.ID {
		t.Errorf("handler saw custom_id %q message %q", res.customID, res.msgID)
	}
	if res.follow == nil || res.follow.ID == "" || res.follow.Content != "noted" || res.follow.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("follow-up = %+v", res.follow)
	}
	m, ok := fake.Message(in.Message.ID)
	if !ok || m.Content != "thanks for the feedback" {
		t.Errorf("updated message = %+v", m)
	}
	if f := fake.Followups(in.ID); len(f) != 1 || f[0].Content != "noted" {
		t.Errorf("Followups = %+v", f)
	}
	fake.WaitFor(t, discordfake.Matching("POST", "/webhooks/"+fake.ApplicationID()+"/"+in.Token), wait)
}

func TestMessageCreateThreadReply(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	type result struct {
		content string
		thread  *discordgo.Channel
		reply   *discordgo.Message
		err     error
	}
	got := make(chan result, 1)
	own := make(chan *discordgo.Message, 4)
	intents := discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
	openSession(t, fake, intents, func(s *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Author.ID == s.State.User.ID {
			own <- m.Message
			return
		}
		r := result{content: m.Content}
		r.err = s.ChannelTyping(m.ChannelID)
		if r.err == nil {
			r.thread, r.err = s.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
				Name: "Q: " + m.Content, AutoArchiveDuration: 60,
			})
		}
		if r.err == nil {
			r.reply, r.err = s.ChannelMessageSendComplex(r.thread.ID, &discordgo.MessageSend{
				Content:         "answer",
				AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
			})
		}
		got <- r
	})

	msg := fake.NewMessage(discordfake.MessageSpec{Content: "how do I deploy?", Place: discordfake.Place{ChannelID: "777"}})
	fake.DispatchMessageCreate(msg)
	res := recv(t, got, "MESSAGE_CREATE handler")
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.content != "how do I deploy?" {
		t.Errorf("content = %q", res.content)
	}
	th := res.thread
	if th.ID != msg.ID || th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != "777" || th.GuildID != discordfake.DefaultGuildID {
		t.Errorf("thread = %+v", th)
	}
	if res.reply.ID == "" || res.reply.ChannelID != th.ID || res.reply.Content != "answer" {
		t.Errorf("reply = %+v", res.reply)
	}
	fake.WaitFor(t, discordfake.Matching("POST", "/channels/777/typing"), wait)
	start := fake.WaitFor(t, discordfake.Matching("POST", "/channels/777/messages/"+msg.ID+"/threads"), wait)
	var tb struct {
		Name     string `json:"name"`
		Duration int    `json:"auto_archive_duration"`
	}
	if err := start.Decode(&tb); err != nil || tb.Name != "Q: how do I deploy?" || tb.Duration != 60 {
		t.Errorf("thread start body %s", start.Body)
	}
	send := fake.WaitFor(t, discordfake.Matching("POST", "/channels/"+th.ID+"/messages"), wait)
	var sb struct {
		Content         string `json:"content"`
		AllowedMentions struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	if err := send.Decode(&sb); err != nil || sb.Content != "answer" || sb.AllowedMentions.Parse == nil {
		t.Errorf("send body %s", send.Body)
	}
	// Discord echoes the bot's own message back over the gateway.
	if echoed := recv(t, own, "echo of the bot's message"); echoed.ID != res.reply.ID {
		t.Errorf("echoed message %s, want %s", echoed.ID, res.reply.ID)
	}
	if c, ok := fake.Channel(th.ID); !ok || c.Type != discordfake.ChannelPublicThread {
		t.Errorf("fake thread channel = %+v, %v", c, ok)
	}
	noUnknown(t, fake)
}

func TestMessageContentIntent(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	got := make(chan string, 2)
	openSession(t, fake, discordgo.IntentsGuildMessages, func(_ *discordgo.Session, m *discordgo.MessageCreate) {
		got <- m.Content
	})
	fake.DispatchMessageCreate(fake.NewMessage(discordfake.MessageSpec{Content: "not for you"}))
	if c := recv(t, got, "message without mention"); c != "" {
		t.Errorf("content without MESSAGE_CONTENT intent = %q, want empty", c)
	}
	fake.DispatchMessageCreate(fake.NewMessage(discordfake.MessageSpec{
		Content: "<@" + fake.BotUser().ID + "> hi", Mentions: []discordfake.User{fake.BotUser()},
	}))
	if c := recv(t, got, "message with mention"); c == "" {
		t.Errorf("content of a message mentioning the bot is empty")
	}
}

func TestDropConnectionResumes(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	got := make(chan string, 4)
	resumed := make(chan struct{}, 1)
	openSession(t, fake, discordgo.IntentsGuildMessages|discordgo.IntentMessageContent,
		func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m.Content },
		func(_ *discordgo.Session, _ *discordgo.Resumed) { resumed <- struct{}{} },
	)
	fake.DispatchMessageCreate(fake.NewMessage(discordfake.MessageSpec{Content: "before"}))
	if c := recv(t, got, "first message"); c != "before" {
		t.Fatalf("got %q", c)
	}

	fake.DropConnection()
	fake.WaitDisconnected(t, wait)
	// Dispatched while the client is away: replayed on RESUME.
	fake.DispatchMessageCreate(fake.NewMessage(discordfake.MessageSpec{Content: "while away"}))
	fake.WaitResumes(t, 1, wait)
	recv(t, resumed, "RESUMED")
	fake.DispatchMessageCreate(fake.NewMessage(discordfake.MessageSpec{Content: "after"}))

	if c := recv(t, got, "replayed message"); c != "while away" {
		t.Errorf("got %q, want the replayed message", c)
	}
	if c := recv(t, got, "message after resume"); c != "after" {
		t.Errorf("got %q, want %q", c, "after")
	}
	if fake.Identifies() != 1 || fake.Resumes() != 1 {
		t.Errorf("identifies=%d resumes=%d, want 1 and 1", fake.Identifies(), fake.Resumes())
	}
}

func TestBulkOverwrite(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	s := newSession(t, fake, fake.Token())
	app := fake.ApplicationID()
	cmds := []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask a question", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "q", Required: true, Autocomplete: true},
		}},
		{Name: "reindex", Description: "Rebuild the index", DefaultMemberPermissions: ptr(int64(discordgo.PermissionManageGuild))},
	}
	global, err := s.ApplicationCommandBulkOverwrite(app, "", cmds)
	if err != nil {
		t.Fatal(err)
	}
	guild, err := s.ApplicationCommandBulkOverwrite(app, "999", cmds[:1])
	if err != nil {
		t.Fatal(err)
	}
	if len(global) != 2 || global[0].ID == "" || global[0].ApplicationID != app || global[1].Name != "reindex" ||
		global[1].DefaultMemberPermissions == nil || *global[1].DefaultMemberPermissions != discordgo.PermissionManageGuild ||
		len(global[0].Options) != 1 || !global[0].Options[0].Autocomplete {
		t.Errorf("global commands = %+v", global)
	}
	if len(guild) != 1 || guild[0].GuildID != "999" || guild[0].ID == global[0].ID {
		t.Errorf("guild commands = %+v", guild)
	}
	again, err := s.ApplicationCommandBulkOverwrite(app, "", cmds)
	if err != nil || again[0].ID != global[0].ID {
		t.Errorf("re-overwrite kept id? %v, %v", again, err)
	}
	puts := fake.Filter(discordfake.Matching("PUT", "/applications/*/commands"))
	gputs := fake.Filter(discordfake.Matching("PUT", "/applications/"+app+"/guilds/999/commands"))
	if len(puts) != 2 || len(gputs) != 1 {
		t.Fatalf("PUT requests: global %d, guild %d", len(puts), len(gputs))
	}
	var sent []map[string]any
	if err := gputs[0].Decode(&sent); err != nil || len(sent) != 1 || sent[0]["name"] != "ask" {
		t.Errorf("guild PUT body = %s", gputs[0].Body)
	}
	if len(fake.Commands("")) != 2 || len(fake.Commands("999")) != 1 {
		t.Errorf("stored commands: %v / %v", fake.Commands(""), fake.Commands("999"))
	}
	if _, err := s.ApplicationCommandBulkOverwrite("not-my-app", "", cmds); err == nil {
		t.Errorf("overwrite for another application succeeded")
	}
	noUnknown(t, fake)
}

func TestFaultsAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	fake.AddChannel(discordfake.Channel{ID: "10", Type: discordfake.ChannelGuildText, GuildID: "1"})
	s := newSession(t, fake, fake.Token())

	fake.RateLimitNext("POST", "/channels/10/messages", 50*time.Millisecond)
	m, err := s.ChannelMessageSend("10", "hello")
	if err != nil || m.Content != "hello" {
		t.Fatalf("send after 429: %v, %v", m, err)
	}
	posts := fake.Filter(discordfake.Matching("POST", "/channels/10/messages"))
	if len(posts) != 2 || posts[0].Status != 429 || !posts[0].Injected || posts[1].Status != 200 {
		t.Errorf("posts = %v", posts)
	}

	fake.FailNext("", "/channels/10", http.StatusInternalServerError, "")
	_, err = s.ChannelMessageSend("10", "again")
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != 500 {
		t.Errorf("send with injected 500: %v", err)
	}

	if _, err := s.ChannelMessageSend("11", "nowhere"); err == nil {
		t.Errorf("send to unknown channel succeeded")
	}

	if _, err := s.Request("GET", discordgo.EndpointAPI+"no/such/route", nil); err == nil {
		t.Errorf("unknown route succeeded")
	}
	if _, err := s.Request("DELETE", discordgo.EndpointGateway, nil); err == nil {
		t.Errorf("DELETE /gateway succeeded")
	}
	if _, err := s.Request("GET", discordgo.EndpointAPI+"gateway/", nil); err == nil {
		t.Errorf("GET /gateway/ (non-canonical path) succeeded")
	}
	unknown := fake.UnknownRequests()
	if len(unknown) != 3 || unknown[0].Path != "/api/v9/no/such/route" || unknown[0].Status != 404 {
		t.Errorf("unknown = %v", unknown)
	}

	if _, err := fake.Client().Get("https://example.com/"); err == nil {
		t.Errorf("client reached a non-Discord host")
	}
}

func TestGatewayRejectsBadToken(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	ws, _, err := websocket.DefaultDialer.Dial(fake.GatewayURL()+"?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var hello struct {
		Op int `json:"op"`
		D  struct {
			HeartbeatInterval int `json:"heartbeat_interval"`
		} `json:"d"`
	}
	if err := ws.ReadJSON(&hello); err != nil || hello.Op != 10 || hello.D.HeartbeatInterval != 41250 {
		t.Fatalf("HELLO = %+v, %v", hello, err)
	}
	identify := map[string]any{"op": 2, "d": map[string]any{"token": "Bot nope", "intents": 1, "properties": map[string]string{}}}
	if err := ws.WriteJSON(identify); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(wait))
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != discordfake.CloseAuthenticationFailed {
		t.Errorf("after bad IDENTIFY: %v, want close 4004", err)
	}
	if fake.Identifies() != 0 {
		t.Errorf("Identifies = %d", fake.Identifies())
	}
}

func TestInteractionJSONShape(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	in := fake.NewSlashCommand(discordfake.CommandSpec{Name: "ask", Place: discordfake.Place{Permissions: "2147483648"}})
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	member := m["member"].(map[string]any)
	if _, isStr := member["permissions"].(string); !isStr {
		t.Errorf("member.permissions is %T, want a decimal string", member["permissions"])
	}
	if m["type"] != float64(2) || m["version"] != float64(1) || m["application_id"] != fake.ApplicationID() {
		t.Errorf("interaction JSON = %s", b)
	}
	if data := m["data"].(map[string]any); data["id"] == "" || data["type"] != float64(1) {
		t.Errorf("data = %v", data)
	}
	var di discordgo.Interaction
	if err := json.Unmarshal(b, &di); err != nil || di.Member.Permissions != 1<<31 {
		t.Errorf("discordgo decode: %+v, %v", di.Member, err)
	}
}

func TestAckDeadline(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t, discordfake.WithAckDeadline(time.Nanosecond))
	got := make(chan error, 1)
	openSession(t, fake, discordgo.IntentsGuilds, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		got <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		})
	})
	fake.DispatchInteraction(fake.NewSlashCommand(discordfake.CommandSpec{Name: "ask"}))
	err := recv(t, got, "late acknowledgement")
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != 404 || rerr.Message == nil || rerr.Message.Code != 10062 {
		t.Errorf("late acknowledgement: %v, want 404 Unknown interaction", err)
	}
}

func TestRESTLookupsDecodeInDiscordgo(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	s := newSession(t, fake, fake.Token())
	// A builder registers its channel and member.
	fake.NewMessage(discordfake.MessageSpec{Content: "x", Place: discordfake.Place{GuildID: "1", ChannelID: "2", Roles: []string{"3"}}})

	if ch, err := s.Channel("2"); err != nil || ch.ID != "2" || ch.GuildID != "1" || ch.Type != discordgo.ChannelTypeGuildText {
		t.Errorf("Channel = %+v, %v", ch, err)
	}
	if m, err := s.GuildMember("1", discordfake.DefaultUserID); err != nil || m.User.ID != discordfake.DefaultUserID || len(m.Roles) != 1 || m.JoinedAt.IsZero() {
		t.Errorf("GuildMember = %+v, %v", m, err)
	}
	if _, err := s.GuildMember("1", "404"); err == nil {
		t.Errorf("unknown member found")
	}
	fake.SetRoles("1", []discordfake.Role{{ID: "3", Name: "maintainer", Permissions: "8"}})
	if roles, err := s.GuildRoles("1"); err != nil || len(roles) != 1 || roles[0].Permissions != 8 {
		t.Errorf("GuildRoles = %+v, %v", roles, err)
	}
	if gb, err := s.GatewayBot(); err != nil || gb.URL != fake.GatewayURL() || gb.Shards != 1 {
		t.Errorf("GatewayBot = %+v, %v", gb, err)
	}
	if app, err := s.Application("@me"); err != nil || app.ID != fake.ApplicationID() {
		t.Errorf("Application = %+v, %v", app, err)
	}

	app := fake.ApplicationID()
	cmd, err := s.ApplicationCommandCreate(app, "1", &discordgo.ApplicationCommand{Name: "ask", Description: "d"})
	if err != nil || cmd.ID == "" {
		t.Fatalf("ApplicationCommandCreate = %+v, %v", cmd, err)
	}
	if got, err := s.ApplicationCommand(app, "1", cmd.ID); err != nil || got.Name != "ask" {
		t.Errorf("ApplicationCommand = %+v, %v", got, err)
	}
	if ed, err := s.ApplicationCommandEdit(app, "1", cmd.ID, &discordgo.ApplicationCommand{Name: "ask", Description: "new"}); err != nil || ed.Description != "new" || ed.ID != cmd.ID {
		t.Errorf("ApplicationCommandEdit = %+v, %v", ed, err)
	}
	if err := s.ApplicationCommandDelete(app, "1", cmd.ID); err != nil {
		t.Errorf("ApplicationCommandDelete: %v", err)
	}
	if _, err := s.ApplicationCommand(app, "1", cmd.ID); err == nil {
		t.Errorf("deleted command still found")
	}

	m, err := s.ChannelMessageSendEmbed("2", &discordgo.MessageEmbed{Title: "t", Description: "d"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Embeds) != 1 || m.Embeds[0].Title != "t" || m.Author.ID != fake.BotUser().ID {
		t.Errorf("sent message = %+v", m)
	}
	ed, err := s.ChannelMessageEdit("2", m.ID, "edited")
	if err != nil || ed.Content != "edited" || ed.EditedTimestamp == nil {
		t.Errorf("ChannelMessageEdit = %+v, %v", ed, err)
	}
	if _, err := s.ChannelMessageSend("2", strings.Repeat("x", 2001)); err == nil {
		t.Errorf("2001-character message accepted")
	}
	if ms := fake.ChannelMessages("2"); len(ms) != 1 || ms[0].Content != "edited" {
		t.Errorf("ChannelMessages = %+v", ms)
	}
	noUnknown(t, fake)
}

func ptr[T any](v T) *T { return &v }

func TestStrictMentionsAndComponentLimits(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	fake.AddChannel(discordfake.Channel{ID: discordfake.DefaultChannelID, GuildID: discordfake.DefaultGuildID, Type: discordfake.ChannelGuildText, Name: "general"})
	s := newSession(t, fake, fake.Token())
	none := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	send := func(m *discordgo.MessageSend) error {
		_, err := s.ChannelMessageSendComplex(discordfake.DefaultChannelID, m)
		return err
	}
	if err := send(&discordgo.MessageSend{Content: "hi"}); err == nil || !strings.Contains(err.Error(), "allowed_mentions") {
		t.Errorf("message without allowed_mentions: %v", err)
	}
	if err := send(&discordgo.MessageSend{Content: "hi", AllowedMentions: none}); err != nil {
		t.Errorf("message with empty allowed_mentions: %v", err)
	}
	button := func(id string) discordgo.MessageComponent {
		return discordgo.Button{Label: "b", Style: discordgo.SecondaryButton, CustomID: id}
	}
	row := func(cs ...discordgo.MessageComponent) discordgo.MessageComponent {
		return discordgo.ActionsRow{Components: cs}
	}
	for name, cs := range map[string][]discordgo.MessageComponent{
		"duplicate id":  {row(button("a"), button("a"))},
		"long id":       {row(button(strings.Repeat("x", 101)))},
		"six in a row":  {row(button("1"), button("2"), button("3"), button("4"), button("5"), button("6"))},
		"six rows":      {row(button("1")), row(button("2")), row(button("3")), row(button("4")), row(button("5")), row(button("6"))},
		"menu of 26":    {row(discordgo.SelectMenu{CustomID: "m", Options: make([]discordgo.SelectMenuOption, 26)})},
		"menu + button": {row(discordgo.SelectMenu{CustomID: "m", Options: []discordgo.SelectMenuOption{{Label: "a", Value: "a"}}}, button("b"))},
	} {
		if err := send(&discordgo.MessageSend{Content: "x", AllowedMentions: none, Components: cs}); err == nil || !strings.Contains(err.Error(), "components") {
			t.Errorf("%s: %v, want a components error", name, err)
		}
	}
	if err := send(&discordgo.MessageSend{Content: "x", AllowedMentions: none, Components: []discordgo.MessageComponent{row(button("a"), button("b"))}}); err != nil {
		t.Errorf("valid buttons refused: %v", err)
	}
}
