package bot

import (
	"strings"
	"testing"
)

// TestMention_otherMarkupIsNotTheQuestion: mentions of others, roles and
// channels, @everyone, @here, custom emoji and timestamps are Discord's
// markup, not words of the question: the question is answered as it would
// be without them, and the thread's title has none of them.
func TestMention_otherMarkupIsNotTheQuestion(t *testing.T) {
	h := newHarness(t, nil, Options{})
	for _, content := range []string{
		"<@" + testBotID + "> @everyone 各方在禁毒方面打算怎么做？",
		"<@" + testBotID + "> <@!123456789012345678> <@&223456789012345678> 各方在禁毒方面打算怎么做？ @here",
		"<@" + testBotID + "> 各方在禁毒方面打算怎么做？<:thinking:323456789012345678> <t:1700000000:R> <#423456789012345678>",
	} {
		calls := h.say(mention(t, content))
		if len(calls) < 3 || calls[0].Kind != "thread" || calls[0].Content != "Q: 各方在禁毒方面打算怎么做？" {
			t.Errorf("%s: calls %+v", content, calls)
			continue
		}
		if answer := calls[len(calls)-1]; !strings.Contains(answer.Content, "〔§1.10〕") {
			t.Errorf("%s: answer %+v", content, answer)
		}
	}
	// Markup alone is no question.
	if calls := h.say(mention(t, "<@"+testBotID+"> @everyone <@123456789012345678>")); len(calls) != 1 || !strings.Contains(calls[0].Content, "Mention me with a question") {
		t.Errorf("markup alone: %+v", calls)
	}
}
