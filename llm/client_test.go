package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

func TestFail_redactsBeforeCuttingOnARuneBoundary(t *testing.T) {
	c := newClient(Config{APIKey: testKey, Model: "m"}, "chat")
	// The key starts 10 bytes before the 200-byte cut: cut first, its
	// first 10 bytes would be left in the message.
	body := strings.Repeat("a", 190) + testKey + " trailing"
	err := c.fail(&openai.RequestError{HTTPStatusCode: 502, Body: []byte(body), Err: errors.New("bad gateway")}, 1)
	msg := err.Error()
	if strings.Contains(msg, testKey[:10]) || !strings.Contains(msg, "[redacted]") {
		t.Errorf("message %q leaks part of the key", msg)
	}
	// A multi-byte rune straddling the cut is not split.
	body = strings.Repeat("a", 199) + strings.Repeat("字", 10)
	err = c.fail(&openai.RequestError{HTTPStatusCode: 502, Body: []byte(body), Err: errors.New("bad gateway")}, 1)
	var e *Error
	if !errors.As(err, &e) || !utf8.ValidString(e.Message) || len(e.Message) > maxMessage+len("…") || !strings.HasSuffix(e.Message, "…") {
		t.Errorf("message %q: want valid UTF-8, at most %d bytes and marked as cut", e.Message, maxMessage)
	}
}

// status429 answers 429 with a Retry-After of ra.
func status429(ra string) func(n int, w http.ResponseWriter) bool {
	return func(n int, w http.ResponseWriter) bool {
		w.Header().Set("Retry-After", ra)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":{"message":"rate limited"}}`)
		return true
	}
}

func TestDo_retryAfterBeyondMaxDelayGivesUpAtOnce(t *testing.T) {
	f := &fakeEmbeddings{fail: status429("120")}
	srv := newEmbedServer(t, f)
	cfg := fastConfig(srv.URL) // MaxDelay 50 ms
	start := time.Now()
	e := &embedder{c: newClient(cfg, "embeddings"), batch: 4}
	_, err := e.embed(context.Background(), []string{"一"})
	var le *Error
	if !errors.As(err, &le) || le.RetryAfter != 2*time.Minute || le.Status != 429 {
		t.Fatalf("err %v; want an *Error naming the Retry-After", err)
	}
	if n := f.requests.Load(); n != 1 {
		t.Errorf("%d requests; want 1: a retry before the server's Retry-After is wasted", n)
	}
	if msg := err.Error(); !strings.Contains(msg, "Retry-After") || !strings.Contains(msg, "2m0s") || !strings.Contains(msg, "429") {
		t.Errorf("error %q does not say why it gave up", msg)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("gave up after %s", el)
	}
}

func TestDo_backoffReleasesTheConcurrencySlot(t *testing.T) {
	f := &fakeEmbeddings{fail: func(n int, w http.ResponseWriter) bool {
		if n == 1 {
			http.Error(w, `{"error":{"message":"busy"}}`, 503)
			return true
		}
		return false
	}}
	srv := newEmbedServer(t, f)
	cfg := fastConfig(srv.URL)
	cfg.Concurrency = 1
	e := &embedder{c: newClient(cfg, "embeddings"), batch: 4}
	waiting, release := make(chan struct{}), make(chan struct{})
	e.c.wait = func(ctx context.Context, d time.Duration) error {
		close(waiting)
		<-release
		return nil
	}
	done := make(chan error, 1)
	go func() {
		_, err := e.embed(context.Background(), []string{"一"})
		done <- err
	}()
	<-waiting
	// The first request is backing off: the only slot is free for another.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := e.embed(ctx, []string{"二"}); err != nil {
		t.Errorf("a request waited for another's backoff: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("the retried request: %v", err)
	}
}

func TestDo_cancelDuringBackoffIsContextCanceled(t *testing.T) {
	f := &fakeEmbeddings{fail: func(n int, w http.ResponseWriter) bool {
		http.Error(w, `{"error":{"message":"busy"}}`, 503)
		return true
	}}
	srv := newEmbedServer(t, f)
	cfg := fastConfig(srv.URL)
	cfg.BaseDelay, cfg.MaxDelay = 10*time.Second, 10*time.Second
	e := &embedder{c: newClient(cfg, "embeddings"), batch: 4}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for f.requests.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	_, err := e.embed(ctx, []string{"一"})
	var le *Error
	if !errors.Is(err, context.Canceled) || !errors.As(err, &le) || le.Status != 503 {
		t.Errorf("err %v; want an *Error (503) that is context.Canceled", err)
	}
}
