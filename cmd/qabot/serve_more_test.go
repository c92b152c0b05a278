package main

import (
	"encoding/json"
	"strings"
	"testing"

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
	startServeEnv(t, fake, map[string]string{"QABOT_GUILD": discordfake.DefaultGuildID, "QABOT_ADMIN_ROLE": docKeepers})

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
