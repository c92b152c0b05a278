package bot

import (
	"context"
	"errors"

	"github.com/bwmarrin/discordgo"
)

// isAdmin reports whether the interaction's member may run admin commands:
// they have Manage Server (or Administrator), or a role named
// Options.AdminRole.
func (b *Bot) isAdmin(i *discordgo.Interaction) bool {
	m := i.Member
	if m == nil {
		return false
	}
	if m.Permissions&(discordgo.PermissionManageServer|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	if b.opts.AdminRole == "" || len(m.Roles) == 0 || i.GuildID == "" {
		return false
	}
	roles, err := b.s.GuildRoles(i.GuildID)
	if err != nil {
		b.log.Warn("guild roles", "guild", i.GuildID, "err", err)
		return false
	}
	names := map[string]string{}
	for _, r := range roles {
		if r != nil {
			names[r.ID] = r.Name
		}
	}
	for _, id := range m.Roles {
		if names[id] == b.opts.AdminRole {
			return true
		}
	}
	return false
}

func (b *Bot) reindex(ctx context.Context, i *discordgo.Interaction) {
	if !b.isAdmin(i) {
		b.reply(i, "Sorry, only server managers can reindex the documents.", true)
		return
	}
	if err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}); err != nil {
		b.log.Error("defer failed", "interaction", i.ID, "err", err)
		return
	}
	var msg string
	if b.opts.Reindex == nil {
		msg = b.fail("reindex", errors.New("reindexing is not configured"))
	} else if summary, err := b.opts.Reindex(ctx); err != nil {
		msg = b.fail("reindex", err)
	} else {
		msg = truncate(summary, maxContent)
	}
	if _, err := b.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &msg, AllowedMentions: noMentions()}); err != nil {
		b.log.Error("edit failed", "interaction", i.ID, "err", err)
	}
}
