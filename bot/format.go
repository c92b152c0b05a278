package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

// Discord's limits (in characters) and the bot's own formatting bounds.
const (
	maxFieldName   = 256
	maxEmbedTotal  = 6000
	maxCustomID    = 100
	quoteRunes     = 160 // a source's quote in the embed
	maxShowButtons = 8   // "Show" buttons under an answer (two rows of four)
	buttonsPerRow  = 4
	maxSourceParts = 3 // messages a long /sources list may take
)

// message is one Discord message of a reply: the first goes into the
// interaction response (or the channel), the rest follow it.
type message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
}

// answerMessages formats an answer as one or more messages: the question
// (when echo is set: a slash command's options are not shown to the
// channel), the answer text split at Discord's content limit without
// breaking a citation or a quote, then the sources embed and the buttons
// on the last one.
func answerMessages(ans retrieval.Answer, answerID string, echo bool) []message {
	text := ans.Text
	if echo && ans.Question != "" {
		text = "> " + truncate(oneLine(ans.Question), 300) + "\n" + text
	}
	if ans.Notice != "" {
		text += "\n-# " + ans.Notice
	}
	parts := split(text, maxContent)
	out := make([]message, len(parts))
	for i, p := range parts {
		out[i].Content = p
	}
	last := &out[len(out)-1]
	if e := sourcesEmbed(ans.Citations); e != nil {
		last.Embeds = []*discordgo.MessageEmbed{e}
	}
	last.Components = answerButtons(ans.Citations, answerID)
	return out
}

// textMessages splits plain text into messages.
func textMessages(text string) []message {
	parts := split(text, maxContent)
	out := make([]message, len(parts))
	for i, p := range parts {
		out[i].Content = p
	}
	return out
}

// maxParts is how many messages a long text (a whole section, a huge
// clause) may take; the rest is left out with a note.
const maxParts = 5

// capParts keeps at most n messages, ending the last with a note of how
// much was left out.
func capParts(msgs []message, n int) []message {
	if len(msgs) <= n {
		return msgs
	}
	left := 0
	for _, m := range msgs[n:] {
		left += utf8.RuneCountInString(m.Content)
	}
	out := append([]message(nil), msgs[:n]...)
	note := fmt.Sprintf("\n… (%d more characters not shown; ask for a smaller part, e.g. one clause)", left)
	last := &out[n-1]
	last.Content = truncate(last.Content, maxContent-utf8.RuneCountInString(note)) + note
	return out
}

// split cuts text into pieces of at most limit runes. It cuts at line
// breaks where it can, else after a sentence or a citation, never inside
// 〔…〕, 「…」, “…” or (…); only a single unbreakable run longer than limit
// is cut hard. Pieces are trimmed of the line breaks they were cut at.
func split(text string, limit int) []string {
	text = strings.TrimSpace(text)
	var out []string
	for utf8.RuneCountInString(text) > limit {
		r := []rune(text)
		cut := cutPoint(r, limit)
		out = append(out, strings.TrimRight(string(r[:cut]), " \n"))
		text = strings.TrimLeft(string(r[cut:]), " \n")
	}
	if text != "" || len(out) == 0 {
		out = append(out, text)
	}
	return out
}

// cutPoint returns where to cut r so that r[:cut] has at most limit runes,
// preferring (in order) the last line break, the last sentence end or
// closing citation outside any bracket, the last space outside any bracket.
func cutPoint(r []rune, limit int) int {
	line, sentence, space := 0, 0, 0
	depth := 0
	for i := 0; i < limit && i < len(r); i++ {
		switch r[i] {
		case '〔', '「', '“', '（', '(', '《', '『', '【', '[':
			depth++
		case '〕', '」', '”', '）', ')', '》', '』', '】', ']':
			if depth > 0 {
				depth--
			}
			if depth == 0 && (r[i] == '〕' || r[i] == '」' || r[i] == '”') {
				sentence = i + 1
			}
		case '\n':
			// An unclosed bracket does not outlive its line.
			line, depth = i+1, 0
		case '。', '！', '？', '；':
			if depth == 0 {
				sentence = i + 1
			}
		case '.', '!', '?', ';':
			// Only before a space or a line end: not in "2.3" or "19.1".
			if depth == 0 && (i+1 == len(r) || r[i+1] == ' ' || r[i+1] == '\n') {
				sentence = i + 1
			}
		case ' ':
			if depth == 0 {
				space = i + 1
			}
		}
	}
	// A break too early in the piece wastes a message; take it only when it
	// keeps at least a third of the limit.
	for _, c := range []int{line, sentence, space} {
		if c > limit/3 {
			return c
		}
	}
	// A hard cut: still not inside a citation, if one starts late enough.
	if open := lastIndex(r[:min(limit, len(r))], '〔'); open > limit/3 && lastIndex(r[open:min(limit, len(r))], '〕') < 0 {
		return open
	}
	return limit
}

func lastIndex(r []rune, c rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == c {
			return i
		}
	}
	return -1
}

// sourcesEmbed lists the cited clauses with a short quote of each, within
// Discord's embed limits, or returns nil when there are none.
func sourcesEmbed(cs []retrieval.Citation) *discordgo.MessageEmbed {
	if len(cs) == 0 {
		return nil
	}
	e := &discordgo.MessageEmbed{Title: "Sources"}
	total := utf8.RuneCountInString(e.Title)
	for n, c := range cs {
		name := truncate("〔"+tag(c)+"〕 "+c.DocTitle, maxFieldName)
		val := ""
		if c.Heading != "" {
			val = "**" + c.Heading + "**\n"
		}
		val += "> " + truncate(oneLine(c.Text), quoteRunes)
		val = truncate(val, maxFieldValue)
		size := utf8.RuneCountInString(name) + utf8.RuneCountInString(val)
		// Keep room for the footer that says how many were left out.
		if len(e.Fields) == maxFields-1 || total+size > maxEmbedTotal-100 {
			e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("… and %d more", len(cs)-n)}
			break
		}
		total += size
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: val})
	}
	return e
}

// tag is how a citation is written, e.g. "§2.3" or "数据安全法 第二十一条".
func tag(c retrieval.Citation) string {
	if c.Tag != "" {
		return c.Tag
	}
	return c.Label
}

// oneLine folds runs of white space into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Custom ids of the buttons under an answer.
const (
	showPrefix     = "show:"  // + clause key
	showHashPrefix = "showh:" // + fnv-64 of a clause key too long for an id
	votePrefix     = "vote:"  // + "up" or "down" + ":" + answer id
)

// answerButtons returns a "Show" button per cited clause (at most
// maxShowButtons) and the 👍/👎 feedback buttons.
func answerButtons(cs []retrieval.Citation, answerID string) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var row discordgo.ActionsRow
	for i, c := range cs {
		if i == maxShowButtons {
			break
		}
		row.Components = append(row.Components, discordgo.Button{
			Label: truncate("Show "+tag(c), 80), Style: discordgo.SecondaryButton, CustomID: showID(c.Key()),
		})
		if len(row.Components) == buttonsPerRow {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
	}
	if len(row.Components) > 0 {
		rows = append(rows, row)
	}
	if answerID != "" {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: votePrefix + "up:" + answerID},
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: votePrefix + "down:" + answerID},
		}})
	}
	return rows
}

// showID is the custom id of the "Show" button for a clause.
func showID(key retrieval.ClauseKey) string {
	if id := showPrefix + key.String(); utf8.RuneCountInString(id) <= maxCustomID {
		return id
	}
	return showHashPrefix + key.Digest()
}
