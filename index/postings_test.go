package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// randomClauses returns n texts and contexts of CJK characters (from a
// small alphabet, so that terms repeat), Latin words and numbers, full-width
// letters and punctuation, with a fixed seed.
func randomClauses(n int, seed uint64) (texts, contexts []string) {
	rng := rand.New(rand.NewPCG(seed, 7))
	piece := func(sb *strings.Builder) {
		switch rng.IntN(10) {
		case 0:
			fmt.Fprintf(sb, " word%d ", rng.IntN(50))
		case 1:
			sb.WriteString("ＡＢ")
		case 2:
			sb.WriteString("，")
		default:
			sb.WriteRune(0x4E00 + rune(rng.IntN(60)))
		}
	}
	for range n {
		var t, c strings.Builder
		for range rng.IntN(80) {
			piece(&t)
		}
		for range rng.IntN(12) {
			piece(&c)
		}
		texts = append(texts, t.String())
		contexts = append(contexts, c.String())
	}
	return texts, contexts
}

func buildRandom(n int, seed uint64) (*Postings, []string, []string) {
	texts, contexts := randomClauses(n, seed)
	p := BuildPostings(PostingsInput{N: n, Text: func(i int) string { return texts[i] },
		Context: func(i int) string { return contexts[i] }, ContextWeight: 0.4})
	return p, texts, contexts
}

// TestBuildPostings_matchesMapBuild checks the parallel build against the
// straightforward one (a map per clause, postings appended in clause
// order), on 1 to 5 cores: the same postings and the same encoded bytes.
func TestBuildPostings_matchesMapBuild(t *testing.T) {
	const n = 3*postingsBlock + 17
	texts, contexts := randomClauses(n, 1)
	want := map[uint64][]Posting{}
	var lengths []float32
	for i := range n {
		tf := map[uint64]float32{}
		k := 0
		Terms(texts[i], func(t uint64) { tf[t]++; k++ })
		Terms(contexts[i], func(t uint64) { tf[t] += 0.4 })
		for t, f := range tf {
			want[t] = append(want[t], Posting{int32(i), f})
		}
		lengths = append(lengths, float32(k))
	}
	var first []byte
	for _, procs := range []int{1, 2, 3, 5} {
		prev := runtime.GOMAXPROCS(procs)
		p, _, _ := buildRandom(n, 1)
		runtime.GOMAXPROCS(prev)
		if p.NumTerms() != len(want) || !slices.Equal(p.Lengths(), lengths) {
			t.Fatalf("%d cores: %d terms (want %d), lengths equal %v", procs, p.NumTerms(), len(want), slices.Equal(p.Lengths(), lengths))
		}
		for i := range p.NumTerms() {
			k, got := p.Term(i)
			if i > 0 {
				if prev, _ := p.Term(i - 1); prev >= k {
					t.Fatalf("terms out of order at %d", i)
				}
			}
			if !slices.Equal(got, want[k]) {
				t.Fatalf("%d cores: postings of %x: got %v, want %v", procs, k, got, want[k])
			}
			if lc := p.Lookup(k); !slices.Equal(lc, got) {
				t.Fatalf("Lookup(%x) differs from Term(%d)", k, i)
			}
		}
		enc := EncodePostings(p)
		if first == nil {
			first = enc
		} else if !bytes.Equal(enc, first) {
			t.Errorf("%d cores: encoded bytes differ from 1 core's", procs)
		}
	}
	p, _, _ := buildRandom(n, 1)
	for _, k := range []uint64{0, 1, termUnigram | 'x', termWord | 12345} {
		if cs := p.Lookup(k); cs != nil {
			t.Errorf("Lookup(%x) of an absent term: %v", k, cs)
		}
	}
}

func TestBuildPostings_empty(t *testing.T) {
	p := BuildPostings(PostingsInput{Text: func(int) string { return "" }, Context: func(int) string { return "" }})
	if p.NumTerms() != 0 || p.NumClauses() != 0 {
		t.Fatalf("empty: %d terms, %d clauses", p.NumTerms(), p.NumClauses())
	}
	q, err := DecodePostings(EncodePostings(p))
	if err != nil {
		t.Fatal(err)
	}
	if cs := q.Lookup(termUnigram | '法'); cs != nil {
		t.Errorf("empty index has %v", cs)
	}
}

// equalPostings compares two indexes array by array.
func equalPostings(a, b *Postings) bool {
	return slices.Equal(a.terms, b.terms) && slices.Equal(a.offsets, b.offsets) &&
		slices.Equal(a.post, b.post) &&
		slices.Equal(a.lengths, b.lengths) && a.weight == b.weight
}

func TestPostings_encodeDecode(t *testing.T) {
	p, _, _ := buildRandom(2000, 2)
	enc := EncodePostings(p)
	q, err := DecodePostings(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !equalPostings(p, q) {
		t.Fatal("decoded index differs")
	}
	for i := range p.NumTerms() {
		k, cs := p.Term(i)
		if got := q.Lookup(k); !slices.Equal(got, cs) {
			t.Fatalf("term %x: %v, want %v", k, got, cs)
		}
	}
	if !bytes.Equal(EncodePostings(q), enc) {
		t.Error("re-encoding the decoded index changes it")
	}
	// The arrays are the buffer's own memory when it is aligned…
	if littleEndian && &q.post[0] != (*Posting)(unsafe.Pointer(&enc[arrayAt(enc, 2)])) {
		t.Error("the decoded postings are not the buffer's own memory")
	}
	// …and a copy when it is not: the same index either way.
	odd := make([]byte, len(enc)+1)
	copy(odd[1:], enc)
	r, err := DecodePostings(odd[1:])
	if err != nil {
		t.Fatal(err)
	}
	if !equalPostings(p, r) {
		t.Error("index decoded from an unaligned buffer differs")
	}
}

// arrayAt is the offset of array i of a well-formed query file.
func arrayAt(buf []byte, i int) int {
	le := binary.LittleEndian
	m, a := int(le.Uint32(buf[16:])), int(le.Uint32(buf[20:]))
	at := qfileHeader + 8*(m+a)
	for j := range i {
		at += int(pad8(le.Uint64(buf[qfileHeader+8*(m+j):])))
	}
	return at
}

// reseal recomputes a buffer's checksum, so that a test reaches the checks
// behind it.
func reseal(buf []byte) []byte {
	if len(buf) >= qfileHeader {
		binary.LittleEndian.PutUint32(buf[12:], crc32.Checksum(buf[16:], castagnoli))
	}
	return buf
}

func TestDecodePostings_corrupt(t *testing.T) {
	p, _, _ := buildRandom(300, 3)
	enc := EncodePostings(p)
	termsAt := uint64(arrayAt(enc, 0))
	offsetsAt := uint64(arrayAt(enc, 1))
	clausesAt := uint64(arrayAt(enc, 2))
	mutate := func(f func(b []byte) []byte) []byte { return f(slices.Clone(enc)) }
	put32 := func(at uint64, v uint32) func([]byte) []byte {
		return func(b []byte) []byte { binary.LittleEndian.PutUint32(b[at:], v); return reseal(b) }
	}
	cases := map[string][]byte{
		"empty":            nil,
		"header only":      enc[:qfileHeader],
		"truncated":        enc[:len(enc)-8],
		"one byte short":   enc[:len(enc)-1],
		"one byte more":    append(slices.Clone(enc), 0),
		"magic":            mutate(func(b []byte) []byte { b[0] = 'Q'; return b }),
		"version":          mutate(put32(8, 2)),
		"terms version":    mutate(func(b []byte) []byte { binary.LittleEndian.PutUint64(b[qfileHeader+32:], 9); return reseal(b) }),
		"array count":      mutate(put32(20, 5)),
		"array length":     mutate(func(b []byte) []byte { binary.LittleEndian.PutUint64(b[qfileHeader+40:], 16); return reseal(b) }),
		"flipped bit":      mutate(func(b []byte) []byte { b[len(b)/2] ^= 4; return b }),
		"checksum":         mutate(func(b []byte) []byte { b[12] ^= 1; return b }),
		"huge counts":      mutate(func(b []byte) []byte { binary.LittleEndian.PutUint64(b[qfileHeader+16:], 1<<62); return reseal(b) }),
		"counts disagree":  mutate(func(b []byte) []byte { binary.LittleEndian.PutUint64(b[qfileHeader+8:], 3); return reseal(b) }),
		"terms unsorted":   mutate(func(b []byte) []byte { copy(b[termsAt:], b[termsAt+8:termsAt+16]); return reseal(b) }),
		"offset past end":  mutate(put32(offsetsAt+4, 1<<30)),
		"offsets reversed": mutate(put32(offsetsAt+4, 0)),
		"clause too large": mutate(put32(clausesAt, 300)),
		"clause negative":  mutate(put32(clausesAt, 0xFFFFFFFF)),
	}
	for name, b := range cases {
		if _, err := DecodePostings(b); !errors.Is(err, ErrCorruptPostings) {
			t.Errorf("%s: error %v, want ErrCorruptPostings", name, err)
		}
	}
	for cut := range len(enc) {
		if _, err := DecodePostings(enc[:cut]); err == nil {
			t.Fatalf("decoded %d of %d bytes", cut, len(enc))
		}
	}
}

// FuzzDecodePostings: no buffer makes DecodePostings or the lookups on
// what it returns panic, with its checksum as it is and resealed (so that
// the checks behind the checksum are reached).
func FuzzDecodePostings(f *testing.F) {
	p, _, _ := buildRandom(40, 4)
	f.Add(EncodePostings(p))
	e := BuildPostings(PostingsInput{Text: func(int) string { return "" }, Context: func(int) string { return "" }})
	f.Add(EncodePostings(e))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, b := range [][]byte{data, reseal(slices.Clone(data))} {
			q, err := DecodePostings(b)
			if err != nil {
				continue
			}
			for i := range q.NumTerms() {
				k, ps := q.Term(i)
				if !slices.Equal(q.Lookup(k), ps) {
					t.Fatalf("term %d: lookup and walk disagree", i)
				}
				for _, x := range ps {
					_ = q.Lengths()[x.Clause]
				}
			}
			q.Lookup(termUnigram | '法')
			if !bytes.Equal(EncodePostings(q), b) {
				t.Fatal("a decoded buffer does not re-encode to itself")
			}
		}
	})
}
