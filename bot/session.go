package bot

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// NewSession returns a discordgo session for a bot token. When baseURL is
// set (e.g. a test fake), every request goes to its scheme and host instead
// of Discord's, keeping path and query.
func NewSession(token, baseURL string) (*discordgo.Session, error) {
	token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(token), "Bot "))
	if token == "" {
		return nil, errors.New("DISCORD_TOKEN is not set")
	}
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, errors.New("creating the Discord session failed")
	}
	s.LogLevel = discordgo.LogWarning
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("bad Discord base URL %q", baseURL)
		}
		s.Client = &http.Client{Transport: &rewrite{base: u, next: http.DefaultTransport}, Timeout: 30 * time.Second}
	}
	return s, nil
}

// rewrite sends every request to base's scheme and host.
type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper. Only requests for Discord's API
// hosts are redirected; others (attachments on the CDN) go where they
// point.
func (t *rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	if h := r.URL.Hostname(); h != "discord.com" && h != "discordapp.com" && !strings.HasSuffix(h, ".discord.com") {
		return t.next.RoundTrip(r)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = t.base.Scheme
	r2.URL.Host = t.base.Host
	r2.Host = t.base.Host
	return t.next.RoundTrip(r2)
}
