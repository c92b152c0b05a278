// Package pairfreq knows how common each Chinese character and each pair of
// adjacent ones is in general official writing, from a table derived from the Chinese laws
// of LawRefBook/Laws (official texts, not subject to copyright). qabot uses
// it to weigh the words of a question that its documents lack: 职务 or 城市
// are everyday words, 乌克兰 or 红烧 are not, however small the library.
package pairfreq

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"io"
	"math"
	"slices"
	"sync"
	"unicode"
)

//go:embed pairs.bin
var table []byte

// Pairs returns the character pairs of text: two adjacent Han characters of
// the Basic Multilingual Plane, packed as first<<16 | second.
func Pairs(text string) []uint32 {
	var out []uint32
	var prev rune = -1
	for _, r := range text {
		if r <= 0xFFFF && unicode.Is(unicode.Han, r) {
			if prev >= 0 {
				out = append(out, uint32(prev)<<16|uint32(r))
			}
			prev = r
			continue
		}
		prev = -1
	}
	return out
}

// Char is the key of one character in the table (first<<16, no second);
// ok is false when it is not a Han character of the Basic Multilingual
// Plane.
func Char(r rune) (uint32, bool) {
	if r > 0xFFFF || !unicode.Is(unicode.Han, r) {
		return 0, false
	}
	return uint32(r) << 16, true
}

// Pair packs two characters as Pairs does; ok is false when either is not
// a Han character of the Basic Multilingual Plane.
func Pair(a, b rune) (uint32, bool) {
	if a > 0xFFFF || b > 0xFFFF || !unicode.Is(unicode.Han, a) || !unicode.Is(unicode.Han, b) {
		return 0, false
	}
	return uint32(a)<<16 | uint32(b), true
}

// The table's format: gzip of a header (clauses, entries: uvarints), then
// per entry, in ascending key order, the key's delta from the previous one
// and its clause count (uvarints).

// Encode writes the table of df (pair → clauses that have it, of clauses
// in all), keeping the pairs in at least minDF clauses.
func Encode(clauses int, df map[uint32]int, minDF int) []byte {
	var keys []uint32
	for k, n := range df {
		if n >= minDF {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var raw []byte
	raw = binary.AppendUvarint(raw, uint64(clauses))
	raw = binary.AppendUvarint(raw, uint64(len(keys)))
	prev := uint32(0)
	for _, k := range keys {
		raw = binary.AppendUvarint(raw, uint64(k-prev))
		raw = binary.AppendUvarint(raw, uint64(df[k]))
		prev = k
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	return b.Bytes()
}

// Count is the number of pairs in an encoded table.
func Count(data []byte) int {
	t, err := decode(data)
	if err != nil {
		return 0
	}
	return len(t.keys)
}

// Table is a decoded pair table.
type Table struct {
	clauses int
	keys    []uint32
	df      []uint32
}

func decode(data []byte) (*Table, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	r := bytes.NewReader(raw)
	clauses, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(len(raw)) {
		return nil, io.ErrUnexpectedEOF
	}
	t := &Table{clauses: int(clauses), keys: make([]uint32, n), df: make([]uint32, n)}
	prev := uint64(0)
	for i := range t.keys {
		d, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		c, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		prev += d
		t.keys[i], t.df[i] = uint32(prev), uint32(c)
	}
	return t, nil
}

var (
	once   sync.Once
	shared *Table
)

// Default is the table shipped in the binary, decoded on first use.
func Default() *Table {
	once.Do(func() {
		t, err := decode(table)
		if err != nil {
			t = &Table{} // a broken table weighs every pair as rare
		}
		shared = t
	})
	return shared
}

// Surprise is how surprising it is that documents lack the pair a, b:
// the geometric mean of the pair's rarity and its rarer character's. A
// pair of common characters is often two words side by side or an
// everyday word written otherwise (共识 for 一致), however rare the pair;
// one with a rare character is a name (乌克兰) or a thing (红烧).
func (t *Table) Surprise(a, b rune) float64 {
	p, ok := Pair(a, b)
	if !ok {
		return 1
	}
	ca, _ := Char(a)
	cb, _ := Char(b)
	return math.Sqrt(t.Rarity(p) * max(t.Rarity(ca), t.Rarity(cb)))
}

// Rarity is how rare pair p is in the table's writing, from 0 (in every
// clause) to 1 (in none): its inverse document frequency relative to the
// largest possible.
func (t *Table) Rarity(p uint32) float64 {
	n := float64(t.clauses)
	df := 0.0
	if i, ok := slices.BinarySearch(t.keys, p); ok {
		df = float64(t.df[i])
	}
	top := math.Log(1 + (n+0.5)/0.5)
	if top == 0 {
		return 1
	}
	return math.Log(1+(n-df+0.5)/(df+0.5)) / top
}
