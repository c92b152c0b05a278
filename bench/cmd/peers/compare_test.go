package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"qabot.json":   `{"clauses":10,"index_seconds":2,"resync_seconds":1,"open_seconds":1,"peak_rss_mb":100,"query_ms":{"lexical":{"p50":1,"p95":2,"p99":3},"dense":{"p50":2,"p95":3,"p99":4},"hybrid":{"p50":4,"p95":5,"p99":6}}}`,
		"chromem.json": `{"peer":"chromem-go","clauses":10,"index_seconds":1,"resync_seconds":null,"open_seconds":0.5,"peak_rss_mb":50,"query_ms":{"dense":{"p50":20,"p95":30,"p99":40}}}`,
		"bleve.json":   `{"peer":"bleve","clauses":10,"index_seconds":8,"resync_seconds":null,"open_seconds":0.01,"peak_rss_mb":200,"query_ms":{"lexical":{"p50":8,"p95":10,"p99":12}}}`,
	}
	var args []string
	for _, name := range []string{"qabot.json", "chromem.json", "bleve.json"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(files[name]), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	var out bytes.Buffer
	if err := compare(args, &out); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{
		"index seconds 2.000 | 1.000 2.00 | 8.000 0.25",
		"no-op resync seconds 1.000 | — | —",
		"dense p50 ms 2.000 | 20.000 0.10 | —",
		"hybrid p50 ms 4.000 | 20.000 0.20 | 8.000 0.50",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
