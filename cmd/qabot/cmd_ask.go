package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/qabot/qabot/retrieval"
)

func cmdAsk(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := newFlags(e, "ask", "ask [--json] [--k N] QUESTION")
	cfg.commonFlags(fs, e.getenv)
	fs.BoolVar(&cfg.JSON, "json", false, "print the answer as JSON")
	fs.IntVar(&cfg.K, "k", 5, "clauses to retrieve")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	q, err := retrieval.CheckQuestion(strings.Join(pos, " "))
	if err != nil {
		return err
	}
	cfg.resolve(e.getenv)
	lib, err := openLibrary(ctx, e, &cfg)
	if err != nil {
		return err
	}
	ans, err := lib.Ask(ctx, q, retrieval.AskOptions{K: cfg.K})
	if err != nil {
		return err
	}
	if ans.Degraded != "" {
		fmt.Fprintf(e.stderr, "qabot: %s\n", ans.Degraded)
	}
	if cfg.JSON {
		return writeJSON(e.stdout, ans)
	}
	printAnswer(e.stdout, ans)
	return nil
}

// printAnswer writes an answer for people: notice, answer, sources.
func printAnswer(w io.Writer, ans retrieval.Answer) {
	if ans.Notice != "" {
		fmt.Fprintf(w, "(%s)\n", ans.Notice)
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
		fmt.Fprintf(w, "  〔%s〕 %s · %s %s\n", c.Tag, c.DocTitle, c.Label, c.Heading)
	}
}

func cmdSearch(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := newFlags(e, "search", "search [--json] [--k N] < questions.txt")
	cfg.commonFlags(fs, e.getenv)
	fs.BoolVar(&cfg.JSON, "json", false, "print one JSON object per question")
	fs.IntVar(&cfg.K, "k", 5, "clauses per question")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return errors.New("search reads its questions from stdin, one per line; for a single question use 'qabot ask'")
	}
	cfg.resolve(e.getenv)
	lib, err := openLibrary(ctx, e, &cfg)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		hits, err := lib.Search(ctx, q, cfg.K)
		if err != nil {
			return err
		}
		if cfg.JSON {
			out := struct {
				Q    string              `json:"q"`
				Hits []retrieval.HitView `json:"hits"`
			}{Q: q, Hits: hits}
			if err := writeJSON(e.stdout, out); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(e.stdout, "%s\n", q)
		for i, h := range hits {
			fmt.Fprintf(e.stdout, "  %d. %s %s %s (%.4f) %s\n", i+1, h.Doc, h.Label, h.Heading, h.Score, snippet(h.Text, 40))
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

// snippet shortens s to n characters.
func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
