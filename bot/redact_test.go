package bot

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// deadDiscord is a Discord API that hangs up on every request, so that the
// real client fails with the URL it asked for in its error, as it does on
// a network error.
func deadDiscord(t *testing.T) *discordgo.Session {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	s, err := NewSession(testBotToken, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const interactionToken = "aW50ZXJhY3Rpb246MTU3NzQ2ODA0NTMwMTkwNzQ1NzpzZWNyZXQ"

func TestSession_everySendPathRedactsTokens(t *testing.T) {
	s := deadDiscord(t)
	d := session{s: s}
	i := &discordgo.Interaction{ID: "1577468045301907457", AppID: "1100000000000000001", Token: interactionToken, Type: discordgo.InteractionApplicationCommand}
	text := "x"
	paths := map[string]error{
		"respond":  d.respond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}),
		"edit":     d.editResponse(i, &discordgo.WebhookEdit{Content: &text}),
		"followup": d.followUp(i, &discordgo.WebhookParams{Content: text}),
		"file":     d.respond(i, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Files: []*discordgo.File{{Name: "a.txt", Reader: strings.NewReader("a")}}}}),
		"send":     d.send("1200000000000000002", &discordgo.MessageSend{Content: text}),
		"typing":   d.typing("1200000000000000002"),
	}
	_, paths["thread"] = d.startThread("1200000000000000002", "1300", &discordgo.ThreadStart{Name: "q"})
	_, paths["channel"] = d.channel("1200000000000000002")
	_, paths["message"] = d.message("1200000000000000002", "1300")
	_, paths["roles"] = d.guildRoles("1200000000000000001")
	_, paths["download"] = d.download(context.Background(), s.Client.Transport.(*rewrite).base.String()+"/attachments/1/2/a.md", 10)
	for path, err := range paths {
		if err == nil {
			t.Errorf("%s: no error from a Discord that hangs up", path)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, interactionToken) || strings.Contains(msg, "test-bot-token") {
			t.Errorf("%s: a token in %q", path, msg)
		}
		if (path == "respond" || path == "edit" || path == "followup" || path == "file") && !strings.Contains(msg, "/[token]") {
			t.Errorf("%s: %q does not show the redacted path", path, msg)
		}
	}
}

func TestBot_noTokenInTheLogWhenDiscordFails(t *testing.T) {
	s := deadDiscord(t)
	logs := &lockedBuffer{}
	lib := newTestLibrary(t, nil)
	b := New(s, lib, slog.New(slog.NewTextHandler(logs, nil)), Options{AnnounceChannel: announce})
	b.botID = testBotID
	ctx := context.Background()
	withToken := func(i *discordgo.Interaction) *discordgo.Interaction {
		i.Token = interactionToken
		return i
	}
	b.onInteraction(ctx, withToken(slash(t, "ask", opt("question", drugs))))
	b.onInteraction(ctx, withToken(slash(t, "section", opt("ref", "2.3"))))
	b.onInteraction(ctx, withToken(admin(slash(t, "reindex"))))
	b.onInteraction(ctx, withToken(button(t, "vote:up:gone")))
	ac := withToken(payload(t, "autocomplete"))
	b.onInteraction(ctx, ac)
	b.onMessage(ctx, mention(t, "<@"+testBotID+"> "+drugs), false)
	writeDoc(t, lib.DocsDir()+"/新.md", "# 新\n\n第一条 新的。\n")
	b.sync(ctx) // announced, and the announcement fails
	log := logs.String()
	if strings.Contains(log, interactionToken) || strings.Contains(log, "test-bot-token") {
		t.Errorf("a token in the log:\n%s", log)
	}
	for _, want := range []string{"could not tell the user", "/interactions/" + ac.ID + "/[token]/callback", "announcement failed"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
}

func TestRedactLog_everyAttribute(t *testing.T) {
	var sb strings.Builder
	log := slog.New(redactLog{h: slog.NewTextHandler(&sb, nil), token: "Bot " + testBotToken})
	url := "https://discord.com/api/v9/webhooks/1/" + interactionToken + "/messages/@original"
	log.With("base", url).WithGroup("g").Error("failed "+url, "err", &httpError{url}, "s", url, "n", 3, slog.Group("inner", "u", url, "t", testBotToken))
	out := sb.String()
	if strings.Contains(out, interactionToken) || strings.Contains(out, testBotToken) || strings.Count(out, "[token]") != 6 || !strings.Contains(out, "g.n=3") {
		t.Errorf("log line %s", out)
	}
}

type httpError struct{ url string }

func (e *httpError) Error() string { return "Patch " + e.url + ": EOF" }
