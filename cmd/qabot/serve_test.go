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
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
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
	fake := discordfake.New(t)
	dir := t.TempDir()
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
	if len(fake.Commands("")) != 2 {
		t.Errorf("registered commands = %+v", fake.Commands(""))
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
	fake := discordfake.New(t)
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
