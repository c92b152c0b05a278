package index

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for reading documents: decoding any bytes and splitting any
// text into clauses. Interesting inputs found by `go test -fuzz` live in
// testdata/fuzz/<target>/ and are replayed by every `go test`.
//
//	go test ./index -run X -fuzz FuzzDecodeParse -fuzztime 60s

// fuzzSeeds are the documents of the golden cases and a few short shapes.
func fuzzSeeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, tc := range goldenCases {
		b, err := os.ReadFile(tc.path)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 1024 { // the fuzzer works best on small inputs
			b = b[:1024]
		}
		out = append(out, b)
	}
	for _, s := range []string{
		"一、携带身份证\n二、上午九点前到场\n三、报名费五十元",
		"报名须知\n（一）携带身份证\n（二）上午九点前到场",
		"1.1 a\n1.2 b\n1.2 b\n",
		"# t\n\n## a\n## b\n### c\n",
		"第一条 甲。\n第一条 乙。\n第一条之一 丙。\n",
		"x\n<!-- INFO END -->\n第十九条　　内容\u3000\u3000第二十条 内容",
		"（新华社北京1月1日电）",
	} {
		out = append(out, []byte(s))
	}
	return out
}

func FuzzDecodeParse(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		text, enc, err := Decode(data)
		if err != nil {
			if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrBinary) && !errors.Is(err, ErrUndecodable) {
				t.Fatalf("Decode error %v is none of the documented reasons", err)
			}
			return
		}
		if !utf8.ValidString(text) || strings.Contains(text, "\r") || enc == "" {
			t.Fatalf("Decode gave invalid UTF-8, a CR or no encoding name (%q)", enc)
		}
		checkParse(t, text)
	})
}

func FuzzParse(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return // Parse takes decoded text
		}
		checkParse(t, text)
	})
}

// checkParse parses text and checks what every split keeps: it fails only
// with ErrEmpty; ids are unique and well formed; every clause's text comes
// from the document, line by line (whitespace runs compared as one space).
func checkParse(t *testing.T, text string) {
	t.Helper()
	doc, err := Parse("fuzz", text)
	if err != nil {
		if !errors.Is(err, ErrEmpty) {
			t.Fatalf("Parse error %v, want only ErrEmpty", err)
		}
		return
	}
	if len(doc.Clauses) == 0 {
		t.Fatal("Parse succeeded with no clause")
	}
	flat := collapseSpaces(text)
	seen := map[string]bool{}
	for _, c := range doc.Clauses {
		if c.ID == "" || c.Label == "" || c.Doc != "fuzz" || c.Text == "" || strings.TrimFunc(c.Text, isBlankRune) != c.Text {
			t.Fatalf("malformed clause %+v", c)
		}
		if seen[c.ID] {
			t.Fatalf("duplicate clause id %q", c.ID)
		}
		seen[c.ID] = true
		if c.Hash != ContentHash(c.Doc, c.ID, c.Heading, c.Text) {
			t.Fatalf("clause %s: wrong hash", c.ID)
		}
		for line := range strings.SplitSeq(c.Text, "\n") {
			if !strings.Contains(flat, collapseSpaces(line)) {
				t.Fatalf("clause %s holds %q, which the document does not", c.ID, line)
			}
		}
	}
	if doc.Title != "fuzz" && !strings.Contains(flat, collapseSpaces(doc.Title)) {
		// A metadata header's titles are joined with spaces.
		for part := range strings.SplitSeq(doc.Title, " ") {
			if !strings.Contains(flat, part) {
				t.Fatalf("title %q is not in the document", doc.Title)
			}
		}
	}
}

// TestFuzzCorpusPresent keeps the fuzz corpus from vanishing unnoticed:
// go test replays it only if it is there.
func TestFuzzCorpusPresent(t *testing.T) {
	for _, target := range []string{"FuzzDecodeParse", "FuzzParse"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", target))
		if err != nil || len(entries) == 0 {
			t.Errorf("no corpus for %s in testdata/fuzz (%v)", target, err)
		}
	}
}
