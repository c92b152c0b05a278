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
	var s segmenter
	return s.feed(text, true, nil)
}

// segmenter is Sentences' state between pieces of a text that arrives bit
// by bit (a streamed answer), so that each byte is looked at once.
type segmenter struct {
	start, i int    // the sentence in progress starts at start; next byte i
	stack    []rune // closers expected, innermost last
	ascii    bool   // inside "…"
}

// feed cuts text, which extends the text of earlier calls, from where the
// last call stopped, and appends the sentences it completes to out. Unless
// final, it stops before what text to come may change (a '.' or a run of
// ！？ at the end, a rune cut in two) and leaves the sentence in progress
// open; final ends it. Fed in any pieces, a text gives Sentences' spans.
func (s *segmenter) feed(text string, final bool, out []Sentence) []Sentence {
	emit := func(end int, st Stop) {
		if end > s.start {
			out = append(out, Sentence{Start: s.start, End: end, Stop: st})
		}
		s.start = end
	}
	for s.i < len(text) {
		i := s.i
		if !final && !utf8.FullRuneInString(text[i:]) {
			return out
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		next := i + n
		inside := len(s.stack) > 0 || s.ascii
		switch {
		case r == '\n':
			s.stack, s.ascii = s.stack[:0], false
			emit(next, StopLine)
		case r == '"':
			s.ascii = !s.ascii
		case brackets[r] != 0:
			if len(s.stack) < 64 {
				s.stack = append(s.stack, brackets[r])
			}
		case closers[r]:
			for j := len(s.stack) - 1; j >= 0; j-- {
				if s.stack[j] == r {
					s.stack = s.stack[:j]
					break
				}
			}
			// 。” and ？」 end the sentence after the quote.
			if len(s.stack) == 0 && !s.ascii && (r == '”' || r == '」' || r == '』' || r == '’') && endsFull(text[:i]) {
				emit(next, StopFull)
			}
		case inside:
		case r == '。' || r == '！' || r == '？' || r == '!' || r == '?':
			// "？！" and "。”" stay with their sentence.
			for next < len(text) {
				if !final && !utf8.FullRuneInString(text[next:]) {
					return out
				}
				r2, n2 := utf8.DecodeRuneInString(text[next:])
				if r2 != '！' && r2 != '？' && r2 != '!' && r2 != '?' && r2 != '…' {
					break
				}
				next += n2
			}
			if !final && next == len(text) {
				return out // the run may go on
			}
			emit(next, StopFull)
		case r == '；' || r == ';':
			emit(next, StopPart)
		case r == '.':
			if next == len(text) && !final {
				return out // "2." may become "2.3"
			}
			if next == len(text) || unicode.IsSpace(rune(text[next])) {
				emit(next, StopFull)
			}
		}
		s.i = next
	}
	if final {
		emit(len(text), StopNone)
	}
	return out
}

// endsFull reports whether s ends with a full stop.
func endsFull(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '。' || r == '！' || r == '？' || r == '!' || r == '?'
}
