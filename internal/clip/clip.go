// Package clip shortens text for display: the one truncator of qabot.
package clip

import "unicode/utf8"

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
