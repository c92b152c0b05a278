package bot

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

// The ask channels of these tests: a text channel and a forum with a help
// tag, in the recorded payloads' guild.
const (
	askText  = "1300000000000000010"
	askForum = "1300000000000000020"
	helpTag  = "1300000000000000021"
	author   = "1200000000000000003" // the recorded messages' author
)

func newAskHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	opts.AskChannels = []string{askText, askForum}
	if opts.ForumHelpTag == "" {
		opts.ForumHelpTag = "needs help"
	}
	h := newHarness(t, nil, opts)
	h.rec.channels[askText] = &discordgo.Channel{ID: askText, Type: discordgo.ChannelTypeGuildText}
	h.rec.channels[askForum] = &discordgo.Channel{ID: askForum, Type: discordgo.ChannelTypeGuildForum,
		AvailableTags: []discordgo.ForumTag{{ID: "1300000000000000022", Name: "Solved"}, {ID: helpTag, Name: "Needs help"}}}
	return h
}

// post makes a new post in the forum: its thread and its starter message.
func (h *harness) post(title, body string) *discordgo.Message {
	h.t.Helper()
	m := in(mention(h.t, body), askForum)
	h.rec.channels[m.ID] = &discordgo.Channel{ID: m.ID, ParentID: askForum, OwnerID: author, Name: title, Type: discordgo.ChannelTypeGuildPublicThread}
	m.ChannelID = m.ID // the starter message has the thread's id
	return m
}

func (h *harness) edit(m *discordgo.Message, content string) []sent {
	h.t.Helper()
	e := *m
	e.Content = content
	before := len(h.rec.sent())
	h.b.onMessage(context.Background(), &e, true)
	return h.rec.sent()[before:]
}

// cites reports whether calls posted an answer citing label.
func cites(calls []sent, label string) bool {
	for _, c := range calls {
		if c.Kind == "send" && strings.Contains(c.Content, label) {
			return true
		}
	}
	return false
}

func TestAskChannel_everyMessageIsAQuestion(t *testing.T) {
	h := newAskHarness(t, Options{})
	q := in(mention(t, "首届中国—中亚经贸合作论坛是什么时候举行的？"), askText)
	calls := h.say(q)
	if len(calls) < 3 || calls[1].Kind != "thread" || calls[1].Channel != askText || calls[len(calls)-1].Channel != q.ID || !cites(calls, "〔§2.3〕") {
		t.Fatalf("a question in the ask channel: %+v", calls)
	}
	// Its thread takes follow-ups, with the question as context.
	if calls := h.say(in(mention(t, "那第二个论坛是什么时间？"), q.ID)); !cites(calls, "〔§2.3〕") {
		t.Errorf("a follow-up in the thread: %+v", calls)
	}
	// Answered once: delivered again, or edited, it gets nothing more.
	if calls := h.say(q); len(calls) != 0 {
		t.Errorf("the same message again: %+v", calls)
	}
	if calls := h.edit(q, drugs); len(calls) != 0 {
		t.Errorf("an edit of an answered question: %+v", calls)
	}
	// A mention there is a question like any other, answered once.
	if calls := h.say(in(mention(t, "<@"+testBotID+"> "+drugs), askText)); !cites(calls, "〔§1.10〕") || len(h.rec.sent("thread")) != 2 {
		t.Errorf("a mention in the ask channel: %+v", calls)
	}
	// Another channel is not an ask channel.
	if calls := h.say(in(mention(t, drugs), "1300000000000000099")); len(calls) != 0 {
		t.Errorf("a message in another channel: %+v", calls)
	}
}

func TestAskChannel_ignores(t *testing.T) {
	h := newAskHarness(t, Options{})
	bot := in(mention(t, drugs), askText)
	bot.Author = &discordgo.User{ID: "1300000000000000555", Bot: true}
	hook := in(mention(t, drugs), askText)
	hook.WebhookID = "1300000000000000556"
	system := in(mention(t, drugs), askText)
	system.Type = discordgo.MessageTypeGuildMemberJoin
	own := in(mention(t, drugs), askText)
	own.Author = &discordgo.User{ID: testBotID, Bot: true}
	for name, m := range map[string]*discordgo.Message{
		"a bot's": bot, "a webhook's": hook, "a system message": system, "the bot's own": own,
		"a picture":  in(mention(t, ""), askText),
		"links only": in(mention(t, "https://example.com/a <https://example.com/b>"), askText),
	} {
		if calls := h.say(m); len(calls) != 0 {
			t.Errorf("%s: %+v", name, calls)
		}
		if name != "a picture" && name != "links only" {
			if calls := h.edit(m, drugs); len(calls) != 0 {
				t.Errorf("%s, edited: %+v", name, calls)
			}
		}
	}
	// A message that was not a question becomes one when edited, once.
	pic := in(mention(t, ""), askText)
	h.say(pic)
	if calls := h.edit(pic, drugs); !cites(calls, "〔§1.10〕") {
		t.Errorf("a picture edited into a question: %+v", calls)
	}
	if calls := h.edit(pic, drugs+"？"); len(calls) != 0 {
		t.Errorf("edited again after its answer: %+v", calls)
	}
	// An edit of a message this process never saw is left alone.
	if calls := h.edit(in(mention(t, drugs), askText), drugs); len(calls) != 0 {
		t.Errorf("an edit of an unseen message: %+v", calls)
	}
}

func TestAskChannel_refusalsNotFoundAndEdits(t *testing.T) {
	h := newAskHarness(t, Options{RateLimit: 2})
	long := in(mention(t, strings.Repeat("问", 1001)), askText)
	calls := h.say(long)
	if len(calls) != 1 || calls[0].Channel != askText || calls[0].Reference == nil || !strings.Contains(calls[0].Content, "edit it to a shorter one") {
		t.Fatalf("a long question: %+v", calls)
	}
	if calls := h.edit(long, drugs); !cites(calls, "〔§1.10〕") {
		t.Errorf("the long question shortened: %+v", calls)
	}
	// Not found: said, with a pointer to /sources.
	calls = h.say(in(mention(t, "比特币的价格会涨吗？"), askText))
	if last := calls[len(calls)-1]; last.Kind != "send" || !strings.Contains(last.Content, "/sources") {
		t.Errorf("not found: %+v", calls)
	}
	// The rate limit of /ask: a third question within the minute.
	if calls := h.say(in(mention(t, drugs), askText)); len(calls) != 1 || !strings.Contains(calls[0].Content, "wait a minute") {
		t.Errorf("over the rate limit: %+v", calls)
	}

	// Silent: nothing is posted, and an edit that can be answered is.
	s := newAskHarness(t, Options{SilentNotFound: true})
	nf := in(mention(t, "比特币的价格会涨吗？"), askText)
	if calls := s.say(nf); len(s.rec.sent("send", "thread")) != 0 {
		t.Errorf("not found, silent: %+v", calls)
	}
	if calls := s.edit(nf, drugs); !cites(calls, "〔§1.10〕") {
		t.Errorf("edited after a silent not-found: %+v", calls)
	}
}

func TestAskChannel_forumPosts(t *testing.T) {
	h := newAskHarness(t, Options{})
	var mu sync.Mutex
	var earlier []string
	h.lib.ask = func(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error) {
		mu.Lock()
		earlier = append(earlier, o.Earlier)
		mu.Unlock()
		return h.lib.Library.Ask(ctx, q, o)
	}
	p := h.post("禁毒合作", drugs)
	calls := h.say(p)
	last := calls[len(calls)-1]
	if last.Kind != "send" || last.Channel != p.ID || !strings.Contains(last.Content, "〔§1.10〕") || len(h.rec.sent("thread")) != 0 {
		t.Fatalf("a new post: %+v", calls)
	}
	if row := last.Components[len(last.Components)-1].(discordgo.ActionsRow); len(row.Components) != 2 ||
		row.Components[0].(discordgo.Button).CustomID != "post:answered" || row.Components[1].(discordgo.Button).Label != "Still need help" {
		t.Errorf("the post's buttons: %+v", last.Components)
	}
	// Replies in the post are the people's; a mention there is answered in
	// place, the post giving the context.
	if calls := h.say(in(mention(t, "谢谢，我也想知道"), p.ID)); len(calls) != 0 {
		t.Errorf("a reply in the post: %+v", calls)
	}
	h.rec.messages[p.ID+"/"+p.ID] = p
	calls = h.say(in(mention(t, "<@"+testBotID+"> 那经贸呢？"), p.ID))
	if last := calls[len(calls)-1]; last.Channel != p.ID || last.Reference == nil {
		t.Errorf("a mention in the post: %+v", calls)
	}
	mu.Lock()
	if len(earlier) != 2 || earlier[0] != "" || !strings.Contains(earlier[1], "禁毒合作") || !strings.Contains(earlier[1], drugs) {
		t.Errorf("the questions' context: %q", earlier)
	}
	mu.Unlock()
	// A post whose text is a picture is asked by its title.
	if calls := h.say(h.post("各方如何应对毒品威胁", "")); !cites(calls, "〔§1.10〕") {
		t.Errorf("a post of a title and a picture: %+v", calls)
	}
}

func TestPostButtons(t *testing.T) {
	h := newAskHarness(t, Options{})
	p := h.post("禁毒合作", drugs)
	h.say(p)
	press := func(id, user string, perms int64) (string, []sent) {
		t.Helper()
		i := button(t, id)
		i.ChannelID = p.ID
		i.Member.User.ID, i.Member.Permissions = user, perms
		before := len(h.rec.sent())
		text, _ := h.reply(i)
		return text, h.rec.sent()[before:]
	}
	tags := func() []string { return h.rec.channels[p.ID].AppliedTags }

	if text, _ := press("post:help", "1300000000000000777", 0); !strings.Contains(text, "Only the post's author") || len(tags()) != 0 {
		t.Errorf("someone else presses: %q, tags %v", text, tags())
	}
	text, calls := press("post:help", author, 0)
	if !strings.Contains(text, "Needs help") || len(tags()) != 1 || tags()[0] != helpTag || calls[0].Kind != "editChannel" {
		t.Errorf("still need help: %q, tags %v, calls %+v", text, tags(), calls)
	}
	if text, _ := press("post:help", author, 0); !strings.Contains(text, "already") || len(tags()) != 1 {
		t.Errorf("pressed again: %q, tags %v", text, tags())
	}
	// A manager may mark it; answered takes the tag off.
	if text, _ := press("post:answered", "1300000000000000777", discordgo.PermissionManageGuild); !strings.Contains(text, "answered") || len(tags()) != 0 {
		t.Errorf("answered: %q, tags %v", text, tags())
	}
	// Discord's limit of five tags.
	h.rec.channels[p.ID].AppliedTags = []string{"1", "2", "3", "4", "5"}
	if text, _ := press("post:help", author, 0); !strings.Contains(text, "5 tags") {
		t.Errorf("a post with five tags: %q", text)
	}

	// A tag the forum lacks, or none configured.
	other := newAskHarness(t, Options{ForumHelpTag: "Human wanted"})
	p2 := other.post("禁毒合作", drugs)
	i := button(t, "post:help")
	i.ChannelID, i.Member.User.ID = p2.ID, author
	if text, _ := other.reply(i); !strings.Contains(text, "no “Human wanted” tag") || len(other.rec.sent("editChannel")) != 0 {
		t.Errorf("a tag the forum lacks: %q", text)
	}
	if !strings.Contains(other.logs.String(), "tags=\"Solved, Needs help\"") {
		t.Errorf("the log does not name the forum's tags:\n%s", other.logs.String())
	}
}

func TestReadOnly_refusesWrites(t *testing.T) {
	h := newHarness(t, nil, Options{ReadOnly: true})
	synced := false
	h.lib.sync = func(context.Context) (retrieval.SyncReport, error) { synced = true; return retrieval.SyncReport{}, nil }
	for _, i := range []*discordgo.Interaction{admin(slash(t, "reindex")), admin(payload(t, "upload"))} {
		if text, eph := h.reply(i); !strings.Contains(text, "read-only") || !eph {
			t.Errorf("%s on a read-only replica: %q (ephemeral %v)", i.ApplicationCommandData().Name, text, eph)
		}
	}
	if synced {
		t.Error("a read-only replica synced")
	}
	// Non-managers are refused as ever; questions are answered.
	if text, _ := h.reply(slash(t, "reindex")); !strings.Contains(text, "only server managers") {
		t.Errorf("a member's /reindex: %q", text)
	}
	if text, _ := h.reply(slash(t, "ask", opt("question", drugs))); !strings.Contains(text, "〔§1.10〕") {
		t.Errorf("/ask on a read-only replica: %q", text)
	}
}

func TestInteraction_answeredOnce(t *testing.T) {
	h := newHarness(t, nil, Options{})
	i := slash(t, "sources")
	if calls := h.run(i); len(calls) != 1 {
		t.Fatalf("/sources: %+v", calls)
	}
	if calls := h.run(i); len(calls) != 0 {
		t.Errorf("the same interaction again: %+v", calls)
	}
}
