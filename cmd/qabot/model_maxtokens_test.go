package main

import (
	"strings"
	"testing"
)

// TestReadModelEnv_chatMaxTokens: QABOT_CHAT_MAX_TOKENS bounds a chat
// answer; anything but a positive number is refused with a clear message.
func TestReadModelEnv_chatMaxTokens(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			switch k {
			case "QABOT_CHAT_MODEL":
				return "m"
			case "QABOT_CHAT_MAX_TOKENS":
				return v
			}
			return ""
		}
	}
	for v, want := range map[string]int{"": 0, "300": 300, " 2048 ": 2048} {
		m, err := readModelEnv(env(v))
		if err != nil || m.ChatMaxTokens != want {
			t.Errorf("QABOT_CHAT_MAX_TOKENS=%q: %d, %v; want %d", v, m.ChatMaxTokens, err, want)
		}
	}
	for _, v := range []string{"0", "-5", "many"} {
		if _, err := readModelEnv(env(v)); err == nil || !strings.Contains(err.Error(), "QABOT_CHAT_MAX_TOKENS must be a positive number") {
			t.Errorf("QABOT_CHAT_MAX_TOKENS=%q: err %v", v, err)
		}
	}
}
