package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/qabot/qabot/retrieval"
)

func cmdSection(ctx context.Context, e env, args []string) error {
	c := newCommand(e, "section", "section [--json] [--doc NAME] REF\n\nREF as answers cite it (§2.3, 〔§2.3〕, 第十九条, 〔数据安全法 第十九条〕) or as the document numbers it (二.3, 2.3, 第二部分第3段; 二, 第二部分 for a whole section; 序言, 序言.1, 0.1 for the preamble; 19条).")
	c.jsonFlag("print the section as JSON")
	var doc string
	c.fs.StringVar(&doc, "doc", "", "document (part of its id or title) when several have the reference")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	ref := strings.TrimSpace(strings.Join(pos, ""))
	if ref == "" {
		return c.usage()
	}
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	sec, err := lib.Section(ref, doc)
	if err != nil {
		return sectionError(err)
	}
	if c.cfg.JSON {
		// The clauses have the shape of search hits, score 0.
		out := struct {
			Doc     string              `json:"doc"`
			Title   string              `json:"title"`
			Clauses []retrieval.HitView `json:"clauses"`
		}{Doc: sec.Doc.ID, Title: sec.Doc.Title, Clauses: []retrieval.HitView{}}
		for _, cl := range sec.Clauses {
			out.Clauses = append(out.Clauses, retrieval.HitView{ClauseView: cl})
		}
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "%s\n", sec.Doc.Title)
	heading := ""
	for _, cl := range sec.Clauses {
		if cl.Heading != heading {
			heading = cl.Heading
			fmt.Fprintf(e.stdout, "\n%s\n", heading)
		}
		fmt.Fprintf(e.stdout, "\n〔%s〕 %s\n", cl.Tag, cl.Body())
	}
	return nil
}
