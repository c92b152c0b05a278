// Package cedict is qabot's English → Chinese word table, derived from
// CC-CEDICT (MDBG, CC BY-SA 4.0) by ./gen and embedded in the binary. It is
// decompressed on first use only: a process that never sees an English
// question never loads it.
package cedict

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

//go:generate go run ./gen -in ../../../shared/corpus/cedict/cedict_ts.u8 -out table.gz

//go:embed table.gz
var tableGz []byte

// Sense is one Chinese rendering of an English key, with its prior: the
// position of that sense among its dictionary entry's senses (0 = the
// entry's first sense, the likeliest); Verb when the sense is a verb's
// ("to hold").
type Sense struct {
	Zh    string
	Prior int
	Verb  bool
}

// Table maps English keys (words of Words joined by one space) to their
// Chinese renderings. Its text is the decompressed table; lines holds the
// offset of every entry line, in key order.
type Table struct {
	text  string
	lines []int32

	wordsOnce sync.Once
	byWord    map[string][]int32 // a word → the multi-word keys' lines holding it
}

var (
	defaultOnce  sync.Once
	defaultTable *Table
	defaultErr   error
	loaded       atomic.Bool
)

// Default is the embedded table, decompressed on the first call.
func Default() (*Table, error) {
	defaultOnce.Do(func() {
		defaultTable, defaultErr = Parse(tableGz)
		loaded.Store(true)
	})
	return defaultTable, defaultErr
}

// Loaded reports whether the embedded table has been loaded in this
// process.
func Loaded() bool { return loaded.Load() }

// Parse reads a gzipped table as ./gen writes it.
func Parse(gz []byte) (*Table, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("cedict table: %w", err)
	}
	var b strings.Builder
	if _, err := io.Copy(&b, zr); err != nil {
		return nil, fmt.Errorf("cedict table: %w", err)
	}
	t := &Table{text: b.String()}
	for off := 0; off < len(t.text); {
		end := strings.IndexByte(t.text[off:], '\n')
		if end < 0 {
			end = len(t.text) - off
		}
		if t.text[off] != '#' {
			t.lines = append(t.lines, int32(off))
		}
		off += end + 1
	}
	return t, nil
}

// line returns the key and the renderings of line i.
func (t *Table) line(i int) (key, rest string) {
	s := t.text[t.lines[i]:]
	if n := strings.IndexByte(s, '\n'); n >= 0 {
		s = s[:n]
	}
	key, rest, _ = strings.Cut(s, "\t")
	return key, rest
}

// Has reports whether key is in the table.
func (t *Table) Has(key string) bool { return t.find(key) >= 0 }

func (t *Table) find(key string) int {
	i := sort.Search(len(t.lines), func(i int) bool {
		k, _ := t.line(i)
		return k >= key
	})
	if i < len(t.lines) {
		if k, _ := t.line(i); k == key {
			return i
		}
	}
	return -1
}

// Lookup returns key's renderings, likeliest first; nil when key is not in
// the table.
func (t *Table) Lookup(key string) []Sense {
	i := t.find(key)
	if i < 0 {
		return nil
	}
	_, rest := t.line(i)
	return parseSenses(rest)
}

func parseSenses(rest string) []Sense {
	var out []Sense
	for _, f := range strings.Fields(rest) {
		verb := strings.HasSuffix(f, "v")
		f = strings.TrimSuffix(f, "v")
		n := len(f) - 1
		out = append(out, Sense{Zh: f[:n], Prior: int(f[n] - '0'), Verb: verb})
	}
	return out
}

// Phrase is a multi-word key with its renderings.
type Phrase struct {
	Key    string
	Senses []Sense
}

// Containing returns the keys of several words that hold word, or its
// plural, as one of them ("summit meeting" for summit, "take
// countermeasures against" for countermeasure), for a word whose own
// renderings are not enough. The index behind it is built on the first
// call.
func (t *Table) Containing(word string) []Phrase {
	t.wordsOnce.Do(t.indexWords)
	forms := []string{word, word + "s", word + "es"}
	if strings.HasSuffix(word, "y") {
		forms = append(forms, word[:len(word)-1]+"ies")
	}
	var out []Phrase
	var last int32 = -1
	var lines []int32
	for _, f := range forms {
		lines = append(lines, t.byWord[f]...)
	}
	slices.Sort(lines)
	for _, i := range lines {
		if i == last {
			continue
		}
		last = i
		k, rest := t.line(int(i))
		out = append(out, Phrase{k, parseSenses(rest)})
	}
	return out
}

// indexWords maps every word of the keys of several words to their lines:
// word ids first, with a count each, then one array holding every word's
// lines in turn (one allocation rather than one slice per word).
func (t *Table) indexWords() {
	ids := make(map[string]int32, 1<<15)
	var counts []int32
	words := func(f func(w string, line int32)) {
		for i := range t.lines {
			k, _ := t.line(i)
			if strings.IndexByte(k, ' ') < 0 {
				continue
			}
			for len(k) > 0 {
				w, rest, _ := strings.Cut(k, " ")
				if !IsStopWord(w) {
					f(w, int32(i))
				}
				k = rest
			}
		}
	}
	words(func(w string, _ int32) {
		id, ok := ids[w]
		if !ok {
			id = int32(len(counts))
			ids[w] = id
			counts = append(counts, 0)
		}
		counts[id]++
	})
	start := make([]int32, len(counts)+1)
	for i, c := range counts {
		start[i+1] = start[i] + c
	}
	all := make([]int32, start[len(counts)])
	fill := slices.Clone(start[:len(counts)])
	words(func(w string, line int32) {
		id := ids[w]
		all[fill[id]] = line
		fill[id]++
	})
	t.byWord = make(map[string][]int32, len(ids))
	for w, id := range ids {
		t.byWord[w] = all[start[id]:start[id+1]]
	}
}
