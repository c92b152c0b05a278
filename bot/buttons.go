package bot

import (
	"context"
	"unicode/utf8"

	"github.com/qabot/qabot/retrieval"
)

// Custom ids of the "Show" buttons under an answer.
const (
	showPrefix       = "show:"  // + clause key
	showDigestPrefix = "showh:" // + the digest of a key too long for an id
)

// showID is the custom id of the "Show" button for a clause.
func showID(key retrieval.ClauseKey) string {
	if id := showPrefix + key.String(); utf8.RuneCountInString(id) <= maxCustomID {
		return id
	}
	return showDigestPrefix + key.Digest()
}

// show answers a "Show" button with the clause's full text, to the presser
// only.
func (b *Bot) show(_ context.Context, r *request, key string, _ []string) error {
	k, err := retrieval.ParseClauseKey(key)
	if err != nil {
		return errStale
	}
	c, doc, ok := b.lib.Clause(k)
	return showClause(r, c, doc, ok)
}

// showDigest is show for a clause whose key was too long for the id.
func (b *Bot) showDigest(_ context.Context, r *request, digest string, _ []string) error {
	c, doc, ok := b.lib.ClauseByDigest(digest)
	return showClause(r, c, doc, ok)
}

func showClause(r *request, c retrieval.ClauseView, doc retrieval.DocumentView, ok bool) error {
	if !ok {
		return tell("That clause is no longer in the index (its document changed or was removed).")
	}
	return r.reply(textMessagesAs(formatClauses(doc.Name(), []retrieval.ClauseView{c}), "clause.txt"), true)
}
