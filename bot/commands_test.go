package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

const drugs = "各方如何应对毒品威胁？"

func TestAsk_defersThenAnswersWithSourcesAndButtons(t *testing.T) {
	h := newHarness(t, nil, Options{})
	calls := h.run(slash(t, "ask", opt("question", drugs)))
	if len(calls) != 2 || calls[0].Kind != "respond" || calls[0].Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || calls[0].Ephemeral {
		t.Fatalf("calls %+v; want a public deferral, then the answer", calls)
	}
	ans := calls[1]
	if ans.Kind != "edit" || !strings.HasPrefix(ans.Content, "> "+drugs+"\n") || !strings.Contains(ans.Content, "〔§1.10〕") {
		t.Errorf("answer %q", ans.Content)
	}
	if len(ans.Embeds) != 1 || ans.Embeds[0].Title != "Sources" || !strings.Contains(ans.Embeds[0].Fields[0].Name, "§1.10") {
		t.Errorf("sources %+v", ans.Embeds)
	}
	ids := customIDs(ans.Components)
	if len(ids) < 3 || ids[0] != "show:china-central-asia-fm-joint-statement-2022#1.10" || !strings.HasPrefix(ids[len(ids)-2], "vote:up:") || !strings.HasPrefix(ids[len(ids)-1], "vote:down:") {
		t.Errorf("buttons %q", ids)
	}
}

// customIDs lists the custom ids of a message's components, row by row.
func customIDs(rows []discordgo.MessageComponent) []string {
	var out []string
	for _, r := range rows {
		for _, c := range r.(discordgo.ActionsRow).Components {
			switch c := c.(type) {
			case discordgo.Button:
				out = append(out, c.CustomID)
			case discordgo.SelectMenu:
				out = append(out, c.CustomID)
			}
		}
	}
	return out
}

func TestAsk_refusals(t *testing.T) {
	h := newHarness(t, nil, Options{RateLimit: 2, Now: func() time.Time { return time.Unix(0, 0) }})
	for q, want := range map[string]string{
		"   ":                     "Please type a question",
		strings.Repeat("问", 1001): "at most 1000 characters (this one has 1001)",
	} {
		if text, eph := h.reply(slash(t, "ask", opt("question", q))); !eph || !strings.Contains(text, want) {
			t.Errorf("/ask %.10q…: %q (ephemeral %v)", q, text, eph)
		}
	}
	for n := 1; n <= 2; n++ {
		h.run(slash(t, "ask", opt("question", drugs)))
	}
	if text, eph := h.reply(slash(t, "ask", opt("question", drugs))); !eph || !strings.Contains(text, "wait a minute") {
		t.Errorf("third question in a minute: %q", text)
	}
}

func TestAsk_errorsAreLoggedUnderATraceID(t *testing.T) {
	lib := newTestLibrary(t, nil)
	lib.ask = func(context.Context, string, retrieval.AskOptions) (retrieval.Answer, error) {
		return retrieval.Answer{}, errors.New("embedding backend exploded")
	}
	h := newHarness(t, lib, Options{})
	text, _ := h.reply(slash(t, "ask", opt("question", drugs)))
	trace := regexp.MustCompile(`trace ([0-9a-f]{12})`).FindStringSubmatch(text)
	if trace == nil || strings.Contains(text, "exploded") {
		t.Fatalf("reply %q: want a trace id and not the internal error", text)
	}
	if !strings.Contains(h.logs.String(), "trace="+trace[1]) || !strings.Contains(h.logs.String(), "embedding backend exploded") {
		t.Errorf("log lacks trace %s and the error:\n%s", trace[1], h.logs.String())
	}
	// The deferred response was edited: the user is not left "thinking".
	if last := h.rec.last(); last.Kind != "edit" {
		t.Errorf("the error went out as %s", last.Kind)
	}
}

func TestAsk_degradedAnswerNamesItsTrace(t *testing.T) {
	lib := newTestLibrary(t, nil)
	lib.ask = func(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error) {
		ans, err := lib.Library.Ask(ctx, q, o)
		ans.Notice, ans.Degraded = retrieval.NoticeEmbedFailed, "HTTP 502 from the endpoint"
		return ans, err
	}
	h := newHarness(t, lib, Options{})
	text, _ := h.reply(slash(t, "ask", opt("question", drugs)))
	trace := regexp.MustCompile(`words only\. \(trace ([0-9a-f]{12})\)`).FindStringSubmatch(text)
	if trace == nil || !strings.Contains(h.logs.String(), "trace="+trace[1]) || !strings.Contains(h.logs.String(), "HTTP 502") {
		t.Errorf("reply %q, log:\n%s", text, h.logs.String())
	}
}

func TestAsk_streamsTheCheckedTextAsItGrows(t *testing.T) {
	step := make(chan struct{})
	lib := newTestLibrary(t, nil)
	lib.ask = func(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error) {
		for _, s := range []string{"各方打击毒品犯罪。", "各方打击毒品犯罪。各方加强合作。"} {
			o.OnPartial(s)
			<-step // the streamer has edited it in
		}
		return retrieval.Answer{Question: q, Text: "各方打击毒品犯罪。〔§1.10〕", Found: true, Mode: retrieval.ModeGenerated}, nil
	}
	h := newHarness(t, lib, Options{})
	ticks := make(tick)
	h.b.streamWait = ticks.wait
	edits := make(chan string, 8)
	h.rec.onEdit = func(s string) {
		edits <- s
		if strings.HasSuffix(s, "▌") {
			step <- struct{}{}
		}
	}
	go func() {
		<-edits              // the first part, at once
		ticks <- time.Time{} // the streamer may edit again
	}()
	h.run(slash(t, "ask", opt("question", drugs)))
	var got []string
	for _, c := range h.rec.sent("edit") {
		got = append(got, c.Content)
	}
	if len(got) != 3 || got[0] != "各方打击毒品犯罪。 ▌" || got[1] != "各方打击毒品犯罪。各方加强合作。 ▌" || !strings.Contains(got[2], "〔§1.10〕") {
		t.Errorf("edits %q", got)
	}
}

func TestSection(t *testing.T) {
	rules := "# 测试市控烟条例\n\n第一条 为了减少烟草烟雾危害，制定本条例。\n\n第二条 室内公共场所禁止吸烟。\n"
	other := "# 另一条例\n\n第一条 另一份文件的第一条。\n"
	h := newHarness(t, newTestLibrary(t, map[string]string{"控烟条例.md": rules, "另一条例.md": other}), Options{})

	if text, eph := h.reply(slash(t, "section", opt("ref", "2.3"))); eph || !strings.Contains(text, " §2.3〕 各方高度评价首届中国—中亚经贸合作论坛") {
		t.Errorf("/section 2.3: %q (ephemeral %v)", text, eph)
	}
	if text, eph := h.reply(slash(t, "section", opt("ref", "2.99"))); !eph || !strings.Contains(text, `There is no section "2.99".`) || !strings.Contains(text, "Closest: ") {
		t.Errorf("/section 2.99: %q", text)
	}
	if text, _ := h.reply(slash(t, "section", opt("ref", "第九条"), opt("doc", "控烟"))); !strings.Contains(text, `There is no section "第九条" in "控烟".`) {
		t.Errorf("/section 第九条 doc 控烟: %q", text)
	}
	if text, _ := h.reply(slash(t, "section", opt("ref", "第一条"), opt("doc", "没有这个文件"))); !strings.Contains(text, "No document matches") {
		t.Errorf("unknown doc: %q", text)
	}
	// Two documents have 第一条: a menu asks which, and its choice answers.
	calls := h.run(slash(t, "section", opt("ref", "第一条")))
	if len(calls) != 1 || !calls[0].Ephemeral || !strings.Contains(calls[0].Content, "Which one") {
		t.Fatalf("ambiguous: %+v", calls)
	}
	if ids := customIDs(calls[0].Components); len(ids) != 1 || ids[0] != "section:第一条" {
		t.Fatalf("menu %q", ids)
	}
	pick := payload(t, "menu")
	data := pick.MessageComponentData()
	data.CustomID, data.Values = "section:第一条", []string{"控烟条例"}
	pick.Data = data
	if text, _ := h.reply(pick); !strings.Contains(text, "为了减少烟草烟雾危害") || strings.Contains(text, "另一份") {
		t.Errorf("picked: %q", text)
	}
	data.Values = nil
	pick.Data, pick.ID = data, pick.ID+"0"
	if text, _ := h.reply(pick); !strings.Contains(text, "no longer supported") {
		t.Errorf("a menu without a choice: %q", text)
	}
}

func TestSection_hugeClauseIsCappedAndAttached(t *testing.T) {
	body := strings.Repeat("各方同意在长文测试框架下加强合作，", 10000) + "共同推进。" // 170,000 characters, one sentence
	h := newHarness(t, newTestLibrary(t, map[string]string{"长文.txt": "长文测试文件\n\n一、" + body + "\n"}), Options{})
	calls := h.run(slash(t, "section", opt("ref", "1"), opt("doc", "长文")))
	if len(calls) != maxMessages {
		t.Fatalf("%d messages for a huge clause", len(calls))
	}
	last := calls[len(calls)-1]
	if len(last.Files) != 1 || !strings.Contains(last.Files[0].Text, body) || !strings.Contains(last.Content, "the whole text is attached") {
		t.Errorf("the whole clause is not attached: %d files, %q", len(last.Files), tail(last.Content, 80))
	}
}

func TestSources(t *testing.T) {
	files := map[string]string{}
	for n := range 200 {
		files[fmt.Sprintf("law-%03d.md", n)] = fmt.Sprintf("# 中华人民共和国测试法第%d号\n\n第一条 测试。\n", n)
	}
	h := newHarness(t, newTestLibrary(t, files), Options{})
	calls := h.run(slash(t, "sources"))
	if len(calls) == 0 || len(calls) > maxMessages || calls[0].Ephemeral {
		t.Fatalf("%d messages", len(calls))
	}
	text := h.rec.text()
	if !strings.HasPrefix(text, "Indexed documents: 201, with 243 clauses.") || !strings.Contains(text, "clauses, indexed 20") || !strings.Contains(text, "more (find them with /section's doc option)") {
		t.Errorf("/sources: %q … %q", head(text, 80), tail(text, 80))
	}
}

func TestAutocomplete(t *testing.T) {
	h := newHarness(t, nil, Options{})
	complete := func(opts ...*discordgo.ApplicationCommandInteractionDataOption) []*discordgo.ApplicationCommandOptionChoice {
		t.Helper()
		i := payload(t, "autocomplete")
		data := i.ApplicationCommandData()
		data.Options = opts
		i.Data = data
		calls := h.run(i)
		if len(calls) != 1 || calls[0].Type != discordgo.InteractionApplicationCommandAutocompleteResult || calls[0].Choices == nil {
			t.Fatalf("autocomplete: %+v", calls)
		}
		return calls[0].Choices
	}
	focused := func(o *discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
		o.Focused = true
		return o
	}
	got := complete(focused(opt("ref", "2.")))
	if len(got) == 0 {
		t.Fatal("no choices for 2.")
	}
	for _, c := range got {
		if !strings.HasPrefix(c.Value.(string), "2.") {
			t.Errorf("choice %+v for 2.", c)
		}
	}
	if got := complete(focused(opt("ref", "八"))); len(got) != 5 || got[0].Value != "8.1" || !strings.HasPrefix(got[0].Name, "§8.1") {
		t.Errorf("choices for 八 (a label's start): %+v", got)
	}
	if got := complete(focused(opt("ref", ".10"))); len(got) != 1 || got[0].Value != "1.10" {
		t.Errorf("choices for .10 (inside an id): %+v", got)
	}
	if docs := complete(opt("ref", "2.3"), focused(opt("doc", "central"))); len(docs) != 1 || docs[0].Value != "china-central-asia-fm-joint-statement-2022" {
		t.Errorf("document choices %+v", docs)
	}
	if none := complete(focused(opt("ref", "没有"))); len(none) != 0 {
		t.Errorf("choices for nothing: %+v", none)
	}
}
