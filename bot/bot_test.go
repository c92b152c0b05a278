package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	s := strings.Repeat("毒", 2500)
	got := truncate(s, maxContent)
	if utf8.RuneCountInString(got) != maxContent || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Errorf("truncate: %d runes", utf8.RuneCountInString(got))
	}
	if truncate("short", 10) != "short" {
		t.Error("short string changed")
	}
}

func TestRedact(t *testing.T) {
	if got := redact("bad Bot sekrit here", "Bot sekrit"); strings.Contains(got, "sekrit") {
		t.Errorf("redact = %q", got)
	}
}
