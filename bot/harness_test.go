package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
	"github.com/qabot/qabot/seeds"
)

// testBotID is the bot's user id in the recorded payloads.
const testBotID = "1100000000000000002"

// lockedBuffer is a log sink safe for concurrent writers.
type lockedBuffer struct {
	mu   sync.Mutex
	b    bytes.Buffer
	wake chan struct{} // closed at the next write
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.wake != nil {
		close(l.wake)
		l.wake = nil
	}
	return l.b.Write(p)
}

// waitFor waits until the log holds s, failing t after wait.
func (l *lockedBuffer) waitFor(t testing.TB, s string) {
	t.Helper()
	deadline := time.After(wait)
	for {
		l.mu.Lock()
		if strings.Contains(l.b.String(), s) {
			l.mu.Unlock()
			return
		}
		if l.wake == nil {
			l.wake = make(chan struct{})
		}
		w := l.wake
		l.mu.Unlock()
		select {
		case <-w:
		case <-deadline:
			t.Fatalf("no %q in the log:\n%s", s, l.String())
		}
	}
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// askFunc stands in for a library's Ask.
type askFunc func(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error)

// testLibrary is a real library whose Ask and Sync a test may replace.
type testLibrary struct {
	*retrieval.Library
	ask  askFunc
	sync func(ctx context.Context) (retrieval.SyncReport, error)
	add  func(ctx context.Context, name string, data []byte, o retrieval.AddOptions) (retrieval.Added, error)
}

func (l *testLibrary) Add(ctx context.Context, name string, data []byte, o retrieval.AddOptions) (retrieval.Added, error) {
	if l.add != nil {
		return l.add(ctx, name, data, o)
	}
	return l.Library.Add(ctx, name, data, o)
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

// newTestLibrary opens a library over the shipped statement and the files
// (name → text) written into a documents folder, its index in a temporary
// folder.
func newTestLibrary(t testing.TB, files map[string]string) *testLibrary {
	t.Helper()
	docs := t.TempDir()
	for name, text := range files {
		path := filepath.Join(docs, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lib, _, err := retrieval.OpenLibrary(context.Background(), retrieval.LibraryConfig{
		IndexDir: filepath.Join(t.TempDir(), "index"), DocsDir: docs, Seeds: seeds.FS,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &testLibrary{Library: lib}
}

// harness is a bot over a test library that talks to a recorder: an
// interaction goes through the router as Discord would send it, and what
// the bot sent is in rec.
type harness struct {
	t    *testing.T
	b    *Bot
	rec  *recorder
	lib  *testLibrary
	logs *lockedBuffer
}

func newHarness(t *testing.T, lib *testLibrary, opts Options) *harness {
	t.Helper()
	if lib == nil {
		lib = newTestLibrary(t, nil)
	}
	if opts.FeedbackFile == "" {
		opts.FeedbackFile = filepath.Join(t.TempDir(), "feedback.jsonl")
	}
	logs := &lockedBuffer{}
	b := New(&discordgo.Session{Token: "Bot " + testBotToken}, lib, slog.New(slog.NewTextHandler(logs, nil)), opts)
	rec := newRecorder(t)
	b.d, b.botID = rec, testBotID
	return &harness{t: t, b: b, rec: rec, lib: lib, logs: logs}
}

// testBotToken is the bot token of the harness; it must never be logged.
const testBotToken = "MTEwMDAwMDAwMDAwMDAwMDAwMg.test-bot-token"

var payloadSeq atomic.Int64

// payload loads a recorded interaction from testdata/interactions, with a
// fresh id and token.
func payload(t testing.TB, name string) *discordgo.Interaction {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "interactions", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(raw, &i); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	n := payloadSeq.Add(1)
	i.ID = fmt.Sprintf("15774680453%08d", n)
	i.Token = fmt.Sprintf("aW50ZXJhY3Rpb246%08d-secret-interaction-token", n)
	return &i
}

// opt is a command option for command.
func opt(name string, value any) *discordgo.ApplicationCommandInteractionDataOption {
	o := &discordgo.ApplicationCommandInteractionDataOption{Name: name, Value: value, Type: discordgo.ApplicationCommandOptionString}
	if _, ok := value.(bool); ok {
		o.Type = discordgo.ApplicationCommandOptionBoolean
	}
	return o
}

// slash is the recorded slash command with another name and options.
func slash(t testing.TB, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	t.Helper()
	i := payload(t, "command")
	data := i.ApplicationCommandData()
	data.Name, data.Options = name, opts
	i.Data = data
	return i
}

// admin gives the interaction's member Manage Server.
func admin(i *discordgo.Interaction) *discordgo.Interaction {
	i.Member.Permissions |= discordgo.PermissionManageGuild
	return i
}

// button is the recorded button press with another custom id.
func button(t testing.TB, customID string) *discordgo.Interaction {
	t.Helper()
	i := payload(t, "button")
	data := i.MessageComponentData()
	data.CustomID = customID
	i.Data = data
	return i
}

// run sends i through the router and returns what the bot sent for it.
func (h *harness) run(i *discordgo.Interaction) []sent {
	h.t.Helper()
	before := len(h.rec.sent())
	h.b.onInteraction(context.Background(), i)
	return h.rec.sent()[before:]
}

// reply is the text the user got for i: every message's content, and
// whether the first was ephemeral.
func (h *harness) reply(i *discordgo.Interaction) (text string, ephemeral bool) {
	h.t.Helper()
	var sb bytes.Buffer
	first := true
	for _, c := range h.run(i) {
		if c.Kind == "typing" || c.Kind == "respond" && c.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
			ephemeral, first = c.Ephemeral, false
			continue
		}
		if first {
			ephemeral, first = c.Ephemeral, false
		}
		sb.WriteString(c.Content)
	}
	return sb.String(), ephemeral
}
