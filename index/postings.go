package index

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Postings is an inverted index over numbered clauses (ordinals 0 … n-1)
// in a layout a file can hold as it is: a sorted array of term keys (see
// Terms), an offset per term into one flat array of postings (a clause
// ordinal and a weighted term frequency each), and the length of every
// clause. Nothing in it is a pointer, a map or a small allocation, so
// EncodePostings writes it with a few copies and DecodePostings opens it
// without decoding a value (the arrays can point into the buffer, or an
// mmap of a file); only the lookup table over the terms is built at open,
// one pass over them.
//
// A term's frequency in a clause counts every occurrence in the clause's
// text as 1 and every occurrence in its context (the document's title and
// the clause's heading) as the context weight the index was built with.
// Postings does no scoring: BM25 is the retrieval package's.
type Postings struct {
	terms   []uint64  // ascending, distinct
	offsets []uint32  // len(terms)+1: the postings of terms[i] are [offsets[i], offsets[i+1])
	post    []Posting // each term's run in ascending clause order
	lengths []float32 // per clause: the number of terms of its text
	weight  float32   // the context weight

	// table is an open-addressing hash table over terms: index+1 of the
	// term whose hash lands there (or after it, linearly), 0 for none.
	table []uint32
	shift uint8 // 64 - log2(len(table))
}

// Posting is one clause that has a term, and the term's weighted frequency
// in it.
type Posting struct {
	Clause int32
	TF     float32
}

// ContextWeight is how much an occurrence of a term in a clause's context
// (its document's short title, its heading) counts against one in its text
// in the postings of a snapshot: enough to tell "数据安全法 第二十一条" from
// the same words in another law, little enough not to drown the text.
const ContextWeight = 0.4

// lexicalInput is what a snapshot's postings index: each clause's text,
// and as its context its document's short title and its heading.
func lexicalInput(docs []Document) PostingsInput {
	var clauses []*Clause
	var titles []string
	var docOf []int32
	for i := range docs {
		titles = append(titles, ShortTitle(docs[i].Title))
		for j := range docs[i].Clauses {
			clauses = append(clauses, &docs[i].Clauses[j])
			docOf = append(docOf, int32(i))
		}
	}
	return PostingsInput{
		N:             len(clauses),
		Text:          func(i int) string { return clauses[i].Text },
		Context:       func(i int) string { return titles[docOf[i]] + " " + clauses[i].Heading },
		ContextWeight: ContextWeight,
	}
}

// ShortTitle drops the "中华人民共和国" that opens most national laws' titles,
// so that "数据安全法" names the same document its full title does.
func ShortTitle(title string) string {
	t := strings.TrimPrefix(strings.TrimSpace(title), "中华人民共和国")
	if t == "" {
		return title
	}
	return t
}

// PostingsInput is what BuildPostings indexes: clause i has text Text(i)
// and context Context(i). Both are called from several goroutines at once.
type PostingsInput struct {
	N             int
	Text          func(i int) string
	Context       func(i int) string
	ContextWeight float32
}

// postingsBlock is how many clauses BuildPostings counts the terms of at
// once: it bounds the memory the per-clause term lists take.
const postingsBlock = 4096

// postingShards is how many parts the terms are split into while building,
// so that every core fills the postings of its own terms; a power of two.
const postingShards = 16

// shardOf is the build shard of term key k: middle bits of the hash, as the
// top ones pick a key's slot in a shard's table (termIDs).
func shardOf(k uint64) uint32 { return uint32((k*0x9E3779B97F4A7C15)>>32) % postingShards }

// refBits is how many bits of a build reference hold a term's number
// within its shard (the top 4 hold the shard).
const refBits = 28

// BuildPostings indexes in's clauses on all cores. Each block of clauses
// has its terms counted in parallel (a list of distinct terms per clause);
// each core then numbers the terms of its shards, scanning the clauses in
// order. Once every clause is counted, the terms are sorted, the offsets
// laid out, and each core writes the postings of its shards' terms into
// place, again in clause order, so that every term's run is in clause
// order without a sort.
func BuildPostings(in PostingsInput) *Postings {
	n := in.N
	p := &Postings{lengths: make([]float32, n), weight: in.ContextWeight}
	workers := max(1, min(runtime.GOMAXPROCS(0), n/1024))
	fillers := min(workers, postingShards)
	owner := func(sh uint32) int { return int(sh) % fillers }

	// Per shard: term key → its number within the shard, the keys in that
	// order, and how many clauses have each.
	var ids [postingShards]termIDs
	var keys [postingShards][]uint64
	var counts [postingShards][]uint32
	// Per posting, in clause order: its build reference (shard and number
	// within it) and its frequency; start[c] is clause c's first posting.
	var refs []uint32
	var tfs []float32
	start := make([]int, n+1)

	type termList struct {
		keys  []uint64
		tfs   []float32
		count []int // postings per clause of the worker's share
		seen  termIDs
	}
	lists := make([]termList, workers)
	for lo := 0; lo < n; lo += postingsBlock {
		hi := min(lo+postingsBlock, n)
		share := func(w int) (int, int) { return lo + w*(hi-lo)/workers, lo + (w+1)*(hi-lo)/workers }
		parallel(workers, func(w int) {
			l := &lists[w]
			l.keys, l.tfs, l.count = l.keys[:0], l.tfs[:0], l.count[:0]
			a, b := share(w)
			for i := a; i < b; i++ {
				// A term's frequency is summed as a map would sum it: its
				// text occurrences first, then the weight once per context
				// occurrence, so the float32 results are the same.
				before := len(l.keys)
				l.seen.reset()
				length := 0
				Terms(in.Text(i), func(k uint64) {
					length++
					if j, ok := l.seen.put(k, uint32(len(l.keys)-before)); ok {
						l.tfs[before+int(j)]++
						return
					}
					l.keys = append(l.keys, k)
					l.tfs = append(l.tfs, 1)
				})
				Terms(in.Context(i), func(k uint64) {
					if j, ok := l.seen.put(k, uint32(len(l.keys)-before)); ok {
						l.tfs[before+int(j)] += in.ContextWeight
						return
					}
					l.keys = append(l.keys, k)
					l.tfs = append(l.tfs, in.ContextWeight)
				})
				p.lengths[i] = float32(length)
				l.count = append(l.count, len(l.keys)-before)
			}
		})
		base := len(refs)
		added := 0
		for w := range lists {
			a, _ := share(w)
			for j, c := range lists[w].count {
				start[a+j+1] = start[a+j] + c
			}
			added += len(lists[w].tfs)
		}
		if cap(tfs) < base+added {
			// Room for the rest at the average so far, and a little more.
			want := (base + added) + (base+added)/hi*(n-hi) + (base+added)/hi*(n-hi)/16
			tfs = slices.Grow(tfs, want-len(tfs))
			refs = slices.Grow(refs, want-len(refs))
		}
		for w := range lists {
			tfs = append(tfs, lists[w].tfs...)
		}
		refs = refs[:len(tfs)]
		parallel(fillers, func(f int) {
			at := base
			for w := range lists {
				for _, k := range lists[w].keys {
					if sh := shardOf(k); owner(sh) == f {
						id, ok := ids[sh].put(k, uint32(len(keys[sh])))
						if !ok {
							keys[sh] = append(keys[sh], k)
							counts[sh] = append(counts[sh], 0)
						}
						counts[sh][id]++
						refs[at] = sh<<refBits | id
					}
					at++
				}
			}
		})
	}
	lists = nil

	// Number the terms in key order: each shard sorted on its own, then
	// merged (shards hold distinct keys).
	type keyID struct {
		key uint64
		id  uint32
	}
	var sorted [postingShards][]keyID
	parallel(fillers, func(f int) {
		for sh := range postingShards {
			if owner(uint32(sh)) != f {
				continue
			}
			ids[sh] = termIDs{}
			o := make([]keyID, len(keys[sh]))
			for i, k := range keys[sh] {
				o[i] = keyID{k, uint32(i)}
			}
			slices.SortFunc(o, func(a, b keyID) int { return cmp.Compare(a.key, b.key) })
			sorted[sh] = o
			keys[sh] = nil
		}
	})
	total := 0
	for sh := range sorted {
		total += len(sorted[sh])
	}
	p.terms = make([]uint64, total)
	p.offsets = make([]uint32, total+1)
	// cursor[sh][id] is where the next posting of that term goes.
	var cursor [postingShards][]uint32
	var at [postingShards]int
	var head [postingShards]uint64 // each shard's least key not yet taken, MaxUint64 when done
	for sh := range sorted {
		cursor[sh] = make([]uint32, len(sorted[sh]))
		head[sh] = math.MaxUint64
		if len(sorted[sh]) > 0 {
			head[sh] = sorted[sh][0].key
		}
	}
	off := uint32(0)
	for g := range total {
		best := 0
		for sh := 1; sh < postingShards; sh++ {
			if head[sh] < head[best] {
				best = sh
			}
		}
		kid := sorted[best][at[best]]
		at[best]++
		head[best] = math.MaxUint64
		if at[best] < len(sorted[best]) {
			head[best] = sorted[best][at[best]].key
		}
		p.terms[g] = kid.key
		p.offsets[g] = off
		cursor[best][kid.id] = off
		off += counts[best][kid.id]
	}
	p.offsets[total] = off
	sorted, counts = [postingShards][]keyID{}, [postingShards][]uint32{}

	// Lay the postings out: each core writes those of its shards' terms.
	p.post = make([]Posting, len(refs))
	parallel(fillers, func(f int) {
		for c := range n {
			for j := start[c]; j < start[c+1]; j++ {
				r := refs[j]
				sh := r >> refBits
				if owner(sh) != f {
					continue
				}
				cur := &cursor[sh][r&(1<<refBits-1)]
				p.post[*cur] = Posting{int32(c), tfs[j]}
				*cur++
			}
		}
	})
	p.index()
	return p
}

// termIDs is an open-addressing hash table from term keys to numbers.
// reset empties it without clearing it: a slot counts only when its stamp
// is the table's.
type termIDs struct {
	slots []termSlot
	stamp uint32
	n     int
	shift uint8 // 64 - log2(len(slots))
}

type termSlot struct {
	key   uint64
	id    uint32
	stamp uint32
}

// reset empties the table.
func (t *termIDs) reset() {
	t.stamp++
	t.n = 0
	if t.stamp == 0 { // wrapped: old stamps could match again
		clear(t.slots)
		t.stamp = 1
	}
}

// put returns k's number and true if k is in the table; else it adds k
// with number id and returns id and false.
func (t *termIDs) put(k uint64, id uint32) (uint32, bool) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for h := hashTerm(k, t.shift); ; h = (h + 1) & mask {
		s := &t.slots[h]
		if s.stamp != t.stamp {
			*s = termSlot{k, id, t.stamp}
			t.n++
			return id, false
		}
		if s.key == k {
			return s.id, true
		}
	}
}

// grow doubles the table (from 256 slots), keeping what it holds.
func (t *termIDs) grow() {
	old := *t
	bits := uint8(8)
	for 1<<bits <= len(t.slots) {
		bits++
	}
	*t = termIDs{slots: make([]termSlot, 1<<bits), stamp: 1, shift: 64 - bits}
	for _, s := range old.slots {
		if s.stamp == old.stamp && old.stamp != 0 {
			t.put(s.key, s.id)
		}
	}
}

// parallel runs f(0) … f(n-1) at once and waits for them.
func parallel(n int, f func(w int)) {
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w)
		}()
	}
	wg.Wait()
}

// hashTerm spreads a term key over the lookup table.
func hashTerm(k uint64, shift uint8) uint64 { return (k * 0x9E3779B97F4A7C15) >> shift }

// index builds the lookup table over p.terms: at least twice as many slots
// as terms, so that a lookup probes about one.
func (p *Postings) index() {
	bits := uint8(4)
	for 1<<bits < 2*len(p.terms) {
		bits++
	}
	p.table = make([]uint32, 1<<bits)
	p.shift = 64 - bits
	mask := uint64(len(p.table) - 1)
	for i, k := range p.terms {
		h := hashTerm(k, p.shift)
		for p.table[h] != 0 {
			h = (h + 1) & mask
		}
		p.table[h] = uint32(i + 1)
	}
}

// find returns the index of term k in p.terms, or -1.
func (p *Postings) find(k uint64) int {
	if len(p.table) == 0 {
		return -1
	}
	mask := uint64(len(p.table) - 1)
	for h := hashTerm(k, p.shift); ; h = (h + 1) & mask {
		v := p.table[h]
		if v == 0 {
			return -1
		}
		if p.terms[v-1] == k {
			return int(v - 1)
		}
	}
}

// Lookup returns the postings of term k, in ascending clause order. The
// slice shares the index's memory and must not be modified.
func (p *Postings) Lookup(k uint64) []Posting {
	i := p.find(k)
	if i < 0 {
		return nil
	}
	a, b := p.offsets[i], p.offsets[i+1]
	return p.post[a:b:b]
}

// NumClauses is the number of clauses indexed.
func (p *Postings) NumClauses() int { return len(p.lengths) }

// NumTerms is the number of distinct terms.
func (p *Postings) NumTerms() int { return len(p.terms) }

// NumPostings is the number of (term, clause) pairs.
func (p *Postings) NumPostings() int { return len(p.post) }

// Lengths returns every clause's length: the number of terms of its text.
// It shares the index's memory and must not be modified.
func (p *Postings) Lengths() []float32 { return p.lengths }

// ContextWeight is the weight the index counted a context occurrence with.
func (p *Postings) ContextWeight() float32 { return p.weight }

// Term returns the i-th term in key order and its postings, for tests and
// tools that walk the whole index.
func (p *Postings) Term(i int) (key uint64, postings []Posting) {
	a, b := p.offsets[i], p.offsets[i+1]
	return p.terms[i], p.post[a:b:b]
}

// Postings are stored as a query file (see qfile) with the counts
// clauses, terms, postings, the context weight (float32 bits) and
// termsVersion, and the arrays terms (uint64), offsets (uint32, one more
// than the terms), postings (clause int32, frequency float32) and lengths
// (float32).
const (
	postingsMagic   = "postings"
	postingsVersion = 1
)

// termsVersion names the way Terms cuts text into term keys; stored
// postings made another way are rebuilt. Change it whenever Terms changes
// a key.
const termsVersion = 1

func (p *Postings) qfile() *qfile {
	return &qfile{magic: postingsMagic, version: postingsVersion,
		counts: []uint64{uint64(len(p.lengths)), uint64(len(p.terms)), uint64(len(p.post)), uint64(math.Float32bits(p.weight)), termsVersion},
		arrays: [][]byte{wordBytes(p.terms), wordBytes(p.offsets), wordBytes(p.post), wordBytes(p.lengths)}}
}

// EncodePostings returns p as a query file.
func EncodePostings(p *Postings) []byte { return p.qfile().bytes() }

// writePostings writes p as a query file to w.
func writePostings(w io.Writer, p *Postings) (sum uint32, size int64, err error) {
	return p.qfile().writeTo(w)
}

// ErrCorruptPostings is returned by DecodePostings for a buffer that is not
// an encoded index: truncated, of another format or version, failing its
// checksum, or inconsistent. It wraps ErrCorruptQueryFile.
var ErrCorruptPostings = fmt.Errorf("postings: %w", ErrCorruptQueryFile)

// DecodePostings opens an encoded index. On a little-endian machine, with
// buf 8-byte aligned, the index's arrays are buf's own memory: buf must
// then stay alive and unmodified for as long as the index is used (an mmap
// of a file, or a buffer read once). It checks everything a lookup relies
// on, so that any buffer either decodes into an index that is safe to use or
// gives an error: the size and checksum, that the terms ascend, that the
// offsets ascend within the postings, and that each term's clauses ascend
// and are ordinals of the index's clauses.
func DecodePostings(buf []byte) (*Postings, error) { return decodePostings(buf, true) }

// decodePostings is DecodePostings; checksum false skips the checksum,
// which the caller verified.
func decodePostings(buf []byte, checksum bool) (*Postings, error) {
	corrupt := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrCorruptPostings, fmt.Sprintf(format, a...))
	}
	f, err := readQFile(buf, postingsMagic, postingsVersion, 5, 4, checksum)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorruptPostings, err)
	}
	n, t, np := f.counts[0], f.counts[1], f.counts[2]
	if f.counts[4] != termsVersion {
		return nil, corrupt("terms version %d, this qabot cuts terms as version %d", f.counts[4], termsVersion)
	}
	if n > math.MaxInt32 || t >= math.MaxUint32 || np > math.MaxUint32 || f.counts[3] > math.MaxUint32 {
		return nil, corrupt("%d clauses, %d terms and %d postings: more than the format holds", n, t, np)
	}
	p := &Postings{weight: math.Float32frombits(uint32(f.counts[3]))}
	var ok [4]bool
	p.terms, ok[0] = words[uint64](f.arrays[0])
	p.offsets, ok[1] = words[uint32](f.arrays[1])
	p.post, ok[2] = words[Posting](f.arrays[2])
	p.lengths, ok[3] = words[float32](f.arrays[3])
	if ok != [4]bool{true, true, true, true} || uint64(len(p.terms)) != t || uint64(len(p.offsets)) != t+1 ||
		uint64(len(p.post)) != np || uint64(len(p.lengths)) != n {
		return nil, corrupt("arrays of %d, %d, %d and %d bytes for %d clauses, %d terms and %d postings",
			len(f.arrays[0]), len(f.arrays[1]), len(f.arrays[2]), len(f.arrays[3]), n, t, np)
	}
	if err := p.check(); err != nil {
		return nil, corrupt("%v", err)
	}
	p.index()
	return p, nil
}

// check verifies what lookups rely on (see DecodePostings).
func (p *Postings) check() error {
	if p.offsets[0] != 0 || p.offsets[len(p.terms)] != uint32(len(p.post)) {
		return errors.New("offsets do not span the postings")
	}
	n := int32(len(p.lengths))
	for i, k := range p.terms {
		if i > 0 && k <= p.terms[i-1] {
			return fmt.Errorf("term %d out of order", i)
		}
		a, b := p.offsets[i], p.offsets[i+1]
		if b < a || b > uint32(len(p.post)) {
			return fmt.Errorf("offsets of term %d out of order", i)
		}
		prev := int32(-1)
		for _, q := range p.post[a:b] {
			if q.Clause <= prev || q.Clause >= n {
				return fmt.Errorf("clauses of term %d out of order or range", i)
			}
			prev = q.Clause
		}
	}
	return nil
}
