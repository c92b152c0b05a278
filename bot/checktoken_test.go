package bot

import (
	"net"
	"strings"
	"testing"
	"time"
)

// TestCheckToken_unanswered: when the Discord API named by
// QABOT_DISCORD_URL cannot be reached, or accepts and never answers, the
// error names the URL tried (not discord.com) and what happened.
func TestCheckToken_unanswered(t *testing.T) {
	const token = "MTIz.secret-token.xyz"
	// Nothing listens: a port that was just closed.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	// Accepts, reads, never answers.
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hang.Close()
	go func() {
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			go func() {
				b := make([]byte, 4096)
				for {
					if _, err := c.Read(b); err != nil {
						return
					}
				}
			}()
		}
	}()
	for _, c := range []struct {
		addr    string
		timeout time.Duration // 0: the session's own
		want    string
	}{
		{closed, 0, "checking the bot token: could not reach http://" + closed + "/api/v9/users/@me (connection refused)"},
		// Any timeout gives the same words: the endpoint never answers.
		{hang.Addr().String(), 50 * time.Millisecond, "checking the bot token: http://" + hang.Addr().String() + "/api/v9/users/@me did not answer within 50ms"},
	} {
		s, err := NewSession(token, "http://"+c.addr)
		if err != nil {
			t.Fatal(err)
		}
		if c.timeout > 0 {
			s.Client.Timeout = c.timeout
		}
		_, err = CheckToken(s)
		if err == nil || err.Error() != c.want || strings.Contains(err.Error(), "secret-token") {
			t.Errorf("CheckToken against %s: %v; want %q", c.addr, err, c.want)
		}
	}
}
