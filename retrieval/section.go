package retrieval

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/qabot/qabot/index"
)

// ErrNotFound is wrapped by errors for references that name no clause.
var ErrNotFound = errors.New("no such section")

// ErrAmbiguous is wrapped by errors for references that several documents
// have; the caller should say which document.
var ErrAmbiguous = errors.New("reference is in several documents")

// NotFoundError is an unknown reference with the closest existing ones.
type NotFoundError struct {
	Ref     string
	Closest []string // labels of existing clauses, closest first
}

func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("section %q not found", e.Ref)
	if len(e.Closest) > 0 {
		msg += "; closest: " + strings.Join(e.Closest, ", ")
	}
	return msg
}

func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// AmbiguousError is a reference that several documents have.
type AmbiguousError struct {
	Ref  string
	Docs []string // ids of the documents that have it
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("section %q is in %d documents (%s)", e.Ref, len(e.Docs), strings.Join(e.Docs, ", "))
}

func (e *AmbiguousError) Unwrap() error { return ErrAmbiguous }

// Section is a clause, or a whole section's clauses, of one document.
type Section struct {
	Doc     *index.Document
	Ref     Ref
	Clauses []*index.Clause
}

// NoDocumentError is a document name that no indexed document matches.
type NoDocumentError struct{ Name string }

func (e *NoDocumentError) Error() string { return fmt.Sprintf("no document matches %q", e.Name) }

// Section looks ref up word for word: any reference ParseCitation reads,
// so every citation qabot prints. doc, if not empty, picks the documents
// whose id or title contains it (as does a document's name in front of the
// reference).
func (e *Engine) Section(ref, doc string) (Section, error) {
	st := e.cur.Load()
	named, r, ok := ParseCitation(ref)
	if ok && named != "" {
		if doc == "" || len(st.docsMatching(doc)) > 0 && len(st.docsMatching(named)) > 0 {
			doc = named
		}
	}
	docs := st.docsMatching(doc)
	if doc != "" && len(docs) == 0 {
		return Section{}, &NoDocumentError{Name: doc}
	}
	if !ok {
		return Section{}, &NotFoundError{Ref: ref, Closest: st.closest(Ref{}, docs)}
	}
	var found []Section
	for _, d := range docs {
		if cs := lookup(d, r); len(cs) > 0 {
			found = append(found, Section{Doc: d, Ref: r, Clauses: cs})
		}
	}
	switch len(found) {
	case 0:
		return Section{}, &NotFoundError{Ref: ref, Closest: st.closest(r, docs)}
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, f := range found {
		ids[i] = f.Doc.ID
	}
	return Section{}, &AmbiguousError{Ref: ref, Docs: ids}
}

// docsMatching returns the documents whose id or title contains name, or
// all documents when name is empty. An exact id wins over substrings, and
// a title that is name (short, or with its version: 慈善法(2023)) over
// titles that only contain it (实施《反外国制裁法》的规定).
func (st *state) docsMatching(name string) []*index.Document {
	var out []*index.Document
	for i := range st.snap.Docs {
		d := &st.snap.Docs[i]
		if name == "" || d.ID == name {
			out = append(out, d)
		}
	}
	if name == "" || len(out) > 0 {
		return out
	}
	for i := range st.snap.Docs {
		d := &st.snap.Docs[i]
		if t := ShortTitle(st.displayTitle(i)); t == name || stripParens(t) == name || d.Title == name {
			out = append(out, d)
		}
	}
	if len(out) > 0 {
		return out
	}
	for i := range st.snap.Docs {
		d := &st.snap.Docs[i]
		if strings.Contains(d.ID, name) || strings.Contains(d.Title, name) || strings.Contains(st.displayTitle(i), name) {
			out = append(out, d)
		}
	}
	return out
}

// lookup returns the clauses of d that r names: the clause with r's id, or
// else, for a one-number path, every clause of that section.
func lookup(d *index.Document, r Ref) []*index.Clause {
	id := r.ID()
	for i := range d.Clauses {
		if d.Clauses[i].ID == id {
			return []*index.Clause{&d.Clauses[i]}
		}
	}
	if r.Article > 0 || len(r.Path) != 1 {
		return nil
	}
	var out []*index.Clause
	for i := range d.Clauses {
		if strings.HasPrefix(d.Clauses[i].ID, id+".") {
			out = append(out, &d.Clauses[i])
		}
	}
	return out
}

// closest names up to five existing clauses nearest to r: same section
// first, then by numeric distance.
func (st *state) closest(r Ref, docs []*index.Document) []string {
	type cand struct {
		label string
		dist  float64
	}
	want := idNumbers(r.ID())
	var cands []cand
	for _, d := range docs {
		for i := range d.Clauses {
			c := &d.Clauses[i]
			cands = append(cands, cand{CiteTag(c, d.Title, len(docs) > 1), idDistance(want, idNumbers(c.ID))})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].dist < cands[j].dist })
	var out []string
	for _, c := range cands {
		if len(out) == 5 {
			break
		}
		out = append(out, c.label)
	}
	return out
}

func idNumbers(id string) []int {
	var out []int
	for _, p := range strings.FieldsFunc(id, func(r rune) bool { return r == '.' || r == '-' }) {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		out = append(out, n)
	}
	return out
}

// idDistance orders ids by how far they are from want: the first differing
// number decides, deeper levels weigh less.
func idDistance(want, got []int) float64 {
	if len(want) == 0 {
		return 0
	}
	d, scale := 0.0, 1.0
	for i := 0; i < max(len(want), len(got)); i++ {
		var a, b int
		if i < len(want) {
			a = want[i]
		}
		if i < len(got) {
			b = got[i]
		}
		diff := float64(a - b)
		if diff < 0 {
			diff = -diff
		}
		d += diff * scale
		scale /= 100
	}
	return d
}
