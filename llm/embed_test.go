package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testKey = "sk-test-SECRET-0123456789"

// fakeEmbeddings is an OpenAI-compatible /v1/embeddings endpoint: vec maps a
// text to its vector; fail, when set, may answer a request instead.
type fakeEmbeddings struct {
	vec      func(string) []float32
	fail     func(n int, w http.ResponseWriter) bool // n: 1-based request number
	requests atomic.Int32
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	mu       sync.Mutex
	batches  [][]string
	auth     []string
	delay    time.Duration
}

func (f *fakeEmbeddings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(f.requests.Add(1))
	cur := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxSeen.Load()
		if cur <= m || f.maxSeen.CompareAndSwap(m, cur) {
			break
		}
	}
	if r.URL.Path != "/v1/embeddings" {
		http.NotFound(w, r)
		return
	}
	var req struct {
		Input []string `json:"input"`
		Model string   `json:"model"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	f.mu.Lock()
	f.batches = append(f.batches, req.Input)
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	f.mu.Unlock()
	time.Sleep(f.delay)
	if f.fail != nil && f.fail(n, w) {
		return
	}
	type item struct {
		Object    string    `json:"object"`
		Embedding []float32 `json:"embedding"`
		Index     int       `json:"index"`
	}
	resp := struct {
		Object string `json:"object"`
		Data   []item `json:"data"`
		Model  string `json:"model"`
	}{Object: "list", Model: req.Model}
	// Answer out of order: the index field says which text each is.
	for i := len(req.Input) - 1; i >= 0; i-- {
		resp.Data = append(resp.Data, item{"embedding", f.vec(req.Input[i]), i})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// lenVec embeds a text as [len, 1, 0].
func lenVec(s string) []float32 { return []float32{float32(len([]rune(s))), 1, 0} }

func newEmbedServer(t *testing.T, f *fakeEmbeddings) *httptest.Server {
	t.Helper()
	if f.vec == nil {
		f.vec = lenVec
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv
}

func fastConfig(url string) Config {
	return Config{BaseURL: url + "/v1", APIKey: testKey, Model: "test-embed", BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond, Timeout: 5 * time.Second}
}

func TestEmbedder_batchesAndBoundsConcurrency(t *testing.T) {
	f := &fakeEmbeddings{delay: 20 * time.Millisecond}
	srv := newEmbedServer(t, f)
	cfg := fastConfig(srv.URL)
	cfg.Concurrency = 2
	emb, err := NewEmbedder(context.Background(), EmbedConfig{Config: cfg, BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if emb.Dims != 3 || f.requests.Load() != 1 {
		t.Fatalf("dims %d after %d requests; want 3 learned from one request", emb.Dims, f.requests.Load())
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	if emb.Provider != "openai" || emb.Host != host || emb.Model != "test-embed" || emb.ID() != "openai@"+host+"/test-embed/3" {
		t.Errorf("embedder identity %+v / %q", emb.EmbedderID, emb.ID())
	}
	f.requests.Store(0)
	texts := make([]string, 10)
	for i := range texts {
		texts[i] = strings.Repeat("字", i+1)
	}
	vecs, err := emb.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.requests.Load(); got != 3 { // ceil(10/4)
		t.Errorf("%d requests for 10 texts in batches of 4, want 3", got)
	}
	if m := f.maxSeen.Load(); m > 2 {
		t.Errorf("%d requests in flight, want at most 2", m)
	}
	for i, v := range vecs {
		want := lenVec(texts[i])
		n := math.Sqrt(float64(want[0]*want[0] + 1))
		if math.Abs(float64(v[0])-float64(want[0])/n) > 1e-5 || math.Abs(float64(v[1])-1/n) > 1e-5 {
			t.Errorf("vector %d = %v, want %v normalised (order kept)", i, v, want)
		}
	}
	for _, a := range f.auth {
		if a != "Bearer "+testKey {
			t.Errorf("Authorization %q", a)
		}
	}
}

func TestEmbedder_retries429HonouringRetryAfter(t *testing.T) {
	f := &fakeEmbeddings{fail: func(n int, w http.ResponseWriter) bool {
		if n <= 3 && n >= 2 { // request 1 learns the dimensions
			w.Header().Set("Retry-After", "0.2")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error":{"message":"rate limited","type":"requests"}}`)
			return true
		}
		return false
	}}
	srv := newEmbedServer(t, f)
	cfg := fastConfig(srv.URL)
	cfg.MaxDelay = time.Second
	emb, err := NewEmbedder(context.Background(), EmbedConfig{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	vecs, err := emb.Embed(context.Background(), []string{"一", "二三"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 2 || f.requests.Load() != 4 {
		t.Errorf("%d vectors after %d requests; want 2 after 1+2 refused+1", len(vecs), f.requests.Load())
	}
	if el := time.Since(start); el < 400*time.Millisecond {
		t.Errorf("two 429s with Retry-After 0.2 s retried after %s, want ≥ 0.4 s", el)
	}
}

func TestEmbedder_givesUpWithClearErrorWithoutKey(t *testing.T) {
	f := &fakeEmbeddings{fail: func(n int, w http.ResponseWriter) bool {
		if n == 1 {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		// A server that echoes the key it was sent.
		fmt.Fprintf(w, `{"error":{"message":"overloaded (key %s)"}}`, testKey)
		return true
	}}
	srv := newEmbedServer(t, f)
	cfg := fastConfig(srv.URL)
	cfg.Retries = 2
	emb, err := NewEmbedder(context.Background(), EmbedConfig{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	_, err = emb.Embed(context.Background(), []string{"一"})
	if err == nil {
		t.Fatal("no error from an endpoint that always answers 503")
	}
	if got := f.requests.Load(); got != 1+3 {
		t.Errorf("%d requests, want 1 probe + 3 attempts", got)
	}
	msg := fmt.Sprintf("%v", fmt.Errorf("wrapped: %w", err))
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, want := range []string{host, "503", "after 3 attempts", "embeddings"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %q", msg, want)
		}
	}
	if strings.Contains(msg, testKey) || strings.Contains(msg, "SECRET") {
		t.Errorf("error %q holds the API key", msg)
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != 503 {
		t.Errorf("error %T %+v, want *Error with status 503", err, e)
	}
}

func TestEmbedder_doesNotRetryClientErrors(t *testing.T) {
	f := &fakeEmbeddings{fail: func(n int, w http.ResponseWriter) bool {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"message":"Incorrect API key provided: `+testKey+`"}}`)
		return true
	}}
	srv := newEmbedServer(t, f)
	_, err := NewEmbedder(context.Background(), EmbedConfig{Config: fastConfig(srv.URL)})
	if err == nil || f.requests.Load() != 1 {
		t.Fatalf("err %v after %d requests; want one request and an error", err, f.requests.Load())
	}
	if strings.Contains(err.Error(), testKey) || !strings.Contains(err.Error(), "401") {
		t.Errorf("error %q: want 401 named and the key left out", err)
	}
}

func TestEmbedder_timeoutIsRetriedThenReported(t *testing.T) {
	f := &fakeEmbeddings{delay: 300 * time.Millisecond}
	srv := newEmbedServer(t, f)
	cfg := fastConfig(srv.URL)
	cfg.Timeout = 50 * time.Millisecond
	cfg.Retries = 1
	_, err := NewEmbedder(context.Background(), EmbedConfig{Config: cfg})
	var e *Error
	if !errors.As(err, &e) || !e.Timeout() || e.Attempts != 2 || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err %v; want a timeout after 2 attempts", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"": 0, "2": 2 * time.Second, "0.5": 500 * time.Millisecond, "junk": 0,
		now.Add(3 * time.Second).Format(http.TimeFormat): 3 * time.Second,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", v, got, want)
		}
	}
}
