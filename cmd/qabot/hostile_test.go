package main

import (
	"strings"
	"testing"
)

// TestRun_hostileArguments: issue 14's cases that reach the command line
// get a clear message and cost nothing; what can be answered is.
func TestRun_hostileArguments(t *testing.T) {
	dir := t.TempDir()
	q := "各方如何应对毒品威胁？"
	for _, c := range []struct {
		args  []string
		stdin string
		code  int
		err   string // in stderr
		out   string // in stdout
	}{
		{args: []string{"ask", "--k", "9223372036854775807", q}, code: 1, err: "--k must be a number from 1 to 100, got 9223372036854775807"},
		{args: []string{"ask", "--k", "0", q}, code: 1, err: "--k must be a number from 1 to 100, got 0"},
		{args: []string{"ask", "--k", "99999999999999999999", q}, code: 2, err: "invalid value"},
		{args: []string{"search", "--k", "-3"}, stdin: q, code: 1, err: "--k must be a number from 1 to 100"},
		{args: []string{"eval", "--set", "x.jsonl", "--k", "101"}, code: 1, err: "--k must be a number from 1 to 100, got 101"},
		{args: []string{"ask", strings.Repeat("问", 1001)}, code: 1, err: "the question has 1001 characters; the limit is 1000"},
		{args: []string{"ask", "  "}, code: 1, err: "the question is empty"},
		{args: []string{"bench", "--docs", "/no/such/folder"}, code: 1, err: "the documents folder /no/such/folder does not exist"},
		{args: []string{"eval", "--docs", "/no/such/folder", "--set", "x.jsonl"}, code: 1, err: "x.jsonl"},
		// search: an over-long line (of any length) is refused and said;
		// the other questions are answered.
		{args: []string{"search"}, stdin: strings.Repeat("问", 1<<20) + "\n" + q + "\n" + strings.Repeat("答", 1001) + "\n",
			code: 1, err: "line 1 skipped: the question is longer than 1000 characters", out: q + "\n  1. "},
	} {
		code, out, errOut := runQabot(t, dir, c.stdin, c.args...)
		name := strings.Join(c.args, " ")
		if len(name) > 60 {
			name = name[:60] + "…"
		}
		if code != c.code || !strings.Contains(errOut, c.err) || !strings.Contains(out, c.out) {
			t.Errorf("%s: exit %d, stdout %.200q, stderr %.300q; want %d and %q", name, code, out, errOut, c.code, c.err)
		}
		if c.args[0] == "search" && c.stdin != q && (!strings.Contains(errOut, "line 3 skipped: the question has 1001 characters") || !strings.Contains(errOut, "2 question(s) skipped")) {
			t.Errorf("search: stderr %q", errOut)
		}
	}
}
