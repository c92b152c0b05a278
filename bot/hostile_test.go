package bot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qabot/qabot/retrieval"
)

// TestHostileInput holds the bot to issue 14's cases that reach it: each
// gets a clear reply within Discord's limits (at most maxMessages messages,
// checked by the recorder with the rest of Discord's rules: no pings, no
// masked links) and loses nothing (what does not fit is attached whole).
func TestHostileInput(t *testing.T) {
	hugeClause := strings.Repeat("各方同意在长文测试框架下加强合作，", 10000) + "共同推进。" // 170,000 characters, one sentence
	evil := "第一条 报名请访问 @everyone [官方报名入口](https://evil.example/login) 并登录。\n"
	files := map[string]string{
		"长文.txt":      "长文测试文件\n\n第一条 " + hugeClause + "\n",
		"报名须知.md":     "# 报名须知\n\n" + evil,
		"控烟条例.md":     smokingRules,
		"short.txt":   "通知\n\n一、携带身份证\n二、上午九点前到场\n三、报名费五十元\n",
		"空格\u00a0.md": "# 空格\n\n第一条 文件名里有不换行空格。\n",
	}
	generated := func(n int) (string, []retrieval.Citation) {
		var sb strings.Builder
		for k := range n {
			fmt.Fprintf(&sb, "各方同意加强第%d项合作。〔§1.%d〕", k, k%10+1)
		}
		return sb.String(), []retrieval.Citation{{Doc: "china-central-asia-fm-joint-statement-2022", Section: "1.1", Label: "一.1", Tag: "§1.1", Text: "…"}}
	}
	cases := []struct {
		name string
		run  func(t *testing.T, h *harness) []sent
		want string               // in the reply
		lost func(c []sent) error // nothing lost: the whole of what was asked for is there
	}{
		{
			name: "a question of 333 references",
			run: func(t *testing.T, h *harness) []sent {
				return h.run(slash(t, "ask", opt("question", strings.Repeat("第二条", 333))))
			},
			want: "第二条",
		},
		{
			name: "a question of 250 dotted references",
			run: func(t *testing.T, h *harness) []sent {
				return h.run(slash(t, "ask", opt("question", strings.Repeat("§1.1", 250))))
			},
			want: " §1.1〕", // the statement's §1.1, named with its document: several are indexed
		},
		{
			name: "a question one character over the limit",
			run: func(t *testing.T, h *harness) []sent {
				return h.run(slash(t, "ask", opt("question", strings.Repeat("问", 1001))))
			},
			want: "at most 1000 characters (this one has 1001)",
		},
		{
			name: "a generated answer of 3,000 cited sentences",
			run: func(t *testing.T, h *harness) []sent {
				text, cs := generated(3000)
				h.lib.ask = func(_ context.Context, q string, _ retrieval.AskOptions) (retrieval.Answer, error) {
					return retrieval.Answer{Question: q, Text: text, Found: true, Mode: retrieval.ModeGenerated, Citations: cs}, nil
				}
				return h.run(slash(t, "ask", opt("question", drugs)))
			},
			want: "the whole text is attached (answer.txt)",
			lost: func(c []sent) error {
				text, _ := generated(3000)
				return attached(c, text)
			},
		},
		{
			name: "/section of a 170,000-character clause",
			run: func(t *testing.T, h *harness) []sent {
				return h.run(slash(t, "section", opt("ref", "第一条"), opt("doc", "长文")))
			},
			want: "the whole text is attached (section.txt)",
			lost: func(c []sent) error { return attached(c, hugeClause) },
		},
		{
			name: "Show on a 170,000-character clause",
			run: func(t *testing.T, h *harness) []sent {
				return h.run(button(t, showID(retrieval.ClauseKey{Doc: "长文", ID: "1"})))
			},
			want: "the whole text is attached (clause.txt)",
			lost: func(c []sent) error { return attached(c, hugeClause) },
		},
		{
			name: "an answer that quotes a 170,000-character clause",
			run: func(t *testing.T, h *harness) []sent {
				return h.run(slash(t, "ask", opt("question", "长文测试文件第一条说了什么？")))
			},
			want: "the whole text is attached (answer.txt)",
			lost: func(c []sent) error { return attached(c, hugeClause) },
		},
		{
			name: "a document with a masked link and @everyone",
			run: func(t *testing.T, h *harness) []sent {
				return h.run(slash(t, "section", opt("ref", "第一条"), opt("doc", "报名须知")))
			},
			want: `\[官方报名入口](https://evil.example/login)`, // shown as written, not as a link
		},
		{
			name: "twenty alternating votes",
			run: func(t *testing.T, h *harness) []sent {
				_, up, down := askedButtons(t, h, drugs)
				var last []sent
				for n := range 20 {
					last = h.run(button(t, map[bool]string{true: up, false: down}[n%2 == 0]))
				}
				if votes := readFeedback(t, h.b.opts.FeedbackFile); len(votes) != 1 || votes[0].Vote != "down" {
					t.Errorf("feedback after 20 presses: %+v", votes)
				}
				return last
			},
			want: "Changed your vote on this answer to 👎",
		},
		{
			name: "short numbered items are clauses",
			run: func(t *testing.T, h *harness) []sent {
				return h.run(slash(t, "section", opt("ref", "三"), opt("doc", "short")))
			},
			want: "报名费五十元",
		},
		{
			name: "an upload whose name has a bidi override and a zero-width space",
			run: func(t *testing.T, h *harness) []sent {
				return h.run(uploadOf(t, h, "新\u202e条\u200b例.md", []byte("# 新条例\n\n第一条 新的。\n"), 30, false))
			},
			want: "Added **新条例** as 新条例.md",
		},
		{
			name: "an upload whose extension differs only in case",
			run: func(t *testing.T, h *harness) []sent {
				return h.run(uploadOf(t, h, "控烟条例.MD", []byte(smokingRules), len(smokingRules), true))
			},
			want: "already exists as 控烟条例.md, with another extension",
		},
	}
	h := newHarness(t, newTestLibrary(t, files), Options{UploadLimit: 1 << 20})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t, h.rec.t = t, t
			h.lib.ask = nil
			calls := c.run(t, h)
			var text strings.Builder
			replies := 0
			for _, s := range calls {
				text.WriteString(s.Content)
				if s.Kind != "typing" && s.Kind != "thread" && !(s.Kind == "respond" && s.Content == "" && s.Files == nil) {
					replies++
				}
			}
			if replies > maxMessages {
				t.Errorf("%d messages", replies)
			}
			if !strings.Contains(text.String(), c.want) {
				t.Errorf("reply %q…, want %q", head(text.String(), 300), c.want)
			}
			if strings.Contains(text.String(), "trace ") {
				t.Errorf("an error instead of a reply: %q", text.String())
			}
			if c.lost != nil {
				if err := c.lost(calls); err != nil {
					t.Error(err)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(h.lib.DocsDir(), "控烟条例.MD")); err == nil {
		t.Error("the upload of another case was saved beside the document")
	}
}

// attached checks that the whole of want was sent: in a message's
// attachment, or in the messages' text.
func attached(calls []sent, want string) error {
	var all strings.Builder
	for _, c := range calls {
		all.WriteString(c.Content)
		for _, f := range c.Files {
			if strings.Contains(squash(f.Text), squash(want)) {
				return nil
			}
		}
	}
	if strings.Contains(squash(all.String()), squash(want)) {
		return nil
	}
	return fmt.Errorf("%d characters asked for are neither in the messages nor attached", len([]rune(want)))
}
