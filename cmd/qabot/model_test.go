package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/llm"
)

const modelKey = "sk-cmd-test-KEY-987654321"

// fakeModel is an OpenAI-compatible endpoint: embeddings hash characters
// into 16 dimensions; chat answers citing the first clause of the prompt
// and a label that was not retrieved, streamed.
type fakeModel struct {
	embeds, chats atomic.Int32
	chatStatus    int                    // when not 0, chat answers with this status
	beforeLast    atomic.Pointer[func()] // when set, called before the last streamed piece
	embedHang     atomic.Bool            // embeddings requests hang until the client gives up
}

var promptLabel = regexp.MustCompile(`<clause label="([^"]+)">`)

func (f *fakeModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+modelKey {
		http.Error(w, `{"error":{"message":"bad key"}}`, 401)
		return
	}
	switch r.URL.Path {
	case "/v1/embeddings":
		f.embeds.Add(1)
		if f.embedHang.Load() {
			io.Copy(io.Discard, r.Body) // so that the server sees the client go
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		var req struct {
			Input []string `json:"input"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		var data []map[string]any
		for i, t := range req.Input {
			v := make([]float32, 16)
			for _, c := range t {
				h := fnv.New32a()
				fmt.Fprint(h, string(c))
				v[h.Sum32()%16]++
			}
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
		}
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
	case "/v1/chat/completions":
		f.chats.Add(1)
		if f.chatStatus != 0 {
			http.Error(w, `{"error":{"message":"try later"}}`, f.chatStatus)
			return
		}
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		m := promptLabel.FindStringSubmatch(req.Messages[len(req.Messages)-1].Content)
		reply := "没有。"
		if m != nil {
			reply = "各方打击毒品犯罪。〔" + m[1] + "〕比特币会涨。〔§9.9〕"
		}
		w.Header().Set("Content-Type", "text/event-stream")
		pieces := strings.SplitAfter(reply, "。")
		for n, piece := range pieces {
			if hook := f.beforeLast.Load(); hook != nil && n == len(pieces)-1 {
				(*hook)()
			}
			b, _ := json.Marshal(map[string]any{"choices": []map[string]any{{"index": 0, "delta": map[string]string{"content": piece}}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	default:
		http.NotFound(w, r)
	}
}

func runWithEnv(t *testing.T, dir string, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	mustMkdir(t, filepath.Join(dir, "docs"))
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		switch k {
		case "QABOT_DATA":
			return filepath.Join(dir, "data")
		case "QABOT_DOCS":
			return filepath.Join(dir, "docs")
		}
		return vars[k]
	}
	code := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

type askJSON struct {
	Answer    string `json:"answer"`
	Found     bool   `json:"found"`
	Mode      string `json:"mode"`
	Notice    string `json:"notice"`
	Degraded  string `json:"degraded"`
	Citations []struct {
		Section, Tag string
	} `json:"citations"`
	Check *struct {
		Kept             []string `json:"kept"`
		Dropped          []string `json:"dropped"`
		DroppedSentences []string `json:"dropped_sentences"`
		Fallback         string   `json:"fallback"`
	} `json:"check"`
}

func TestRun_askWithModelEndpoint(t *testing.T) {
	f := &fakeModel{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	dir := t.TempDir()
	vars := map[string]string{
		"QABOT_EMBED_URL": srv.URL + "/v1", "QABOT_EMBED_MODEL": "fake-embed",
		"QABOT_CHAT_URL": srv.URL + "/v1", "QABOT_CHAT_MODEL": "fake-chat",
		"OPENAI_API_KEY": modelKey, "QABOT_MODEL_TIMEOUT": "10s", "QABOT_MODEL_CONCURRENCY": "2",
	}
	code, out, errOut := runWithEnv(t, dir, vars, "ask", "--json", "各方如何应对毒品威胁？")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ans askJSON
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("ask --json printed %q: %v", out, err)
	}
	if ans.Mode != "generated" || !ans.Found || ans.Check == nil || len(ans.Check.Kept) != 1 ||
		strings.Join(ans.Check.Dropped, ",") != "§9.9" || strings.Contains(ans.Answer, "比特币") ||
		len(ans.Citations) != 1 || "〔"+ans.Citations[0].Tag+"〕" != ans.Answer[strings.LastIndex(ans.Answer, "〔"):] {
		t.Errorf("answer %s", out)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	man, err := index.NewStore(filepath.Join(dir, "data", "index")).LoadManifest()
	if err != nil || man.Embedder != "openai@"+host+"/fake-embed/16" {
		t.Errorf("index embedder %q (%v)", man.Embedder, err)
	}
	if strings.Contains(out+errOut, modelKey) {
		t.Error("the API key was printed")
	}

	// Second ask: the index is reused, the dimensions come from it (no
	// probe), and only the question is embedded.
	f.embeds.Store(0)
	code, _, errOut = runWithEnv(t, dir, vars, "ask", "各方如何应对毒品威胁？")
	if code != 0 || strings.Contains(errOut, "built") || f.embeds.Load() != 1 {
		t.Errorf("second ask: exit %d, stderr %q, %d embedding requests; want the index reused and one request", code, errOut, f.embeds.Load())
	}

	// Without the model settings, or with another model, ask uses the index
	// as it is (words only, with a notice): it never re-embeds it, and the
	// endpoint's index is still there for the next ask with the endpoint.
	for _, model := range []string{"", "fake-embed-2"} {
		v := map[string]string{}
		for k, x := range vars {
			v[k] = x
		}
		if model == "" {
			delete(v, "QABOT_EMBED_URL")
			delete(v, "QABOT_EMBED_MODEL")
		} else {
			v["QABOT_EMBED_MODEL"] = model
		}
		f.embeds.Store(0)
		code, _, errOut = runWithEnv(t, dir, v, "ask", "各方如何应对毒品威胁？")
		if code != 0 || strings.Contains(errOut, "built the index") || !strings.Contains(errOut, "words only") || f.embeds.Load() > 1 {
			t.Errorf("ask with embed model %q: exit %d, stderr %q, %d embedding requests; want the index used as it is", model, code, errOut, f.embeds.Load())
		}
	}
	f.embeds.Store(0)
	code, _, errOut = runWithEnv(t, dir, vars, "ask", "各方如何应对毒品威胁？")
	if code != 0 || strings.Contains(errOut, "built") || f.embeds.Load() != 1 {
		t.Errorf("ask with the endpoint again: exit %d, stderr %q, %d embedding requests; want the kept index and one request", code, errOut, f.embeds.Load())
	}
	// qabot index rebuilds for another model, not mixing vectors.
	vars["QABOT_EMBED_MODEL"] = "fake-embed-2"
	code, _, errOut = runWithEnv(t, dir, vars, "index")
	man, err = index.NewStore(filepath.Join(dir, "data", "index")).LoadManifest()
	if code != 0 || err != nil || man.Embedder != "openai@"+host+"/fake-embed-2/16" {
		t.Errorf("index with another model: exit %d, stderr %q, embedder %q (%v); want a rebuild", code, errOut, man.Embedder, err)
	}

	// Chat failing: the extractive answer, with a one-line notice.
	f.chatStatus = 500
	code, out, errOut = runWithEnv(t, dir, vars, "ask", "--json", "各方如何应对毒品威胁？")
	ans = askJSON{}
	if err := json.Unmarshal([]byte(out), &ans); code != 0 || err != nil {
		t.Fatalf("exit %d, %v: %s", code, err, errOut)
	}
	if ans.Mode != "extractive" || !ans.Found || ans.Notice == "" || !strings.Contains(ans.Degraded, "HTTP 500") || !strings.Contains(ans.Degraded, host) ||
		ans.Check == nil || ans.Check.Fallback != "model error" || strings.Contains(out, modelKey) {
		t.Errorf("chat failure: %s", out)
	}
}

func TestRun_modelEnvErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"QABOT_EMBED_URL": "http://127.0.0.1:1/v1"}, "QABOT_EMBED_MODEL"},
		{map[string]string{"QABOT_CHAT_URL": "http://127.0.0.1:1/v1"}, "QABOT_CHAT_MODEL"},
		{map[string]string{"QABOT_MODEL_TIMEOUT": "soon"}, "QABOT_MODEL_TIMEOUT"},
		{map[string]string{"QABOT_MODEL_CONCURRENCY": "0"}, "QABOT_MODEL_CONCURRENCY"},
		{map[string]string{"QABOT_API_TYPE": "vertex"}, "QABOT_API_TYPE"},
		{map[string]string{"QABOT_API_TYPE": "azure", "QABOT_CHAT_MODEL": "gpt-4o"}, "resource endpoint"},
		{map[string]string{"QABOT_EMBED_URL": "http://127.0.0.1:1/v1", "QABOT_EMBED_MODEL": "m", "QABOT_API_KEY": modelKey, "QABOT_MODEL_TIMEOUT": "2s"}, "127.0.0.1:1"},
	} {
		code, _, errOut := runWithEnv(t, dir, tc.vars, "ask", "毒品")
		if code != 1 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, modelKey) {
			t.Errorf("%v: exit %d, stderr %q; want 1 naming %s", tc.vars, code, errOut, tc.want)
		}
	}
}

func TestRun_indexBatchesEmbeddings(t *testing.T) {
	f := &fakeModel{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	dir := t.TempDir()
	vars := map[string]string{
		"QABOT_EMBED_URL": srv.URL + "/v1", "QABOT_EMBED_MODEL": "fake-embed", "QABOT_API_KEY": modelKey,
		"QABOT_EMBED_BATCH": "10",
	}
	code, out, errOut := runWithEnv(t, dir, vars, "index", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Clauses struct{ Embedded int } `json:"clauses"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Clauses.Embedded != 43 {
		t.Fatalf("index --json %q (%v)", out, err)
	}
	if n := f.embeds.Load(); n != 1+5 { // the dimension probe, then ceil(43/10)
		t.Errorf("%d embedding requests, want 1 + 5", n)
	}
	if f.chats.Load() != 0 {
		t.Error("indexing asked the chat endpoint")
	}
}

// TestRun_questionEmbeddingHasItsOwnBudget: a hung embedding endpoint delays
// an answer by the question budget (one retry), not the indexing one.
func TestRun_questionEmbeddingHasItsOwnBudget(t *testing.T) {
	f := &fakeModel{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	dir := t.TempDir()
	vars := map[string]string{"QABOT_EMBED_URL": srv.URL + "/v1", "QABOT_EMBED_MODEL": "fake-embed", "QABOT_API_KEY": modelKey}
	if code, _, errOut := runWithEnv(t, dir, vars, "index"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	f.embeds.Store(0)
	f.embedHang.Store(true)
	vars["QABOT_MODEL_TIMEOUT"] = "200ms"
	code, out, errOut := runWithEnv(t, dir, vars, "ask", "--json", "各方如何应对毒品威胁？")
	var ans askJSON
	if err := json.Unmarshal([]byte(out), &ans); code != 0 || err != nil {
		t.Fatalf("exit %d, %v: %s", code, err, errOut)
	}
	if !ans.Found || ans.Degraded == "" || !strings.Contains(ans.Degraded, "timed out") {
		t.Errorf("answer %s; want the words-only answer saying the endpoint timed out", out)
	}
	// The question's budget, not the indexing one (4 retries): the
	// request count says which, whatever the machine's speed.
	if n := f.embeds.Load(); n != 1+questionRetries {
		t.Errorf("%d embedding requests for the question, want %d", n, 1+questionRetries)
	}
}

func TestQuestionConfig_sameIdentitySmallBudget(t *testing.T) {
	m := modelEnv{Timeout: 2 * time.Minute}
	ec := llm.EmbedConfig{Config: m.config("http://h:1/v1", "bge-m3"), BatchSize: 32}
	qc := m.questionConfig(ec, 1024)
	if qc.Host() != ec.Host() || qc.Model != ec.Model || qc.Dims != 1024 || qc.APIKey != ec.APIKey {
		t.Errorf("question config %+v is not the same embedder as %+v", qc, ec)
	}
	if qc.Timeout != questionTimeout || qc.Retries != questionRetries || qc.MaxDelay != questionMaxDelay {
		t.Errorf("question budget %s × %d", qc.Timeout, qc.Retries)
	}
	if qc := (modelEnv{Timeout: time.Second}).questionConfig(ec, 1); qc.Timeout != time.Second {
		t.Errorf("a shorter QABOT_MODEL_TIMEOUT is not used for questions: %s", qc.Timeout)
	}
}
