package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

// DefaultUploadLimit is the largest document /upload accepts by default.
const DefaultUploadLimit = 5 << 20

// upload answers /upload: the attachment is checked, downloaded, saved in
// the documents folder and indexed.
func (b *Bot) upload(ctx context.Context, r *request, o options) error {
	data := r.i.ApplicationCommandData()
	var att *discordgo.MessageAttachment
	if id := o.str("file"); id != "" && data.Resolved != nil {
		att = data.Resolved.Attachments[id]
	}
	if att == nil {
		return tell("Attach a .txt or .md file to /upload.")
	}
	limit := b.opts.UploadLimit
	if limit <= 0 {
		limit = DefaultUploadLimit
	}
	replace := o.boolean("replace")
	_, id, err := retrieval.DocumentFile(att.Filename)
	if err != nil {
		return addWords(att.Filename, limit, err)
	}
	if int64(att.Size) > limit {
		return tell("%s is %.1f MB; the limit is %.1f MB.", att.Filename, mb(int64(att.Size)), mb(limit))
	}
	if d, ok := b.lib.Document(id); ok && !replace {
		return tell("A document with this name is already indexed (%s). Run /upload again with replace: True to replace it.", d.Name())
	}
	if err := r.deferReply(true); err != nil {
		return err
	}
	body, err := b.d.download(ctx, att.URL, limit)
	if errors.Is(err, errTooLarge) {
		return tell("%s is larger than the limit of %.1f MB.", att.Filename, mb(limit))
	}
	if err != nil {
		return err
	}
	added, err := b.lib.Add(ctx, att.Filename, body, retrieval.AddOptions{Replace: replace, MaxBytes: limit})
	var ae *retrieval.AddError
	if errors.As(err, &ae) && ae.Reason == retrieval.AddNotIndexed {
		b.Synced(added.Sync, ae.Err)
		return tell("Saved %s, but indexing failed: %s /reindex tries again.", added.File, b.words("/upload", err))
	}
	if err != nil {
		return addWords(att.Filename, limit, err)
	}
	b.Synced(added.Sync, nil)
	labels := added.Labels
	if len(labels) > 5 {
		labels = append(labels[:5:5], "…")
	}
	return r.say(fmt.Sprintf("Added **%s** as %s: %d clauses (%s). Indexed: %s",
		added.Doc.Name(), added.File, added.Doc.Clauses, strings.Join(labels, ", "), Summary(added.Sync)), true)
}
