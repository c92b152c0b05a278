package index

import (
	"crypto/sha256"
	"encoding/hex"
)

// Clause is the unit that is embedded, retrieved and cited: one numbered
// paragraph, item or article of a document.
type Clause struct {
	Doc     string `json:"doc"`     // document id
	ID      string `json:"section"` // canonical id: dotted Arabic numbers ("2.3", "19")
	Label   string `json:"label"`   // how the document numbers it ("二.3", "第十九条")
	Heading string `json:"heading"` // the title of the section it belongs to
	Text    string `json:"text"`    // the clause word for word
	Hash    string `json:"hash"`    // content hash of Doc, ID, Heading and Text
}

// Key is the clause's unique key across all documents.
func (c Clause) Key() string { return c.Doc + "#" + c.ID }

// Document is a parsed file: its metadata and its clauses in document order.
type Document struct {
	ID       string `json:"id"`                 // file name without extension (relative path for nested files)
	Title    string `json:"title"`              // the document's own title
	Dateline string `json:"dateline,omitempty"` // closing dateline, metadata rather than a clause
	// Version tells versions of one law apart (same title, e.g. 慈善法 of
	// 2016 and of 2023): YYYY-MM-DD from the file name's closing date,
	// 慈善法(2023-12-29), else the latest date in the metadata header (passed,
	// amended); "" when neither has one.
	Version string   `json:"version,omitempty"`
	Source  string   `json:"source"` // where it was read from
	Format  string   `json:"format"` // which numbering scheme split it
	Clauses []Clause `json:"clauses"`
}

// ContentHash returns the hash that decides whether a clause must be
// re-embedded.
func ContentHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
