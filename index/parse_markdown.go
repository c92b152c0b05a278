package index

import (
	"strconv"
	"strings"
)

// parseMarkdown splits a document by its (unnumbered) Markdown headings:
// the k-th heading opens section k, and its n-th paragraph is clause k.n.
// Clauses carry the heading path ("术语定义 重伤"); paragraphs before the
// first heading are the preamble, 0.n.
func parseMarkdown(paras []para, b *clauseBuilder) {
	type heading struct {
		level int
		text  string
	}
	var path []heading
	headingText := ""
	section, n := 0, 0
	for i, p := range paras {
		if p.level > 0 {
			for len(path) > 0 && path[len(path)-1].level >= p.level {
				path = path[:len(path)-1]
			}
			path = append(path, heading{p.level, p.text})
			parts := make([]string, len(path))
			for i, h := range path {
				parts[i] = h.text
			}
			headingText = strings.Join(parts, " ")
			section, n = section+1, 0
			if i+1 == len(paras) || paras[i+1].level > 0 && paras[i+1].level <= p.level {
				// A heading with nothing under it, not even a subheading,
				// is a short item of its own: it is the clause.
				id := strconv.Itoa(section)
				b.add(id, id, strings.Join(parts[:len(parts)-1], " "), []string{p.text})
			}
			continue
		}
		if section == 0 {
			b.addOrphan(true, "", p.text)
			continue
		}
		n++
		id := strconv.Itoa(section) + "." + strconv.Itoa(n)
		b.add(id, id, headingText, []string{p.text})
	}
}

// parsePlain makes each paragraph of an unnumbered document a clause: "1",
// "2", …, labelled ¶1, ¶2, ….
func parsePlain(paras []para, b *clauseBuilder) {
	for i, p := range paras {
		id := strconv.Itoa(i + 1)
		b.add(id, "¶"+id, "", []string{p.text})
	}
}
