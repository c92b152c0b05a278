package index

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Term kinds, kept in the top bits of a term key so that a character, a
// character pair and a Latin word never share a key.
const (
	termUnigram uint64 = 1 << 62
	termBigram  uint64 = 2 << 62
	termWord    uint64 = 3 << 62
	termMask    uint64 = 3 << 62
)

// TermKind tells what a term key stands for.
type TermKind uint8

// The kinds of term a text is cut into.
const (
	Unigram TermKind = iota + 1 // one CJK character
	Bigram                      // two adjacent CJK characters
	Word                        // a run of Latin letters or digits, folded to lower case
)

// KindOf returns the kind of a term key produced by Terms.
func KindOf(key uint64) TermKind {
	switch key & termMask {
	case termUnigram:
		return Unigram
	case termBigram:
		return Bigram
	default:
		return Word
	}
}

// Terms cuts text into the terms that both the lexical index and the local
// embedder work on: every CJK character, every pair of adjacent CJK
// characters, and every run of letters or digits (full-width folded to
// ASCII, lower-cased). Punctuation and spaces separate runs. Keys are stable
// across processes and releases: they are persisted in no index, but the
// local embedder's vectors depend on them.
func Terms(text string, emit func(key uint64)) {
	var prev rune = -1 // previous CJK character in the current run
	wordStart := -1
	var h uint64
	flushWord := func() {
		if wordStart >= 0 {
			emit(termWord | (h &^ termMask))
			wordStart = -1
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		r = foldRune(r)
		switch {
		case isCJK(r):
			flushWord()
			emit(termUnigram | uint64(r))
			if prev >= 0 {
				emit(termBigram | uint64(prev)<<21 | uint64(r))
			}
			prev = r
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			prev = -1
			if wordStart < 0 {
				wordStart = i
				h = fnvOffset
			}
			h = fnvAdd(h, r)
		default:
			prev = -1
			flushWord()
		}
	}
	flushWord()
}

const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

func fnvAdd(h uint64, r rune) uint64 {
	for r > 0 {
		h ^= uint64(r & 0xff)
		h *= fnvPrime
		r >>= 8
	}
	return h
}

// foldRune maps full-width forms to their ASCII counterparts and upper case
// to lower case, so that "ＩＴ", "IT" and "it" are one term.
func foldRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		if n := width.LookupRune(r).Narrow(); n != 0 {
			r = n
		}
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

// isCJK reports whether r is a Han character or another ideograph that is
// written without spaces between words.
func isCJK(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r))
}

// HasCJK reports whether s contains at least one CJK character.
func HasCJK(s string) bool {
	for _, r := range s {
		if isCJK(r) {
			return true
		}
	}
	return false
}

// PairRunes returns the two characters a character pair term is made of.
func PairRunes(pair uint64) (rune, rune) {
	const mask = 1<<21 - 1
	return rune(pair >> 21 & mask), rune(pair & mask)
}
