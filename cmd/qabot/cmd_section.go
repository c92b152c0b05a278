package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/qabot/qabot/retrieval"
)

func cmdSection(ctx context.Context, e env, args []string) error {
	var cfg config
	var doc string
	fs := newFlags(e, "section", "section [--json] [--doc NAME] REF\n\nREF: 2.3, §2.3, 二.3, 2, 二, 第二部分, 第十九条, 19条")
	cfg.commonFlags(fs, e.getenv)
	fs.BoolVar(&cfg.JSON, "json", false, "print the section as JSON")
	fs.StringVar(&doc, "doc", "", "document (part of its id or title) when several have the reference")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	ref := strings.TrimSpace(strings.Join(pos, ""))
	if ref == "" {
		fs.Usage()
		return errUsage
	}
	cfg.resolve(e.getenv)
	lib, err := openLibrary(ctx, e, &cfg)
	if err != nil {
		return err
	}
	sec, err := lib.Section(ref, doc)
	if err != nil {
		var amb *retrieval.AmbiguousError
		if errors.As(err, &amb) && len(amb.Docs) > 10 {
			amb.Docs = append(amb.Docs[:10:10], fmt.Sprintf("… %d more", len(amb.Docs)-10))
		}
		return err
	}
	if cfg.JSON {
		// The clauses have the shape of search hits, score 0.
		out := struct {
			Doc     string              `json:"doc"`
			Title   string              `json:"title"`
			Clauses []retrieval.HitView `json:"clauses"`
		}{Doc: sec.Doc.ID, Title: sec.Doc.Title, Clauses: []retrieval.HitView{}}
		for _, c := range sec.Clauses {
			out.Clauses = append(out.Clauses, retrieval.HitView{ClauseView: c})
		}
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "%s\n", sec.Doc.Title)
	heading := ""
	for _, c := range sec.Clauses {
		if c.Heading != heading {
			heading = c.Heading
			fmt.Fprintf(e.stdout, "\n%s\n", heading)
		}
		fmt.Fprintf(e.stdout, "\n〔%s〕 %s\n", c.Label, c.Text)
	}
	return nil
}
