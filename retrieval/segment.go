package retrieval

import (
	"unicode"
	"unicode/utf8"
)

// Sentence is one sentence of a text: text[Start:End] (byte offsets), its
// end punctuation included. Between them the sentences of a text cover it
// whole, whitespace included, so a caller can cut, keep or drop sentences and
// join the rest back.
type Sentence struct {
	Start, End int
	// End is what ended the sentence.
	Stop Stop
}

// Stop is what ends a sentence.
type Stop uint8

// The ways a sentence ends.
const (
	StopNone Stop = iota // the end of the text
	StopFull             // 。！？ ! ? or a '.' before a space
	StopPart             // ；; a part of a longer sentence
	StopLine             // a line break
)

// brackets pairs every opening bracket or quote that a sentence does not end
// inside with its closing one.
var brackets = map[rune]rune{
	'〔': '〕', '「': '」', '『': '』', '“': '”', '‘': '’', '（': '）', '(': ')',
	'【': '】', '《': '》', '〈': '〉', '［': '］', '[': ']', '〖': '〗', '〘': '〙',
}

var closers = func() map[rune]bool {
	m := map[rune]bool{}
	for _, c := range brackets {
		m[c] = true
	}
	return m
}()

// Sentences cuts text into sentences: after 。！？!?, after ；;, after a '.'
// that ends a word (not the one in "2.3"), and at line breaks, never inside
// brackets or quotes (〔…〕, 「…」, “…”, "…", （…）, …). A bracket left open
// does not outlive its line. It is the one segmenter of qabot: answers pick
// sentences with it, the citation check judges them, the bot cuts messages
// at them. It runs in one pass over the text.
func Sentences(text string) []Sentence {
	var out []Sentence
	start := 0
	var stack []rune // closers expected, innermost last
	ascii := false   // inside "…"
	emit := func(end int, s Stop) {
		if end > start {
			out = append(out, Sentence{Start: start, End: end, Stop: s})
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		next := i + n
		inside := len(stack) > 0 || ascii
		switch {
		case r == '\n':
			stack, ascii = stack[:0], false
			emit(next, StopLine)
		case r == '"':
			ascii = !ascii
		case brackets[r] != 0:
			if len(stack) < 64 {
				stack = append(stack, brackets[r])
			}
		case closers[r]:
			for j := len(stack) - 1; j >= 0; j-- {
				if stack[j] == r {
					stack = stack[:j]
					break
				}
			}
			// 。” and ？」 end the sentence after the quote.
			if len(stack) == 0 && !ascii && (r == '”' || r == '」' || r == '』' || r == '’') && endsFull(text[:i]) {
				emit(next, StopFull)
			}
		case inside:
		case r == '。' || r == '！' || r == '？' || r == '!' || r == '?':
			// "？！" and "。”" stay with their sentence.
			for next < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[next:])
				if r2 != '！' && r2 != '？' && r2 != '!' && r2 != '?' && r2 != '…' {
					break
				}
				next += n2
			}
			emit(next, StopFull)
		case r == '；' || r == ';':
			emit(next, StopPart)
		case r == '.':
			if next == len(text) || unicode.IsSpace(rune(text[next])) {
				emit(next, StopFull)
			}
		}
		i = next
	}
	emit(len(text), StopNone)
	return out
}

// endsFull reports whether s ends with a full stop.
func endsFull(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '。' || r == '！' || r == '？' || r == '!' || r == '?'
}
