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

// Skip names a file that was not indexed, and why: Kind is one of the
// Skip… codes (empty in reports saved before there were codes), for the
// command line and the bot to word; Reason is the index's own account;
// Kept says that the version indexed before stays.
type Skip struct {
	File   string `json:"file"`
	Kind   string `json:"kind,omitempty"`
	Reason string `json:"reason"`
	Kept   bool   `json:"kept,omitempty"`
}

// Why a file was skipped.
const (
	SkipEmpty       = "empty"        // no text
	SkipBinary      = "binary"       // not text
	SkipUndecodable = "undecodable"  // not UTF-8, UTF-16 (with a byte order mark) or GB18030
	SkipTooLarge    = "too_large"    // over the size limit
	SkipNoAccess    = "no_access"    // its permissions do not let qabot read it
	SkipUnreadable  = "unreadable"   // reading it failed otherwise (deleted meanwhile, an I/O error)
	SkipLinkOutside = "link_outside" // a symbolic link out of the documents folder
	SkipLinkBroken  = "link_broken"  // a symbolic link to nothing
	SkipLinkFolder  = "link_folder"  // a symbolic link to a folder
)

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
