package bot

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qabot/qabot/internal/discordfake"
	"github.com/qabot/qabot/retrieval"
)

func TestParseSharding(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Sharding
		ok   bool
	}{
		{"", Sharding{}, true},
		{"auto", Sharding{Auto: true}, true},
		{" AUTO ", Sharding{Auto: true}, true},
		{"0/1", Sharding{ID: 0, Count: 1}, true},
		{"1/2", Sharding{ID: 1, Count: 2}, true},
		{"2/2", Sharding{}, false},
		{"-1/2", Sharding{}, false},
		{"1/0", Sharding{}, false},
		{"1", Sharding{}, false},
		{"a/b", Sharding{}, false},
	} {
		got, err := ParseSharding(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseSharding(%q) = %+v, %v", c.in, got, err)
		}
	}
	for _, c := range []struct {
		p    shardPlan
		want string
		reg  bool
	}{
		{shardPlan{ids: []int{0}, count: 1}, "0/1", true},
		{shardPlan{ids: []int{1}, count: 2}, "1/2", false},
		{shardPlan{ids: []int{0, 1, 2, 3}, count: 4}, "0-3/4", true},
	} {
		if c.p.String() != c.want || c.p.registers() != c.reg {
			t.Errorf("%+v: %q, registers %v", c.p, c.p.String(), c.p.registers())
		}
	}
}

// shardBot runs a bot as startBot does, with prepare applied before Run;
// it does not wait for the gateway.
func shardBot(t *testing.T, fake *discordfake.Server, lib Library, opts Options, prepare func(*Bot)) (*lockedBuffer, <-chan error) {
	t.Helper()
	sess, err := NewSession(fake.Token(), fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	b := New(sess, lib, slog.New(slog.NewTextHandler(logs, nil)), opts)
	if prepare != nil {
		prepare(b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done, finished := make(chan error, 1), make(chan struct{})
	go func() { done <- b.Run(ctx); close(finished) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-finished:
		case <-time.After(wait):
			t.Error("Run did not return after cancel")
		}
	})
	return logs, done
}

// countingLibrary counts the questions a library is asked.
func countingLibrary(t *testing.T) (*testLibrary, func() []string) {
	lib := newTestLibrary(t, nil)
	var mu sync.Mutex
	var asked []string
	lib.ask = func(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error) {
		mu.Lock()
		asked = append(asked, q)
		mu.Unlock()
		return lib.Library.Ask(ctx, q, o)
	}
	return lib, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), asked...)
	}
}

// askIn dispatches /ask in a guild and waits for its answer.
func askIn(t *testing.T, fake *discordfake.Server, guild, q string) *discordfake.Interaction {
	t.Helper()
	in := fake.NewSlashCommand(discordfake.CommandSpec{Place: discordfake.Place{GuildID: guild, ChannelID: fake.NewID()},
		Name: "ask", Options: []discordfake.CommandOption{{Name: "question", Type: discordfake.OptionString, Value: q}}})
	fake.DispatchInteraction(in)
	fake.WaitFor(t, discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original"), wait)
	return in
}

func TestRun_autoShardsInOneProcess(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions(), discordfake.WithShards(2), discordfake.WithMaxConcurrency(1))
	lib, asked := countingLibrary(t)
	waiting, release := make(chan struct{}), make(chan time.Time)
	logs, _ := shardBot(t, fake, lib, Options{Shard: Sharding{Auto: true}}, func(b *Bot) {
		b.identifyWait = func() <-chan time.Time { close(waiting); return release }
	})
	// One identify at a time (max_concurrency 1): shard 1 waits for the
	// test, which stands for Discord's five seconds.
	select {
	case <-waiting:
	case <-time.After(wait):
		t.Fatal("the second shard never waited its turn")
	}
	if ids := fake.IdentifyPayloads(); len(ids) != 1 || ids[0].Shard == nil || *ids[0].Shard != [2]int{0, 2} {
		t.Fatalf("identified before the wait: %+v", ids)
	}
	release <- time.Time{}
	fake.WaitShard(t, 0, 2, wait)
	fake.WaitShard(t, 1, 2, wait)

	guilds := []string{fake.NewGuildID(0, 2), fake.NewGuildID(1, 2)}
	for _, g := range guilds {
		in := askIn(t, fake, g, drugs)
		if _, m := fake.Response(in.ID); m == nil || !strings.Contains(m.Content, "〔§1.10〕") {
			t.Errorf("guild %s: %+v", g, m)
		}
	}
	if n := len(asked()); n != 2 {
		t.Errorf("%d questions asked, want 2", n)
	}
	for _, d := range fake.Deliveries() {
		if d.Type == "INTERACTION_CREATE" && d.Shard[0] != discordfake.ShardOf(d.GuildID, 2) {
			t.Errorf("%+v", d)
		}
	}
	if n := len(fake.Filter(discordfake.Matching("PUT", "/applications/*/commands"))); n != 1 {
		t.Errorf("commands registered %d times, want once", n)
	}
	logs.waitFor(t, "shards=0-1/2")
}

// TestRun_oneShardEach: two processes of one bot, each its own shard of
// two; each question reaches the process of its guild's shard only, and
// the commands are registered once, by shard 0's.
func TestRun_oneShardEach(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	libs := [2]*testLibrary{}
	asked := [2]func() []string{}
	waiting, release := make(chan struct{}), make(chan time.Time)
	for id := range 2 {
		libs[id], asked[id] = countingLibrary(t)
		logs, _ := shardBot(t, fake, libs[id], Options{Shard: Sharding{ID: id, Count: 2}}, func(b *Bot) {
			b.identifyWait = func() <-chan time.Time { close(waiting); return release }
		})
		if id == 1 {
			// max_concurrency 1: shard 1, started with shard 0, lets it
			// identify first, waiting one round (the test's, for
			// Discord's five seconds).
			select {
			case <-waiting:
			case <-time.After(wait):
				t.Fatal("shard 1 did not wait its turn")
			}
			if n := fake.Identifies(); n != 1 {
				t.Fatalf("%d identifies before shard 1's turn", n)
			}
			release <- time.Time{}
		}
		fake.WaitShard(t, id, 2, wait)
		logs.waitFor(t, "shards="+[]string{"0/2", "1/2"}[id])
	}
	guilds := [2]string{fake.NewGuildID(0, 2), fake.NewGuildID(1, 2)}
	qs := [2]string{drugs, "首届中国—中亚经贸合作论坛是什么时候举行的？"}
	for id, g := range guilds {
		askIn(t, fake, g, qs[id])
	}
	for id := range 2 {
		if got := asked[id](); len(got) != 1 || got[0] != qs[id] {
			t.Errorf("shard %d's process was asked %q, want only %q", id, got, qs[id])
		}
	}
	if n := len(fake.Filter(discordfake.Matching("PUT", "/applications/*/commands"))); n != 1 {
		t.Errorf("commands registered %d times, want once", n)
	}
}

func TestRun_shardingRequired(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithMinShards(2))
	_, done := shardBot(t, fake, newTestLibrary(t, nil), Options{}, nil)
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "--shard auto") {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(wait):
		t.Fatal("Run went on without the shards Discord requires")
	}
}
