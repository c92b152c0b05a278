package index

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocumentVersion(t *testing.T) {
	for _, tc := range []struct{ id, header, want string }{
		{"社会法/慈善法(2023-12-29)", "", "2023-12-29"},
		{"慈善法（2016-3-16）", "", "2016-03-16"},
		{"慈善法(2016-03-16)", "2023年12月29日 修正", "2016-03-16"}, // the file name wins
		{"慈善法", "# 中华人民共和国慈善法\n\n2016年3月16日 通过\n\n2023年12月29日 修正）\n", "2023-12-29"},
		{"慈善法", "1999年13月1日", ""},
		{"notes(2023-12-29)x", "", ""},
		{"statement", "", ""},
	} {
		if got := documentVersion(tc.id, tc.header); got != tc.want {
			t.Errorf("documentVersion(%q, %q) = %q, want %q", tc.id, tc.header, got, tc.want)
		}
	}
}

// TestSync_versionsAndCopies: two versions of one law keep their dates
// (in the documents, the manifest and after a reload); the same file in two
// folders is indexed once, and the report names the copy left out — again
// on a sync that finds nothing changed.
func TestSync_versionsAndCopies(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	law := func(year string) string {
		return "# 中华人民共和国慈善法\n\n2016年3月16日 通过\n\n" + year + "\n\n<!-- INFO END -->\n\n第一条 为了发展慈善事业，制定本法。\n\n第十九条 慈善组织依法成立" + year + "。\n"
	}
	v2016, v2023 := law(""), law("2023年12月29日 修正")
	write(t, filepath.Join(docs, "社会法", "慈善法(2016-03-16).md"), v2016)
	write(t, filepath.Join(docs, "社会法", "慈善法(2023-12-29).md"), v2023)
	write(t, filepath.Join(docs, "其他", "慈善法.md"), v2023) // a copy, under another name
	ctx := context.Background()
	m := &Manager{Store: NewStore(filepath.Join(dir, "index")), DocsDir: docs, Options: BuildOptions{Embedder: LocalEmbedder()}}
	snap, rep, err := m.Sync(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFold := Fold{File: filepath.Join(docs, "社会法", "慈善法(2023-12-29).md"), SameAs: filepath.Join(docs, "其他", "慈善法.md")}
	if rep.Documents.Added != 2 || len(rep.Folded) != 1 || rep.Folded[0] != wantFold {
		t.Fatalf("report %+v, want 2 added and %+v folded", rep, wantFold)
	}
	check := func(what string, snap *Snapshot) {
		t.Helper()
		versions := map[string]string{}
		for _, d := range snap.Docs {
			versions[d.ID] = d.Version
		}
		for _, d := range snap.Manifest.Docs {
			if d.Version != versions[d.ID] {
				t.Errorf("%s: manifest version of %s %q, document %q", what, d.ID, d.Version, versions[d.ID])
			}
		}
		// The copy kept its own id (the first by id); its date comes from
		// the header, as its name has none.
		if len(versions) != 2 || versions["社会法/慈善法(2016-03-16)"] != "2016-03-16" || versions["其他/慈善法"] != "2023-12-29" {
			t.Errorf("%s: versions %v", what, versions)
		}
	}
	check("built", snap)
	loaded, err := m.Store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check("loaded", loaded)
	_, rep, err = m.Sync(ctx, nil)
	if err != nil || rep.Changed() || len(rep.Folded) != 1 || rep.Folded[0] != wantFold {
		t.Errorf("no-op sync: %+v, %v; want the fold reported again", rep, err)
	}

	// A new copy whose id sorts first does not displace the indexed one.
	write(t, filepath.Join(docs, "一", "慈善法.md"), v2023)
	snap, rep, err = m.Sync(ctx, nil)
	if err != nil || rep.Documents.Added != 0 || rep.Documents.Removed != 0 || len(rep.Folded) != 2 {
		t.Fatalf("another copy: %+v, %v", rep, err)
	}
	for _, f := range rep.Folded {
		if f.SameAs != filepath.Join(docs, "其他", "慈善法.md") || !strings.HasSuffix(f.File, ".md") {
			t.Errorf("fold %+v, want every copy folded into the one indexed before", f)
		}
	}
	if _, ok := snap.Document("其他/慈善法"); !ok {
		t.Error("the indexed copy was replaced")
	}
}
