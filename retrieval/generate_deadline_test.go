package retrieval_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/llm"
	"github.com/qabot/qabot/retrieval"
	"github.com/qabot/qabot/seeds"
)

// deadline is a context whose deadline passes when the test says so.
type deadline struct {
	context.Context
	done chan struct{}
}

func newDeadline() *deadline {
	return &deadline{Context: context.Background(), done: make(chan struct{})}
}

func (d *deadline) Done() <-chan struct{} { return d.done }
func (d *deadline) Err() error {
	select {
	case <-d.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// started tells when generation begins: retrieval is over by then.
type started struct {
	retrieval.Generator
	c chan struct{}
}

func (g started) Generate(ctx context.Context, msgs []retrieval.Message, onDelta func(string)) (string, error) {
	g.c <- struct{}{}
	return g.Generator.Generate(ctx, msgs, onDelta)
}

// TestAskWith_deadlineWhileWaitingForAModelSlot is issue 14 item 14: with
// the chat endpoint's one slot taken, a question whose deadline (the bot's
// 2 minutes) passes while it waits for the slot gets the extractive answer
// with a notice — it got a generic error — and a question its asker
// cancelled still ends in an error.
func TestAskWith_deadlineWhileWaitingForAModelSlot(t *testing.T) {
	held, release := make(chan struct{}, 1), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		held <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	gen, err := llm.NewGenerator(llm.Config{BaseURL: srv.URL + "/v1", Model: "m", Concurrency: 1, Timeout: time.Hour, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	src, err := index.ListSources("", seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	snap, _, err := index.Build(context.Background(), nil, src, index.BuildOptions{Embedder: index.LocalEmbedder()})
	if err != nil {
		t.Fatal(err)
	}
	e := retrieval.NewEngine(snap, index.LocalEmbedder())
	const q = "首届中国—中亚经贸合作论坛是什么时候举行的？"

	// A first question takes the slot and keeps it.
	first := make(chan struct{})
	go func() {
		defer close(first)
		e.AskWith(context.Background(), q, 3, gen, nil)
	}()
	<-held
	defer func() { close(release); <-first }()

	ask := func(ctx context.Context, fire func()) (retrieval.Answer, error) {
		g := started{gen, make(chan struct{})}
		type result struct {
			ans retrieval.Answer
			err error
		}
		done := make(chan result)
		go func() {
			ans, err := e.AskWith(ctx, q, 3, g, nil)
			done <- result{ans, err}
		}()
		<-g.c // the slot is still taken: it waits
		fire()
		r := <-done
		return r.ans, r.err
	}

	dl := newDeadline()
	ans, err := ask(dl, func() { close(dl.done) })
	ext, _ := e.Ask(context.Background(), q, 3)
	if err != nil || ans.Mode != retrieval.ModeExtractive || ans.Text != ext.Text || !ans.Found ||
		ans.Check == nil || ans.Check.Fallback != retrieval.FallbackModelTimeout || ans.Notice != retrieval.NoticeModelTimeout || ans.Degraded == "" {
		t.Errorf("deadline while waiting: %+v, %v; want the extractive answer with a notice", ans, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	if _, err := ask(ctx, cancel); err == nil {
		t.Error("a cancelled question was answered")
	}
}
