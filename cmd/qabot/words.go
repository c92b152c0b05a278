package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/syncreport"
	"github.com/qabot/qabot/retrieval"
)

// The command line's words for what retrieval reports by code: they name
// the settings and flags that change it.

// noticeWords word an answer's notice.
var noticeWords = map[retrieval.Notice]string{
	retrieval.NoticeCrossLanguage:           "Cross-language questions need an embedding endpoint (QABOT_EMBED_URL); offline, only dictionary renderings, names, numbers and Latin words could be matched here.",
	retrieval.NoticeCrossLanguageExtractive: "Extractive answers match words only; a chat model (QABOT_CHAT_URL) answers cross-language questions from the clauses retrieved.",
	retrieval.NoticeEmbedFailed:             "The embedding endpoint failed; clauses were matched by their words only.",
	retrieval.NoticeModelFailed:             "The model endpoint failed; this is the extractive answer.",
	retrieval.NoticeModelTimeout:            "The model endpoint did not answer in time (QABOT_MODEL_TIMEOUT); this is the extractive answer.",
	retrieval.NoticeNoCitation:              "The model's answer cited none of the retrieved clauses; this is the extractive answer.",
}

// answerJSON is an answer as `qabot ask --json` prints it: the notice in
// words.
type answerJSON struct {
	retrieval.Answer
	Notice string `json:"notice,omitempty"`
}

func worded(ans retrieval.Answer) answerJSON { return answerJSON{Answer: ans, Notice: notice(ans)} }

// notice is the answer's notice in words, after the terms an English
// question was searched with.
func notice(ans retrieval.Answer) string {
	words := noticeWords[ans.Notice]
	if len(ans.Searched) > 0 {
		words = strings.TrimSpace("Searched for: " + strings.Join(ans.Searched, ", ") + ". " + words)
	}
	return words
}

// checkQuestion trims q and words why it is not asked.
func checkQuestion(q string) (string, error) {
	q2, err := retrieval.CheckQuestion(q)
	switch {
	case errors.Is(err, retrieval.ErrEmptyQuestion):
		return "", errors.New(`the question is empty; ask one, e.g. qabot ask "各方如何应对毒品威胁？"`)
	case errors.Is(err, retrieval.ErrQuestionTooLong):
		return "", fmt.Errorf("the question has %d characters; the limit is %d", utf8.RuneCountInString(strings.TrimSpace(q)), retrieval.MaxQuestionRunes)
	}
	return q2, err
}

// sectionError words a failed section look-up; other errors pass.
func sectionError(err error) error {
	var nf *retrieval.NotFoundError
	var amb *retrieval.AmbiguousError
	var nd *retrieval.NoDocumentError
	switch {
	case errors.As(err, &nf):
		msg := fmt.Sprintf("section %q not found", nf.Ref)
		if len(nf.Closest) > 0 {
			msg += "; closest: " + strings.Join(nf.Closest, ", ")
		}
		return errors.New(msg)
	case errors.As(err, &amb):
		docs := amb.Docs
		if len(docs) > 10 {
			docs = append(docs[:10:10], fmt.Sprintf("… %d more", len(amb.Docs)-10))
		}
		return fmt.Errorf("section %q is in %d documents (%s); name one with --doc", amb.Ref, len(amb.Docs), strings.Join(docs, ", "))
	case errors.As(err, &nd):
		return fmt.Errorf("no document matches --doc %q", nd.Name)
	}
	return err
}

// syncError words what stops the index from being opened or synced: a
// documents folder that is not there, an index of another embedder that
// only qabot index may re-embed; other errors pass.
func syncError(err error) error {
	var folder *index.DocsFolderError
	var mismatch *index.EmbedderMismatchError
	switch {
	case errors.As(err, &folder):
		msg := fmt.Sprintf("the documents folder %s does not exist (--docs, QABOT_DOCS)", folder.Dir)
		if fi, err := os.Stat(folder.Dir); !folder.Missing {
			msg = fmt.Sprintf("the documents folder %s cannot be read (%s)", folder.Dir, rootCause(folder.Err))
		} else if err == nil && !fi.IsDir() {
			msg = fmt.Sprintf("the documents folder %s is a file, not a folder (--docs, QABOT_DOCS)", folder.Dir)
		} else if _, lerr := os.Lstat(folder.Dir); lerr == nil {
			msg = fmt.Sprintf("the documents folder %s is a symbolic link to nothing (an unmounted disk?)", folder.Dir)
		}
		if folder.Kept > 0 {
			msg += fmt.Sprintf("; the index keeps its %d documents", folder.Kept)
		}
		return errors.New(msg)
	case errors.As(err, &mismatch):
		return fmt.Errorf("the documents changed since embedder %s built the index, and only 'qabot index' re-embeds them (with %s, as configured); run it, or configure %s again",
			mismatch.Index, mismatch.Configured, mismatch.Index)
	}
	return err
}

// rootCause is the innermost error's message ("permission denied").
func rootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// skipWords words why a file was not indexed, by its code; a report saved
// before there were codes keeps the index's own account.
func skipWords(s syncreport.Skip) string {
	var w string
	switch s.Kind {
	case syncreport.SkipEmpty:
		w = "empty: there is no text to index"
	case syncreport.SkipBinary:
		w = "not a text file"
	case syncreport.SkipUndecodable:
		w = "not text qabot can read; save it as UTF-8 (UTF-16 with a byte order mark and GB18030/GBK are read too)"
	case syncreport.SkipTooLarge:
		w = fmt.Sprintf("larger than the %d MB qabot indexes in one document", index.DefaultMaxFileBytes>>20)
	case syncreport.SkipNoAccess:
		w = "qabot may not read it; make it readable (chmod 644)"
	case syncreport.SkipUnreadable:
		w = "could not be read (" + s.Reason + ")"
	case syncreport.SkipLinkOutside:
		w = "a symbolic link to a file outside the documents folder; qabot follows links only inside it (copy the file in)"
	case syncreport.SkipLinkBroken:
		w = "a symbolic link to a file that does not exist"
	case syncreport.SkipLinkFolder:
		w = "a symbolic link to a folder; qabot does not follow those (copy the folder in)"
	default:
		return s.Reason
	}
	if s.Kept {
		w += "; the version indexed before is kept"
	}
	return w
}

// builtWords says that Open built the index in dir, and why when it was not
// the first time; embedder is the configured one.
func builtWords(o retrieval.Opened, dir, embedder string) string {
	switch o.Why {
	case retrieval.RebuiltForEmbedder:
		return fmt.Sprintf("re-embedded the documents with %s in %s (embedder %s had built the index)", embedder, dir, o.Was)
	case retrieval.RebuiltUnreadable:
		return fmt.Sprintf("rebuilt the index in %s (%s)", dir, o.Rebuilt)
	}
	return "built the index in " + dir
}
