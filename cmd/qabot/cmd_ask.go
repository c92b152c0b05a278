package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/qabot/qabot/internal/clip"
	"github.com/qabot/qabot/retrieval"
)

func cmdAsk(ctx context.Context, e env, args []string) error {
	c := newCommand(e, "ask", "ask [--json] [--k N] QUESTION")
	c.jsonFlag("print the answer as JSON")
	c.kFlag(retrieval.DefaultK, "clauses to retrieve")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	q, err := checkQuestion(strings.Join(pos, " "))
	if err != nil {
		return err
	}
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	ans, err := lib.Ask(ctx, q, retrieval.AskOptions{K: c.cfg.K})
	if err != nil {
		return err
	}
	if ans.Degraded != "" {
		fmt.Fprintf(e.stderr, "qabot: %s\n", ans.Degraded)
	}
	if c.cfg.JSON {
		return writeJSON(e.stdout, worded(ans))
	}
	printAnswer(e.stdout, ans)
	return nil
}

// printAnswer writes an answer for people: notice, answer, sources.
func printAnswer(w io.Writer, ans retrieval.Answer) {
	if n := notice(ans); n != "" {
		fmt.Fprintf(w, "(%s)\n", n)
	}
	fmt.Fprintln(w, ans.Text)
	if c := ans.Check; c != nil && len(c.Dropped)+len(c.DroppedSentences)+len(c.ReplacedQuotes) > 0 {
		fmt.Fprintf(w, "(citation check: %d unsupported citation(s) and %d sentence(s) removed, %d quote(s) replaced by the clause's words)\n",
			len(c.Dropped), len(c.DroppedSentences), len(c.ReplacedQuotes))
	}
	if len(ans.Citations) == 0 {
		return
	}
	fmt.Fprintln(w, "\nSources:")
	for _, c := range ans.Citations {
		fmt.Fprintln(w, sourceLine(c))
	}
}

func cmdSearch(ctx context.Context, e env, args []string) error {
	c := newCommand(e, "search", "search [--json] [--k N] < questions.txt\n\nOne question per line; one answer per line, a blank line's included ({\"q\":\"\",\"hits\":[]} with --json).")
	c.jsonFlag("print one JSON object per question")
	c.kFlag(retrieval.DefaultK, "clauses per question")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return errors.New("search reads its questions from stdin, one per line; for a single question use 'qabot ask'")
	}
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	// One answer per input line, a blank or refused one included, so that
	// the output lines up with the input (with --json: one object a line).
	lines := bufio.NewReaderSize(e.stdin, 64<<10)
	skipped := 0
	for n := 1; ; n++ {
		line, cut, err := readLine(lines, maxLineBytes)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read questions: %w", err)
		}
		if errors.Is(err, io.EOF) && line == "" && !cut {
			break // no line after the last line break
		}
		q := strings.TrimSpace(line)
		var why error
		switch {
		case cut:
			q, why = "", fmt.Errorf("the question is longer than %d characters", retrieval.MaxQuestionRunes)
		case q != "":
			q, why = checkQuestion(q)
		}
		if why != nil {
			// Said, and the other questions answered.
			fmt.Fprintf(e.stderr, "qabot search: line %d skipped: %v\n", n, why)
			skipped++
		}
		if err := search(ctx, e, c.cfg, lib, q, why); err != nil {
			return err
		}
		if err != nil {
			break
		}
	}
	if skipped > 0 {
		return fmt.Errorf("%d question(s) skipped", skipped)
	}
	return nil
}

// maxLineBytes is as much of a line as search keeps: more than the longest
// question in any encoding, so that a longer line is refused as such.
const maxLineBytes = 4*retrieval.MaxQuestionRunes + 4

// readLine reads one line (without its line break), keeping at most max
// bytes of it, so that a line of any length costs no more memory than
// that; cut says that the line was longer.
func readLine(r *bufio.Reader, max int) (line string, cut bool, err error) {
	var b []byte
	for {
		frag, err := r.ReadSlice('\n')
		frag = bytes.TrimSuffix(frag, []byte("\n"))
		if room := max - len(b); len(frag) > room {
			b, cut = append(b, frag[:room]...), true
		} else {
			b = append(b, frag...)
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return string(b), cut, err
		}
	}
}

// search prints the hits for one question: none for a blank one, or one
// refused (why).
func search(ctx context.Context, e env, cfg config, lib *retrieval.Library, q string, why error) error {
	hits := []retrieval.HitView{}
	if q != "" && why == nil {
		var err error
		if hits, err = lib.Search(ctx, q, cfg.K); err != nil {
			return err
		}
	}
	if cfg.JSON {
		out := struct {
			Q       string              `json:"q"`
			Hits    []retrieval.HitView `json:"hits"`
			Skipped string              `json:"skipped,omitempty"`
		}{Q: q, Hits: append([]retrieval.HitView{}, hits...)}
		if why != nil {
			out.Skipped = why.Error()
		}
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "%s\n", q)
	for i, h := range hits {
		fmt.Fprintf(e.stdout, "  %d. %s %s %s(%.4f) %s\n", i+1, h.Doc, h.Tag, headed(h.Heading), h.Score, snippet(h.Body(), 40))
	}
	return nil
}

// sourceLine is a citation's line under Sources: its tag (the clause as the
// answer cites it), the document and the heading of the clause's section.
func sourceLine(c retrieval.Citation) string {
	line := "  〔" + c.Tag + "〕 " + c.DocTitle
	if c.Heading != "" {
		line += " · " + c.Heading
	}
	return line
}

// headed is a heading followed by a space, or nothing.
func headed(h string) string {
	if h == "" {
		return ""
	}
	return h + " "
}

// snippet is s on one line, cut after n characters.
func snippet(s string, n int) string { return clip.Runes(strings.Join(strings.Fields(s), " "), n+1) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
