package index

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
	"testing"
)

// TestDocsGob: docs.gob is a stream of chunks of documents, and a record
// written before, one value of every document, still reads.
func TestDocsGob(t *testing.T) {
	var docs []Document
	for i := range 2*docsChunk + 3 {
		docs = append(docs, Document{ID: fmt.Sprintf("d%04d", i), Title: "法", Clauses: []Clause{{Doc: fmt.Sprintf("d%04d", i), ID: "1", Text: "第一条 文本"}}})
	}
	for _, n := range []int{0, 1, docsChunk, len(docs)} {
		var chunked, whole bytes.Buffer
		if err := encodeDocs(&chunked, docs[:n]); err != nil {
			t.Fatal(err)
		}
		if err := gob.NewEncoder(&whole).Encode(docs[:n]); err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string]*bytes.Buffer{"chunked": &chunked, "one value": &whole} {
			got, err := decodeDocs(b)
			if err != nil || len(got) != n || (n > 0 && !reflect.DeepEqual(got, docs[:n])) {
				t.Errorf("%d documents, %s: %d read back, %v", n, name, len(got), err)
			}
		}
	}
	if _, err := decodeDocs(bytes.NewReader([]byte("not gob"))); err == nil {
		t.Error("a damaged record decoded")
	}
}
