package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/qabot/qabot/internal/discordfake"
)

// slash dispatches a command and returns its callback.
func slash(t *testing.T, fake *discordfake.Server, spec discordfake.CommandSpec) (*discordfake.Interaction, callbackBody) {
	t.Helper()
	in := fake.NewSlashCommand(spec)
	fake.DispatchInteraction(in)
	return in, callback(t, fake, in)
}

func TestServe_guildCommandsAndAdminRole(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	const docKeepers = "1400000000000000001"
	fake.SetRoles(discordfake.DefaultGuildID, []discordfake.Role{{ID: docKeepers, Name: "Doc keepers", Permissions: "0"}})
	startServeEnv(t, fake, map[string]string{"QABOT_GUILD": discordfake.DefaultGuildID, "QABOT_ADMIN_ROLE": "Doc keepers"})

	// --guild / QABOT_GUILD registers in that guild, not globally.
	if len(fake.Commands("")) != 0 || len(fake.Commands(discordfake.DefaultGuildID)) != 5 {
		t.Fatalf("global %d, guild %d commands", len(fake.Commands("")), len(fake.Commands(discordfake.DefaultGuildID)))
	}
	// With an admin role configured, the admin commands are not hidden
	// from members without Manage Server: the bot checks the role.
	for _, c := range fake.Commands(discordfake.DefaultGuildID) {
		var raw struct {
			Perms *string `json:"default_member_permissions"`
		}
		if err := json.Unmarshal(c.Raw, &raw); err != nil {
			t.Fatal(err)
		}
		if raw.Perms != nil && *raw.Perms != "" {
			t.Errorf("/%s is limited to permissions %s", c.Name, *raw.Perms)
		}
	}
	_, body := slash(t, fake, discordfake.CommandSpec{Name: "reindex", Place: discordfake.Place{
		GuildID: discordfake.DefaultGuildID, Permissions: discordfake.DefaultMemberPermissions, Roles: []string{docKeepers}}})
	if body.Type != 5 {
		t.Errorf("a member with the admin role was refused: %+v", body)
	}
	_, body = slash(t, fake, discordfake.CommandSpec{Name: "reindex", Place: discordfake.Place{
		GuildID: discordfake.DefaultGuildID, Permissions: discordfake.DefaultMemberPermissions, Roles: []string{"1400000000000000002"}}})
	if body.Type != 4 || !strings.Contains(body.Data.Content, "only server managers") {
		t.Errorf("a member without the role: %+v", body)
	}
}

func TestServe_badQuestionsAndReferences(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	startServe(t, fake)

	for q, want := range map[string]string{
		"   ":                     "Please type a question",
		strings.Repeat("问", 1001): "at most 1000 characters (this one has 1001)",
	} {
		_, body := slash(t, fake, discordfake.CommandSpec{Name: "ask", Options: []discordfake.CommandOption{{Name: "question", Type: discordfake.OptionString, Value: q}}})
		if body.Type != 4 || body.Data.Flags&64 == 0 || !strings.Contains(body.Data.Content, want) {
			t.Errorf("/ask %.10q…: %+v", q, body)
		}
	}
	_, body := slash(t, fake, discordfake.CommandSpec{Name: "section", Options: []discordfake.CommandOption{{Name: "ref", Type: discordfake.OptionString, Value: "2.99"}}})
	if body.Data.Flags&64 == 0 || !strings.Contains(body.Data.Content, "There is no section") || !strings.Contains(body.Data.Content, "Closest: §2.") {
		t.Errorf("/section 2.99: %+v", body)
	}
}

func TestServe_editRefusedStillTellsTheUser(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	errb := startServe(t, fake)
	in := askSlash(fake, "各方如何应对毒品威胁？", "")
	fake.FailNext("PATCH", "/webhooks/", 400, "")
	fake.WaitFor(t, discordfake.Matching("POST", "/interactions/"+in.ID+"/"+in.Token+"/callback"), serveWait)
	// The formatted answer was refused; a plain message with a trace id
	// replaces the "thinking…" state.
	deadline := time.Now().Add(serveWait)
	for len(fake.Filter(discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original"))) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no second edit after the refused one")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, m := fake.Response(in.ID)
	if m == nil || !strings.Contains(m.Content, "trace ") {
		t.Errorf("after a refused edit the user sees %+v", m)
	}
	if strings.Contains(errb.String(), in.Token) {
		t.Error("the interaction token is in the log")
	}
}

func TestServe_mentionWhereNoThreadCanStart(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	startServe(t, fake)
	botUser := fake.BotUser()
	q := fake.NewMessage(discordfake.MessageSpec{Content: "<@" + botUser.ID + "> 各方如何应对毒品威胁？", Mentions: []discordfake.User{botUser}})
	fake.FailNext("POST", "/channels/"+discordfake.DefaultChannelID+"/messages/"+q.ID+"/threads", 403, "")
	fake.DispatchMessageCreate(q)
	// Answered right in the channel, as a reply to the question.
	ms := waitMessages(t, fake, discordfake.DefaultChannelID, 1)
	if !strings.Contains(ms[0].Content, "〔§1.10〕") || ms[0].MessageReference == nil || ms[0].MessageReference.MessageID != q.ID {
		t.Errorf("answer without a thread: %+v", ms[0])
	}
}

func TestServe_followUpUsesTheEarlierQuestion(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	startServe(t, fake)
	botUser := fake.BotUser()
	q := fake.NewMessage(discordfake.MessageSpec{Content: "<@" + botUser.ID + "> 首届中国—中亚经贸合作论坛是什么时候举行的？", Mentions: []discordfake.User{botUser}})
	fake.DispatchMessageCreate(q)
	waitMessages(t, fake, q.ID, 1)
	// "那第二个论坛是什么时间？" alone finds nothing to cite; with the
	// earlier question it is about the forums of §2.3.
	fu := fake.NewMessage(discordfake.MessageSpec{Place: discordfake.Place{ChannelID: q.ID}, Content: "那第二个论坛是什么时间？"})
	fake.DispatchMessageCreate(fu)
	ms := waitMessages(t, fake, q.ID, 2)
	if !strings.Contains(ms[1].Content, "〔§2.3〕") {
		t.Errorf("follow-up answer: %q", ms[1].Content)
	}
}
