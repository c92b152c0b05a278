// Command gen derives qabot's English → Chinese table from CC-CEDICT
// (https://www.mdbg.net/chinese/dictionary?page=cc-cedict, CC BY-SA 4.0);
// see cedict.Generate for what it keeps. From the repository root:
//
//	go run ./internal/cedict/gen -in ../shared/corpus/cedict/cedict_ts.u8 -out internal/cedict/table.gz
//
// (or go generate ./internal/cedict). The same input gives the same table.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/qabot/qabot/internal/cedict"
)

func main() {
	in := flag.String("in", "", "CC-CEDICT file (cedict_ts.u8)")
	out := flag.String("out", "", "table to write (gzip)")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gen -in cedict_ts.u8 -out table.gz")
		os.Exit(2)
	}
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := cedict.Generate(f)
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}
