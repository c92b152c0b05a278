package bot

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/qabot/qabot/internal/clip"
	"github.com/qabot/qabot/retrieval"
)

// The bot's words for people are made here: a handler that refuses, or
// that meets an error the user can act on, returns a userError with the
// words below; the router shows it to that user alone. Any other error is
// logged under a trace id and the user is told the id (see Bot.words).

// userError is an error whose message is for the user as it is.
type userError struct{ msg string }

func (e *userError) Error() string { return e.msg }

func tell(format string, args ...any) error { return &userError{fmt.Sprintf(format, args...)} }

// Refusals that several handlers share.
var (
	errRestarting = &userError{"I am restarting; please try again in a minute."}
	errTooFast    = &userError{"You're asking questions a little fast — please wait a minute and try again."}
	errStale      = &userError{"This button is no longer supported."}
	errReadOnly   = "This copy of the bot serves a read-only replica of the index, so it cannot %s; documents are added where the index is written (its documents folder is watched)."
)

// words returns what the user is told about err from the handler what:
// a userError's own words, else an apology with a trace id under which
// err is logged.
func (b *Bot) words(what string, err error) string {
	if ue := (*userError)(nil); errors.As(err, &ue) {
		return ue.msg
	}
	id := traceID()
	b.log.Error(what+" failed", "trace", id, "err", err)
	return fmt.Sprintf("Sorry, something went wrong (trace %s).", id)
}

func traceID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// noticeWords are the bot's words for an answer's notice: for the people
// asking, who cannot change the bot's settings.
var noticeWords = map[retrieval.Notice]string{
	retrieval.NoticeCrossLanguage:           "Without an embedding model I match questions in another language than the documents only by dictionary renderings, names, numbers and Latin words; ask in the documents' language for a better answer.",
	retrieval.NoticeCrossLanguageExtractive: "Extractive answers match words only; questions in another language than the documents are answered best by a chat model, which I do not have.",
	retrieval.NoticeEmbedFailed:             "My embedding model failed; clauses were matched by their words only.",
	retrieval.NoticeModelFailed:             "My chat model failed; this is the extractive answer.",
	retrieval.NoticeModelTimeout:            "My chat model did not answer in time; this is the extractive answer.",
	retrieval.NoticeNoCitation:              "My chat model's answer cited none of the clauses found; this is the extractive answer.",
}

// Where a question was asked, for the words about it.
const (
	fromSlash      = iota // /ask
	fromMention           // a message that mentions the bot
	fromFollowUp          // a message in the bot's thread
	fromAskChannel        // a message or post in an ask channel
)

// checkQuestion trims q, blanks Discord's markup out of it (mentions,
// @everyone, emoji; see stripMarkup) and refuses an empty or over-long one in words
// that fit where it was asked.
func checkQuestion(q string, from int) (string, error) {
	q = stripMarkup(q)
	q2, err := retrieval.CheckQuestion(q)
	switch {
	case errors.Is(err, retrieval.ErrEmptyQuestion) && from == fromSlash:
		return "", tell("Please type a question, e.g. /ask question: 各方如何应对毒品威胁？")
	case errors.Is(err, retrieval.ErrEmptyQuestion):
		return "", tell("Mention me with a question, e.g. “@qabot 各方如何应对毒品威胁？”.")
	case err != nil && from == fromSlash:
		return "", tell("Please ask a question of at most %d characters (this one has %d).",
			retrieval.MaxQuestionRunes, utf8.RuneCountInString(strings.TrimSpace(q)))
	case err != nil && from == fromAskChannel:
		return "", tell("I read questions of at most %d characters (this one has %d); edit it to a shorter one and I will answer.",
			retrieval.MaxQuestionRunes, utf8.RuneCountInString(strings.TrimSpace(q)))
	case err != nil && from == fromFollowUp:
		return "", tell("Please keep follow-up questions to at most %d characters.", retrieval.MaxQuestionRunes)
	case err != nil:
		return "", tell("Please ask a question of at most %d characters after mentioning me.", retrieval.MaxQuestionRunes)
	}
	return q2, nil
}

// sectionWords tells the user why ref (in doc, if given) was not found, or
// returns err unchanged when it is not a lookup failure.
func sectionWords(ref, doc string, err error) error {
	var nf *retrieval.NotFoundError
	var nd *retrieval.NoDocumentError
	switch {
	case errors.As(err, &nd):
		return tell("No document matches %q; /sources lists them.", clipped(nd.Name))
	case errors.As(err, &nf):
		msg := fmt.Sprintf("There is no section %q.", clipped(ref))
		if doc != "" {
			msg = fmt.Sprintf("There is no section %q in %q.", clipped(ref), clipped(doc))
		}
		if len(nf.Closest) > 0 {
			msg += " Closest: " + strings.Join(nf.Closest[:min(len(nf.Closest), 10)], ", ")
		}
		return tell("%s", msg)
	}
	return err
}

// clipped shortens what a user typed for quoting it back.
func clipped(s string) string { return clip.Runes(s, 100) }

// addWords tells the user why an upload was not added, or returns err
// unchanged when it is not a refusal.
func addWords(name string, limit int64, err error) error {
	var ae *retrieval.AddError
	if !errors.As(err, &ae) {
		return err
	}
	switch ae.Reason {
	case retrieval.AddExists:
		if ae.OtherExt {
			return tell("A document with this name already exists as %s, with another extension; remove it first.", ae.Existing)
		}
		return tell("A document with this name already exists (%s). Run /upload again with replace: True to overwrite it.", ae.Existing)
	case retrieval.AddTooLarge:
		return tell("%s is larger than the limit of %.1f MB.", name, mb(limit))
	case retrieval.AddBadName:
		return tell("%s is not a document I can index: attach a .txt or .md file.", name)
	case retrieval.AddEmpty:
		return tell("%s was not added: it is empty.", name)
	case retrieval.AddBinary:
		return tell("%s was not added: it is a binary file, not text.", name)
	case retrieval.AddUndecodable:
		return tell("%s was not added: its text encoding is not one I read (UTF-8, UTF-16 with a BOM, GB18030/GBK).", name)
	case retrieval.AddNoClause:
		return tell("%s was not added: no text to index was found in it.", name)
	}
	return err
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }
