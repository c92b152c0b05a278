package retrieval

import (
	"time"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/syncreport"
)

// The view types are what the Library hands out: copies of what the index
// holds, owned by retrieval, so that its callers (the bot, the command
// line) never depend on the index's own types.

// ClauseView is one clause, word for word. Its JSON shape is part of
// qabot's command line (search and section --json).
type ClauseView struct {
	Doc   string `json:"doc"`     // document id
	ID    string `json:"section"` // clause id, e.g. "2.3", "19"
	Label string `json:"label"`   // as the document numbers it, e.g. "二.3", "第十九条"
	// Tag is how qabot shows and cites the clause, as answers do (CiteTag):
	// "§2.3", "第十九条", with the document's short title in front when
	// several documents are indexed ("数据安全法 第十九条"). Each form
	// looks the clause up again (qabot section, /section).
	Tag     string `json:"tag"`
	Heading string `json:"heading"` // the title of the section it belongs to
	Text    string `json:"text"`
}

// Key is the clause's key.
func (c ClauseView) Key() ClauseKey { return ClauseKey{Doc: c.Doc, ID: c.ID} }

// Body is the clause's text without the number it opens with ("第十九条 …"),
// for showing it under its Tag.
func (c ClauseView) Body() string { return stripLabel(c.Text, c.Label) }

// HitView is a retrieved clause with its score.
type HitView struct {
	ClauseView
	Score    float64 `json:"score"`
	DocTitle string  `json:"-"`
}

// DocumentView is an indexed document.
type DocumentView struct {
	ID        string
	Title     string // the document's own title; may be empty
	Clauses   int
	IndexedAt time.Time // when its current version was indexed; zero if unknown
}

// Name is the title, or the id when the document has none.
func (d DocumentView) Name() string {
	if d.Title != "" {
		return d.Title
	}
	return d.ID
}

// SectionView is a clause, or a whole section's clauses, of one document.
type SectionView struct {
	Doc     DocumentView
	Clauses []ClauseView
}

// SyncReport counts what a sync did; its JSON shape is part of qabot's
// command line (qabot index --json).
type SyncReport = syncreport.Report

// clauseView is c, one of snap's clauses, as the Library hands it out.
func clauseView(snap *index.Snapshot, c *index.Clause) ClauseView {
	title := ""
	if d, ok := snap.Document(c.Doc); ok {
		title = d.Title
	}
	return ClauseView{
		Doc: c.Doc, ID: c.ID, Label: c.Label, Heading: c.Heading, Text: c.Text,
		Tag: CiteTag(c, title, len(snap.Docs) > 1),
	}
}

func clauseViews(snap *index.Snapshot, cs []*index.Clause) []ClauseView {
	out := make([]ClauseView, len(cs))
	for i, c := range cs {
		out[i] = clauseView(snap, c)
	}
	return out
}

// documentViews describes the documents of snap, in id order.
func documentViews(snap *index.Snapshot) []DocumentView {
	at := make(map[string]time.Time, len(snap.Manifest.Docs))
	for _, info := range snap.Manifest.Docs {
		at[info.ID] = info.IndexedAt
	}
	out := make([]DocumentView, len(snap.Docs))
	for i := range snap.Docs {
		d := &snap.Docs[i]
		out[i] = DocumentView{ID: d.ID, Title: d.Title, Clauses: len(d.Clauses), IndexedAt: at[d.ID]}
	}
	return out
}

// documentView describes d, one of snap's documents.
func documentView(snap *index.Snapshot, d *index.Document) DocumentView {
	v := DocumentView{ID: d.ID, Title: d.Title, Clauses: len(d.Clauses)}
	for _, info := range snap.Manifest.Docs {
		if info.ID == d.ID {
			v.IndexedAt = info.IndexedAt
			break
		}
	}
	return v
}
