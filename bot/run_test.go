package bot

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/qabot/qabot/internal/discordfake"
	"github.com/qabot/qabot/retrieval"
)

// The tests here run the bot whole, over the real discordgo client
// against the fake Discord (gateway and REST); the router's tests use the
// recorder instead. wait is a deadline, never a measure.
const wait = 30 * time.Second

// startBot runs a bot over lib against fake. It returns the log and a
// function that stops the bot and waits for Run to return.
func startBot(t *testing.T, fake *discordfake.Server, lib Library, opts Options) (*lockedBuffer, func()) {
	t.Helper()
	sess, err := NewSession(fake.Token(), fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	b := New(sess, lib, slog.New(slog.NewTextHandler(logs, nil)), opts)
	runCtx, cancel := context.WithCancel(context.Background())
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

func askFake(fake *discordfake.Server, q string) *discordfake.Interaction {
	in := fake.NewSlashCommand(discordfake.CommandSpec{
		Name:    "ask",
		Options: []discordfake.CommandOption{{Name: "question", Type: discordfake.OptionString, Value: q}},
	})
	fake.DispatchInteraction(in)
	return in
}

func TestRun_servesAndStopsAfterTheAnswersInFlight(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	entered, release := make(chan struct{}, 1), make(chan struct{})
	lib := newTestLibrary(t, nil)
	lib.ask = func(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error) {
		entered <- struct{}{}
		<-release
		return lib.Library.Ask(ctx, q, o)
	}
	logs, stop := startBot(t, fake, lib, Options{})
	if n := len(fake.Commands("")); n != len(commands) {
		t.Errorf("%d commands registered, want %d", n, len(commands))
	}
	in := askFake(fake, "各方如何应对毒品威胁？")
	select {
	case <-entered: // the answer is in flight
	case <-time.After(wait):
		t.Fatal("the question never reached the library")
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	close(release)
	<-stopped
	_, m := fake.Response(in.ID)
	if m == nil || !strings.Contains(m.Content, "〔§1.10〕") {
		t.Errorf("answer in flight at shutdown: %+v", m)
	}
	if strings.Contains(logs.String(), in.Token) || strings.Contains(logs.String(), fake.Token()) {
		t.Error("a token is in the log")
	}
	for _, r := range fake.UnknownRequests() {
		t.Errorf("unknown route requested: %s", r)
	}
}

func TestRun_panicIsReported(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	lib := newTestLibrary(t, nil)
	lib.ask = func(context.Context, string, retrieval.AskOptions) (retrieval.Answer, error) {
		panic("index out of range in a test")
	}
	logs, _ := startBot(t, fake, lib, Options{})
	in := askFake(fake, "各方如何应对毒品威胁？")
	// The user is told, with a trace id, and the bot keeps serving.
	fake.WaitFor(t, discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original"), wait)
	_, m := fake.Response(in.ID)
	if m == nil || !strings.Contains(m.Content, "trace ") {
		t.Fatalf("after a panic the user got %+v", m)
	}
	trace := m.Content[strings.Index(m.Content, "trace ")+6:][:12]
	if !strings.Contains(logs.String(), "trace="+trace) || !strings.Contains(logs.String(), "index out of range in a test") {
		t.Errorf("the panic is not logged under trace %s:\n%s", trace, logs.String())
	}
	if !fake.Connected() {
		t.Error("the gateway went down after a panic")
	}
}
