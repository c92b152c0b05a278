package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRun_bench(t *testing.T) {
	docs := filepath.Join("testdata", "bench", "docs")
	gold := filepath.Join("testdata", "bench", "gold.jsonl")
	t.Run("table", func(t *testing.T) {
		code, out, errOut := runQabot(t, t.TempDir(), "", "bench", "--docs", docs)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{"index", "resync", "cold start", "peak RSS", "lexical", "dense", "hybrid"} {
			if !strings.Contains(out, want) {
				t.Errorf("table lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "recall") {
			t.Errorf("recall reported without a gold set:\n%s", out)
		}
	})
	t.Run("json", func(t *testing.T) {
		code, out, errOut := runQabot(t, t.TempDir(), "", "bench", "--json", "--docs", docs, "--questions", gold)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &raw); err != nil {
			t.Fatalf("bench --json printed %q: %v", out, err)
		}
		for _, k := range []string{"clauses", "index_seconds", "resync_seconds", "open_seconds", "peak_rss_mb", "query_ms", "recall"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("no %q in %s", k, out)
			}
		}
		if len(raw) != 7 {
			t.Errorf("got %d keys, want 7: %s", len(raw), out)
		}
		var r struct {
			Clauses int
			QueryMS map[string]map[string]float64 `json:"query_ms"`
			Recall  map[string]float64
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Clauses < 10 {
			t.Errorf("clauses = %d, want the test documents' articles", r.Clauses)
		}
		for _, mode := range []string{"lexical", "dense", "hybrid"} {
			l, ok := r.QueryMS[mode]
			if !ok || len(l) != 3 || l["p50"] > l["p95"] || l["p95"] > l["p99"] {
				t.Errorf("query_ms[%s] = %v, want ordered p50, p95, p99", mode, l)
			}
		}
		if len(r.Recall) != 3 || r.Recall["r5"] != 1 {
			t.Errorf("recall = %v, want r1, r5 = 1, mrr10", r.Recall)
		}
	})
	t.Run("usage", func(t *testing.T) {
		if code, _, _ := runQabot(t, t.TempDir(), "", "bench"); code != 2 {
			t.Errorf("bench without --docs: exit %d, want 2", code)
		}
	})
}

func TestPercentiles(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	got := percentiles(lat)
	if want := (latencyMS{P50: 50, P95: 95, P99: 99}); got != want {
		t.Errorf("percentiles(1..100 ms) = %+v, want %+v", got, want)
	}
}
