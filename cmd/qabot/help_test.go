package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestRun_helpListsEveryFlag: the top-level help shows each command with
// its own usage line, and that line names every flag the command has (but
// the common ones, listed once).
func TestRun_helpListsEveryFlag(t *testing.T) {
	dir := t.TempDir()
	code, top, _ := runQabot(t, dir, "", "--help")
	if code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	flagName := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	for _, name := range []string{"ask", "search", "section", "index", "eval", "bench", "serve"} {
		code, _, help := runQabot(t, dir, "", name, "--help")
		if code != 0 || !strings.HasPrefix(help, "Usage: qabot "+name) {
			t.Errorf("%s --help: exit %d, %q", name, code, help)
			continue
		}
		synopsis := strings.SplitN(strings.TrimPrefix(help, "Usage: "), "\n", 2)[0]
		if !strings.Contains(top, "\n  "+synopsis+"\n") {
			t.Errorf("the top-level help lacks %q:\n%s", synopsis, top)
		}
		for _, m := range flagName.FindAllStringSubmatch(help, -1) {
			f := m[1]
			if f == "data" || f == "docs" && name != "bench" || f == "no-seeds" {
				continue // the common flags
			}
			if !regexp.MustCompile(`\[?--?` + f + `\b`).MatchString(synopsis) {
				t.Errorf("%s: the usage line %q does not name its flag -%s", name, synopsis, f)
			}
		}
	}
	for _, common := range []string{"--docs DIR", "--data DIR", "--no-seeds", `"--" ends the flags`} {
		if !strings.Contains(top, common) {
			t.Errorf("the top-level help does not mention %s", common)
		}
	}
}

// TestRun_serveHelp: serve's help names all five slash commands and says
// that QABOT_ADMIN_ROLE gates /upload and /reindex.
func TestRun_serveHelp(t *testing.T) {
	_, _, help := runQabot(t, t.TempDir(), "", "serve", "--help")
	for _, c := range []string{"/ask", "/section", "/sources", "/upload", "/reindex"} {
		if !strings.Contains(help, c) {
			t.Errorf("serve --help does not list %s: %q", c, help)
		}
	}
	if !regexp.MustCompile(`QABOT_ADMIN_ROLE \([^)]*/upload and /reindex`).MatchString(help) {
		t.Errorf("serve --help does not say QABOT_ADMIN_ROLE gates /upload and /reindex: %q", help)
	}
}

// TestRun_flagsAndDashes: "--" ends the flags, and an argument is a flag
// only when a letter follows its dashes ("-1" is a reference).
func TestRun_flagsAndDashes(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		out  string // in stdout, or stderr when the exit code is not 0
	}{
		{[]string{"ask", "--", "-5是什么"}, 0, "文档中没有"},
		{[]string{"ask", "-5是什么"}, 0, "文档中没有"},
		{[]string{"ask", "--json", "--", "--k", "是什么"}, 0, `"question":"--k 是什么"`},
		{[]string{"section", "-1"}, 1, `section "-1" not found; closest: §0.1`},
		{[]string{"section", "--json", "-1"}, 1, `section "-1" not found`},
		{[]string{"section", "2.3", "--json"}, 0, `"tag":"§2.3"`},
		{[]string{"ask", "--k=2", "--json", "各方如何应对毒品威胁？"}, 0, `"tag":"§1.10"`},
		{[]string{"ask", "-x", "q"}, 2, "flag provided but not defined: -x"},
	} {
		code, out, errOut := runQabot(t, dir, "", c.args...)
		got := out
		if c.code != 0 {
			got = errOut
		}
		if code != c.code || !strings.Contains(got, c.out) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d and %q", c.args, code, out, errOut, c.code, c.out)
		}
	}
}
