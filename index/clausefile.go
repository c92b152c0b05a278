package index

import (
	"fmt"
	"io"
	"math"
	"unsafe"
)

// The documents and clauses of a snapshot are stored as a query file (see
// qfile) so that opening an index makes no string of them: every string is
// a slice of one byte array (the file read once, or mapped), pointed to in
// place. Counts: documents, clauses, strings. Arrays:
//
//	0  the bytes of every string, one after the other
//	1  string offsets into them, uint64, one more than the strings
//	2  per document: ID, Title, Dateline, Version, Source, Format (string numbers, uint32)
//	3  per document: its first clause, uint32, one more than the documents
//	4  per clause: Doc, ID, Label, Heading, Text, Hash, Key (string numbers, uint32)
//
// A clause's heading, when it is the one of the clause before, and its
// document id are stored once.
const (
	clausesMagic   = "clauses\x00"
	clausesVersion = 1
	docFields      = 6
	clauseFields   = 7
)

// clausesFile lays docs out as a query file.
func clausesFile(docs []Document) (*qfile, error) {
	// Room for every string, measured first: appending to arrays of
	// hundreds of megabytes would copy them again at every growth.
	size, strs, clauses := 0, 0, 0
	for i := range docs {
		d := &docs[i]
		size += len(d.ID) + len(d.Title) + len(d.Dateline) + len(d.Version) + len(d.Source) + len(d.Format)
		strs += docFields
		for j := range d.Clauses {
			c := &d.Clauses[j]
			size += len(c.Doc) + len(c.ID) + len(c.Label) + len(c.Heading) + len(c.Text) + len(c.Hash) + len(c.Doc) + 1 + len(c.ID)
			strs += clauseFields
		}
		clauses += len(d.Clauses)
	}
	blob := make([]byte, 0, size)
	offs := make([]uint64, 1, strs+1)
	add := func(s string) uint32 {
		blob = append(blob, s...)
		offs = append(offs, uint64(len(blob)))
		return uint32(len(offs) - 2)
	}
	docStr := make([]uint32, 0, docFields*len(docs))
	starts := make([]uint32, 0, len(docs)+1)
	clauseStr := make([]uint32, 0, clauseFields*clauses)
	n := 0
	for i := range docs {
		d := &docs[i]
		id := add(d.ID)
		docStr = append(docStr, id, add(d.Title), add(d.Dateline), add(d.Version), add(d.Source), add(d.Format))
		starts = append(starts, uint32(n))
		heading, prevHeading := uint32(0), ""
		for j := range d.Clauses {
			c := &d.Clauses[j]
			doc := id
			if c.Doc != d.ID {
				doc = add(c.Doc)
			}
			if j == 0 || c.Heading != prevHeading {
				heading, prevHeading = add(c.Heading), c.Heading
			}
			clauseStr = append(clauseStr, doc, add(c.ID), add(c.Label), heading, add(c.Text), add(c.Hash), add(c.Key()))
			n++
		}
	}
	starts = append(starts, uint32(n))
	if len(offs) > math.MaxUint32 || n > math.MaxInt32 {
		return nil, fmt.Errorf("%d strings in %d clauses: more than a clauses file holds", len(offs)-1, n)
	}
	return &qfile{magic: clausesMagic, version: clausesVersion,
		counts: []uint64{uint64(len(docs)), uint64(n), uint64(len(offs) - 1)},
		arrays: [][]byte{blob, wordBytes(offs), wordBytes(docStr), wordBytes(starts), wordBytes(clauseStr)}}, nil
}

// writeClauses writes docs as a query file to w.
func writeClauses(w io.Writer, docs []Document) (sum uint32, size int64, err error) {
	f, err := clausesFile(docs)
	if err != nil {
		return 0, 0, err
	}
	return f.writeTo(w)
}

// decodeClauses returns the documents of a clauses file and the key of
// every clause, in order. Their strings are buf's own bytes: buf must stay
// unmodified (and, when it is not Go memory, mapped) for as long as any of
// them is used. checksum false skips the checksum, which the caller
// verified. Any buffer either decodes or gives an error wrapping
// ErrCorruptQueryFile.
func decodeClauses(buf []byte, checksum bool) (docs []Document, keys []string, err error) {
	corrupt := func(format string, a ...any) error {
		return fmt.Errorf("%w: clauses: %s", ErrCorruptQueryFile, fmt.Sprintf(format, a...))
	}
	f, err := readQFile(buf, clausesMagic, clausesVersion, 3, 5, checksum)
	if err != nil {
		return nil, nil, err
	}
	nd, nc, ns := f.counts[0], f.counts[1], f.counts[2]
	blob := f.arrays[0]
	offs, ok1 := words[uint64](f.arrays[1])
	docStr, ok2 := words[uint32](f.arrays[2])
	starts, ok3 := words[uint32](f.arrays[3])
	clauseStr, ok4 := words[uint32](f.arrays[4])
	if !ok1 || !ok2 || !ok3 || !ok4 || uint64(len(offs)) != ns+1 || uint64(len(docStr)) != docFields*nd ||
		uint64(len(starts)) != nd+1 || uint64(len(clauseStr)) != clauseFields*nc {
		return nil, nil, corrupt("arrays do not hold %d documents, %d clauses and %d strings", nd, nc, ns)
	}
	if offs[0] != 0 || offs[ns] != uint64(len(blob)) {
		return nil, nil, corrupt("string offsets do not span the strings")
	}
	for i := range ns {
		if offs[i+1] < offs[i] {
			return nil, nil, corrupt("string %d out of order", i)
		}
	}
	if starts[0] != 0 || uint64(starts[nd]) != nc {
		return nil, nil, corrupt("documents do not span the clauses")
	}
	for i := range nd {
		if starts[i+1] < starts[i] {
			return nil, nil, corrupt("document %d out of order", i)
		}
	}
	for _, s := range docStr {
		if uint64(s) >= ns {
			return nil, nil, corrupt("string number %d of %d", s, ns)
		}
	}
	for _, s := range clauseStr {
		if uint64(s) >= ns {
			return nil, nil, corrupt("string number %d of %d", s, ns)
		}
	}
	str := func(i uint32) string {
		a, b := offs[i], offs[i+1]
		if a == b {
			return ""
		}
		return unsafe.String(&blob[a], b-a)
	}
	clauses := make([]Clause, nc)
	keys = make([]string, nc)
	docs = make([]Document, nd)
	for i := range docs {
		a, b := starts[i], starts[i+1]
		s := docStr[docFields*i:]
		docs[i] = Document{ID: str(s[0]), Title: str(s[1]), Dateline: str(s[2]), Version: str(s[3]),
			Source: str(s[4]), Format: str(s[5]), Clauses: clauses[a:b:b]}
		for j := a; j < b; j++ {
			s := clauseStr[clauseFields*int(j):]
			c := Clause{Doc: str(s[0]), ID: str(s[1]), Label: str(s[2]), Heading: str(s[3]), Text: str(s[4]), Hash: str(s[5])}
			k := str(s[6])
			if len(k) != len(c.Doc)+1+len(c.ID) || k[:len(c.Doc)] != c.Doc || k[len(c.Doc)] != '#' || k[len(c.Doc)+1:] != c.ID {
				return nil, nil, corrupt("clause %d: key %q is not its document and id", j, k)
			}
			clauses[j], keys[j] = c, k
		}
	}
	return docs, keys, nil
}
