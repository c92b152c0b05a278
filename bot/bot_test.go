package bot

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, secret string }{
		{`Post "https://discord.com/api/v9/interactions/123456789/aW50ZXJhY3Rpb246c2VrcmV0.x-_y/callback": dial tcp: refused`, "aW50ZXJhY3Rpb246c2VrcmV0.x-_y"},
		{`Patch "https://discord.com/api/v9/webhooks/987654321/sekrit-webhook-token/messages/@original": EOF`, "sekrit-webhook-token"},
		{`Post "http://127.0.0.1:4000/api/v9/webhooks/1/tok3n?wait=true": EOF`, "tok3n"},
		{"bad Bot sekrit here", "sekrit"},
	} {
		got := redact(c.in, "Bot sekrit")
		if strings.Contains(got, c.secret) || !strings.Contains(got, "[token]") {
			t.Errorf("redact(%q) = %q", c.in, got)
		}
	}
	// What holds no token is left as it is.
	if plain := `Get "https://cdn.discordapp.com/attachments/1/2/a.md": EOF`; redact(plain, "Bot sekrit") != plain {
		t.Errorf("redact changed %q", plain)
	}
}
