package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qabot/qabot/retrieval"
)

func TestRouter_unknownCommandsAndButtons(t *testing.T) {
	h := newHarness(t, nil, Options{})
	if text, eph := h.reply(slash(t, "gone")); !eph || !strings.Contains(text, "don't know this command") {
		t.Errorf("unknown command: %q", text)
	}
	for _, id := range []string{"mystery:1", "vote:sideways:abc", "show:no-key-here"} {
		if text, eph := h.reply(button(t, id)); !eph || !strings.Contains(text, "no longer supported") {
			t.Errorf("button %s: %q", id, text)
		}
	}
}

func TestRouter_aRefusedReplyStillTellsTheUser(t *testing.T) {
	h := newHarness(t, nil, Options{})
	h.rec.failNext("edit", errors.New("HTTP 400 Bad Request, {\"message\": \"Invalid Form Body\"}"))
	calls := h.run(slash(t, "ask", opt("question", drugs)))
	// The formatted answer was refused; a plain message with a trace id
	// replaces the "thinking…" state.
	if last := calls[len(calls)-1]; last.Kind != "edit" || !strings.Contains(last.Content, "trace ") {
		t.Errorf("after a refused edit: %+v", calls)
	}
	if !strings.Contains(h.logs.String(), "Invalid Form Body") {
		t.Errorf("the refusal is not logged:\n%s", h.logs.String())
	}
}

func TestRouter_drainWaitsForTheAnswersInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	lib := newTestLibrary(t, nil)
	lib.ask = func(ctx context.Context, q string, o retrieval.AskOptions) (retrieval.Answer, error) {
		close(entered)
		<-release
		return lib.Library.Ask(ctx, q, o)
	}
	h := newHarness(t, lib, Options{})
	go h.b.onInteraction(context.Background(), slash(t, "ask", opt("question", drugs)))
	<-entered
	drained := make(chan int)
	go func() {
		h.b.drain(time.Hour)
		drained <- len(h.rec.sent("edit")) // what had been answered when drain returned
	}()
	// Once draining, new work is turned away.
	for {
		if text, _ := h.reply(slash(t, "sources")); strings.Contains(text, "restarting") {
			break
		}
	}
	close(release)
	if n := <-drained; n != 1 {
		t.Errorf("drain returned with %d answers sent, want the one in flight", n)
	}
}
