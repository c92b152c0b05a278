// Command gen derives the character and character-pair frequency table of
// package pairfreq from a folder of documents (qabot uses the Chinese laws
// of LawRefBook/Laws): for every CJK character and pair of adjacent ones,
// in how many clauses it occurs.
//
//	go run ./internal/pairfreq/gen -docs DIR -out internal/pairfreq/pairs.bin
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/pairfreq"
)

func main() {
	docs := flag.String("docs", "", "folder of documents (.md, .txt)")
	out := flag.String("out", filepath.Join("internal", "pairfreq", "pairs.bin"), "table to write")
	minDF := flag.Int("min", 3, "leave out pairs in fewer clauses than this")
	flag.Parse()
	if *docs == "" {
		flag.Usage()
		os.Exit(2)
	}
	srcs, err := index.ListSources(*docs, nil)
	if err != nil {
		log.Fatal(err)
	}
	df := map[uint32]int{}
	clauses := 0
	for _, src := range srcs {
		d, _, err := index.LoadDocument(src, 10<<20)
		if err != nil {
			continue // skipped files are skipped here as in an index
		}
		for _, c := range d.Clauses {
			clauses++
			seen := map[uint32]bool{}
			for _, p := range pairfreq.Pairs(c.Text) {
				if !seen[p] {
					seen[p] = true
					df[p]++
				}
			}
			for _, r := range c.Text {
				if k, ok := pairfreq.Char(r); ok && !seen[k] {
					seen[k] = true
					df[k]++
				}
			}
		}
	}
	data := pairfreq.Encode(clauses, df, *minDF)
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d clauses, %d pairs, %d kept (in ≥ %d clauses), %d bytes\n", clauses, len(df), pairfreq.Count(data), *minDF, len(data))
}
