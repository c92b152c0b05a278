// Package clip shortens text: the one truncator of qabot, and the one way
// it drops bracketed remarks.
package clip

import (
	"strings"
	"unicode/utf8"
)

// Runes returns s cut to at most n characters, its last one an ellipsis
// when it was cut; s itself when it fits. n below 1 gives "".
func Runes(s string, n int) string {
	if n < 1 {
		return ""
	}
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for k < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		k++
	}
	return s[:i] + "…"
}

// Unbracketed returns s without the parts in brackets (nested or not) that
// open with a rune of opens and close with a rune of closes: "慈善法(2016)"
// → "慈善法" with opens "(（" and closes ")）". A stray closing bracket is
// dropped.
func Unbracketed(s, opens, closes string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune(opens, r):
			depth++
		case strings.ContainsRune(closes, r):
			if depth > 0 {
				depth--
			}
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}
