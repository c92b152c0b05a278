package bot

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/internal/clip"
	"github.com/qabot/qabot/retrieval"
)

// sectionPrefix is the custom id of the menu that picks the document of
// an ambiguous /section reference, followed by the reference.
const sectionPrefix = "section:"

// section answers /section with the clause or section word for word.
func (b *Bot) section(_ context.Context, r *request, o options) error {
	return b.showSection(r, o.str("ref"), o.str("doc"))
}

// pickDocument answers the document menu of an ambiguous reference.
func (b *Bot) pickDocument(_ context.Context, r *request, ref string, values []string) error {
	if len(values) != 1 {
		return errStale
	}
	return b.showSection(r, ref, values[0])
}

func (b *Bot) showSection(r *request, ref, doc string) error {
	sec, err := b.lib.Section(ref, doc)
	var amb *retrieval.AmbiguousError
	if errors.As(err, &amb) {
		return r.reply([]message{docMenu(ref, amb.Docs)}, true)
	}
	if err != nil {
		return sectionWords(ref, doc, err)
	}
	return r.reply(textMessagesAs(formatClauses(sec.Doc.Name(), sec.Clauses), "section.txt"), false)
}

// docMenu asks which document an ambiguous reference is meant in.
func docMenu(ref string, docs []string) message {
	m := message{Content: fmt.Sprintf("Several documents have %q. Which one?", clipped(ref))}
	if len(docs) > maxMenuOptions {
		m.Content += fmt.Sprintf(" (showing %d of %d; narrow it down with the doc option)", maxMenuOptions, len(docs))
		docs = docs[:maxMenuOptions]
	}
	var opts []discordgo.SelectMenuOption
	for _, d := range docs {
		if utf8.RuneCountInString(d) > maxMenuText {
			continue // a value Discord cannot carry whole would pick nothing
		}
		opts = append(opts, discordgo.SelectMenuOption{Label: d, Value: d})
	}
	id := sectionPrefix + ref
	if utf8.RuneCountInString(id) > maxCustomID || len(opts) == 0 {
		return message{Content: fmt.Sprintf("Several documents have %q; pick one with the doc option.", clip.Runes(ref, 50))}
	}
	m.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu, CustomID: id, Placeholder: "Document", Options: opts},
	}}}
	return m
}
