package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/internal/clip"
	"github.com/qabot/qabot/retrieval"
)

// answerMessages formats an answer as at most maxMessages messages: the
// question (when echo is set: a slash command's options are not shown to
// the channel), the answer text split at Discord's content limit without
// breaking a citation or a quote, and the notice; then the sources embed
// and the buttons on the last one. An answer too long for that is cut
// there and attached whole; each clause it cites is behind its Show button.
func answerMessages(ans retrieval.Answer, notice, answerID string, echo bool) []message {
	text := ans.Text
	if echo && ans.Question != "" {
		text = "> " + clip.Runes(oneLine(ans.Question), echoRunes) + "\n" + text
	}
	if notice != "" {
		text += "\n-# " + notice
	}
	out := textMessagesAs(text, "answer.txt")
	last := &out[len(out)-1]
	if e := sourcesEmbed(ans.Citations); e != nil {
		last.Embeds = []*discordgo.MessageEmbed{e}
	}
	last.Components = answerButtons(ans.Citations, answerID)
	return out
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
		name := clip.Runes("〔"+tag(c)+"〕 "+c.DocTitle, maxFieldName)
		val := ""
		if c.Heading != "" {
			val = "**" + c.Heading + "**\n"
		}
		val = clip.Runes(defang(val+"> "+clip.Runes(oneLine(c.Text), quoteRunes)), maxFieldValue)
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

// viewTag is how a clause is shown: as answers cite it.
func viewTag(c retrieval.ClauseView) string {
	if c.Tag != "" {
		return c.Tag
	}
	return c.Label
}

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
			Label: clip.Runes("Show "+tag(c), maxButtonLabel), Style: discordgo.SecondaryButton, CustomID: showID(c.Key()),
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
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: voteID(voteUp, answerID)},
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: voteID(voteDown, answerID)},
		}})
	}
	return rows
}

// formatClauses writes clauses word for word under their document's title,
// with each section heading once, where it changes.
func formatClauses(title string, cs []retrieval.ClauseView) string {
	var sb strings.Builder
	sb.WriteString("**" + title + "**\n")
	heading := ""
	for _, c := range cs {
		if c.Heading != "" && c.Heading != heading {
			sb.WriteString("\n__" + c.Heading + "__\n")
		}
		heading = c.Heading
		sb.WriteString("\n〔" + viewTag(c) + "〕 " + c.Body() + "\n")
	}
	return sb.String()
}
