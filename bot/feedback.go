package bot

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

// maxRemembered is how many recent answers the bot keeps for their 👍/👎
// buttons.
const maxRemembered = 4096

// answered is what the feedback buttons of an answer refer to.
type answered struct {
	Question string
	Cited    []string // clause keys
	Mode     string
}

// answers remembers the most recent answers by id.
type answers struct {
	mu    sync.Mutex
	m     map[string]answered
	order []string
	votes map[string]string // answer id + "/" + user → vote, one per user and answer
}

// vote records user's vote on an answer and reports whether it is new (a
// repeated press of the same button is not).
func (a *answers) vote(answerID, user, vote string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.votes == nil || len(a.votes) >= 4*maxRemembered {
		a.votes = map[string]string{}
	}
	k := answerID + "/" + user
	if a.votes[k] == vote {
		return false
	}
	a.votes[k] = vote
	return true
}

// put remembers ans and returns its id.
func (a *answers) put(ans retrieval.Answer) string {
	rec := answered{Question: ans.Question, Mode: ans.Mode}
	for _, c := range ans.Citations {
		rec.Cited = append(rec.Cited, c.Key().String())
	}
	id := traceID()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = map[string]answered{}
	}
	a.m[id] = rec
	a.order = append(a.order, id)
	if len(a.order) > maxRemembered {
		delete(a.m, a.order[0])
		a.order = a.order[1:]
	}
	return id
}

func (a *answers) get(id string) (answered, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	rec, ok := a.m[id]
	return rec, ok
}

// Feedback is one 👍/👎 vote as stored in the feedback file. A 👍 record is
// also a gold case (q, gold) that `qabot eval --set` reads: the question
// and the clauses the approved answer cited.
type Feedback struct {
	Time     time.Time `json:"time"`
	Vote     string    `json:"vote"` // "up" or "down"
	Q        string    `json:"q"`
	Gold     []string  `json:"gold,omitempty"`
	Cited    []string  `json:"cited"`
	Mode     string    `json:"mode,omitempty"`
	User     string    `json:"user"`
	AnswerID string    `json:"answer_id"`
}

// feedbackLog appends votes to a JSON-lines file.
type feedbackLog struct {
	mu   sync.Mutex
	path string
}

func (f *feedbackLog) append(rec Feedback) error {
	if f.path == "" {
		return fmt.Errorf("no feedback file is configured")
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode feedback: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
		return fmt.Errorf("feedback folder: %w", err)
	}
	file, err := os.OpenFile(f.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open feedback file: %w", err)
	}
	if _, err := file.Write(append(line, '\n')); err != nil {
		file.Close()
		return fmt.Errorf("write feedback: %w", err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("write feedback: %w", err)
	}
	return nil
}

// component handles a button press or a menu choice.
func (b *Bot) component(i *discordgo.Interaction) {
	data := i.MessageComponentData()
	id := data.CustomID
	switch {
	case strings.HasPrefix(id, showPrefix):
		k, err := retrieval.ParseClauseKey(id[len(showPrefix):])
		if err != nil {
			b.reply(i, "This button is no longer supported.", true)
			return
		}
		c, doc, ok := b.lib.Clause(k)
		b.showClause(i, c, doc, ok)
	case strings.HasPrefix(id, showHashPrefix):
		c, doc, ok := b.lib.ClauseByDigest(id[len(showHashPrefix):])
		b.showClause(i, c, doc, ok)
	case strings.HasPrefix(id, votePrefix):
		vote, answerID, _ := strings.Cut(id[len(votePrefix):], ":")
		b.vote(i, vote, answerID)
	case strings.HasPrefix(id, sectionPrefix) && len(data.Values) == 1:
		b.section(i, id[len(sectionPrefix):], data.Values[0])
	default:
		b.reply(i, "This button is no longer supported.", true)
	}
}

// showClause answers a "Show" button with the clause's full text, to the
// presser only; ok is false when the clause has left the index.
func (b *Bot) showClause(i *discordgo.Interaction, c retrieval.ClauseView, doc retrieval.DocumentView, ok bool) {
	if !ok {
		b.reply(i, "That clause is no longer in the index (its document changed or was removed).", true)
		return
	}
	b.respond(i, capParts(textMessages(formatClauses(doc.Name(), []retrieval.ClauseView{c})), maxParts), true)
}

// vote records a 👍/👎 press.
func (b *Bot) vote(i *discordgo.Interaction, vote, answerID string) {
	if vote != "up" && vote != "down" {
		b.reply(i, "This button is no longer supported.", true)
		return
	}
	rec, ok := b.answers.get(answerID)
	if !ok {
		b.reply(i, "I no longer have this answer (I restarted since), so the vote cannot be linked to it. Ask again and vote on the new answer.", true)
		return
	}
	if !b.answers.vote(answerID, interactionUser(i), vote) {
		b.reply(i, "Your vote on this answer is already recorded.", true)
		return
	}
	fb := Feedback{
		Time: b.now().UTC(), Vote: vote, Q: rec.Question, Cited: rec.Cited, Mode: rec.Mode,
		User: interactionUser(i), AnswerID: answerID,
	}
	if vote == "up" {
		fb.Gold = rec.Cited
	}
	if err := b.feedback.append(fb); err != nil {
		b.reply(i, b.fail("feedback", err), true)
		return
	}
	thanks := "Thanks! Recorded 👍 for this answer."
	if vote == "down" {
		thanks = "Thanks! Recorded 👎 for this answer."
	}
	b.reply(i, thanks, true)
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
		sb.WriteString("\n〔" + c.Label + "〕 " + c.Text + "\n")
	}
	return sb.String()
}
