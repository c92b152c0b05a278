package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/retrieval"
	"github.com/qabot/qabot/seeds"
)

// fakeChat is an OpenAI-compatible streaming /v1/chat/completions
// endpoint: reply(user message) is sent in pieces of a few characters.
type fakeChat struct {
	reply    func(user string) string
	fail     func(n int, w http.ResponseWriter) bool
	pause    time.Duration // between pieces
	requests atomic.Int32
	lastReq  atomic.Pointer[chatReq]
}

type chatReq struct {
	Model     string `json:"model"`
	Stream    bool   `json:"stream"`
	MaxTokens int    `json:"max_tokens"`
	Messages  []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	auth string
}

func (f *fakeChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(f.requests.Add(1))
	if r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	var req chatReq
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	req.auth = r.Header.Get("Authorization")
	f.lastReq.Store(&req)
	if f.fail != nil && f.fail(n, w) {
		return
	}
	user := req.Messages[len(req.Messages)-1].Content
	text := []rune(f.reply(user))
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	for i := 0; i < len(text); i += 4 {
		chunk := map[string]any{
			"id": "c1", "object": "chat.completion.chunk", "model": req.Model,
			"choices": []map[string]any{{"index": 0, "delta": map[string]string{"content": string(text[i:min(i+4, len(text))])}}},
		}
		b, _ := json.Marshal(chunk)
		fmt.Fprintf(w, "data: %s\n\n", b)
		fl.Flush()
		select {
		case <-time.After(f.pause):
		case <-r.Context().Done():
			return
		}
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	fl.Flush()
}

func newChat(t *testing.T, f *fakeChat, mod func(*Config)) *Generator {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := fastConfig(srv.URL)
	cfg.Model = "test-chat"
	if mod != nil {
		mod(&cfg)
	}
	g, err := NewGenerator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGenerator_streams(t *testing.T) {
	f := &fakeChat{reply: func(string) string { return "论坛于2022年1月17日举行。〔§2.3〕" }}
	g := newChat(t, f, nil)
	var deltas []string
	text, err := g.Generate(context.Background(), []retrieval.Message{{Role: "system", Content: "rules"}, {Role: "user", Content: "q"}},
		func(d string) { deltas = append(deltas, d) })
	if err != nil {
		t.Fatal(err)
	}
	if text != "论坛于2022年1月17日举行。〔§2.3〕" || len(deltas) < 3 || strings.Join(deltas, "") != text {
		t.Errorf("text %q from deltas %q", text, deltas)
	}
	req := f.lastReq.Load()
	if !req.Stream || req.Model != "test-chat" || len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.auth != "Bearer "+testKey {
		t.Errorf("request %+v", req)
	}
}

// TestGenerator_maxTokens: every chat request bounds the answer's length,
// by default and as configured.
func TestGenerator_maxTokens(t *testing.T) {
	for cfg, want := range map[int]int{0: DefaultMaxTokens, 300: 300} {
		f := &fakeChat{reply: func(string) string { return "好。" }}
		g := newChat(t, f, func(c *Config) { c.MaxTokens = cfg })
		if _, err := g.Generate(context.Background(), []retrieval.Message{{Role: "user", Content: "q"}}, nil); err != nil {
			t.Fatal(err)
		}
		if got := f.lastReq.Load().MaxTokens; got != want {
			t.Errorf("MaxTokens %d: request carried max_tokens %d, want %d", cfg, got, want)
		}
	}
}

func TestGenerator_retries500BeforeAnyText(t *testing.T) {
	f := &fakeChat{reply: func(string) string { return "好。" }, fail: func(n int, w http.ResponseWriter) bool {
		if n == 1 {
			http.Error(w, `{"error":{"message":"boom"}}`, 500)
			return true
		}
		return false
	}}
	g := newChat(t, f, nil)
	text, err := g.Generate(context.Background(), []retrieval.Message{{Role: "user", Content: "q"}}, nil)
	if err != nil || text != "好。" || f.requests.Load() != 2 {
		t.Errorf("text %q, err %v after %d requests", text, err, f.requests.Load())
	}
}

func TestGenerator_timeout(t *testing.T) {
	f := &fakeChat{reply: func(string) string { return strings.Repeat("慢", 40) }, pause: 50 * time.Millisecond}
	g := newChat(t, f, func(c *Config) { c.Timeout = 150 * time.Millisecond })
	var got string
	_, err := g.Generate(context.Background(), []retrieval.Message{{Role: "user", Content: "q"}}, func(d string) { got += d })
	var e *Error
	if !errors.As(err, &e) || !e.Timeout() || f.requests.Load() != 1 || got == "" {
		t.Errorf("err %v after %d requests, partial %q; want a timeout, not retried once text was shown", err, f.requests.Load(), got)
	}
}

// seedEngine indexes the shipped statement with emb.
func seedEngine(t *testing.T, emb index.Embedder) *retrieval.Engine {
	t.Helper()
	src, err := index.ListSources("", seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	snap, _, err := index.Build(context.Background(), nil, src, index.BuildOptions{Embedder: emb, BatchSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	return retrieval.NewEngine(snap, emb)
}

const forumQ = "首届中国—中亚经贸合作论坛是什么时候举行的？"

func TestAskWith_chat429and500FallBackToExtractive(t *testing.T) {
	e := seedEngine(t, index.LocalEmbedder())
	for _, code := range []int{429, 500} {
		f := &fakeChat{reply: func(string) string { return "x" }, fail: func(n int, w http.ResponseWriter) bool {
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"error":{"message":"busy, key `+testKey+`"}}`, code)
			return true
		}}
		g := newChat(t, f, func(c *Config) { c.Retries = 1 })
		ans, err := e.AskWith(context.Background(), forumQ, 3, g, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Mode != retrieval.ModeExtractive || !ans.Found || ans.Citations[0].Section != "2.3" ||
			ans.Notice == "" || !strings.Contains(ans.Degraded, fmt.Sprint(code)) || strings.Contains(ans.Degraded, testKey) || ans.Check.Fallback != retrieval.FallbackModelError {
			t.Errorf("HTTP %d: answer %+v", code, ans)
		}
	}
}

// conceptVec embeds by concept, across languages: the English and Chinese
// names of the economic and trade forum map to the same axis.
func conceptVec(s string) []float32 {
	v := []float32{0, 0, 0, 0.05}
	low := strings.ToLower(s)
	if strings.Contains(s, "经贸合作论坛") || strings.Contains(low, "economic and trade cooperation forum") {
		v[0] = 1
	}
	if strings.Contains(s, "毒品") || strings.Contains(low, "drug") {
		v[1] = 1
	}
	return v
}

func TestEnglishQuestionRetrievesChineseClauseThroughEmbeddings(t *testing.T) {
	fe := &fakeEmbeddings{vec: conceptVec}
	srv := newEmbedServer(t, fe)
	emb, err := NewEmbedder(context.Background(), EmbedConfig{Config: fastConfig(srv.URL), BatchSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	e := seedEngine(t, emb)
	if n := fe.requests.Load(); n != 1+3 { // probe + ceil(43/16)
		t.Errorf("%d embedding requests for 43 clauses in batches of 16, want 1 probe + 3", n)
	}
	q := "When was the first China–Central Asia economic and trade cooperation forum held?"
	hits, err := e.Search(context.Background(), q, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].Clause.ID != "2.3" {
		t.Fatalf("hits %v, want §2.3 first", hits)
	}
	f := &fakeChat{reply: func(user string) string {
		if !strings.Contains(user, `<clause label="§2.3">`) {
			return "The documents do not say."
		}
		return "The first China–Central Asia economic and trade cooperation forum was held on 17 January 2022〔§2.3〕. " +
			"Bitcoin will rise [§9.9]. It was held with the Tashkent forum [§2.3]."
	}}
	g := newChat(t, f, nil)
	var partials []string
	ans, err := e.AskWith(context.Background(), q, 3, g, func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatal(err)
	}
	// Streamed: checked text only, never the unknown label or its claim.
	if len(partials) == 0 {
		t.Error("no partial answer streamed")
	}
	for i, p := range partials {
		if !strings.HasPrefix(ans.Text, p) || strings.Contains(p, "Bitcoin") || strings.Contains(p, "9.9") {
			t.Errorf("partial %d %q is not checked text of the answer %q", i, p, ans.Text)
		}
	}
	if strings.Contains(ans.Text, "Bitcoin") || !strings.HasSuffix(ans.Text, "Tashkent forum 〔§2.3〕.") {
		t.Errorf("answer %q", ans.Text)
	}
	if ans.Mode != retrieval.ModeGenerated || len(ans.Citations) != 1 || ans.Citations[0].Section != "2.3" || !strings.Contains(ans.Text, "17 January 2022〔§2.3〕") {
		t.Errorf("answer %+v", ans)
	}
	// The extractive answer names the Chinese terms it searched for (the
	// cross-language notice is for questions where nothing matched).
	if ext, err := e.Ask(context.Background(), q, 3); err != nil || !ext.Found || len(ext.Searched) == 0 {
		t.Errorf("extractive answer with an embedding endpoint: %+v, %v", ext, err)
	}
	sys := f.lastReq.Load().Messages[0].Content
	if !strings.Contains(sys, "Answer in English") {
		t.Errorf("system prompt does not ask for English: %s", sys)
	}
}

func TestGenerator_noKeyNoAuthorization(t *testing.T) {
	f := &fakeChat{reply: func(string) string { return "好。" }}
	g := newChat(t, f, func(c *Config) { c.APIKey = "" })
	if _, err := g.Generate(context.Background(), []retrieval.Message{{Role: "user", Content: "q"}}, nil); err != nil {
		t.Fatal(err)
	}
	if a := f.lastReq.Load().auth; a != "" && a != "Bearer" && a != "Bearer " {
		t.Errorf("Authorization %q sent without a key", a)
	}
}
