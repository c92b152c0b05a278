package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitBuffer is a buffer safe for concurrent writers that a test can wait
// on: until what was written matches.
type waitBuffer struct {
	mu      sync.Mutex
	b       strings.Builder
	written chan struct{} // closed and replaced on every write
}

func newWaitBuffer() *waitBuffer { return &waitBuffer{written: make(chan struct{})} }

func (w *waitBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	close(w.written)
	w.written = make(chan struct{})
	return len(p), nil
}

// waitFor returns what was written once it matches re; it fails the test
// when nothing matching comes in a minute (a bound on a hang, not a timing).
func (w *waitBuffer) waitFor(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		w.mu.Lock()
		s, next := w.b.String(), w.written
		w.mu.Unlock()
		if re.MatchString(s) {
			return s
		}
		select {
		case <-next:
		case <-deadline:
			t.Fatalf("waited a minute for %s; got %q", re, s)
		}
	}
}

// TestRun_indexWatch: index --watch says what it watches at once and puts
// a time on every report.
func TestRun_indexWatch(t *testing.T) {
	dir := t.TempDir()
	mustMkdir(t, filepath.Join(dir, "docs"))
	ctx, cancel := context.WithCancel(context.Background())
	out, errb := newWaitBuffer(), newWaitBuffer()
	getenv := func(k string) string {
		switch k {
		case "QABOT_DATA":
			return filepath.Join(dir, "data")
		case "QABOT_DOCS":
			return filepath.Join(dir, "docs")
		}
		return ""
	}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"index", "--watch"}, getenv, strings.NewReader(""), out, errb) }()
	errb.waitFor(t, regexp.MustCompile(`qabot index: watching `+regexp.QuoteMeta(filepath.Join(dir, "docs"))+` \(Ctrl-C to stop\)\n`))
	stamp := `at:        \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n`
	out.waitFor(t, regexp.MustCompile(`^`+stamp+`documents: 1 added`))
	writeFile(t, filepath.Join(dir, "docs", "notice.txt"), "一、总则\n本办法适用于全体成员。\n")
	got := out.waitFor(t, regexp.MustCompile(stamp+`documents: 1 added, 0 changed, 0 removed, 1 unchanged\n`))
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("index --watch: exit %d after Ctrl-C; stdout %q, stderr %q", code, got, errb.b.String())
	}
}
