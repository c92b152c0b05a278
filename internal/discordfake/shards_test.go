package discordfake_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/qabot/qabot/internal/discordfake"
)

// openShard opens shard id of count with the given handlers, closing it
// when the test ends.
func openShard(t *testing.T, fake *discordfake.Server, id, count int, handlers ...any) *discordgo.Session {
	t.Helper()
	s := newSession(t, fake, fake.Token())
	s.ShardID, s.ShardCount = id, count
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages | discordgo.IntentMessageContent
	for _, h := range handlers {
		s.AddHandler(h)
	}
	if err := s.Open(); err != nil {
		t.Fatalf("Open shard %d/%d: %v", id, count, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	fake.WaitShard(t, id, count, wait)
	return s
}

func TestShardOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		guild string
		count int
		want  int
	}{
		{strconv.FormatUint(7<<22, 10), 2, 1},
		{strconv.FormatUint(7<<22|0x3fffff, 10), 2, 1}, // the low 22 bits do not count
		{strconv.FormatUint(8<<22, 10), 2, 0},
		{strconv.FormatUint(8<<22, 10), 3, 2},
		{"81384788765712384", 16, 2}, // 81384788765712384 >> 22 = 19403645698
		{"", 4, 0},                   // no guild: shard 0
		{"1234", 1, 0},
	} {
		if got := discordfake.ShardOf(c.guild, c.count); got != c.want {
			t.Errorf("ShardOf(%q, %d) = %d, want %d", c.guild, c.count, got, c.want)
		}
	}
	fake := discordfake.New(t)
	for shard := range 3 {
		if g := fake.NewGuildID(shard, 3); discordfake.ShardOf(g, 3) != shard {
			t.Errorf("NewGuildID(%d, 3) = %s, on shard %d", shard, g, discordfake.ShardOf(g, 3))
		}
	}
}

func TestShards_eventsGoToTheGuildsShard(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t, discordfake.WithShards(2), discordfake.WithMaxConcurrency(2))
	got := [2]chan *discordgo.Message{make(chan *discordgo.Message, 8), make(chan *discordgo.Message, 8)}
	for id := range 2 {
		openShard(t, fake, id, 2, func(_ *discordgo.Session, m *discordgo.MessageCreate) { got[id] <- m.Message })
	}
	gb, err := newSession(t, fake, fake.Token()).GatewayBot()
	if err != nil || gb.Shards != 2 || gb.SessionStartLimit.MaxConcurrency != 2 {
		t.Errorf("GET /gateway/bot = %+v, %v", gb, err)
	}
	guilds := [2]string{fake.NewGuildID(0, 2), fake.NewGuildID(1, 2)}
	var sent [2]*discordfake.Message
	for shard, g := range guilds {
		sent[shard] = fake.NewMessage(discordfake.MessageSpec{Place: discordfake.Place{GuildID: g, ChannelID: fake.NewID()}, Content: "q" + strconv.Itoa(shard)})
		fake.DispatchMessageCreate(sent[shard])
	}
	dm := fake.NewMessage(discordfake.MessageSpec{Place: discordfake.Place{DM: true, ChannelID: fake.NewID()}, Content: "dm"})
	fake.DispatchMessageCreate(dm)

	// discordgo runs each handler in a goroutine of its own: the two may
	// arrive in either order.
	shard0 := map[string]bool{recv(t, got[0], "shard 0's first message").ID: true, recv(t, got[0], "shard 0's second message").ID: true}
	if !shard0[sent[0].ID] || !shard0[dm.ID] {
		t.Errorf("shard 0 got %v, want its guild's message %s and the DM %s", shard0, sent[0].ID, dm.ID)
	}
	if m := recv(t, got[1], "shard 1's message"); m.ID != sent[1].ID {
		t.Errorf("shard 1 got %s (%q), want %s", m.ID, m.Content, sent[1].ID)
	}
	for _, d := range fake.Deliveries() {
		want := [2]int{discordfake.ShardOf(d.GuildID, 2), 2}
		if d.Shard != want {
			t.Errorf("%s %s of guild %q went to shard %v, want %v", d.Type, d.ID, d.GuildID, d.Shard, want)
		}
	}
	if n := len(fake.Deliveries()); n != 3 {
		t.Errorf("%d deliveries, want 3 (each event to one shard): %+v", n, fake.Deliveries())
	}

	// A shard that drops resumes on its own; the other is untouched.
	fake.DropShard(1, 2)
	fake.WaitShardDisconnected(t, 1, 2, wait)
	away := fake.NewMessage(discordfake.MessageSpec{Place: discordfake.Place{GuildID: guilds[1], ChannelID: fake.NewID()}, Content: "while away"})
	fake.DispatchMessageCreate(away)
	fake.WaitShard(t, 1, 2, wait)
	if m := recv(t, got[1], "the replayed message"); m.ID != away.ID {
		t.Errorf("shard 1 got %s after resuming, want %s", m.ID, away.ID)
	}
	if fake.Resumes() != 1 || fake.Identifies() != 2 {
		t.Errorf("identifies %d, resumes %d; want 2 and 1", fake.Identifies(), fake.Resumes())
	}
	select {
	case m := <-got[0]:
		t.Errorf("shard 0 got %s (%q)", m.ID, m.Content)
	default:
	}
}

func TestShards_anotherIdentifyForAShardReplacesIt(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	first := make(chan string, 4)
	openShard(t, fake, 1, 2, func(_ *discordgo.Session, m *discordgo.MessageCreate) { first <- m.ID })
	old := fake.ShardSessionID(1, 2)
	second := make(chan string, 4)
	openShard(t, fake, 1, 2, func(_ *discordgo.Session, m *discordgo.MessageCreate) { second <- m.ID })
	if now := fake.ShardSessionID(1, 2); now == old || now == "" {
		t.Fatalf("session of shard 1 %q, was %q", now, old)
	}
	m := fake.NewMessage(discordfake.MessageSpec{Place: discordfake.Place{GuildID: fake.NewGuildID(1, 2), ChannelID: fake.NewID()}, Content: "x"})
	fake.DispatchMessageCreate(m)
	if id := recv(t, second, "the message on the new session"); id != m.ID {
		t.Errorf("got %s", id)
	}
	if n := len(fake.Deliveries()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

func TestShards_identifyChecksTheShard(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		shard [2]int
		want  int
	}{
		{"shard beyond the count", [2]int{2, 2}, discordfake.CloseInvalidShard},
		{"no shards", [2]int{0, 0}, discordfake.CloseInvalidShard},
		{"fewer shards than required", [2]int{0, 1}, discordfake.CloseShardingRequired},
	} {
		t.Run(c.name, func(t *testing.T) {
			fake := discordfake.New(t, discordfake.WithMinShards(2))
			ws, _, err := websocket.DefaultDialer.Dial(fake.GatewayURL()+"?v=9&encoding=json", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			var hello struct{ Op int }
			if err := ws.ReadJSON(&hello); err != nil || hello.Op != 10 {
				t.Fatalf("HELLO %+v, %v", hello, err)
			}
			if err := ws.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot " + fake.Token(), "intents": 1, "shard": c.shard}}); err != nil {
				t.Fatal(err)
			}
			_ = ws.SetReadDeadline(time.Now().Add(wait))
			_, _, err = ws.ReadMessage()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != c.want {
				t.Errorf("IDENTIFY shard %v: %v, want close %d", c.shard, err, c.want)
			}
		})
	}
}
