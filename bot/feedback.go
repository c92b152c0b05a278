package bot

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/qabot/qabot/retrieval"
)

// Custom ids of the 👍/👎 buttons: votePrefix + vote + ":" + answer id.
const (
	votePrefix = "vote:"
	voteUp     = "up"
	voteDown   = "down"
)

func voteID(vote, answerID string) string { return votePrefix + vote + ":" + answerID }

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

// Feedback is one 👍/👎 vote as stored in the feedback file: one line per
// user and answer, the latest vote. A 👍 record is also a gold case (q,
// gold) that `qabot eval --set` reads: the question and the clauses the
// approved answer cited.
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

// vote records a 👍/👎 press: one vote per user and answer, a change
// replacing the earlier one.
func (b *Bot) vote(_ context.Context, r *request, arg string, _ []string) error {
	vote, answerID, _ := strings.Cut(arg, ":")
	if vote != voteUp && vote != voteDown {
		return errStale
	}
	rec, ok := b.answers.get(answerID)
	if !ok {
		return tell("I no longer have this answer (I restarted since), so the vote cannot be linked to it. Ask again and vote on the new answer.")
	}
	fb := Feedback{
		Time: b.now().UTC(), Vote: vote, Q: rec.Question, Cited: rec.Cited, Mode: rec.Mode,
		User: r.user(), AnswerID: answerID,
	}
	if vote == voteUp {
		fb.Gold = rec.Cited
	}
	was, err := b.feedback.record(fb)
	if err != nil {
		return err
	}
	emoji := map[string]string{voteUp: "👍", voteDown: "👎"}
	switch was {
	case vote:
		return r.say("Your vote on this answer is already recorded.", true)
	case "":
		return r.say("Thanks! Recorded "+emoji[vote]+" for this answer.", true)
	}
	return r.say("Changed your vote on this answer to "+emoji[vote]+".", true)
}

// feedbackLog keeps the votes in a JSON-lines file.
type feedbackLog struct {
	mu   sync.Mutex
	path string
}

// record stores rec in place of the same user's earlier vote on the same
// answer, if any, and returns that vote ("" when there was none). The file
// is rewritten whole (a temporary file renamed over it) only when
// something changes: votes come at the pace of people.
func (f *feedbackLog) record(rec Feedback) (was string, err error) {
	if f.path == "" {
		return "", errors.New("no feedback file is configured")
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return "", fmt.Errorf("encode feedback: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	old, err := os.ReadFile(f.path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read feedback: %w", err)
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(old))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var prev Feedback
		if json.Unmarshal(sc.Bytes(), &prev) == nil && prev.AnswerID == rec.AnswerID && prev.User == rec.User {
			if was = prev.Vote; was == rec.Vote {
				return was, nil // nothing to change
			}
			continue
		}
		out.Write(sc.Bytes())
		out.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("read feedback: %w", err)
	}
	out.Write(line)
	out.WriteByte('\n')
	return was, writeFileAtomic(f.path, out.Bytes())
}

// writeFileAtomic replaces path with data: a temporary file in the same
// folder, synced and renamed into place, so that a crash leaves the old
// file or the new one.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("feedback folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".feedback-*")
	if err != nil {
		return fmt.Errorf("write feedback: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write feedback: %w", err)
	}
	return nil
}
