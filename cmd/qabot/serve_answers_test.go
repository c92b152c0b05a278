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
	"time"
	"unicode/utf8"

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
	if got.Type != 4 || got.Data.Flags&64 == 0 || !strings.Contains(got.Data.Content, "共同应对毒品威胁，共筑打击麻醉药品") || !strings.Contains(got.Data.Content, "〔一.10〕") {
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

func TestServe_longAnswerSplit(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "docs", "long.txt"), longDoc())
	startServeIn(t, fake, dir, nil)

	in := askSlash(fake, "长文测试框架下如何合作？", "")
	first := waitAnswer(t, fake, in)
	// The last part carries the sources and the buttons.
	var parts []discordfake.Message
	deadline := time.Now().Add(serveWait)
	for {
		parts = append([]discordfake.Message{*first}, fake.Followups(in.ID)...)
		if len(parts[len(parts)-1].Embeds) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(parts) < 3 {
		t.Fatalf("a long answer came in %d message(s)", len(parts))
	}
	var all strings.Builder
	for n, p := range parts {
		if c := utf8.RuneCountInString(p.Content); c > 2000 || c == 0 {
			t.Errorf("part %d: %d characters", n, c)
		}
		if strings.Count(p.Content, "〔") != strings.Count(p.Content, "〕") {
			t.Errorf("part %d breaks a citation", n)
		}
		if n < len(parts)-1 && (len(p.Embeds) > 0 || len(p.Components) > 0) {
			t.Errorf("part %d has sources or buttons", n)
		}
		all.WriteString(p.Content)
	}
	text := all.String()
	if utf8.RuneCountInString(text) < 5000 {
		t.Errorf("the parts hold %d characters", utf8.RuneCountInString(text))
	}
	for _, c := range []string{"〔长文测试文件 §1〕", "〔长文测试文件 §2〕", "〔长文测试文件 §3〕"} { // several documents: the tag names it
		if strings.Count(text, c) != 1 {
			t.Errorf("%s appears %d times", c, strings.Count(text, c))
		}
	}
	for _, r := range fake.UnknownRequests() {
		t.Errorf("unknown route requested: %s", r)
	}
}

// longDoc is a document whose answer runs over 5,000 characters: three
// clauses of one long sentence each.
func longDoc() string {
	// Three clauses, one long sentence each, alike but not word for word
	// (the same words are quoted once).
	body := func(n string) string {
		return "关于长文测试的第" + n + "项规定：" + strings.Repeat("各方同意在长文测试框架下加强合作，", 100) + "共同推进。"
	}
	return "长文测试文件\n\n一、" + body("一") + "\n\n二、" + body("二") + "\n\n三、" + body("三") + "\n"
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

func TestServe_resumeAfterDisconnect(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	startServe(t, fake)
	fake.DropConnection()
	fake.WaitResumes(t, 1, serveWait)
	m := waitAnswer(t, fake, askSlash(fake, "各方如何应对毒品威胁？", ""))
	if !strings.Contains(m.Content, "〔§1.10〕") {
		t.Errorf("answer after resume: %q", m.Content)
	}
	if fake.Identifies() != 1 {
		t.Errorf("identified %d times; a resume should not re-identify", fake.Identifies())
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
	model := &fakeModel{delay: 1200 * time.Millisecond}
	srv := httptest.NewServer(model)
	defer srv.Close()
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	errb, _ := startServeIn(t, fake, t.TempDir(), map[string]string{
		"QABOT_CHAT_URL": srv.URL + "/v1", "QABOT_CHAT_MODEL": "test-chat", "QABOT_API_KEY": modelKey,
	})
	in := askSlash(fake, "各方如何应对毒品威胁？", "")
	// The final edit is the checked answer: the unsupported sentence and
	// its unknown citation are gone.
	deadline := time.Now().Add(serveWait)
	var edits []string
	var times []time.Time
	for {
		edits, times = edits[:0], times[:0]
		for _, r := range fake.Filter(discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original")) {
			var body struct{ Content string }
			if err := r.Decode(&body); err != nil {
				t.Fatal(err)
			}
			edits, times = append(edits, body.Content), append(times, r.Time)
		}
		if n := len(edits); n > 0 && !strings.HasSuffix(edits[n-1], "▌") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no final edit; edits %q", edits)
		}
		time.Sleep(50 * time.Millisecond)
	}
	final := edits[len(edits)-1]
	if !strings.Contains(final, "各方打击毒品犯罪。〔§1.10〕") || strings.Contains(final, "比特币") || strings.Contains(final, "§9.9") {
		t.Errorf("final answer %q", final)
	}
	// Before it, the text streamed in as it was generated.
	if len(edits) < 2 || !strings.HasSuffix(edits[0], "▌") || !strings.Contains(edits[0], "各方打击毒品犯罪") {
		t.Errorf("streamed edits %q", edits)
	}
	// Streamed edits come at most about once a second.
	for n := 1; n < len(edits)-1; n++ {
		if gap := times[n].Sub(times[n-1]); gap < 900*time.Millisecond {
			t.Errorf("streamed edits %d and %d only %s apart", n-1, n, gap)
		}
	}
	if strings.Contains(errb.String(), modelKey) {
		t.Error("the API key is in the log")
	}
}

func TestServe_followUpAfterRestart(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	dir := t.TempDir()
	_, stop := startServeIn(t, fake, dir, nil)
	botUser := fake.BotUser()
	q := fake.NewMessage(discordfake.MessageSpec{Content: "<@" + botUser.ID + "> 首届中国—中亚经贸合作论坛是什么时候举行的？", Mentions: []discordfake.User{botUser}})
	fake.DispatchMessageCreate(q)
	waitMessages(t, fake, q.ID, 1)
	if code := stop(); code != 0 {
		t.Fatalf("serve exit %d", code)
	}

	// A new process knows nothing of the thread; it finds the question from
	// Discord: the thread it owns has the id of the question's message.
	startServeIn(t, fake, dir, nil)
	fu := fake.NewMessage(discordfake.MessageSpec{Place: discordfake.Place{ChannelID: q.ID}, Content: "那第二个论坛是什么时间？"})
	fake.DispatchMessageCreate(fu)
	ms := waitMessages(t, fake, q.ID, 2)
	if !strings.Contains(ms[1].Content, "〔§2.3〕") {
		t.Errorf("follow-up after a restart: %q", ms[1].Content)
	}
	// A message in an ordinary channel is still ignored.
	plain := fake.NewMessage(discordfake.MessageSpec{Content: "各方如何应对毒品威胁？"})
	fake.DispatchMessageCreate(plain)
	time.Sleep(300 * time.Millisecond)
	if n := len(fake.ChannelMessages(discordfake.DefaultChannelID)); n != 0 {
		t.Errorf("%d bot message(s) in the channel", n)
	}
	for _, r := range fake.UnknownRequests() {
		t.Errorf("unknown route requested: %s", r)
	}
}
