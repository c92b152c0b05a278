package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/qabot/qabot/internal/clip"
	"github.com/qabot/qabot/retrieval"
)

// ask answers /ask: deferred at once (answers may take longer than the
// three seconds Discord waits), a generated answer streamed into the
// response as it grows, then the answer with its sources and buttons.
func (b *Bot) ask(ctx context.Context, r *request, o options) error {
	q, err := checkQuestion(o.str("question"), fromSlash)
	if err != nil {
		return err
	}
	if !b.limit.allow(r.user()) {
		return errTooFast
	}
	if err := r.deferReply(false); err != nil {
		return err
	}
	_, msgs, err := b.answer(ctx, q, "", answerOpts{echo: true, partial: func(text string) {
		if err := r.edit(clip.Runes(defang(strings.TrimSpace(text)), maxContent-2) + " ▌"); err != nil {
			b.log.Warn("stream edit failed", "interaction", r.i.ID, "err", err)
		}
	}})
	if err != nil {
		return err
	}
	return r.reply(msgs, false)
}

// streamEvery is how often a streamed answer is edited in.
const streamEvery = time.Second

// answerOpts say how an answer is shown.
type answerOpts struct {
	// echo shows the question above the answer (a slash command's options
	// are not shown to the channel).
	echo bool
	// partial, when not nil, shows a generated answer as it grows, at most
	// once per streamEvery; it is done with when answer returns.
	partial func(string)
	// notFound is a line added to an answer that found nothing.
	notFound string
}

// answer answers q (a follow-up of earlier, when that is set) and formats
// the reply, remembering the answer for its feedback buttons.
func (b *Bot) answer(ctx context.Context, q, earlier string, ao answerOpts) (retrieval.Answer, []message, error) {
	o := retrieval.AskOptions{K: askK, Earlier: earlier}
	if ao.partial != nil {
		st := newStreamer(ao.partial, b.streamWait)
		o.OnPartial = st.update
		defer st.stop()
	}
	ans, err := b.lib.Ask(ctx, q, o)
	if err != nil {
		return ans, nil, fmt.Errorf("ask: %w", err)
	}
	notice := noticeWords[ans.Notice]
	if len(ans.Searched) > 0 {
		// An English question, searched with Chinese terms.
		notice = strings.TrimSpace("I searched the documents for " + strings.Join(ans.Searched, ", ") + ". " + notice)
	}
	if !ans.Found && ao.notFound != "" {
		notice = strings.TrimSpace(notice + " " + ao.notFound)
	}
	if ans.Degraded != "" {
		// Answered without an endpoint: the user gets the notice, the log
		// the reason, under one trace id.
		id := traceID()
		b.log.Warn("answered without the model endpoint", "trace", id, "err", ans.Degraded)
		notice += " (trace " + id + ")"
	}
	return ans, answerMessages(ans, notice, b.answers.put(ans), ao.echo), nil
}
