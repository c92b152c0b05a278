package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/qabot/qabot/retrieval"
)

// maxK bounds --k: more clauses than that answer nothing better and only
// cost time.
const maxK = 100

// command is what every qabot command over the documents starts with:
// its flags, the common ones registered, and the configuration they fill.
type command struct {
	e    env
	fs   *flag.FlagSet
	cfg  config
	hasK bool
}

// newCommand starts the command name; synopsis is its usage line.
func newCommand(e env, name, synopsis string) *command {
	c := &command{e: e, fs: newFlags(e, name, synopsis)}
	c.cfg.commonFlags(c.fs, e.getenv)
	return c
}

// jsonFlag registers --json.
func (c *command) jsonFlag(usage string) { c.fs.BoolVar(&c.cfg.JSON, "json", false, usage) }

// kFlag registers --k with its default.
func (c *command) kFlag(def int, usage string) {
	c.hasK = true
	c.fs.IntVar(&c.cfg.K, "k", def, fmt.Sprintf("%s (1 to %d)", usage, maxK))
}

// parse parses args, checks --k and fills in the defaults; it returns the
// positional arguments.
func (c *command) parse(args []string) ([]string, error) {
	pos, err := parse(c.fs, args)
	if err != nil {
		return nil, err
	}
	if c.hasK && (c.cfg.K < 1 || c.cfg.K > maxK) {
		return nil, fmt.Errorf("--k must be a number from 1 to %d, got %d", maxK, c.cfg.K)
	}
	c.cfg.resolve(c.e.getenv)
	return pos, nil
}

// usage prints the command's usage and returns the error that says so.
func (c *command) usage() error {
	c.fs.Usage()
	return errUsage
}

// open opens the library (see openLibrary).
func (c *command) open(ctx context.Context) (*retrieval.Library, error) {
	return openLibrary(ctx, c.e, &c.cfg)
}

// openSynced opens the library synced with the documents (see openSynced).
func (c *command) openSynced(ctx context.Context) (*retrieval.Library, error) {
	return openSynced(ctx, c.e, &c.cfg)
}
