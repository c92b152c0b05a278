package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

// maxChoices is Discord's limit on autocomplete choices.
const maxChoices = 25

// autocomplete answers an autocomplete interaction for /section.
func (b *Bot) autocomplete(i *discordgo.Interaction) {
	data := i.ApplicationCommandData()
	var focused, typed string
	opts := map[string]string{}
	for _, o := range data.Options {
		if o.Type != discordgo.ApplicationCommandOptionString {
			continue
		}
		v, _ := o.Value.(string)
		opts[o.Name] = v
		if o.Focused {
			focused, typed = o.Name, v
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	if data.Name == "section" {
		switch focused {
		case "ref":
			choices = refChoices(b.lib, typed, opts["doc"])
		case "doc":
			choices = docChoices(b.lib.Documents(), typed)
		}
	}
	err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	})
	if err != nil {
		b.log.Error("autocomplete failed", "interaction", i.ID, "err", err)
	}
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
			if seen[c.ID] || c.ID == "" || utf8.RuneCountInString(c.ID) > 100 {
				continue // a value Discord cannot carry whole would never match
			}
			name := strings.TrimSpace(c.Label + " " + c.Heading)
			if name == "" {
				name = c.ID
			}
			ch := &discordgo.ApplicationCommandOptionChoice{Name: truncate(name, 100), Value: truncate(c.ID, 100)}
			switch {
			case strings.HasPrefix(c.ID, typed) || strings.HasPrefix(c.Label, typed):
				seen[c.ID] = true
				prefix = append(prefix, ch)
			case strings.Contains(c.ID, typed) || strings.Contains(c.Label, typed):
				seen[c.ID] = true
				contains = append(contains, ch)
			}
		}
	}
	out := prefix
	if len(out) == 0 {
		out = contains
	}
	if out == nil {
		out = []*discordgo.ApplicationCommandOptionChoice{}
	}
	return out[:min(len(out), maxChoices)]
}

// docChoices lists documents whose id or title contains typed.
func docChoices(docs []retrieval.DocumentView, typed string) []*discordgo.ApplicationCommandOptionChoice {
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, d := range docs {
		if len(out) == maxChoices {
			break
		}
		if !matchDoc(d, typed) || utf8.RuneCountInString(d.ID) > 100 {
			continue
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: truncate(d.Name(), 100), Value: truncate(d.ID, 100)})
	}
	return out
}

// sources lists the indexed documents, in at most maxSourceParts
// messages; a longer list ends with how many were left out.
func (b *Bot) sources(i *discordgo.Interaction) {
	docs := b.lib.Documents()
	if len(docs) == 0 {
		b.reply(i, "No documents are indexed.", false)
		return
	}
	total := 0
	for _, d := range docs {
		total += d.Clauses
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "Indexed documents: %d, with %d clauses.\n", len(docs), total)
	budget := maxSourceParts*maxContent - 200
	for n, d := range docs {
		line := fmt.Sprintf("• %s (`%s`): %d clauses, indexed %s\n", d.Name(), d.ID, d.Clauses, d.IndexedAt.UTC().Format("2006-01-02 15:04 UTC"))
		if utf8.RuneCountInString(sb.String())+utf8.RuneCountInString(line) > budget {
			fmt.Fprintf(&sb, "… and %d more (find them with /section's doc option).\n", len(docs)-n)
			break
		}
		sb.WriteString(line)
	}
	b.reply(i, sb.String(), false)
}
