package index

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"unsafe"
)

// The query files of a generation (postings, vectors, clauses) share one
// container: fixed-width arrays, little-endian, each starting at a multiple
// of 8 bytes, behind a header that names the format and counts everything,
// so that a reader checks the size before it looks at anything and uses the
// arrays where they lie (an 8-byte aligned buffer or an mmap, on a
// little-endian machine) rather than decoding them:
//
//	offset  size    field
//	0       8       magic: the format's name
//	8       4       format version
//	12      4       CRC-32C (Castagnoli) of every byte from offset 16 on
//	16      4       m: number of counts
//	20      4       a: number of arrays
//	24      8·m     counts (what the format says: clauses, terms, dimensions…)
//	        8·a     the byte length of each array
//	        …       the arrays, each padded with zeros to a multiple of 8
const qfileHeader = 24

// ErrCorruptQueryFile is what reading a query file that is not what it
// should be returns: truncated, of another format or version, failing its
// checksum, or inconsistent.
var ErrCorruptQueryFile = errors.New("corrupt query file")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// pad8 rounds n up to a multiple of 8.
func pad8(n uint64) uint64 { return (n + 7) &^ 7 }

// qfile is one query file's content: its counts and its arrays as bytes.
type qfile struct {
	magic   string // 8 bytes
	version uint32
	counts  []uint64
	arrays  [][]byte
}

// size is the encoded length of f.
func (f *qfile) size() uint64 {
	n := uint64(qfileHeader + 8*len(f.counts) + 8*len(f.arrays))
	for _, a := range f.arrays {
		n += pad8(uint64(len(a)))
	}
	return n
}

// head returns everything before the first array.
func (f *qfile) head(sum uint32) []byte {
	b := make([]byte, 0, qfileHeader+8*(len(f.counts)+len(f.arrays)))
	b = append(b, f.magic...)
	le := binary.LittleEndian
	b = le.AppendUint32(b, f.version)
	b = le.AppendUint32(b, sum)
	b = le.AppendUint32(b, uint32(len(f.counts)))
	b = le.AppendUint32(b, uint32(len(f.arrays)))
	for _, c := range f.counts {
		b = le.AppendUint64(b, c)
	}
	for _, a := range f.arrays {
		b = le.AppendUint64(b, uint64(len(a)))
	}
	return b
}

var zeros [8]byte

// writeTo writes f to w and returns the file's checksum (the one in its
// header) and size. The checksum is computed first, over the arrays as they
// are, so that nothing is copied into one large buffer.
func (f *qfile) writeTo(w io.Writer) (sum uint32, size int64, err error) {
	sum = crc32.Update(0, castagnoli, f.head(0)[16:])
	for _, a := range f.arrays {
		sum = crc32.Update(sum, castagnoli, a)
		sum = crc32.Update(sum, castagnoli, zeros[:pad8(uint64(len(a)))-uint64(len(a))])
	}
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 1<<20)
	}
	bw.Write(f.head(sum))
	for _, a := range f.arrays {
		bw.Write(a)
		bw.Write(zeros[:pad8(uint64(len(a)))-uint64(len(a))])
	}
	if err := bw.Flush(); err != nil {
		return 0, 0, err
	}
	return sum, int64(f.size()), nil
}

// bytes returns f encoded.
func (f *qfile) bytes() []byte {
	var b bytes.Buffer
	b.Grow(int(f.size()))
	f.writeTo(&b)
	return b.Bytes()
}

// readQFile parses buf as a query file of the given magic and version with
// m counts and a arrays; checksum false skips the checksum (the caller
// verified it). The arrays are buf's own memory.
func readQFile(buf []byte, magic string, version uint32, m, a int, checksum bool) (*qfile, error) {
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrCorruptQueryFile, fmt.Sprintf(format, args...))
	}
	if len(buf) < qfileHeader {
		return nil, corrupt("%d bytes, shorter than a header", len(buf))
	}
	if string(buf[:8]) != magic {
		return nil, corrupt("not a %q file", magic)
	}
	le := binary.LittleEndian
	if v := le.Uint32(buf[8:]); v != version {
		return nil, corrupt("%s version %d, expected %d", magic, v, version)
	}
	if gm, ga := le.Uint32(buf[16:]), le.Uint32(buf[20:]); int(gm) != m || int(ga) != a {
		return nil, corrupt("%d counts and %d arrays, expected %d and %d", gm, ga, m, a)
	}
	at := uint64(qfileHeader + 8*(m+a))
	if uint64(len(buf)) < at {
		return nil, corrupt("%d bytes, shorter than its header", len(buf))
	}
	f := &qfile{magic: magic, version: version}
	for i := range m {
		f.counts = append(f.counts, le.Uint64(buf[qfileHeader+8*i:]))
	}
	for i := range a {
		n := le.Uint64(buf[qfileHeader+8*(m+i):])
		if n > uint64(len(buf)) || at+pad8(n) > uint64(len(buf)) {
			return nil, corrupt("array %d of %d bytes past the end", i, n)
		}
		f.arrays = append(f.arrays, buf[at:at+n:at+n])
		for _, b := range buf[at+n : at+pad8(n)] {
			if b != 0 {
				return nil, corrupt("array %d: padding is not zeros", i)
			}
		}
		at += pad8(n)
	}
	if at != uint64(len(buf)) {
		return nil, corrupt("%d bytes, %d expected", len(buf), at)
	}
	if checksum {
		if sum := crc32.Checksum(buf[16:], castagnoli); sum != le.Uint32(buf[12:]) {
			return nil, corrupt("checksum %08x, expected %08x", sum, le.Uint32(buf[12:]))
		}
	}
	return f, nil
}

// qfileSum returns the checksum a query file's header records.
func qfileSum(buf []byte) uint32 {
	if len(buf) < qfileHeader {
		return 0
	}
	return binary.LittleEndian.Uint32(buf[12:])
}

// word is a fixed-width value a query file's array holds.
type word interface {
	uint64 | uint32 | float32 | int8 | Posting
}

// littleEndian is whether this machine stores words as query files do.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// wordBytes returns s as the bytes a query file holds: s's own memory on a
// little-endian machine, else an encoded copy.
func wordBytes[T word](s []T) []byte {
	width := int(unsafe.Sizeof(*new(T)))
	if len(s) == 0 {
		return nil
	}
	if littleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*width)
	}
	out := make([]byte, len(s)*width)
	le := binary.LittleEndian
	for i, v := range s {
		switch w := any(v).(type) {
		case uint64:
			le.PutUint64(out[8*i:], w)
		case uint32:
			le.PutUint32(out[4*i:], w)
		case float32:
			le.PutUint32(out[4*i:], math.Float32bits(w))
		case int8:
			out[i] = byte(w)
		case Posting:
			le.PutUint32(out[8*i:], uint32(w.Clause))
			le.PutUint32(out[8*i+4:], math.Float32bits(w.TF))
		}
	}
	return out
}

// words returns b as an array of T: b's own memory when the machine is
// little-endian and b aligned for T, else a decoded copy. ok is false when
// b's length is not a whole number of T.
func words[T word](b []byte) (s []T, ok bool) {
	width := int(unsafe.Sizeof(*new(T)))
	if len(b)%width != 0 {
		return nil, false
	}
	k := len(b) / width
	if k == 0 {
		return []T{}, true
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%unsafe.Alignof(*new(T)) == 0 {
		return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), k), true
	}
	out := make([]T, k)
	le := binary.LittleEndian
	for i := range out {
		switch o := any(&out[i]).(type) {
		case *uint64:
			*o = le.Uint64(b[8*i:])
		case *uint32:
			*o = le.Uint32(b[4*i:])
		case *float32:
			*o = math.Float32frombits(le.Uint32(b[4*i:]))
		case *int8:
			*o = int8(b[i])
		case *Posting:
			*o = Posting{int32(le.Uint32(b[8*i:])), math.Float32frombits(le.Uint32(b[8*i+4:]))}
		}
	}
	return out, true
}
