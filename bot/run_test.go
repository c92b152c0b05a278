package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qabot/qabot/internal/discordfake"
	"github.com/qabot/qabot/retrieval"
	"github.com/qabot/qabot/seeds"
)

// askFunc stands in for a library's Ask.
type askFunc func(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error)

// testLibrary is a library over the shipped statement whose Ask and Sync
// a test may replace.
type testLibrary struct {
	*retrieval.Library
	ask  askFunc
	sync func(ctx context.Context) (retrieval.SyncReport, error)
}

func (l *testLibrary) Ask(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error) {
	if l.ask != nil {
		return l.ask(ctx, q, o)
	}
	return l.Library.Ask(ctx, q, o)
}

func (l *testLibrary) Sync(ctx context.Context) (retrieval.SyncReport, error) {
	if l.sync != nil {
		return l.sync(ctx)
	}
	return l.Library.Sync(ctx)
}

// newTestLibrary opens a library over the shipped statement in a
// temporary folder.
func newTestLibrary(t *testing.T) *testLibrary {
	t.Helper()
	lib, _, err := retrieval.OpenLibrary(context.Background(), retrieval.LibraryConfig{IndexDir: t.TempDir(), Seeds: seeds.FS})
	if err != nil {
		t.Fatal(err)
	}
	return &testLibrary{Library: lib}
}

const wait = 30 * time.Second

// lockedBuffer is a log sink safe for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startBot runs a bot over the shipped statement, whose questions are
// answered by ask (nil: the library's own), against a fake Discord. It
// returns the log and a function that stops the bot and waits for Run to
// return.
func startBot(t *testing.T, fake *discordfake.Server, ask askFunc) (*lockedBuffer, func()) {
	t.Helper()
	lib := newTestLibrary(t)
	lib.ask = ask
	return startBotLib(t, fake, lib, Options{})
}

func startBotLib(t *testing.T, fake *discordfake.Server, lib Library, opts Options) (*lockedBuffer, func()) {
	t.Helper()
	ctx := context.Background()
	sess, err := NewSession(fake.Token(), fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	b := New(sess, lib, slog.New(slog.NewTextHandler(logs, nil)), opts)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(wait):
			t.Error("Run did not return after cancel")
		}
	}
	t.Cleanup(stop)
	fake.WaitIdentified(t, wait)
	return logs, stop
}

func ask(fake *discordfake.Server, q string) *discordfake.Interaction {
	in := fake.NewSlashCommand(discordfake.CommandSpec{
		Name:    "ask",
		Options: []discordfake.CommandOption{{Name: "question", Type: discordfake.OptionString, Value: q}},
	})
	fake.DispatchInteraction(in)
	return in
}

func TestBot_errorHasTraceID(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	logs, _ := startBot(t, fake, func(context.Context, string, retrieval.AskOptions) (retrieval.Answer, error) {
		return retrieval.Answer{}, errors.New("embedding backend exploded")
	})
	in := ask(fake, "各方如何应对毒品威胁？")
	fake.WaitFor(t, discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original"), wait)
	_, m := fake.Response(in.ID)
	trace := regexp.MustCompile(`trace ([0-9a-f]{12})`).FindStringSubmatch(m.Content)
	if trace == nil {
		t.Fatalf("reply without a trace id: %q", m.Content)
	}
	if strings.Contains(m.Content, "exploded") {
		t.Errorf("the user sees the internal error: %q", m.Content)
	}
	if !strings.Contains(logs.String(), "trace="+trace[1]) || !strings.Contains(logs.String(), "embedding backend exploded") {
		t.Errorf("log lacks trace %s and the error:\n%s", trace[1], logs.String())
	}
}

func TestBot_shutdownFinishesAnswers(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	lib := newTestLibrary(t)
	lib.ask = func(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error) {
		entered <- struct{}{}
		<-release
		return lib.Library.Ask(ctx, q, o)
	}
	_, stop := startBotLib(t, fake, lib, Options{})
	in := ask(fake, "各方如何应对毒品威胁？")
	select {
	case <-entered: // the answer is in flight
	case <-time.After(wait):
		t.Fatal("the question never reached the engine")
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	// Run waits for the answer in flight; let it finish.
	select {
	case <-stopped:
		t.Fatal("Run returned with an answer in flight")
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	<-stopped
	_, m := fake.Response(in.ID)
	if m == nil || !strings.Contains(m.Content, "〔§1.10〕") {
		t.Errorf("answer in flight at shutdown: %+v", m)
	}
	fake.WaitDisconnected(t, wait)
}

func TestBot_panicIsReported(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	logs, _ := startBot(t, fake, func(context.Context, string, retrieval.AskOptions) (retrieval.Answer, error) {
		panic("index out of range in a test")
	})
	in := ask(fake, "各方如何应对毒品威胁？")
	deadline := time.Now().Add(wait)
	for !strings.Contains(logs.String(), "index out of range in a test") {
		if time.Now().After(deadline) {
			t.Fatalf("the panic was not logged:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The user is told, with a trace id, and the bot keeps serving.
	fake.WaitFor(t, discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original"), wait)
	if _, m := fake.Response(in.ID); m == nil || !strings.Contains(m.Content, "trace ") {
		t.Errorf("after a panic the user got %+v", m)
	}
	if !fake.Connected() {
		t.Error("the gateway went down after a panic")
	}
}

func TestBot_answersWhileReindexing(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	started := make(chan struct{})
	release := make(chan struct{})
	lib := newTestLibrary(t)
	lib.sync = func(ctx context.Context) (retrieval.SyncReport, error) {
		close(started)
		<-release // a long sync
		return retrieval.SyncReport{}, nil
	}
	startBotLib(t, fake, lib, Options{})
	defer close(release)
	re := fake.NewSlashCommand(discordfake.CommandSpec{Name: "reindex", Place: discordfake.Place{Permissions: "32"}})
	fake.DispatchInteraction(re)
	select {
	case <-started:
	case <-time.After(wait):
		t.Fatal("the sync never started")
	}
	// Questions are acknowledged and answered while the sync runs (the
	// fake refuses acknowledgements later than Discord's 3 seconds).
	in := ask(fake, "各方如何应对毒品威胁？")
	cb := fake.WaitFor(t, discordfake.Matching("POST", "/interactions/"+in.ID+"/"+in.Token+"/callback"), wait)
	if cb.Status != 204 {
		t.Errorf("acknowledgement status %d", cb.Status)
	}
	fake.WaitFor(t, discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original"), wait)
	if _, m := fake.Response(in.ID); m == nil || !strings.Contains(m.Content, "〔§1.10〕") {
		t.Errorf("answer during a sync: %+v", m)
	}
}
