package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

// isAdmin reports whether the interaction's member may run admin commands:
// they have Manage Server (or Administrator), or a role named
// Options.AdminRole.
func (b *Bot) isAdmin(i *discordgo.Interaction) bool {
	m := i.Member
	if m == nil {
		return false
	}
	if m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	if b.opts.AdminRole == "" || len(m.Roles) == 0 || i.GuildID == "" {
		return false
	}
	// The gateway's state knows the roles without a request (the check
	// runs before the interaction is acknowledged); REST is the fallback.
	names := map[string]string{}
	for _, id := range m.Roles {
		if r, err := b.s.State.Role(i.GuildID, id); err == nil {
			names[id] = r.Name
		}
	}
	if len(names) < len(m.Roles) {
		roles, err := b.s.GuildRoles(i.GuildID)
		if err != nil {
			b.log.Warn("guild roles", "guild", i.GuildID, "err", err)
			return false
		}
		for _, r := range roles {
			if r != nil {
				names[r.ID] = r.Name
			}
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
	if !b.deferEphemeral(i) {
		return
	}
	var msg string
	if rep, err := b.sync(ctx); err != nil {
		msg = b.fail("reindex", err)
	} else {
		msg = "Reindexed: " + Summary(rep)
		for n, sk := range rep.Skipped {
			if n == 5 {
				msg += fmt.Sprintf("\n… and %d more skipped", len(rep.Skipped)-n)
				break
			}
			msg += fmt.Sprintf("\nskipped %s: %s", sk.File, sk.Reason)
		}
	}
	b.editDeferred(i, textMessages(msg), true)
}

// deferEphemeral acknowledges i with a deferred reply only its user sees.
func (b *Bot) deferEphemeral(i *discordgo.Interaction) bool {
	if err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}); err != nil {
		b.log.Error("defer failed", "interaction", i.ID, "err", err)
		return false
	}
	return true
}

// sync syncs the library, logs and announces the outcome.
func (b *Bot) sync(ctx context.Context) (retrieval.SyncReport, error) {
	rep, err := b.lib.Sync(ctx)
	b.Synced(rep, err)
	return rep, err
}

// Synced logs a sync's outcome and announces a sync that changed documents
// in the announcement channel, if one is configured. The document watcher
// calls it with each of its syncs.
func (b *Bot) Synced(rep retrieval.SyncReport, err error) {
	if err != nil {
		b.log.Error("sync failed", "err", err)
		return
	}
	d, c := rep.Documents, rep.Clauses
	b.log.Info("synced", "added", d.Added, "changed", d.Changed, "removed", d.Removed, "unchanged", d.Unchanged,
		"embedded", c.Embedded, "kept", c.Kept, "clauses_removed", c.Removed, "skipped", len(rep.Skipped), "seconds", rep.Seconds)
	for _, sk := range rep.Skipped {
		b.log.Warn("skipped", "file", sk.File, "reason", sk.Reason)
	}
	if b.opts.AnnounceChannel == "" || d.Added+d.Changed+d.Removed == 0 {
		return
	}
	b.send(b.opts.AnnounceChannel, textMessages("📚 Documents updated: "+Summary(rep)), nil)
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

// DefaultUploadLimit is the largest document /upload accepts by default.
const DefaultUploadLimit = 5 << 20

func (b *Bot) upload(ctx context.Context, i *discordgo.Interaction) {
	if !b.isAdmin(i) {
		b.reply(i, "Sorry, only server managers can add documents.", true)
		return
	}
	data := i.ApplicationCommandData()
	var att *discordgo.MessageAttachment
	replace := false
	for _, o := range data.Options {
		switch o.Name {
		case "file":
			if id, ok := o.Value.(string); ok && data.Resolved != nil {
				att = data.Resolved.Attachments[id]
			}
		case "replace":
			replace = o.BoolValue()
		}
	}
	if att == nil {
		b.reply(i, "Attach a .txt or .md file to /upload.", true)
		return
	}
	limit := b.opts.UploadLimit
	if limit <= 0 {
		limit = DefaultUploadLimit
	}
	_, id, err := retrieval.DocumentFile(att.Filename)
	if err != nil {
		b.reply(i, fmt.Sprintf("%s is not a document I can index: attach a .txt or .md file.", att.Filename), true)
		return
	}
	if int64(att.Size) > limit {
		b.reply(i, fmt.Sprintf("%s is %.1f MB; the limit is %.1f MB.", att.Filename, mb(int64(att.Size)), mb(limit)), true)
		return
	}
	if !replace {
		if d, ok := b.lib.Document(id); ok {
			b.reply(i, fmt.Sprintf("A document with this name is already indexed (%s). Run /upload again with replace: True to replace it.", d.Title), true)
			return
		}
	}
	if !b.deferEphemeral(i) {
		return
	}
	b.editDeferred(i, textMessages(b.addDocument(ctx, att, limit, replace)), true)
}

// addDocument downloads, checks, saves and indexes an uploaded document
// and returns the reply.
func (b *Bot) addDocument(ctx context.Context, att *discordgo.MessageAttachment, limit int64, replace bool) string {
	body, err := b.download(ctx, att.URL, limit)
	if errors.Is(err, errTooLarge) {
		return fmt.Sprintf("%s is larger than the limit of %.1f MB.", att.Filename, mb(limit))
	}
	if err != nil {
		return b.fail("upload", err)
	}
	added, err := b.lib.Add(ctx, att.Filename, body, retrieval.AddOptions{Replace: replace, MaxBytes: limit})
	var ae *retrieval.AddError
	if errors.As(err, &ae) {
		switch ae.Reason {
		case retrieval.AddExists:
			if ae.OtherExt {
				return fmt.Sprintf("A document with this name already exists as %s, with another extension; remove it first.", ae.Existing)
			}
			return fmt.Sprintf("A document with this name already exists (%s). Run /upload again with replace: True to overwrite it.", ae.Existing)
		case retrieval.AddTooLarge:
			return fmt.Sprintf("%s is larger than the limit of %.1f MB.", att.Filename, mb(limit))
		case retrieval.AddBadName:
			return fmt.Sprintf("%s is not a document I can index: attach a .txt or .md file.", att.Filename)
		case retrieval.AddEmpty:
			return fmt.Sprintf("%s was not added: it is empty.", att.Filename)
		case retrieval.AddBinary:
			return fmt.Sprintf("%s was not added: it is a binary file, not text.", att.Filename)
		case retrieval.AddUndecodable:
			return fmt.Sprintf("%s was not added: its text encoding is not one I read (UTF-8, UTF-16 with BOM, GB18030/GBK).", att.Filename)
		case retrieval.AddNoClause:
			return fmt.Sprintf("%s was not added: no text to index was found in it.", att.Filename)
		case retrieval.AddNotIndexed:
			b.Synced(added.Sync, ae.Err)
			return fmt.Sprintf("Saved %s, but indexing failed: %s", added.File, b.fail("upload sync", err))
		}
	}
	if err != nil {
		return b.fail("upload", err)
	}
	b.Synced(added.Sync, nil)
	labels := added.Labels
	if len(labels) > 5 {
		labels = append(labels[:5:5], "…")
	}
	return fmt.Sprintf("Added **%s** as %s: %d clauses (%s). Indexed: %s",
		added.Doc.Name(), added.File, added.Doc.Clauses, strings.Join(labels, ", "), Summary(added.Sync))
}

// errTooLarge is a download over the upload limit.
var errTooLarge = errors.New("the file is larger than the upload limit")

// download fetches an attachment, reading at most limit bytes.
func (b *Bot) download(ctx context.Context, url string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	resp, err := b.s.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download attachment: %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }
