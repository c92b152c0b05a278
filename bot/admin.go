package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

// isAdmin reports whether the interaction's member may run admin commands:
// they have Manage Server (or Administrator), or one of the admin roles
// (Options.AdminRole).
func (b *Bot) isAdmin(i *discordgo.Interaction) bool {
	m := i.Member
	if m == nil {
		return false
	}
	if m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	if len(b.adminRoles) == 0 || len(m.Roles) == 0 || i.GuildID == "" {
		return false
	}
	for _, want := range b.adminRoles {
		id := want
		if !isSnowflake(want) {
			id = b.roleByName(i.GuildID, want)
		}
		for _, have := range m.Roles {
			if id != "" && have == id {
				return true
			}
		}
	}
	return false
}

// roleByName is the id of the guild's one role called name, or "" when
// none is or several are: anyone who may manage roles can make a role of
// any name, so a name is trusted only while it is unique (an id always).
func (b *Bot) roleByName(guildID, name string) string {
	roles, err := b.d.guildRoles(guildID)
	if err != nil {
		b.log.Warn("guild roles", "guild", guildID, "err", err)
		return ""
	}
	var ids []string
	for _, r := range roles {
		if r != nil && r.Name == name {
			ids = append(ids, r.ID)
		}
	}
	switch len(ids) {
	case 0:
		return ""
	case 1:
		b.nameWarning.Do(func() {
			b.log.Warn("QABOT_ADMIN_ROLE names a role; set its id instead, a name can be copied", "role", name, "id", ids[0])
		})
		return ids[0]
	}
	b.log.Warn("QABOT_ADMIN_ROLE names several roles, so none is trusted; set the role's id", "role", name, "ids", strings.Join(ids, ","))
	return ""
}

// isSnowflake reports whether s is a Discord id: digits only.
func isSnowflake(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// splitRoles reads Options.AdminRole: role ids (or names), comma-separated.
func splitRoles(s string) []string {
	var out []string
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// reindex answers /reindex with what the sync changed.
func (b *Bot) reindex(ctx context.Context, r *request, _ options) error {
	if err := r.deferReply(true); err != nil {
		return err
	}
	rep, err := b.sync(ctx)
	if err != nil {
		return err
	}
	msg := "Reindexed: " + Summary(rep)
	for n, sk := range rep.Skipped {
		if n == 5 {
			msg += fmt.Sprintf("\n… and %d more skipped", len(rep.Skipped)-n)
			break
		}
		msg += fmt.Sprintf("\nskipped %s: %s", sk.File, sk.Reason)
	}
	return r.say(msg, true)
}

// sync syncs the library, then logs and announces the outcome.
func (b *Bot) sync(ctx context.Context) (retrieval.SyncReport, error) {
	rep, err := b.lib.Sync(ctx)
	b.Synced(rep, err)
	return rep, err
}

// Synced logs a sync's outcome and announces a sync that changed documents
// in the announcement channel, if one is configured. /reindex and /upload
// call it with their syncs, the document watcher with its own.
func (b *Bot) Synced(rep retrieval.SyncReport, err error) {
	if err != nil {
		b.log.Error("sync failed", "err", err)
		return
	}
	d, c := rep.Documents, rep.Clauses
	b.log.Info("synced", "added", d.Added, "changed", d.Changed, "removed", d.Removed, "unchanged", d.Unchanged,
		"embedded", c.Embedded, "kept", c.Kept, "clauses_removed", c.Removed, "skipped", len(rep.Skipped), "seconds", rep.Seconds,
		"generation", b.lib.Generation())
	for _, sk := range rep.Skipped {
		b.log.Warn("skipped", "file", sk.File, "reason", sk.Reason)
	}
	if b.opts.AnnounceChannel == "" || d.Added+d.Changed+d.Removed == 0 {
		return
	}
	if err := sendAll(b.d, b.opts.AnnounceChannel, textMessages("📚 Documents updated: "+Summary(rep)), nil); err != nil {
		b.log.Error("announcement failed", "err", err)
	}
}

// Summary is a one-line account of a sync.
func Summary(rep retrieval.SyncReport) string {
	d, c := rep.Documents, rep.Clauses
	s := fmt.Sprintf("documents %d added, %d changed, %d removed, %d unchanged; clauses %d embedded, %d kept, %d removed",
		d.Added, d.Changed, d.Removed, d.Unchanged, c.Embedded, c.Kept, c.Removed)
	if len(rep.Skipped) > 0 {
		s += fmt.Sprintf("; %d file(s) skipped", len(rep.Skipped))
	}
	return s + fmt.Sprintf(" (%.1f s).", rep.Seconds)
}
