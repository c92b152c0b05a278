package index

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Reasons a file is skipped rather than indexed. Decode and Parse wrap them
// with the details.
var (
	// ErrEmpty: the file holds no text (or no clause could be made of it).
	ErrEmpty = errors.New("empty document")
	// ErrBinary: the file is not text.
	ErrBinary = errors.New("binary file")
	// ErrUndecodable: the file is neither UTF-8, UTF-16 nor GB18030 text.
	ErrUndecodable = errors.New("unknown text encoding")
)

// Encoding names reported by Decode.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8-bom"
	encUTF16LE = "utf-16le"
	encUTF16BE = "utf-16be"
	encGB18030 = "gb18030"
)

// Limits of what still counts as text.
const (
	maxControlShare = 0.05 // control characters per rune before a file is binary
	maxUnusualShare = 0.05 // unusual code points per non-ASCII rune before a GB18030 guess is rejected
)

// Decode converts raw file bytes to UTF-8 text with LF line ends. It accepts
// UTF-8 with or without BOM, UTF-16 LE/BE with BOM, and GB18030 (including
// GBK and GB2312) when the bytes are not valid UTF-8. It returns the text
// and the name of the encoding it read: "utf-8", "utf-8-bom", "utf-16le",
// "utf-16be" or "gb18030". Empty or whitespace-only files give ErrEmpty,
// binary files ErrBinary and anything else it cannot read ErrUndecodable.
func Decode(data []byte) (text string, enc string, err error) {
	if len(data) == 0 {
		return "", "", fmt.Errorf("%w: 0 bytes", ErrEmpty)
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data, enc = data[3:], encUTF8BOM
		if !utf8.Valid(data) {
			return "", "", fmt.Errorf("%w: UTF-8 byte order mark but invalid UTF-8", ErrUndecodable)
		}
		text = string(data)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		text, err = decodeUTF16(data, xunicode.LittleEndian)
		enc = encUTF16LE
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		text, err = decodeUTF16(data, xunicode.BigEndian)
		enc = encUTF16BE
	case bytes.IndexByte(data, 0) >= 0:
		return "", "", fmt.Errorf("%w: %d NUL bytes and no UTF-16 byte order mark", ErrBinary, bytes.Count(data, []byte{0}))
	case utf8.Valid(data):
		text, enc = string(data), encUTF8
	default:
		text, err = decodeGB18030(data)
		enc = encGB18030
	}
	if err != nil {
		return "", "", err
	}
	if strings.TrimFunc(text, isBlankRune) == "" {
		return "", "", fmt.Errorf("%w: only whitespace (%s)", ErrEmpty, enc)
	}
	if n, total := countControls(text); float64(n) > maxControlShare*float64(total) {
		return "", "", fmt.Errorf("%w: %d of %d characters are control characters", ErrBinary, n, total)
	}
	return normalizeNewlines(strings.TrimPrefix(text, "\uFEFF")), enc, nil
}

// decodeUTF16 decodes UTF-16 text that starts with its byte order mark.
func decodeUTF16(data []byte, order xunicode.Endianness) (string, error) {
	if len(data)%2 != 0 {
		return "", fmt.Errorf("%w: UTF-16 text with an odd number of bytes", ErrUndecodable)
	}
	return decodeWith(xunicode.UTF16(order, xunicode.ExpectBOM).NewDecoder(), data, "UTF-16")
}

// decodeGB18030 decodes bytes that are not UTF-8 as GB18030 and checks that
// the result looks like Chinese text rather than noise.
func decodeGB18030(data []byte) (string, error) {
	text, err := decodeWith(simplifiedchinese.GB18030.NewDecoder(), data, "GB18030")
	if err != nil {
		return "", err
	}
	unusual, nonASCII := 0, 0
	for _, r := range text {
		if r < utf8.RuneSelf {
			continue
		}
		nonASCII++
		if !isUsualGBRune(r) {
			unusual++
		}
	}
	if nonASCII == 0 || float64(unusual) > maxUnusualShare*float64(nonASCII) {
		return "", fmt.Errorf("%w: not UTF-8, and as GB18030 %d of %d characters are unusual", ErrUndecodable, unusual, nonASCII)
	}
	return text, nil
}

// decodeWith runs a decoder and rejects output with replacement characters.
func decodeWith(d *encoding.Decoder, data []byte, name string) (string, error) {
	out, err := d.Bytes(data)
	if err != nil {
		return "", fmt.Errorf("%w: invalid %s: %v", ErrUndecodable, name, err)
	}
	if n := bytes.Count(out, []byte(string(utf8.RuneError))); n > 0 {
		return "", fmt.Errorf("%w: invalid %s (%d undecodable sequences)", ErrUndecodable, name, n)
	}
	return string(out), nil
}

// isUsualGBRune reports whether r is a character that Chinese text encoded
// in GB18030 commonly holds.
func isUsualGBRune(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF, // CJK unified ideographs
		r >= 0x3000 && r <= 0x33FF, // CJK punctuation, kana, bopomofo, enclosed CJK
		r >= 0xFF00 && r <= 0xFFEF, // full-width forms
		r >= 0x2000 && r <= 0x27BF, // punctuation, symbols, arrows, maths, box drawing, shapes
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0x00A0 && r <= 0x00FF, // Latin-1 (·, ×, ÷, à …)
		r >= 0x0370 && r <= 0x04FF: // Greek and Cyrillic
		return true
	}
	return false
}

// countControls counts control characters other than the usual whitespace.
func countControls(s string) (controls, total int) {
	for _, r := range s {
		total++
		if unicode.IsControl(r) && !strings.ContainsRune("\t\n\v\f\r", r) {
			controls++
		}
	}
	return controls, total
}

// isBlankRune reports runes that count as nothing: whitespace, zero-width
// spaces and byte order marks.
func isBlankRune(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200B' || r == '\uFEFF'
}

// normalizeNewlines turns CRLF and lone CR into LF.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
