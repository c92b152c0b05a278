// Package testcorpus finds the corpora and development question sets that
// the heavier tests read (LawRefBook/Laws, the CMRC 2018 trial set,
// CC-CEDICT, the dev sets): the folder QABOT_CORPORA names, else a folder
// named shared beside the repository. Tests that need them skip, saying
// so, when they are not there.
package testcorpus

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Env is the variable that names the corpora folder.
const Env = "QABOT_CORPORA"

// Dir is the corpora folder: $QABOT_CORPORA, else "shared" beside the
// repository (the folder holding the root go.mod), else "" when the
// repository cannot be found from the working directory.
func Dir() string {
	if d := os.Getenv(Env); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module "+module+"\n")) {
			return filepath.Join(filepath.Dir(d), "shared")
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// module is the repository's root module.
const module = "github.com/qabot/qabot"

// Path is parts joined under Dir, e.g. Path("corpus", "cn-laws").
func Path(parts ...string) string {
	return filepath.Join(append([]string{Dir()}, parts...)...)
}

// Need returns Path(parts...), skipping tb with a message that says how to
// provide it when it is not there.
func Need(tb testing.TB, parts ...string) string {
	tb.Helper()
	p := Path(parts...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("%s not found (%v): set %s to the corpora folder (README, Tests that need the corpora)", p, err, Env)
	}
	return p
}
