package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

const usage = `qabot answers questions about official documents and cites the sections.

Usage:
  qabot ask [--json] [--k N] QUESTION
        answer a question with citations
  qabot search [--json] [--k N] < questions.txt
        rank clauses for each question read from stdin, one line out per line in
  qabot section [--json] [--doc NAME] REF
        print a clause or section word for word (REF as cited: §2.3, 第十九条, …)
  qabot index [--json] [--watch]
        sync the index with the documents folder (--watch: again on every change)
  qabot eval --set FILE.jsonl [--k N] [-v] [--json]
        sync, then measure retrieval and answers against a gold set
  qabot bench --docs DIR [--questions FILE.jsonl] [--json]
        measure index build, start-up and query latency over DIR
  qabot serve [--guild ID] [--shard I/N|auto] [--read-only]
        run the Discord bot (env DISCORD_TOKEN; 'qabot serve --help' for the rest)

Common flags (all but bench): --docs DIR (env QABOT_DOCS), --data DIR (env QABOT_DATA), --no-seeds.
"--" ends the flags (qabot ask -- -5是什么). Run 'qabot COMMAND --help' for a command's flags.
`

// env is what a command gets from its caller: arguments aside, all of its
// input and output, so that tests run commands exactly as main does.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// errUsage marks errors whose message is the usage text already printed.
var errUsage = errors.New("usage")

// run executes one qabot command and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmds := map[string]func(context.Context, env, []string) error{
		"ask":     cmdAsk,
		"search":  cmdSearch,
		"section": cmdSection,
		"index":   cmdIndex,
		"eval":    cmdEval,
		"serve":   cmdServe,
		"bench":   cmdBench,
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "qabot: unknown command %q\n\n%s", name, usage)
		return 2
	}
	err := cmd(ctx, e, rest)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "qabot %s: %s\n", name, strings.TrimSpace(err.Error()))
	return 1
}

// newFlags returns a flag set for a command that prints its usage to stderr.
func newFlags(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: qabot %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses a command's flags; a bad flag has been explained already.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := parseInterspersed(fs, args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return nil, errUsage
	}
	return pos, err
}
