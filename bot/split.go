package bot

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/qabot/qabot/internal/clip"
	"github.com/qabot/qabot/retrieval"
)

// cutKind ranks the places a long text may be cut, best first.
type cutKind uint8

const (
	cutLine     cutKind = iota // after a line break
	cutSentence                // after a sentence (and its citation)
	cutSpace                   // at a space outside a citation
	cutKinds
)

// cutAt is a place to cut: before the byte at, the rune run.
type cutAt struct{ at, run int }

// split cuts text into at most most pieces of at most limit characters and
// says how many characters it left out. It cuts where retrieval.Sentences
// ends a sentence — never inside brackets or quotes, nor between a sentence
// and the citation that follows it — preferring line breaks, then
// sentences, then spaces, each only when it keeps at least a third of the
// limit; a run with none of them is cut hard, before a citation it would
// split if that citation starts late enough. Pieces are trimmed of the
// blanks they were cut at. It looks at each character a bounded number of
// times.
func split(text string, limit, most int) (pieces []string, left int) {
	text = strings.TrimSpace(text)
	if text == "" {
		return []string{""}, 0
	}
	cuts, cites := cutPoints(text)
	var next [cutKinds]int // per kind, the first cut not yet passed
	start, run := 0, 0     // the piece starts at byte start, rune run
	for start < len(text) {
		if len(pieces) == most {
			return pieces, utf8.RuneCountInString(text[start:])
		}
		rest := utf8.RuneCountInString(text[start:min(len(text), start+4*limit+4)])
		if rest <= limit {
			pieces = append(pieces, text[start:])
			break
		}
		end := run + limit
		cut := cutAt{-1, 0}
		for k := range cutKinds {
			cs := cuts[k]
			for next[k] < len(cs) && cs[next[k]].run <= end {
				next[k]++
			}
			if j := next[k] - 1; j >= 0 && cs[j].run > run+limit/3 && cs[j].at > start {
				cut = cs[j]
				break
			}
		}
		if cut.at < 0 {
			cut = hardCut(text, start, run, limit, cites)
		}
		piece := strings.TrimRight(text[start:cut.at], " \n")
		if piece != "" {
			pieces = append(pieces, piece)
		}
		start, run = cut.at, cut.run
		for start < len(text) && (text[start] == ' ' || text[start] == '\n') {
			start, run = start+1, run+1
		}
	}
	return pieces, 0
}

// cutPoints lists, per kind and in order, where text may be cut, and the
// citations (〔…〕 on one line) a hard cut should not split.
func cutPoints(text string) (cuts [cutKinds][]cutAt, cites []cutAt) {
	sents := retrieval.Sentences(text)
	si := 0
	open, openRun := -1, 0 // the 〔 of the citation in progress
	after := cutKinds      // the kind of cut the citation in progress was moved from
	run := 0
	for i, r := range text {
		for si < len(sents) && sents[si].End < i {
			si++
		}
		if si < len(sents) && sents[si].End == i && open < 0 {
			k := cutSentence
			if sents[si].Stop == retrieval.StopLine {
				k = cutLine
			}
			if r == '〔' && k != cutLine {
				after = k // the citation belongs to the sentence: cut after it
			} else {
				cuts[k] = append(cuts[k], cutAt{i, run})
			}
		}
		run++
		switch r {
		case '〔':
			open, openRun = i, run-1
		case '〕':
			if open >= 0 {
				cites = append(cites, cutAt{open, openRun})
				if after != cutKinds {
					cuts[after] = append(cuts[after], cutAt{i + len("〕"), run})
				}
			}
			open, after = -1, cutKinds
		case '\n':
			open, after = -1, cutKinds
		case ' ':
			if open < 0 {
				cuts[cutSpace] = append(cuts[cutSpace], cutAt{i + 1, run})
			}
		}
	}
	return cuts, cites
}

// hardCut cuts the piece starting at start (rune run) at limit characters,
// or before the citation that cut would split when it starts after the
// first third of the piece.
func hardCut(text string, start, run, limit int, cites []cutAt) cutAt {
	at := start
	for n := 0; n < limit && at < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[at:])
		at += size
	}
	end := cutAt{at, run + limit}
	if at > start+1 && text[at-1] == '\\' {
		end = cutAt{at - 1, run + limit - 1} // not between an escape and what it escapes
	}
	// cites is short next to the text: a binary search keeps this linear.
	lo, hi := 0, len(cites)
	for lo < hi {
		m := (lo + hi) / 2
		if cites[m].run < end.run {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo > 0 {
		c := cites[lo-1] // the last citation opening before the cut
		if c.run > run+limit/3 && closesAfter(text, c.at, end.at) {
			return c
		}
	}
	return end
}

// closesAfter reports whether the citation opening at byte open is still
// open at byte at.
func closesAfter(text string, open, at int) bool {
	return !strings.ContainsRune(text[open:at], '〕')
}

// textMessages splits text into at most maxMessages messages; what does
// not fit is attached whole as name, with a note in the last message.
func textMessages(text string) []message { return textMessagesAs(text, "full-text.txt") }

func textMessagesAs(text, name string) []message {
	pieces, left := split(defang(text), maxContent, maxMessages)
	out := make([]message, len(pieces))
	for i, p := range pieces {
		out[i].Content = p
	}
	if left > 0 {
		last := &out[len(out)-1]
		note := fmt.Sprintf("\n-# … %d more characters: the whole text is attached (%s).", left, name)
		last.Content = clip.Runes(last.Content, maxContent-utf8.RuneCountInString(note)) + note
		last.Files = []file{{Name: name, Text: strings.TrimSpace(text)}}
	}
	return out
}

// maskedLink finds the start of a Markdown masked link, [words](url), that
// is not escaped already.
var maskedLink = regexp.MustCompile(`(^|[^\\])\[([^\[\]\n]*)\]\(`)

// defang escapes masked links: Discord would render [官方报名入口](https://…)
// as words that hide where they lead, and the text the bot shows (a
// document's, a model's) is not its own. Escaped, the words and the link
// both show as written.
func defang(text string) string {
	if !strings.Contains(text, "](") {
		return text
	}
	return maskedLink.ReplaceAllString(text, `${1}\[${2}](`)
}

// oneLine folds runs of white space into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
