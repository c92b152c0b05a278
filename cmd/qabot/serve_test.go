package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qabot/qabot/internal/discordfake"
)

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu   sync.Mutex
	b    bytes.Buffer
	wake chan struct{} // closed at the next write
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wake != nil {
		close(s.wake)
		s.wake = nil
	}
	return s.b.Write(p)
}

// waitFor waits until the buffer holds every one of parts on one line,
// failing t after serveWait, and returns that line.
func (s *syncBuffer) waitFor(t testing.TB, parts ...string) string {
	t.Helper()
	deadline := time.After(serveWait)
	for {
		s.mu.Lock()
		for _, line := range strings.Split(s.b.String(), "\n") {
			if containsAll(line, parts) {
				s.mu.Unlock()
				return line
			}
		}
		if s.wake == nil {
			s.wake = make(chan struct{})
		}
		w := s.wake
		s.mu.Unlock()
		select {
		case <-w:
		case <-deadline:
			t.Fatalf("no line with %q in:\n%s", parts, s.String())
		}
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func serveEnv(dir, token, base string) func(string) string {
	return func(k string) string {
		switch k {
		case "DISCORD_TOKEN":
			return token
		case "QABOT_DISCORD_URL":
			return base
		case "QABOT_DOCS":
			return filepath.Join(dir, "docs")
		}
		return ""
	}
}

const serveWait = 60 * time.Second

func TestServe_askAndSection(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	dir := t.TempDir()
	mustMkdir(t, filepath.Join(dir, "docs"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", filepath.Join(dir, "data")},
			serveEnv(dir, fake.Token(), fake.URL()), strings.NewReader(""), &out, &errb)
	}()

	reg := fake.WaitFor(t, discordfake.Matching("PUT", "/applications/*/commands"), serveWait)
	if reg.Status != http.StatusOK {
		t.Fatalf("command registration %s: status %d", reg, reg.Status)
	}
	if len(fake.Commands("")) != 5 {
		t.Errorf("registered %d commands", len(fake.Commands("")))
	}
	fake.WaitIdentified(t, serveWait)

	in := fake.NewSlashCommand(discordfake.CommandSpec{
		Name:    "ask",
		Options: []discordfake.CommandOption{{Name: "question", Type: discordfake.OptionString, Value: "各方如何应对毒品威胁？"}},
	})
	fake.DispatchInteraction(in)
	cb := fake.WaitFor(t, discordfake.Matching("POST", "/interactions/"+in.ID+"/"+in.Token+"/callback"), serveWait)
	var cbBody struct {
		Type int `json:"type"`
	}
	if err := cb.Decode(&cbBody); err != nil || cbBody.Type != 5 {
		t.Errorf("callback %s: type %d, err %v", cb, cbBody.Type, err)
	}
	edit := fake.WaitFor(t, discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original"), serveWait)
	var eb struct {
		Content         string                    `json:"content"`
		Embeds          []json.RawMessage         `json:"embeds"`
		AllowedMentions *struct{ Parse []string } `json:"allowed_mentions"`
	}
	if err := edit.Decode(&eb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(eb.Content, "〔§1.10〕") || len(eb.Embeds) != 1 {
		t.Errorf("edit %s", edit.Body)
	}
	if eb.AllowedMentions == nil || eb.AllowedMentions.Parse == nil || len(eb.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions in %s", edit.Body)
	}

	sec := fake.NewSlashCommand(discordfake.CommandSpec{
		Name:    "section",
		Options: []discordfake.CommandOption{{Name: "ref", Type: discordfake.OptionString, Value: "2.3"}},
	})
	fake.DispatchInteraction(sec)
	scb := fake.WaitFor(t, discordfake.Matching("POST", "/interactions/"+sec.ID+"/"+sec.Token+"/callback"), serveWait)
	var sb struct {
		Type int `json:"type"`
		Data struct {
			Content string `json:"content"`
		} `json:"data"`
	}
	if err := scb.Decode(&sb); err != nil || sb.Type != 4 || !strings.Contains(sb.Data.Content, "各方高度评价首届中国—中亚经贸合作论坛") {
		t.Errorf("section callback %s, err %v", scb.Body, err)
	}

	if !strings.Contains(errb.String(), "msg=ready") {
		t.Errorf("no ready log line in %q", errb.String())
	}
	for _, r := range fake.UnknownRequests() {
		t.Errorf("unknown route requested: %s", r)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exit %d: %s", code, errb.String())
		}
	case <-time.After(serveWait):
		t.Fatal("serve did not stop after cancel")
	}
}

func TestServe_badToken(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	dir := t.TempDir()
	const bad = "not-the-right-secret-token"
	var out, errb syncBuffer
	code := run(context.Background(), []string{"serve", "--data", filepath.Join(dir, "data")},
		serveEnv(dir, bad, fake.URL()), strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "token") || strings.Contains(errb.String()+out.String(), bad) {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func TestServe_missingToken(t *testing.T) {
	var out, errb syncBuffer
	code := run(context.Background(), []string{"serve"}, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "DISCORD_TOKEN is not set") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// startServe runs serve against fake until the test ends and waits until
// the commands are registered and the gateway session is identified.
func startServe(t *testing.T, fake *discordfake.Server) *syncBuffer {
	t.Helper()
	return startServeEnv(t, fake, nil)
}

// startServeEnv is startServe with extra environment variables.
func startServeEnv(t *testing.T, fake *discordfake.Server, extra map[string]string) *syncBuffer {
	t.Helper()
	errb, _ := startServeIn(t, fake, t.TempDir(), extra)
	return errb
}

// startServeIn runs serve with its data in dir/data and documents in
// dir/docs. stop cancels it and returns its exit code; the test's cleanup
// stops it too.
func startServeIn(t *testing.T, fake *discordfake.Server, dir string, extra map[string]string) (errb *syncBuffer, stop func() int) {
	t.Helper()
	mustMkdir(t, filepath.Join(dir, "docs"))
	base := serveEnv(dir, fake.Token(), fake.URL())
	getenv := func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		return base(k)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	errb = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", filepath.Join(dir, "data")},
			getenv, strings.NewReader(""), &out, errb)
	}()
	code, stopped := -1, false
	stop = func() int {
		if stopped {
			return code
		}
		stopped = true
		cancel()
		select {
		case code = <-done:
		case <-time.After(serveWait):
			t.Error("serve did not stop after cancel")
		}
		return code
	}
	t.Cleanup(func() { stop() })
	fake.WaitFor(t, func(r discordfake.Request) bool {
		return r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands") // global or guild
	}, serveWait)
	fake.WaitIdentified(t, serveWait)
	return errb, stop
}

type sentMessage struct {
	Content         string            `json:"content"`
	Embeds          []json.RawMessage `json:"embeds"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
}

func TestServe_mention(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	startServe(t, fake)
	botUser := fake.BotUser()

	// A message without a mention of the bot is ignored.
	plain := fake.NewMessage(discordfake.MessageSpec{Content: "各方如何应对毒品威胁？"})
	fake.DispatchMessageCreate(plain)

	q := fake.NewMessage(discordfake.MessageSpec{Content: "<@" + botUser.ID + "> 各方如何应对毒品威胁？", Mentions: []discordfake.User{botUser}})
	fake.DispatchMessageCreate(q)
	start := fake.WaitFor(t, discordfake.Matching("POST", "/channels/"+discordfake.DefaultChannelID+"/messages/"+q.ID+"/threads"), serveWait)
	var tb struct {
		Name string `json:"name"`
	}
	if err := start.Decode(&tb); err != nil || tb.Name != "Q: 各方如何应对毒品威胁？" {
		t.Errorf("thread start %s", start.Body)
	}
	send := fake.WaitFor(t, discordfake.Matching("POST", "/channels/"+q.ID+"/messages"), serveWait)
	var sb sentMessage
	if err := send.Decode(&sb); err != nil || !strings.Contains(sb.Content, "〔§1.10〕") || len(sb.Embeds) != 1 {
		t.Errorf("reply in thread %s (err %v)", send.Body, err)
	}
	if c, ok := fake.Channel(q.ID); !ok || c.Type != discordfake.ChannelPublicThread {
		t.Errorf("thread channel %+v %v", c, ok)
	}

	// A message in the thread is a follow-up, answered in the thread.
	fu := fake.NewMessage(discordfake.MessageSpec{Place: discordfake.Place{ChannelID: q.ID}, Content: "打击毒品"})
	fake.DispatchMessageCreate(fu)
	waitMessages(t, fake, q.ID, 2)

	// @everyone in a question is never pinged.
	ev := fake.NewMessage(discordfake.MessageSpec{Content: "@everyone <@!" + botUser.ID + "> 各方如何应对毒品威胁？", Mentions: []discordfake.User{botUser}, MentionEveryone: true})
	fake.DispatchMessageCreate(ev)
	evSend := fake.WaitFor(t, discordfake.Matching("POST", "/channels/"+ev.ID+"/messages"), serveWait)
	var es sentMessage
	if err := evSend.Decode(&es); err != nil || es.AllowedMentions == nil || es.AllowedMentions.Parse == nil || len(es.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions in %s (err %v)", evSend.Body, err)
	}

	if _, ok := fake.Channel(plain.ID); ok {
		t.Errorf("a thread was started on a message without a mention")
	}
	if ms := fake.ChannelMessages(discordfake.DefaultChannelID); len(ms) != 0 {
		t.Errorf("bot posted in the channel itself: %+v", ms)
	}
	for _, r := range fake.UnknownRequests() {
		t.Errorf("unknown route requested: %s", r)
	}
}

func waitMessages(t *testing.T, fake *discordfake.Server, channelID string, n int) []discordfake.Message {
	t.Helper()
	fake.WaitForCount(t, discordfake.Matching("POST", "/channels/"+channelID+"/messages"), n, serveWait)
	return fake.ChannelMessages(channelID)
}

// callback waits for the response to a dispatched interaction and decodes
// it.
func callback(t *testing.T, fake *discordfake.Server, in *discordfake.Interaction) callbackBody {
	t.Helper()
	cb := fake.WaitFor(t, discordfake.Matching("POST", "/interactions/"+in.ID+"/"+in.Token+"/callback"), serveWait)
	var body callbackBody
	if err := cb.Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body
}

type callbackBody struct {
	Type int `json:"type"`
	Data struct {
		Content string `json:"content"`
		Flags   int    `json:"flags"`
	} `json:"data"`
}
