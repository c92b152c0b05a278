package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qabot/qabot/internal/discordfake"
)

// serveProc is a qabot serve running in this test process.
type serveProc struct {
	log  *syncBuffer
	stop func() int // cancels it and returns its exit code
}

// startProc runs serve with its data in dir/data and documents in dir/docs,
// with args after "serve" and extra environment; the test's cleanup stops
// it.
func startProc(t *testing.T, fake *discordfake.Server, dir string, extra map[string]string, args ...string) *serveProc {
	t.Helper()
	mustMkdir(t, filepath.Join(dir, "docs"))
	base := serveEnv(dir, fake.Token(), fake.URL())
	getenv := func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		return base(k)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &serveProc{log: &syncBuffer{}}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--data", filepath.Join(dir, "data")}, args...), getenv, strings.NewReader(""), &syncBuffer{}, p.log)
	}()
	code, stopped := -1, false
	p.stop = func() int {
		if !stopped {
			stopped = true
			cancel()
			select {
			case code = <-done:
			case <-time.After(serveWait):
				t.Error("serve did not stop after cancel")
			}
		}
		return code
	}
	t.Cleanup(func() { p.stop() })
	return p
}

// post is a user's message in a channel of a guild.
func userMessage(fake *discordfake.Server, guild, channel, content string) *discordfake.Message {
	m := fake.NewMessage(discordfake.MessageSpec{Place: discordfake.Place{GuildID: guild, ChannelID: channel}, Content: content})
	fake.DispatchMessageCreate(m)
	return m
}

// threadAnswer waits for the answer posted in the thread started on m and
// returns its text.
func threadAnswer(t *testing.T, fake *discordfake.Server, m *discordfake.Message) string {
	t.Helper()
	fake.WaitFor(t, discordfake.Matching("POST", "/channels/"+m.ID+"/messages"), serveWait)
	ms := fake.ChannelMessages(m.ID)
	return ms[0].Content
}

// TestServe_writerAndReaderOnTwoShards: one bot, two processes sharing one
// data folder — the writer on shard 0 of 2, a read-only replica on shard 1
// — and two guilds, one on each shard. Each question is answered once, by
// the process of its guild's shard; a document the writer indexes is
// cited by the reader without a restart; a reader restarted serves the
// generation current then.
func TestServe_writerAndReaderOnTwoShards(t *testing.T) {
	// max_concurrency 2: both shards may identify at once (with 1, shard
	// 1 would wait Discord's five seconds; the bot's tests hold that).
	fake := discordfake.New(t, discordfake.WithStrictMentions(), discordfake.WithMaxConcurrency(2))
	guild := [2]string{fake.NewGuildID(0, 2), fake.NewGuildID(1, 2)}
	ask := [2]string{fake.NewID(), fake.NewID()}
	forum, other, tag := fake.NewID(), fake.NewID(), fake.NewID()
	for s := range 2 {
		fake.AddChannel(discordfake.Channel{ID: ask[s], GuildID: guild[s], Type: discordfake.ChannelGuildText, Name: "ask"})
	}
	fake.AddChannel(discordfake.Channel{ID: forum, GuildID: guild[0], Type: discordfake.ChannelGuildForum, Name: "help",
		AvailableTags: []discordfake.ForumTag{{ID: tag, Name: "Needs help"}}})
	fake.AddChannel(discordfake.Channel{ID: other, GuildID: guild[1], Type: discordfake.ChannelGuildText, Name: "general"})
	dir := t.TempDir()
	env := map[string]string{
		"QABOT_ASK_CHANNELS": ask[0] + "," + ask[1] + "," + forum, "QABOT_FORUM_HELP_TAG": "needs help",
		"QABOT_WATCH_DEBOUNCE": "50ms", "QABOT_LOG_LEVEL": "debug",
	}

	// The reader may start first: it waits for the writer's first index.
	reader := startProc(t, fake, dir, env, "--read-only", "--shard", "1/2")
	reader.log.waitFor(t, "waiting for the writer to publish an index")
	writer := startProc(t, fake, dir, env, "--shard", "0/2")
	writer.log.waitFor(t, "msg=ready", "shards=0/2", "generation=gen-000001", "read_only=false")
	reader.log.waitFor(t, "msg=ready", "shards=1/2", "generation=gen-000001", "read_only=true")
	if n := len(fake.Filter(discordfake.Matching("PUT", "/applications/*/commands"))); n != 1 {
		t.Errorf("commands registered %d times, want once (by shard 0)", n)
	}

	// A question in each guild's ask channel: answered once, in a thread,
	// by the process of the guild's shard.
	qa := userMessage(fake, guild[0], ask[0], "各方如何应对毒品威胁？")
	qb := userMessage(fake, guild[1], ask[1], "首届中国—中亚经贸合作论坛是什么时候举行的？")
	if a := threadAnswer(t, fake, qa); !strings.Contains(a, "〔§1.10〕") {
		t.Errorf("guild A's answer: %q", a)
	}
	if a := threadAnswer(t, fake, qb); !strings.Contains(a, "〔§2.3〕") {
		t.Errorf("guild B's answer: %q", a)
	}

	// Bots, system messages and other channels are ignored (each says so
	// in the debug log of the process that got it).
	botMsg := fake.NewMessage(discordfake.MessageSpec{Place: discordfake.Place{GuildID: guild[1], ChannelID: ask[1],
		User: &discordfake.User{ID: fake.NewID(), Username: "otherbot", Bot: true}}, Content: "各方如何应对毒品威胁？"})
	fake.DispatchMessageCreate(botMsg)
	joined := fake.NewMessage(discordfake.MessageSpec{Place: discordfake.Place{GuildID: guild[0], ChannelID: ask[0]}, Type: 7})
	fake.DispatchMessageCreate(joined)
	elsewhere := userMessage(fake, guild[1], other, "各方如何应对毒品威胁？")
	reader.log.waitFor(t, "not a question", "message="+botMsg.ID, "a bot's")
	writer.log.waitFor(t, "not a question", "message="+joined.ID, "a system message")
	reader.log.waitFor(t, "not a question", "message="+elsewhere.ID, "not an ask channel")

	// A forum post: answered in its thread; "Still need help" tags it.
	th, starter := fake.NewForumPost(discordfake.ForumPostSpec{Place: discordfake.Place{ChannelID: forum}, Title: "禁毒合作", Content: "各方如何应对毒品威胁？"})
	fake.DispatchForumPost(th, starter)
	fake.WaitFor(t, discordfake.Matching("POST", "/channels/"+th.ID+"/messages"), serveWait)
	answer := fake.ChannelMessages(th.ID)[0]
	if !strings.Contains(answer.Content, "〔§1.10〕") || !slices.ContainsFunc(buttons(t, &answer), func(b button) bool { return b.CustomID == "post:help" }) {
		t.Errorf("the post's answer: %q, buttons %+v", answer.Content, buttons(t, &answer))
	}
	help := fake.NewComponent(discordfake.ComponentSpec{Place: discordfake.Place{GuildID: guild[0], ChannelID: th.ID}, CustomID: "post:help", Message: &answer})
	fake.DispatchInteraction(help)
	if body := callback(t, fake, help); !strings.Contains(body.Data.Content, "Needs help") || body.Data.Flags&64 == 0 {
		t.Errorf("Still need help: %+v", body)
	}
	if c, _ := fake.Channel(th.ID); !slices.Contains(c.AppliedTags, tag) {
		t.Errorf("the post's tags %v, want %s", c.AppliedTags, tag)
	}

	// The writer indexes a new document; the reader swaps it in and cites
	// it, without a restart.
	writeFile(t, filepath.Join(dir, "docs", "控烟条例.md"), smokingRules)
	writer.log.waitFor(t, "msg=synced", "added=1", "generation=gen-000002")
	reader.log.waitFor(t, "msg=swapped", "generation=gen-000002", "documents=2")
	q := userMessage(fake, guild[1], ask[1], "在禁烟场所吸烟不听劝阻罚多少钱？")
	if a := threadAnswer(t, fake, q); !strings.Contains(a, "五十元以上二百元以下") {
		t.Errorf("the reader's answer from the new document: %q", a)
	}
	// The replica refuses to write.
	reindex := fake.NewSlashCommand(discordfake.CommandSpec{Place: discordfake.Place{GuildID: guild[1], ChannelID: ask[1], Permissions: "311385246816"}, Name: "reindex"})
	fake.DispatchInteraction(reindex)
	if body := callback(t, fake, reindex); !strings.Contains(body.Data.Content, "read-only") {
		t.Errorf("/reindex on the replica: %+v", body)
	}

	// The reader stops: its guild goes unanswered, the other goes on.
	if code := reader.stop(); code != 0 {
		t.Errorf("reader exit %d", code)
	}
	fake.WaitShardDisconnected(t, 1, 2, serveWait)
	lost := userMessage(fake, guild[1], ask[1], "各方如何应对毒品威胁？")
	if a := threadAnswer(t, fake, userMessage(fake, guild[0], ask[0], "在禁烟场所吸烟不听劝阻罚多少钱？")); !strings.Contains(a, "五十元") {
		t.Errorf("the writer's answer while the reader is down: %q", a)
	}
	writeFile(t, filepath.Join(dir, "docs", "控烟条例.md"), strings.Replace(smokingRules, "五十元以上二百元以下", "一百元以上五百元以下", 1))
	writer.log.waitFor(t, "msg=synced", "changed=1", "generation=gen-000003")

	// Restarted, it serves the generation current now.
	reader = startProc(t, fake, dir, env, "--read-only", "--shard", "1/2")
	reader.log.waitFor(t, "msg=ready", "shards=1/2", "generation=gen-000003")
	q = userMessage(fake, guild[1], ask[1], "在禁烟场所吸烟不听劝阻罚多少钱？")
	if a := threadAnswer(t, fake, q); !strings.Contains(a, "一百元以上五百元以下") {
		t.Errorf("the restarted reader's answer: %q", a)
	}

	// Each question was delivered to one shard only and answered once;
	// what came while the reader was down was never answered.
	for _, m := range []*discordfake.Message{qa, qb, q} {
		if n := len(fake.Filter(discordfake.Matching("POST", "/channels/*/messages/"+m.ID+"/threads"))); n != 1 {
			t.Errorf("%d threads started on %s, want 1", n, m.ID)
		}
		if n := len(fake.ChannelMessages(m.ID)); n != 1 {
			t.Errorf("%d answers to %s, want 1", n, m.ID)
		}
	}
	for _, m := range []*discordfake.Message{lost, botMsg, joined, elsewhere} {
		if n := len(fake.Filter(discordfake.Matching("", "/channels/*/messages/"+m.ID+"/threads"))); n != 0 {
			t.Errorf("a thread was started on %s", m.ID)
		}
	}
	for _, d := range fake.Deliveries() {
		if d.GuildID != "" && d.Shard[0] != discordfake.ShardOf(d.GuildID, 2) {
			t.Errorf("%s %s of guild %s went to shard %v", d.Type, d.ID, d.GuildID, d.Shard)
		}
	}
	if code := writer.stop(); code != 0 {
		t.Errorf("writer exit %d:\n%s", code, writer.log.String())
	}
	for _, r := range fake.UnknownRequests() {
		t.Errorf("unknown route requested: %s", r)
	}
}

// TestServe_shardAuto: every shard Discord recommends, in one process.
func TestServe_shardAuto(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions(), discordfake.WithShards(2), discordfake.WithMaxConcurrency(2))
	p := startProc(t, fake, t.TempDir(), nil, "--shard", "auto")
	p.log.waitFor(t, "msg=ready", "shards=0-1/2")
	for s := range 2 {
		in := fake.NewSlashCommand(discordfake.CommandSpec{Place: discordfake.Place{GuildID: fake.NewGuildID(s, 2), ChannelID: fake.NewID()},
			Name: "ask", Options: []discordfake.CommandOption{{Name: "question", Type: discordfake.OptionString, Value: "各方如何应对毒品威胁？"}}})
		fake.DispatchInteraction(in)
		if m := waitAnswer(t, fake, in); !strings.Contains(m.Content, "〔§1.10〕") {
			t.Errorf("shard %d's guild: %q", s, m.Content)
		}
	}
	if n := len(fake.Filter(discordfake.Matching("PUT", "/applications/*/commands"))); n != 1 {
		t.Errorf("commands registered %d times", n)
	}
}

func TestServe_badShard(t *testing.T) {
	for _, arg := range []string{"2/2", "x", "1/0"} {
		code, _, stderr := runQabot(t, t.TempDir(), "", "serve", "--shard", arg)
		if code != 1 || !strings.Contains(stderr, "I/N") {
			t.Errorf("--shard %s: exit %d, %q", arg, code, stderr)
		}
	}
}
