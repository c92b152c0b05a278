// Package syncreport holds the account of an index sync: the index makes
// it, retrieval hands it out (as retrieval.SyncReport) and the bot and the
// command line print it, without any of them depending on another's types.
package syncreport

// Report counts what a sync did. Its JSON shape is part of qabot's command
// line (qabot index --json).
type Report struct {
	Documents DocCounts    `json:"documents"`
	Clauses   ClauseCounts `json:"clauses"`
	Skipped   []Skip       `json:"skipped"`
	Folded    []Fold       `json:"folded"`
	Seconds   float64      `json:"seconds"`
}

// DocCounts counts documents by what a sync did to them.
type DocCounts struct {
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
}

// ClauseCounts counts clauses by what a sync did to their vectors.
type ClauseCounts struct {
	Embedded int `json:"embedded"`
	Kept     int `json:"kept"`
	Removed  int `json:"removed"`
}

// Skip names a file that was not indexed, and why.
type Skip struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// Fold names a file left out because it is byte for byte the same as one
// that is indexed (the same law file in two folders).
type Fold struct {
	File   string `json:"file"`    // the copy left out
	SameAs string `json:"same_as"` // the copy indexed
}

// Changed reports whether the sync changed the index at all.
func (r Report) Changed() bool {
	d := r.Documents
	return d.Added+d.Changed+d.Removed > 0 || r.Clauses.Embedded+r.Clauses.Removed > 0
}
