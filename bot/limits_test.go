package bot

import (
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// checkEmbed asserts Discord's embed limits.
func checkEmbed(t testing.TB, e *discordgo.MessageEmbed) {
	t.Helper()
	total := utf8.RuneCountInString(e.Title)
	if len(e.Fields) > maxFields {
		t.Errorf("%d fields", len(e.Fields))
	}
	for _, f := range e.Fields {
		if utf8.RuneCountInString(f.Name) > maxFieldName || utf8.RuneCountInString(f.Value) > maxFieldValue || f.Name == "" || f.Value == "" {
			t.Errorf("field %q: name %d, value %d runes", f.Name, utf8.RuneCountInString(f.Name), utf8.RuneCountInString(f.Value))
		}
		total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		total += utf8.RuneCountInString(e.Footer.Text)
	}
	if total > maxEmbedTotal {
		t.Errorf("embed has %d characters", total)
	}
}

// checkComponents asserts Discord's component limits: at most 5 rows of
// at most 5 buttons or one menu, unique custom ids of at most 100
// characters, menus of at most 25 options.
func checkComponents(t testing.TB, cs []discordgo.MessageComponent) {
	t.Helper()
	if len(cs) > 5 {
		t.Errorf("%d rows", len(cs))
	}
	seen := map[string]bool{}
	for _, r := range cs {
		row := r.(discordgo.ActionsRow)
		if len(row.Components) > 5 || len(row.Components) == 0 {
			t.Errorf("row of %d", len(row.Components))
		}
		for _, c := range row.Components {
			var id string
			switch c := c.(type) {
			case discordgo.Button:
				id = c.CustomID
			case discordgo.SelectMenu:
				id = c.CustomID
				if len(c.Options) == 0 || len(c.Options) > maxMenuOptions {
					t.Errorf("menu of %d options", len(c.Options))
				}
				for _, o := range c.Options {
					if utf8.RuneCountInString(o.Label) > maxMenuText || utf8.RuneCountInString(o.Value) > maxMenuText {
						t.Errorf("menu option %+v", o)
					}
				}
			}
			if id == "" || utf8.RuneCountInString(id) > maxCustomID || seen[id] {
				t.Errorf("bad or repeated custom id %q", id)
			}
			seen[id] = true
		}
	}
}
