package bot

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qabot/qabot/retrieval"
)

// askedButtons asks a question through h and returns the custom ids of the
// answer's Show, 👍 and 👎 buttons.
func askedButtons(t *testing.T, h *harness, q string) (show, up, down string) {
	t.Helper()
	calls := h.run(slash(t, "ask", opt("question", q)))
	ids := customIDs(calls[len(calls)-1].Components)
	if len(ids) < 3 {
		t.Fatalf("buttons %q", ids)
	}
	return ids[0], ids[len(ids)-2], ids[len(ids)-1]
}

func TestShow(t *testing.T) {
	long := strings.Repeat("长", 70) + "/" + strings.Repeat("名", 40) // a document id of 111 characters
	h := newHarness(t, newTestLibrary(t, map[string]string{long + ".md": "# 长名文件\n\n第一条 名字很长的文件的第一条。\n"}), Options{})
	show, _, _ := askedButtons(t, h, drugs)
	if text, eph := h.reply(button(t, show)); !eph || !strings.Contains(text, "共同应对毒品威胁，共筑打击麻醉药品") || !strings.Contains(text, " §1.10〕") {
		t.Errorf("show: %q (ephemeral %v)", text, eph)
	}
	// A key too long for a custom id is carried as its digest.
	k := retrieval.ClauseKey{Doc: long, ID: "1"}
	id := showID(k)
	if id != showDigestPrefix+k.Digest() {
		t.Fatalf("showID(%v) = %q", k, id)
	}
	if text, _ := h.reply(button(t, id)); !strings.Contains(text, "名字很长的文件的第一条") {
		t.Errorf("show by digest: %q", text)
	}
	for _, gone := range []string{showID(retrieval.ClauseKey{Doc: "removed", ID: "1"}), showDigestPrefix + "0000000000000000"} {
		if text, eph := h.reply(button(t, gone)); !eph || !strings.Contains(text, "no longer in the index") {
			t.Errorf("show %s: %q", gone, text)
		}
	}
}

func TestVote_oneLinePerUserAndAnswer(t *testing.T) {
	h := newHarness(t, nil, Options{})
	_, up, down := askedButtons(t, h, drugs)
	for _, c := range []struct{ id, want string }{
		{down, "Recorded 👎"},
		{down, "already recorded"},
		{up, "Changed your vote on this answer to 👍"},
		{up, "already recorded"},
	} {
		if text, eph := h.reply(button(t, c.id)); !eph || !strings.Contains(text, c.want) {
			t.Errorf("%s: %q, want %q", c.id, text, c.want)
		}
	}
	// Another user's vote is a line of its own.
	other := button(t, down)
	other.Member.User.ID = "1200000000000000099"
	if text, _ := h.reply(other); !strings.Contains(text, "Recorded 👎") {
		t.Errorf("another user's vote: %q", text)
	}
	votes := readFeedback(t, h.b.opts.FeedbackFile)
	if len(votes) != 2 {
		t.Fatalf("%d feedback lines, want one per user: %+v", len(votes), votes)
	}
	key := "china-central-asia-fm-joint-statement-2022#1.10"
	if v := votes[0]; v.Vote != "up" || v.Q != drugs || len(v.Gold) == 0 || v.Gold[0] != key || v.User != "1200000000000000003" || v.Mode != "extractive" {
		t.Errorf("first user's vote %+v", v)
	}
	if v := votes[1]; v.Vote != "down" || v.Gold != nil || v.Cited[0] != key {
		t.Errorf("second user's vote %+v", v)
	}
	// The feedback file is a gold set for qabot eval: the 👍 is its case.
	f, _ := os.Open(h.b.opts.FeedbackFile)
	defer f.Close()
	cases, err := retrieval.ReadGold(f)
	if err != nil || len(cases) != 2 || cases[0].Negative() || cases[0].Gold[0] != key {
		t.Errorf("as a gold set: %+v, %v", cases, err)
	}
	// A vote on an answer the bot no longer has is refused, not stored.
	if text, _ := h.reply(button(t, voteID(voteUp, "ffffffffffff"))); !strings.Contains(text, "no longer have") {
		t.Errorf("stale vote: %q", text)
	}
	if n := len(readFeedback(t, h.b.opts.FeedbackFile)); n != 2 {
		t.Errorf("%d lines after a stale vote", n)
	}
}

func TestVote_aFileThatCannotBeWrittenGetsATrace(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, nil, Options{FeedbackFile: filepath.Join(dir, "feedback.jsonl")})
	_, up, _ := askedButtons(t, h, drugs)
	if err := os.Mkdir(h.b.opts.FeedbackFile, 0o755); err != nil { // a folder where the file should be
		t.Fatal(err)
	}
	if text, _ := h.reply(button(t, up)); !strings.Contains(text, "trace ") {
		t.Errorf("vote with an unwritable file: %q", text)
	}
}

func readFeedback(t *testing.T, path string) []Feedback {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Feedback
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var fb Feedback
		if err := json.Unmarshal(sc.Bytes(), &fb); err != nil {
			t.Fatalf("feedback line %q: %v", sc.Text(), err)
		}
		out = append(out, fb)
	}
	return out
}
