package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// mention is the recorded message that mentions the bot, with content.
func mention(t *testing.T, content string) *discordgo.Message {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "interactions", "mention.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m discordgo.Message
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m.ID = fmt.Sprintf("15774680453%08d", payloadSeq.Add(1))
	m.Content = content
	return &m
}

// in makes m a message in channel (without a mention unless it has one).
func in(m *discordgo.Message, channel string) *discordgo.Message {
	m.ChannelID = channel
	if !strings.Contains(m.Content, "<@"+testBotID+">") {
		m.Mentions = nil
	}
	return m
}

func (h *harness) say(m *discordgo.Message) []sent {
	h.t.Helper()
	before := len(h.rec.sent())
	h.b.onMessage(context.Background(), m, false)
	return h.rec.sent()[before:]
}

func TestMention_answersInAThreadAndFollowsUp(t *testing.T) {
	h := newHarness(t, nil, Options{})
	q := mention(t, "<@"+testBotID+"> 首届中国—中亚经贸合作论坛是什么时候举行的？")
	calls := h.say(q)
	if len(calls) < 3 || calls[0].Kind != "thread" || calls[0].Content != "Q: 首届中国—中亚经贸合作论坛是什么时候举行的？" {
		t.Fatalf("calls %+v", calls)
	}
	answer := calls[len(calls)-1]
	if answer.Kind != "send" || answer.Channel != q.ID || !strings.Contains(answer.Content, "〔§2.3〕") || len(answer.Embeds) != 1 {
		t.Errorf("answer %+v", answer)
	}
	// A message in the thread is a follow-up: alone it finds nothing to
	// cite; with the earlier question it is about the forums of §2.3.
	calls = h.say(in(mention(t, "那第二个论坛是什么时间？"), q.ID))
	if last := calls[len(calls)-1]; last.Channel != q.ID || !strings.Contains(last.Content, "〔§2.3〕") {
		t.Errorf("follow-up: %+v", calls)
	}
	// Bare mentions and pictures in the thread get nothing.
	if calls := h.say(in(mention(t, "<@"+testBotID+">"), q.ID)); len(calls) != 0 {
		t.Errorf("a bare mention in the thread: %+v", calls)
	}
	if calls := h.say(in(mention(t, strings.Repeat("问", 1001)), q.ID)); len(calls) != 1 || !strings.Contains(calls[0].Content, "follow-up questions to at most 1000") {
		t.Errorf("a long follow-up: %+v", calls)
	}
}

func TestMention_followUpAfterARestart(t *testing.T) {
	// A new process knows nothing of the thread; it finds the question from
	// Discord: the thread it owns has the id of the question's message.
	h := newHarness(t, nil, Options{})
	const parent, thread = "1200000000000000002", "1577468045306999999"
	h.rec.channels[thread] = &discordgo.Channel{ID: thread, ParentID: parent, OwnerID: testBotID, Type: discordgo.ChannelTypeGuildPublicThread}
	h.rec.messages[parent+"/"+thread] = &discordgo.Message{ID: thread, Content: "<@" + testBotID + "> 首届中国—中亚经贸合作论坛是什么时候举行的？"}
	calls := h.say(in(mention(t, "那第二个论坛是什么时间？"), thread))
	if last := calls[len(calls)-1]; !strings.Contains(last.Content, "〔§2.3〕") {
		t.Errorf("follow-up after a restart: %+v", calls)
	}
	// Another user's thread is an ordinary channel.
	h.rec.channels["1577468045306888888"] = &discordgo.Channel{ID: "1577468045306888888", ParentID: parent, OwnerID: "1200000000000000003", Type: discordgo.ChannelTypeGuildPublicThread}
	if calls := h.say(in(mention(t, "各方如何应对毒品威胁？"), "1577468045306888888")); len(calls) != 0 {
		t.Errorf("a message in someone else's thread: %+v", calls)
	}
	// A channel that cannot be looked up is tried again next time.
	h.rec.failNext("channel", errors.New("HTTP 500"))
	if calls := h.say(in(mention(t, "各方如何应对毒品威胁？"), "1577468045306777777")); len(calls) != 0 {
		t.Errorf("a failed look-up: %+v", calls)
	}
	if _, known := h.b.channels.get("1577468045306777777"); known {
		t.Error("a failed look-up was remembered")
	}
}

func TestMention_whereNoThreadCanStart(t *testing.T) {
	h := newHarness(t, nil, Options{})
	h.rec.failNext("thread", errors.New("HTTP 403 Forbidden, {\"code\": 50001}"))
	q := mention(t, "<@"+testBotID+"> 各方如何应对毒品威胁？")
	calls := h.say(q)
	last := calls[len(calls)-1]
	if last.Channel != q.ChannelID || last.Reference == nil || last.Reference.MessageID != q.ID || !strings.Contains(last.Content, "〔§1.10〕") {
		t.Errorf("answer without a thread: %+v", calls)
	}
}

func TestMention_ignoresAndRefusals(t *testing.T) {
	h := newHarness(t, nil, Options{RateLimit: 1})
	plain := in(mention(t, drugs), "1200000000000000002")
	if calls := h.say(plain); len(calls) != 0 {
		t.Errorf("a message without a mention: %+v", calls)
	}
	own := mention(t, "<@"+testBotID+"> "+drugs)
	own.Author = &discordgo.User{ID: testBotID, Bot: true}
	if calls := h.say(own); len(calls) != 0 {
		t.Errorf("the bot's own message: %+v", calls)
	}
	if calls := h.say(mention(t, "<@"+testBotID+">  ")); len(calls) != 1 || !strings.Contains(calls[0].Content, "Mention me with a question") {
		t.Errorf("a bare mention: %+v", calls)
	}
	if calls := h.say(mention(t, "<@"+testBotID+"> "+strings.Repeat("问", 1001))); len(calls) != 1 || !strings.Contains(calls[0].Content, "at most 1000 characters after mentioning me") {
		t.Errorf("a long question: %+v", calls)
	}
	h.say(mention(t, "<@"+testBotID+"> "+drugs))
	calls := h.say(mention(t, "<@!"+testBotID+"> "+drugs))
	if len(calls) != 1 || !strings.Contains(calls[0].Content, "wait a minute") || calls[0].Reference == nil {
		t.Errorf("over the rate limit: %+v", calls)
	}
}
