package bot

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// citations returns the byte spans of the citations of text: 〔…〕 on one
// line, with no other 〔 or 〕 inside, of at most n characters.
func citations(text string, n int) [][2]int {
	var out [][2]int
	open := -1
	for i, r := range text {
		switch r {
		case '〔':
			open = i
		case '〕':
			if open >= 0 && utf8.RuneCountInString(text[open:i])+1 <= n {
				out = append(out, [2]int{open, i + len("〕")})
			}
			open = -1
		case '\n':
			open = -1
		}
	}
	return out
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// checkSplit asserts what every split must hold: pieces within the limit
// and not empty, nothing lost or reordered but the blanks cut at, no
// citation that fits a third of the limit cut in two; and capped at most
// pieces, the same first pieces with the rest counted.
func checkSplit(t *testing.T, text string, limit, most int) {
	t.Helper()
	pieces, left := split(text, limit, 1<<30)
	if left != 0 || len(pieces) == 0 {
		t.Fatalf("%d pieces, %d characters left out of an unbounded split", len(pieces), left)
	}
	for n, p := range pieces {
		if c := utf8.RuneCountInString(p); c > limit || c == 0 && strings.TrimSpace(text) != "" {
			t.Fatalf("piece %d has %d characters (limit %d): %q", n, c, limit, p)
		}
	}
	if squash(strings.Join(pieces, "")) != squash(text) {
		t.Fatalf("the pieces do not add up to the text:\n%q\n%q", pieces, text)
	}
	for _, c := range citations(text, limit/3) {
		cite, whole := text[c[0]:c[1]], false
		for _, p := range pieces {
			whole = whole || strings.Contains(p, cite)
		}
		if !whole {
			t.Fatalf("citation %q is split across pieces %q", cite, pieces)
		}
	}
	capped, left := split(text, limit, most)
	if n := min(most, len(pieces)); len(capped) != n || strings.Join(capped, "\x00") != strings.Join(pieces[:n], "\x00") {
		t.Fatalf("capped at %d: %q, want the first pieces of %q", most, capped, pieces)
	}
	if (left > 0) != (len(pieces) > most) {
		t.Fatalf("capped at %d of %d pieces: %d characters counted left out", most, len(pieces), left)
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"各方同意加强合作。〔§2.3〕\n各方重申和平共处五项原则。〔§1.1〕",
		strings.Repeat("毒品毒品毒品〔§1.10〕", 30),
		strings.Repeat("毒", 300) + "〔§1.10〕" + strings.Repeat("品", 30),
		"见第2.3段。" + strings.Repeat("见第2.3段和第19.1条", 20),
		"A sentence. Another one; and a part \n\n〔§2.3〕 〔§2.4〕",
		"「引用〔§1.1〕」。\n（括号〔§2〕）",
		"〔〔〕〕〔\n〕" + strings.Repeat("〔§1〕", 40),
		`\[官方报名入口](https://evil.example/login)`,
	} {
		f.Add(s, uint8(40), uint8(3))
	}
	f.Fuzz(func(t *testing.T, text string, limit, most uint8) {
		if !utf8.ValidString(text) {
			t.Skip("message text is UTF-8")
		}
		checkSplit(t, text, int(limit)%200+3, int(most)%6+1)
		checkSplit(t, text, maxContent, maxMessages)
		for _, m := range textMessages(text) {
			if utf8.RuneCountInString(m.Content) > maxContent || maskedLink.MatchString(m.Content) {
				t.Fatalf("message of %d characters: %q", utf8.RuneCountInString(m.Content), m.Content)
			}
		}
	})
}

// BenchmarkTextMessages_huge: one paragraph of 1.6 million characters
// (issue 14: 11.9 s before splitting was linear) into the capped messages.
func BenchmarkTextMessages_huge(b *testing.B) {
	text := strings.Repeat("各方同意在长文测试框架下加强合作，", 100_000) + "共同推进。"
	b.ResetTimer()
	for b.Loop() {
		if msgs := textMessages(text); len(msgs) != maxMessages {
			b.Fatalf("%d messages", len(msgs))
		}
	}
}

// BenchmarkSplit_huge is the whole split of the same text, uncapped: 800
// messages' worth.
func BenchmarkSplit_huge(b *testing.B) {
	text := strings.Repeat("各方同意在长文测试框架下加强合作，", 100_000) + "共同推进。"
	b.ResetTimer()
	for b.Loop() {
		split(text, maxContent, 1<<30)
	}
}
