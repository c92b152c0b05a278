package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/qabot/qabot/internal/discordfake"
)

// askSlash dispatches /ask question as user (default user when empty) and
// returns the interaction.
func askSlash(fake *discordfake.Server, question, user string) *discordfake.Interaction {
	spec := discordfake.CommandSpec{
		Name:    "ask",
		Options: []discordfake.CommandOption{{Name: "question", Type: discordfake.OptionString, Value: question}},
	}
	if user != "" {
		spec.User = &discordfake.User{ID: user, Username: "user" + user}
	}
	in := fake.NewSlashCommand(spec)
	fake.DispatchInteraction(in)
	return in
}

// waitAnswer waits for the deferred /ask response to be edited and returns
// the original message.
func waitAnswer(t *testing.T, fake *discordfake.Server, in *discordfake.Interaction) *discordfake.Message {
	t.Helper()
	fake.WaitFor(t, discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original"), serveWait)
	_, m := fake.Response(in.ID)
	if m == nil {
		t.Fatal("no original response message")
	}
	return m
}

type button struct {
	Type     int    `json:"type"`
	CustomID string `json:"custom_id"`
	Label    string `json:"label"`
	Emoji    *struct {
		Name string `json:"name"`
	} `json:"emoji"`
}

// buttons lists a message's buttons, row by row.
func buttons(t *testing.T, m *discordfake.Message) []button {
	t.Helper()
	var out []button
	for _, raw := range m.Components {
		var row struct {
			Components []button `json:"components"`
		}
		if err := json.Unmarshal(raw, &row); err != nil {
			t.Fatal(err)
		}
		out = append(out, row.Components...)
	}
	return out
}

func press(t *testing.T, fake *discordfake.Server, m *discordfake.Message, customID string) callbackBody {
	t.Helper()
	in := fake.NewComponent(discordfake.ComponentSpec{CustomID: customID, Message: m})
	fake.DispatchInteraction(in)
	return callback(t, fake, in)
}

func TestServe_answerButtonsAndFeedback(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	dir := t.TempDir()
	startServeIn(t, fake, dir, nil)

	m := waitAnswer(t, fake, askSlash(fake, "各方如何应对毒品威胁？", ""))
	bs := buttons(t, m)
	var show, up, down string
	for _, b := range bs {
		switch {
		case strings.HasPrefix(b.CustomID, "show:"):
			if show == "" {
				show = b.CustomID
			}
		case b.Emoji != nil && b.Emoji.Name == "👍":
			up = b.CustomID
		case b.Emoji != nil && b.Emoji.Name == "👎":
			down = b.CustomID
		}
	}
	if show == "" || up == "" || down == "" {
		t.Fatalf("buttons = %+v", bs)
	}

	// "Show" answers the presser only, with the clause word for word.
	got := press(t, fake, m, show)
	if got.Type != 4 || got.Data.Flags&64 == 0 || !strings.Contains(got.Data.Content, "共同应对毒品威胁，共筑打击麻醉药品") || !strings.Contains(got.Data.Content, "§1.10〕") {
		t.Errorf("show: %+v", got)
	}

	// A vote is stored with the question and the cited clauses: one per
	// user and answer, a change replacing it.
	if got := press(t, fake, m, down); got.Data.Flags&64 == 0 || !strings.Contains(got.Data.Content, "Recorded 👎") {
		t.Errorf("vote down: %+v", got)
	}
	if got := press(t, fake, m, down); !strings.Contains(got.Data.Content, "already recorded") {
		t.Errorf("repeated vote: %+v", got)
	}
	if got := press(t, fake, m, up); !strings.Contains(got.Data.Content, "Changed your vote on this answer to 👍") {
		t.Errorf("changed vote: %+v", got)
	}
	feedback := filepath.Join(dir, "data", "feedback.jsonl")
	f, err := os.Open(feedback)
	if err != nil {
		t.Fatal(err)
	}
	var votes []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("feedback line %q: %v", sc.Text(), err)
		}
		votes = append(votes, v)
	}
	f.Close()
	if len(votes) != 1 || votes[0]["vote"] != "up" || votes[0]["q"] != "各方如何应对毒品威胁？" ||
		fmt.Sprint(votes[0]["gold"]) != "[china-central-asia-fm-joint-statement-2022#1.10]" || votes[0]["user"] != discordfake.DefaultUserID {
		t.Errorf("feedback = %v", votes)
	}

	// The feedback file is a gold set for qabot eval: the 👍 answer is one
	// case.
	var out, errb syncBuffer
	code := run(context.Background(), []string{"eval", "--data", filepath.Join(dir, "data"), "--set", feedback, "--json"},
		serveEnv(dir, "", ""), strings.NewReader(""), &out, &errb)
	var metrics struct {
		Cases int     `json:"questions"`
		R1    float64 `json:"recall@1"`
	}
	if err := json.Unmarshal([]byte(out.String()), &metrics); code != 0 || err != nil || metrics.Cases != 1 || metrics.R1 != 1 {
		t.Errorf("eval over feedback: exit %d, %s %s", code, out.String(), errb.String())
	}

	// A vote on an answer the bot no longer has is refused, not stored.
	if got := press(t, fake, m, "vote:up:ffffffffffff"); !strings.Contains(got.Data.Content, "no longer have") {
		t.Errorf("stale vote: %+v", got)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestServe_tenQuestionsAtOnce(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	startServe(t, fake)
	questions := []string{
		"各方如何应对毒品威胁？", "首届中国—中亚经贸合作论坛是什么时候举行的？", "各方如何看待阿富汗问题？",
		"关于粮食安全各方同意什么？", "各方支持哪些倡议？", "能源合作方面有什么安排？",
		"各方如何评价中国—中亚合作？", "人文交流有哪些内容？", "下一次外长会晤在哪里举行？", "各方对新冠疫情持什么立场？",
	}
	var wg sync.WaitGroup
	ins := make([]*discordfake.Interaction, len(questions))
	for n, q := range questions {
		ins[n] = askSlash(fake, q, fmt.Sprint(3000+n))
	}
	for n, in := range ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cb := fake.WaitFor(t, discordfake.Matching("POST", "/interactions/"+in.ID+"/"+in.Token+"/callback"), serveWait)
			// Discord (and the fake) refuse an acknowledgement later than
			// three seconds; the bot defers before it does any work.
			if cb.Status != 204 {
				t.Errorf("question %d: acknowledgement refused (status %d)", n, cb.Status)
			}
			waitAnswer(t, fake, in)
		}()
	}
	wg.Wait()
}

func TestServe_streamsGeneratedAnswer(t *testing.T) {
	model := &fakeModel{}
	srv := httptest.NewServer(model)
	defer srv.Close()
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	errb, _ := startServeIn(t, fake, t.TempDir(), map[string]string{
		"QABOT_CHAT_URL": srv.URL + "/v1", "QABOT_CHAT_MODEL": "test-chat", "QABOT_API_KEY": modelKey,
	})
	in := fake.NewSlashCommand(discordfake.CommandSpec{
		Name:    "ask",
		Options: []discordfake.CommandOption{{Name: "question", Type: discordfake.OptionString, Value: "各方如何应对毒品威胁？"}},
	})
	original := discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original")
	// The model holds its last piece until the checked text so far has
	// been edited in.
	hold := func() { fake.WaitFor(t, original, serveWait) }
	model.beforeLast.Store(&hold)
	fake.DispatchInteraction(in)
	var edits []string
	for _, r := range fake.WaitForCount(t, original, 2, serveWait) {
		var body struct{ Content string }
		if err := r.Decode(&body); err != nil {
			t.Fatal(err)
		}
		edits = append(edits, body.Content)
	}
	// First the checked text so far, then the final answer: the
	// unsupported sentence and its unknown citation are gone.
	if !strings.HasSuffix(edits[0], "▌") || !strings.Contains(edits[0], "各方打击毒品犯罪") || strings.Contains(edits[0], "比特币") {
		t.Errorf("streamed edit %q", edits[0])
	}
	final := edits[1]
	if strings.HasSuffix(final, "▌") || !strings.Contains(final, "各方打击毒品犯罪。〔§1.10〕") || strings.Contains(final, "比特币") || strings.Contains(final, "§9.9") {
		t.Errorf("final answer %q", final)
	}
	if strings.Contains(errb.String(), modelKey) {
		t.Error("the API key is in the log")
	}
}
