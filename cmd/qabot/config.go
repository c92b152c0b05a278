package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/retrieval"
	"github.com/qabot/qabot/seeds"
)

// config is everything the commands need, filled from flags and the
// environment; flags win.
type config struct {
	Data    string // data folder: the index and, by default, the documents
	Docs    string // documents folder
	NoSeeds bool   // leave the shipped documents out
	JSON    bool
	K       int

	docsDefault bool // Docs is the default DATA/docs: created when missing
	// rebuildForEmbedder lets the library rebuild an index that another
	// embedder built (serve, whose sync does that anyway).
	rebuildForEmbedder bool
	// readOnly makes the library a replica that never writes (serve
	// --read-only).
	readOnly bool
	// mapFiles maps the index's query files rather than reading them: for
	// the commands that open one index and exit.
	mapFiles bool

	// The optional model endpoint (model.go): embedder nil means the local
	// one; Generator nil means extractive answers.
	embedder           *index.Embedder
	questionEmbedder   *index.Embedder // embedder with the question budget; nil: embedder
	Generator          retrieval.Generator
	batch, concurrency int // embedding requests: texts per request, in flight
}

// commonFlags registers the flags every command has, with defaults from the
// environment.
func (c *config) commonFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.Data, "data", getenv("QABOT_DATA"), "data folder for the index (env QABOT_DATA; default: the user's data folder)")
	fs.StringVar(&c.Docs, "docs", getenv("QABOT_DOCS"), "documents folder (env QABOT_DOCS; default: DATA/docs)")
	fs.BoolVar(&c.NoSeeds, "no-seeds", false, "leave out the documents shipped in the binary")
}

// resolve fills in defaults that depend on other settings.
func (c *config) resolve(getenv func(string) string) {
	if c.Data == "" {
		c.Data = defaultDataDir(getenv)
	}
	if c.Docs == "" {
		c.Docs = filepath.Join(c.Data, "docs")
		c.docsDefault = true
	}
}

// defaultDataDir follows the XDG base-directory convention: $XDG_DATA_HOME,
// else ~/.local/share, else a folder in the working directory.
func defaultDataDir(getenv func(string) string) string {
	if x := getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "qabot")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".local", "share", "qabot")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "qabot")
	}
	return ".qabot"
}

// embedderName is the configured embedder's identity.
func (c *config) embedderName() string {
	if c.embedder != nil {
		return c.embedder.ID()
	}
	return index.LocalEmbedder().ID()
}

// library returns the library of this configuration; progress, when not
// nil, is told as clauses are embedded.
func (c *config) library(progress func(done, total int)) *retrieval.Library {
	lc := retrieval.LibraryConfig{
		IndexDir: filepath.Join(c.Data, "index"),
		DocsDir:  c.Docs,
		Progress: progress,
		// Generator nil: extractive answers.
		Generator: c.Generator,
		// A folder the user named must exist; the default one is made.
		CreateDocsDir: c.docsDefault,
		Reembed:       c.rebuildForEmbedder,
		ReadOnly:      c.readOnly,
		MapFiles:      c.mapFiles,
	}
	if c.embedder != nil {
		lc.Embedder, lc.QuestionEmbedder = *c.embedder, c.questionEmbedder
		lc.BatchSize, lc.Concurrency = c.batch, c.concurrency
	}
	if !c.NoSeeds {
		lc.Seeds = seeds.FS
	}
	return retrieval.NewLibrary(lc)
}

// parseInterspersed parses flags that may stand before, between or after
// the positional arguments, and returns the positional ones. "--" ends the
// flags; an argument is a flag only when a letter follows its dashes, so
// that "-1" (a reference) or "-5是什么" (a question) is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case isFlag(a):
			flags = append(flags, a)
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if f := fs.Lookup(name); f != nil && !hasValue && !isBoolFlag(f) && i+1 < len(args) {
				i++
				flags = append(flags, args[i]) // its value, whatever it looks like
			}
		default:
			pos = append(pos, a)
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return append(pos, fs.Args()...), nil
}

// isFlag reports whether a looks like a flag: one or two dashes, then a
// letter.
func isFlag(a string) bool {
	name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
	return len(name) < len(a) && name != "" && ('a' <= name[0] && name[0] <= 'z' || 'A' <= name[0] && name[0] <= 'Z')
}

// isBoolFlag reports whether f takes no value (--json, -v).
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
