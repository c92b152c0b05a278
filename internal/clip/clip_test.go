package clip

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRunes(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"short", 5, "short"},
		{"shorter", 5, "shor…"},
		{"毒品毒品毒品", 3, "毒品…"},
		{"毒品", 1, "毒"[:0] + "…"},
		{"x", 0, ""},
		{"", 3, ""},
	} {
		if got := Runes(c.s, c.n); got != c.want {
			t.Errorf("Runes(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
	long := strings.Repeat("毒", 2500)
	if got := Runes(long, 2000); utf8.RuneCountInString(got) != 2000 || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Errorf("%d runes", utf8.RuneCountInString(got))
	}
}

func TestUnbracketed(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"慈善法(2016)", "慈善法"},
		{"中华人民共和国（试行）法（摘要）", "中华人民共和国法"},
		{"a (b (c) d) e", "a  e"},
		{"stray) close", "stray close"},
		{"", ""},
	} {
		if got := Unbracketed(tc.in, "(（", ")）"); got != tc.want {
			t.Errorf("Unbracketed(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
