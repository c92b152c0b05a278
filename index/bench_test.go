package index

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/qabot/qabot/seeds"
)

// BenchmarkSplit parses one law and the shipped statement into clauses.
func BenchmarkSplit(b *testing.B) {
	statement, err := seeds.FS.ReadFile("china-central-asia-fm-joint-statement-2022.txt")
	if err != nil {
		b.Fatal(err)
	}
	law, err := os.ReadFile(filepath.Join("testdata", "反外国制裁法.md"))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, id string
		data     []byte
	}{
		{"law", "反外国制裁法", law},
		{"statement", "statement", statement},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				text, _, err := Decode(c.data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Parse(c.id, text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEmbedLocal embeds the clauses of the shipped statement, 128 at a
// time as Build does.
func BenchmarkEmbedLocal(b *testing.B) {
	data, err := seeds.FS.ReadFile("china-central-asia-fm-joint-statement-2022.txt")
	if err != nil {
		b.Fatal(err)
	}
	text, _, err := Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	doc, err := Parse("statement", text)
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	var n int64
	for len(texts) < 128 {
		for _, c := range doc.Clauses {
			texts = append(texts, EmbedText(c))
			n += int64(len(EmbedText(c)))
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(n)
	for b.Loop() {
		if _, err := embedLocal(ctx, texts); err != nil {
			b.Fatal(err)
		}
	}
}
