package bot

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// sources answers /sources with the indexed documents, in at most
// maxMessages messages; a longer list ends with how many were left out.
func (b *Bot) sources(_ context.Context, r *request, _ options) error {
	docs := b.lib.Documents()
	if len(docs) == 0 {
		return r.say("No documents are indexed.", false)
	}
	total := 0
	for _, d := range docs {
		total += d.Clauses
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "Indexed documents: %d, with %d clauses.\n", len(docs), total)
	size := utf8.RuneCountInString(sb.String())
	budget := maxMessages*maxContent - 200
	for n, d := range docs {
		line := fmt.Sprintf("• %s (`%s`): %d clauses, indexed %s\n", d.Name(), d.ID, d.Clauses, d.IndexedAt.UTC().Format("2006-01-02 15:04 UTC"))
		if size += utf8.RuneCountInString(line); size > budget {
			fmt.Fprintf(&sb, "… and %d more (find them with /section's doc option).\n", len(docs)-n)
			break
		}
		sb.WriteString(line)
	}
	return r.say(sb.String(), false)
}
