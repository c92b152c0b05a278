package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary run as the qabot command in the README
// scripts (testscript puts it on their PATH): main itself, in a process of
// its own, with its arguments, environment, stdin and exit code.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"qabot": main})
}

// readmeExample is one command of the README and what it prints.
type readmeExample struct {
	line int    // of the command in README.md
	cmd  string // as written after "$ "
	want string // the lines after it, up to the next command
}

// readmeExamples returns the commands of the first ``` block under the
// README heading ("## Command line"), each with the lines shown after it.
func readmeExamples(t *testing.T, readme, heading string) []readmeExample {
	t.Helper()
	lines := strings.Split(readme, "\n")
	i := 0
	for i < len(lines) && lines[i] != heading {
		i++
	}
	for i < len(lines) && !strings.HasPrefix(lines[i], "```") {
		if i++; i < len(lines) && strings.HasPrefix(lines[i], "## ") {
			t.Fatalf("README.md: no ``` block under %q", heading)
		}
	}
	if i == len(lines) {
		t.Fatalf("README.md: no %q with a ``` block", heading)
	}
	var out []readmeExample
	for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
		if cmd, ok := strings.CutPrefix(lines[i], "$ "); ok {
			out = append(out, readmeExample{line: i + 1, cmd: cmd})
		} else if len(out) > 0 {
			out[len(out)-1].want += lines[i] + "\n"
		}
	}
	return out
}

// failing reports whether what an example shows is an error of qabot's
// (qabot COMMAND: …, not a warning): then the command must exit non-zero.
var failing = regexp.MustCompile(`(?m)^qabot [a-z]+: (?:[^w]|w[^a])`)

// readmeScript is a testscript running each example through sh, stdout and
// stderr together as a terminal shows them, and comparing what it prints.
func readmeScript(examples []readmeExample, dir string) string {
	var script, files strings.Builder
	script.WriteString("env HOME=$WORK/home\nmkdir $HOME\n")
	if dir != "" {
		script.WriteString("cd " + dir + "\n")
	}
	for n, ex := range examples {
		fmt.Fprintf(&script, "\n# README.md:%d: %s\n", ex.line, ex.cmd)
		neg := ""
		if failing.MatchString(ex.want) {
			neg = "! "
		}
		fmt.Fprintf(&script, "%sexec sh $WORK/cmd%d.sh\nreadme stdout $WORK/want%d\n", neg, n, n)
		fmt.Fprintf(&files, "-- cmd%d.sh --\nexec 2>&1\n%s\n-- want%d --\n%s", n, ex.cmd, n, ex.want)
	}
	return script.String() + files.String()
}

// readmeCompare is the script command "readme stdout FILE": what the
// command printed is what the README shows, but for the home folder
// (/home/me in the README) and timings (any).
func readmeCompare(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || args[0] != "stdout" {
		ts.Fatalf("usage: readme stdout FILE")
	}
	timing := regexp.MustCompile(`\b\d+\.\d+ (s|ms)\b`)
	norm := func(s string) string {
		s = strings.ReplaceAll(s, ts.Getenv("HOME"), "/home/me")
		return strings.TrimRight(timing.ReplaceAllString(s, "… $1"), "\n")
	}
	got, want := norm(ts.ReadFile("stdout")), norm(ts.ReadFile(args[1]))
	if got != want {
		ts.Fatalf("the README shows\n%s\n\nbut the command printed\n%s", want, got)
	}
}

// TestREADME_commandLine runs the commands of the README's Command line
// block over the shipped statement, offline, in a fresh home folder, and
// compares what each prints with what the README shows.
func TestREADME_commandLine(t *testing.T) {
	runReadme(t, readmeScript(readmeExamples(t, readFile(t, "../../README.md"), "## Command line"), ""), nil)
}

// TestREADME_setUp runs the README's first command as written from a copy
// of the repository's files (what a clean clone has: git's tracked files),
// offline (GOPROXY=off: the modules come from the cache that building this
// test filled), in a fresh home folder; it prints what the Command line
// block shows for the same command.
func TestREADME_setUp(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the set-up command builds qabot")
	}
	readme := readFile(t, "../../README.md")
	setup := readmeExamples(t, strings.Replace(readme, "```sh\ngo run", "```\n$ go run", 1), "## Set-up (two commands)")
	if len(setup) == 0 || !strings.HasPrefix(setup[0].cmd, "go run ./cmd/qabot ") {
		t.Fatalf("README.md: the set-up does not start with go run ./cmd/qabot: %+v", setup)
	}
	first := setup[0]
	first.want = ""
	for _, ex := range readmeExamples(t, readme, "## Command line") {
		if "qabot "+strings.TrimPrefix(first.cmd, "go run ./cmd/qabot ") == ex.cmd {
			first.want = ex.want
		}
	}
	if first.want == "" {
		t.Fatalf("README.md: the Command line block does not show %q (as qabot …)", first.cmd)
	}
	files, err := exec.Command("git", "-C", "../..", "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): no clean clone to copy", err)
	}
	goEnv, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	var vars map[string]string
	if err := json.Unmarshal(goEnv, &vars); err != nil {
		t.Fatal(err)
	}
	runReadme(t, readmeScript([]readmeExample{first}, "$WORK/clone"), func(e *testscript.Env) error {
		for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
			if err := copyFile(filepath.Join("../..", f), filepath.Join(e.WorkDir, "clone", f)); err != nil {
				return err
			}
		}
		for k, v := range vars {
			e.Setenv(k, v)
		}
		e.Setenv("GOPROXY", "off")
		e.Setenv("GOTOOLCHAIN", "local")
		e.Setenv("GOFLAGS", "-mod=readonly")
		return nil
	})
}

// runReadme runs script with the readme command.
func runReadme(t *testing.T, script string, setup func(*testscript.Env) error) {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to run the README's commands")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "readme.txtar"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 dir,
		Setup:               setup,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"readme": readmeCompare},
		RequireExplicitExec: true,
	})
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// copyFile copies a file, making the folders it goes in; a link in the
// repository is copied as a link.
func copyFile(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	if fi, err := os.Lstat(from); err != nil {
		return err
	} else if fi.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(from)
		if err != nil {
			return err
		}
		return os.Symlink(target, to)
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, in); err != nil {
		return err
	}
	return os.WriteFile(to, b.Bytes(), 0o644)
}
