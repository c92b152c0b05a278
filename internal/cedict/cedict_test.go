package cedict

import (
	"bytes"
	"compress/gzip"
	"github.com/qabot/qabot/internal/testcorpus"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"Confidence-Building Measures":   "confidence building measures",
		"the foreign ministers' meeting": "the foreign ministers meeting",
		"China's e-commerce, COVID-19?":  "china e commerce covid 19",
		"Who won":                        "who won",
	} {
		if got := strings.Join(Words(in), " "); got != want {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVariants(t *testing.T) {
	for w, want := range map[string]string{
		"policies":    "policy",
		"measures":    "measure",
		"planning":    "plan",
		"assessed":    "assess",
		"longest":     "long",
		"labour":      "labor",
		"centres":     "center",
		"programmes":  "program",
		"optimising":  "optimize",
		"defence":     "defense",
		"travelling":  "travel",
		"held":        "hold",
		"regional":    "region",
		"cultural":    "culture",
		"cooperation": "cooperate",
	} {
		if vs := Variants(w); vs[0] != w || !slices.Contains(vs, want) {
			t.Errorf("Variants(%q) = %v, want it first and %q among them", w, vs, want)
		}
	}
	for _, w := range []string{"tour", "four", "otherwise", "promise", "bus"} {
		for _, v := range Variants(w) {
			if v != w && (strings.HasSuffix(v, "or") && !strings.HasSuffix(w, "or") || strings.Contains(v, "iz")) {
				t.Errorf("Variants(%q) respells it as %q", w, v)
			}
		}
	}
}

// tinyTable is a table as ./gen writes it.
func tinyTable(t *testing.T) *Table {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, "# header\nfreight train\t货运列车1\nhold\t举行0v 持有0v\nsummit\t顶峰1\nsummit meeting\t峰会0\ntake countermeasures against\t反制0v\n")
	zw.Close()
	tb, err := Parse(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestTable_LookupAndContaining(t *testing.T) {
	tb := tinyTable(t)
	if got := tb.Lookup("hold"); len(got) != 2 || got[0] != (Sense{"举行", 0, true}) {
		t.Errorf("Lookup(hold) = %v", got)
	}
	if got := tb.Lookup("freight train"); len(got) != 1 || got[0] != (Sense{"货运列车", 1, false}) {
		t.Errorf("Lookup(freight train) = %v", got)
	}
	if tb.Lookup("summi") != nil || tb.Has("train") {
		t.Error("a key that is not in the table was found")
	}
	ph := tb.Containing("summit")
	if len(ph) != 1 || ph[0].Key != "summit meeting" || ph[0].Senses[0].Zh != "峰会" {
		t.Errorf("Containing(summit) = %v", ph)
	}
	if ph := tb.Containing("countermeasure"); len(ph) != 1 || ph[0].Senses[0].Zh != "反制" {
		t.Errorf("Containing(countermeasure) = %v, want the key with its plural", ph)
	}
	if ph := tb.Containing("train"); len(ph) != 1 {
		t.Errorf("Containing(train) = %v", ph)
	}
	if ph := tb.Containing("meetings"); len(ph) != 0 {
		t.Errorf("Containing(meetings) = %v: a word finds its plural in keys, not its singular", ph)
	}
}

// TestEmbeddedTable checks the shipped table: it parses, it holds the
// words the rendering relies on, and it is exactly what ./gen makes of the
// CC-CEDICT file among the corpora (internal/testcorpus), when it is there.
func TestEmbeddedTable(t *testing.T) {
	tb, err := Parse(tableGz)
	if err != nil {
		t.Fatal(err)
	}
	for key, zh := range map[string]string{"tourism industry": "旅游业", "desertification": "荒漠化", "labor contract": "劳动合同", "asia": "亚洲"} {
		if !slices.ContainsFunc(tb.Lookup(key), func(s Sense) bool { return s.Zh == zh }) {
			t.Errorf("Lookup(%q) = %v, want %s among them", key, tb.Lookup(key), zh)
		}
	}
	if !strings.Contains(tb.text[:400], "CC-CEDICT") || !strings.Contains(tb.text[:400], "CC BY-SA 4.0") && !strings.Contains(tb.text[:400], "Attribution-ShareAlike 4.0") {
		t.Errorf("the table's header does not credit CC-CEDICT and its licence: %q", tb.text[:400])
	}
	src := filepath.Join(testcorpus.Dir(), "corpus", "cedict", "cedict_ts.u8")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("%s not found (%v): cannot check that the table is reproducible", src, err)
	}
	regen := regenerate(t, src)
	if regen != tb.text {
		t.Errorf("internal/cedict/table.gz is not what gen makes of %s; run go generate ./internal/cedict", src)
	}
}

// regenerate runs Generate on the CC-CEDICT file src and returns the
// decompressed table (compressed bytes may differ between Go releases).
func regenerate(t *testing.T, src string) string {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := Generate(f)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Parse(gz)
	if err != nil {
		t.Fatal(err)
	}
	return tb.text
}

// BenchmarkLoad is what the first English question pays: decompressing the
// embedded table, and the word index behind Containing.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		tb, err := Parse(tableGz)
		if err != nil {
			b.Fatal(err)
		}
		tb.Containing("summit")
	}
}

// BenchmarkParse is the decompression alone.
func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(tableGz); err != nil {
			b.Fatal(err)
		}
	}
}
