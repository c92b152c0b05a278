package bot

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qabot/qabot/retrieval"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; got:\n%s", path, got)
	}
}

// longAnswer is an extractive-style answer of about n runes: sentences of
// varying length, each followed by a citation, one per line, some quoting.
func longAnswer(n int) (string, []retrieval.Citation) {
	var sb strings.Builder
	var cs []retrieval.Citation
	for k := 1; utf8.RuneCountInString(sb.String()) < n; k++ {
		sec := fmt.Sprintf("%d.%d", k%8+1, k)
		body := strings.Repeat("各方同意加强务实合作，", 3+k%7)
		if k%3 == 0 {
			body += "并重申「" + strings.Repeat("和平共处五项原则", 2+k%4) + "」的重要意义。"
		} else {
			body += "推动共同发展。"
		}
		fmt.Fprintf(&sb, "%s〔§%s〕\n", body, sec)
		cs = append(cs, retrieval.Citation{Doc: "statement", Section: sec, Label: sec, Tag: "§" + sec, DocTitle: "联合声明", Heading: "合作", Text: body})
	}
	return strings.TrimSpace(sb.String()), cs
}

// render writes messages in a readable, stable form for golden files.
func render(msgs []message) string {
	var sb strings.Builder
	for n, m := range msgs {
		fmt.Fprintf(&sb, "===== message %d: %d runes =====\n%s\n", n+1, utf8.RuneCountInString(m.Content), m.Content)
		for _, e := range m.Embeds {
			fmt.Fprintf(&sb, "----- embed -----\n%s", marshal(e, "  "))
		}
		for _, c := range m.Components {
			fmt.Fprintf(&sb, "----- components -----\n%s", marshal(c, ""))
		}
	}
	return sb.String()
}

// marshal is JSON without HTML escaping, for readable golden files.
func marshal(v any, indent string) string {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return err.Error()
	}
	return sb.String()
}

// checkPieces asserts what every split must hold: within the limit, nothing
// lost or reordered, no citation or quote broken across pieces.
func checkPieces(t *testing.T, text string, pieces []string, limit int) {
	t.Helper()
	for n, p := range pieces {
		if c := utf8.RuneCountInString(p); c > limit || c == 0 {
			t.Errorf("piece %d has %d runes (limit %d)", n, c, limit)
		}
		for _, pair := range [][2]string{{"〔", "〕"}, {"「", "」"}} {
			if strings.Count(p, pair[0]) != strings.Count(p, pair[1]) {
				t.Errorf("piece %d breaks a %s…%s: %q … %q", n, pair[0], pair[1], head(p, 20), tail(p, 20))
			}
		}
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if squash(strings.Join(pieces, "")) != squash(text) {
		t.Error("the pieces do not add up to the text")
	}
}

func head(s string, n int) string { return string([]rune(s)[:min(n, utf8.RuneCountInString(s))]) }
func tail(s string, n int) string { r := []rune(s); return string(r[max(0, len(r)-n):]) }

func TestSplit_answer5000(t *testing.T) {
	text, _ := longAnswer(5000)
	pieces, _ := split(text, maxContent, 1000)
	if len(pieces) < 3 {
		t.Fatalf("%d runes split into %d pieces", utf8.RuneCountInString(text), len(pieces))
	}
	checkPieces(t, text, pieces, maxContent)
	// Pieces end at a line break: each ends with a citation.
	for n, p := range pieces {
		if !strings.HasSuffix(p, "〕") {
			t.Errorf("piece %d does not end with a citation: …%q", n, tail(p, 10))
		}
	}
}

func TestSplit_oneLongLine(t *testing.T) {
	// One line far over the limit: cut after sentences, never inside the
	// quote or the citation.
	var sb strings.Builder
	for k := 0; utf8.RuneCountInString(sb.String()) < 4500; k++ {
		fmt.Fprintf(&sb, "第%d句说明合作的意义，并引用「%s」〔§%d.%d〕。", k, strings.Repeat("共同发展", 5+k%5), k%8+1, k)
	}
	text := sb.String()
	pieces, _ := split(text, maxContent, 1000)
	checkPieces(t, text, pieces, maxContent)
	for n, p := range pieces[:len(pieces)-1] {
		if !strings.HasSuffix(p, "。") {
			t.Errorf("piece %d not cut after a sentence: …%q", n, tail(p, 10))
		}
	}
}

func TestSplit_unbreakable(t *testing.T) {
	// A run with no break at all is cut hard, at the limit.
	text := strings.Repeat("毒", 4100)
	pieces, _ := split(text, maxContent, 1000)
	checkPieces(t, text, pieces, maxContent)
	if len(pieces) != 3 || utf8.RuneCountInString(pieces[0]) != maxContent {
		t.Errorf("pieces: %d, first %d runes", len(pieces), utf8.RuneCountInString(pieces[0]))
	}
	if got, _ := split("  短  ", maxContent, 3); len(got) != 1 || got[0] != "短" {
		t.Errorf("short text: %q", got)
	}
}

func TestAnswerMessages_golden(t *testing.T) {
	text, cs := longAnswer(5000)
	msgs := answerMessages(retrieval.Answer{Question: "各方同意什么？", Text: text, Citations: cs}, "A notice.", "abc123", true)
	for _, m := range msgs[:len(msgs)-1] {
		if m.Embeds != nil || m.Components != nil {
			t.Error("sources or buttons on a message that is not the last")
		}
	}
	if !strings.HasPrefix(msgs[0].Content, "> 各方同意什么？\n") {
		t.Errorf("question not echoed: %q", head(msgs[0].Content, 20))
	}
	last := msgs[len(msgs)-1]
	if !strings.HasSuffix(last.Content, "-# A notice.") {
		t.Errorf("notice missing: …%q", tail(last.Content, 30))
	}
	checkEmbed(t, last.Embeds[0])
	checkComponents(t, last.Components)
	golden(t, "answer-5000.golden", render(msgs))

	short := answerMessages(retrieval.Answer{Question: "q", Text: "各方同意加强合作。〔§2.3〕", Citations: cs[:1]}, "", "abc123", false)
	if len(short) != 1 {
		t.Fatalf("short answer in %d messages", len(short))
	}
	golden(t, "answer-short.golden", render(short))
}

func TestSourcesEmbed_limits(t *testing.T) {
	// Many long citations: the embed stays within every limit and says how
	// many it left out.
	var cs []retrieval.Citation
	for k := range 40 {
		cs = append(cs, retrieval.Citation{
			Doc: "d", Section: fmt.Sprint(k), Tag: strings.Repeat("长", 300), DocTitle: strings.Repeat("题", 300),
			Heading: strings.Repeat("标", 300), Text: strings.Repeat("文", 3000),
		})
	}
	e := sourcesEmbed(cs)
	checkEmbed(t, e)
	if e.Footer == nil || !strings.Contains(e.Footer.Text, "more") {
		t.Errorf("footer = %+v", e.Footer)
	}
	checkComponents(t, answerButtons(cs, "x"))
}

func TestShowID_longKey(t *testing.T) {
	key := retrieval.ClauseKey{Doc: strings.Repeat("中华人民共和国", 20), ID: "19-1"}
	id := showID(key)
	if !strings.HasPrefix(id, showDigestPrefix) || id != showDigestPrefix+key.Digest() {
		t.Errorf("showID = %q", id)
	}
	if short := showID(retrieval.ClauseKey{Doc: "doc", ID: "2.3"}); short != "show:doc#2.3" {
		t.Errorf("short key: %q", short)
	}
}

func TestSplit_sourcesList(t *testing.T) {
	// A list of lines is cut between lines.
	var sb strings.Builder
	for k := range 300 {
		fmt.Fprintf(&sb, "• 中华人民共和国测试法%d (`law-%d`): %d clauses, indexed 2026-11-26 01:00 UTC\n", k, k, k)
	}
	pieces, _ := split(sb.String(), maxContent, 1000)
	checkPieces(t, sb.String(), pieces, maxContent)
	for n, p := range pieces {
		if !strings.HasPrefix(p, "• ") || !strings.HasSuffix(p, "UTC") {
			t.Errorf("piece %d cut inside a line: %q … %q", n, head(p, 10), tail(p, 10))
		}
	}
}

func TestTextMessages_capped(t *testing.T) {
	text := strings.Repeat(strings.Repeat("条", 99)+"\n", 200) // about 20,000 characters
	msgs := textMessages(text)
	if len(msgs) != maxMessages {
		t.Fatalf("%d messages", len(msgs))
	}
	last := msgs[len(msgs)-1]
	if c := utf8.RuneCountInString(last.Content); c > maxContent || !strings.Contains(last.Content, "more characters") {
		t.Errorf("last message (%d runes) ends %q", c, tail(last.Content, 40))
	}
	// Nothing is lost: the whole text is attached.
	if len(last.Files) != 1 || last.Files[0].Text != strings.TrimSpace(text) {
		t.Errorf("attachment %+v", last.Files)
	}
	if short := textMessages("短"); len(short) != 1 || short[0].Content != "短" || short[0].Files != nil {
		t.Errorf("short text capped: %+v", short)
	}
}

func TestSplit_numbersAndHardCuts(t *testing.T) {
	// "2.3" is not a sentence end; the cut falls after "。" instead.
	text := strings.Repeat("见第2.3段", 150) + "。" + strings.Repeat("见第2.3段和第19.1条", 150)
	pieces, _ := split(text, maxContent, 1000)
	checkPieces(t, text, pieces, maxContent)
	if !strings.HasSuffix(pieces[0], "。") {
		t.Errorf("first piece ends %q", tail(pieces[0], 10))
	}
	// A run with no break but citations: the hard cut backs off to before
	// the citation it would split.
	run := strings.Repeat("毒品毒品毒品〔§1.10〕", 300)
	runPieces, _ := split(run, maxContent, 1000)
	checkPieces(t, run, runPieces, maxContent)
	hard := strings.Repeat("毒", 1995) + "〔§1.10〕" + strings.Repeat("品", 100)
	pieces, _ = split(hard, maxContent, 1000)
	checkPieces(t, hard, pieces, maxContent)
	if utf8.RuneCountInString(pieces[0]) != 1995 {
		t.Errorf("hard cut at %d, want 1995 (before the citation)", utf8.RuneCountInString(pieces[0]))
	}
}
