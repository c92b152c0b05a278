package retrieval

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/qabot/qabot/index"
)

// ClauseKey names one clause across all documents: its document's id and
// its own id. Its String form, "doc#id", is the one written in feedback
// files and button ids; ParseClauseKey reads it back.
type ClauseKey struct {
	Doc string // document id
	ID  string // clause id within the document, e.g. "2.3", "19"
}

// ErrBadKey is the error of a clause key that cannot be parsed.
var ErrBadKey = errors.New("not a clause key (want doc#id)")

// String is "doc#id".
func (k ClauseKey) String() string { return k.Doc + "#" + k.ID }

// ParseClauseKey reads a key written by String. A document id may itself
// hold '#'; a clause id never does, so the key splits at the last one.
func ParseClauseKey(s string) (ClauseKey, error) {
	i := strings.LastIndexByte(s, '#')
	if i <= 0 || i == len(s)-1 {
		return ClauseKey{}, fmt.Errorf("%w: %q", ErrBadKey, s)
	}
	return ClauseKey{Doc: s[:i], ID: s[i+1:]}, nil
}

// Digest is a short fixed-length stand-in for the key (16 hex digits of
// its FNV-1a hash), for places that cannot hold a long key; Library's
// ClauseByDigest finds the clause again.
func (k ClauseKey) Digest() string {
	h := fnv.New64a()
	h.Write([]byte(k.String()))
	return fmt.Sprintf("%016x", h.Sum64())
}

// Key is the key of the clause a citation names.
func (c Citation) Key() ClauseKey { return ClauseKey{Doc: c.Doc, ID: c.Section} }

func keyOf(c *index.Clause) ClauseKey { return ClauseKey{Doc: c.Doc, ID: c.ID} }
