package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/internal/clip"
	"github.com/qabot/qabot/retrieval"
)

// completeSection suggests /section's options as they are typed: clauses
// for ref, documents for doc.
func (b *Bot) completeSection(o options) []*discordgo.ApplicationCommandOptionChoice {
	switch o.focused() {
	case "ref":
		return refChoices(b.lib, o.str("ref"), o.str("doc"))
	case "doc":
		return docChoices(b.lib.Documents(), o.str("doc"))
	}
	return nil
}

// matchDoc reports whether doc (as typed in the doc option) names d.
func matchDoc(d retrieval.DocumentView, doc string) bool {
	doc = strings.ToLower(strings.TrimSpace(doc))
	return doc == "" || strings.Contains(strings.ToLower(d.ID), doc) || strings.Contains(strings.ToLower(d.Title), doc)
}

// refChoices lists clauses whose id or label starts with typed, or, when
// none does, contains it.
func refChoices(lib Library, typed, doc string) []*discordgo.ApplicationCommandOptionChoice {
	typed = strings.TrimSpace(typed)
	var prefix, contains []*discordgo.ApplicationCommandOptionChoice
	seen := map[string]bool{}
	for _, d := range lib.Documents() {
		if !matchDoc(d, doc) {
			continue
		}
		for _, c := range lib.Clauses(d.ID) {
			if seen[c.ID] || c.ID == "" || utf8.RuneCountInString(c.ID) > maxChoiceText {
				continue // a value Discord cannot carry whole would never match
			}
			// The document is chosen in its own option: the clause's tag
			// without the document's title in front.
			t := viewTag(c)
			name := strings.TrimSpace(t[strings.LastIndexByte(t, ' ')+1:] + " " + c.Heading)
			if name == "" {
				name = c.ID
			}
			ch := &discordgo.ApplicationCommandOptionChoice{Name: clip.Runes(name, maxChoiceText), Value: c.ID}
			switch {
			case strings.HasPrefix(c.ID, typed) || strings.HasPrefix(c.Label, typed) || strings.HasPrefix(c.Tag, typed):
				seen[c.ID] = true
				prefix = append(prefix, ch)
			case strings.Contains(c.ID, typed) || strings.Contains(c.Label, typed) || strings.Contains(c.Tag, typed):
				seen[c.ID] = true
				contains = append(contains, ch)
			}
		}
		if len(prefix) >= maxChoices {
			break
		}
	}
	if len(prefix) == 0 {
		prefix = contains
	}
	return prefix[:min(len(prefix), maxChoices)]
}

// docChoices lists documents whose id or title contains typed.
func docChoices(docs []retrieval.DocumentView, typed string) []*discordgo.ApplicationCommandOptionChoice {
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, d := range docs {
		if len(out) == maxChoices {
			break
		}
		if !matchDoc(d, typed) || utf8.RuneCountInString(d.ID) > maxChoiceText {
			continue
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip.Runes(d.Name(), maxChoiceText), Value: d.ID})
	}
	return out
}
