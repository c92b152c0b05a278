package retrieval_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/retrieval"
	"github.com/qabot/qabot/seeds"
)

const statement = "china-central-asia-fm-joint-statement-2022"

func TestClauseKey_roundTrip(t *testing.T) {
	for _, k := range []retrieval.ClauseKey{
		{Doc: statement, ID: "2.3"},
		{Doc: "laws/数据安全法", ID: "19-1"},
		{Doc: "odd#name", ID: "1"}, // a '#' in a document id
	} {
		got, err := retrieval.ParseClauseKey(k.String())
		if err != nil || got != k {
			t.Errorf("ParseClauseKey(%q) = %+v, %v; want %+v", k.String(), got, err, k)
		}
		// The key is the index's own clause key, written the same way.
		if c := (index.Clause{Doc: k.Doc, ID: k.ID}); c.Key() != k.String() {
			t.Errorf("index key %q, retrieval key %q", c.Key(), k.String())
		}
		if d := k.Digest(); len(d) != 16 || d == (retrieval.ClauseKey{Doc: k.Doc, ID: k.ID + "0"}).Digest() {
			t.Errorf("digest of %v: %q", k, d)
		}
	}
	for _, bad := range []string{"", "nohash", "#2.3", "doc#"} {
		if _, err := retrieval.ParseClauseKey(bad); !errors.Is(err, retrieval.ErrBadKey) {
			t.Errorf("ParseClauseKey(%q): err %v, want ErrBadKey", bad, err)
		}
	}
}

// libraryFor opens a library over the shipped statement and the documents
// in docs, its index in a temporary folder.
func libraryFor(t *testing.T, docs string) *retrieval.Library {
	t.Helper()
	lib, o, err := retrieval.OpenLibrary(context.Background(), retrieval.LibraryConfig{
		IndexDir: filepath.Join(t.TempDir(), "index"), DocsDir: docs, Seeds: seeds.FS,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !o.Built || o.Stale || o.Embedder != retrieval.EmbedderConfigured {
		t.Errorf("a first open: %+v", o)
	}
	return lib
}

func TestLibrary_lookups(t *testing.T) {
	lib := libraryFor(t, "")
	docs := lib.Documents()
	if len(docs) != 1 || docs[0].ID != statement || docs[0].Clauses != 43 || docs[0].IndexedAt.IsZero() || docs[0].Title == "" {
		t.Fatalf("documents %+v", docs)
	}
	k := retrieval.ClauseKey{Doc: statement, ID: "2.3"}
	c, d, ok := lib.Clause(k)
	if !ok || c.Key() != k || c.Label != "二.3" || !strings.Contains(c.Text, "首届中国—中亚经贸合作论坛") || d.ID != statement {
		t.Errorf("Clause(%v) = %+v, %+v, %v", k, c, d, ok)
	}
	if c2, _, ok := lib.ClauseByDigest(k.Digest()); !ok || c2 != c {
		t.Errorf("ClauseByDigest: %+v, %v", c2, ok)
	}
	if _, _, ok := lib.ClauseByDigest("0000000000000000"); ok {
		t.Error("an unknown digest found a clause")
	}
	if _, _, ok := lib.Clause(retrieval.ClauseKey{Doc: statement, ID: "9.9"}); ok {
		t.Error("an unknown key found a clause")
	}
	if cs := lib.Clauses(statement); len(cs) != 43 || cs[0].Doc != statement {
		t.Errorf("%d clauses", len(cs))
	}
	sec, err := lib.Section("二", "")
	if err != nil || sec.Doc.ID != statement || len(sec.Clauses) < 2 || sec.Clauses[0].ID != "2.1" {
		t.Errorf("Section(二) = %+v, %v", sec, err)
	}
	hits, err := lib.Search(context.Background(), "中国—中亚交通走廊", 2)
	if err != nil || len(hits) != 2 || hits[0].Score <= 0 || hits[0].DocTitle == "" {
		t.Errorf("Search: %+v, %v", hits, err)
	}
	ans, err := lib.Ask(context.Background(), "首届中国—中亚经贸合作论坛是什么时候举行的？", retrieval.AskOptions{})
	if err != nil || !ans.Found || ans.Citations[0].Key() != k {
		t.Errorf("Ask: %+v, %v", ans, err)
	}
}

func TestLibrary_syncAndAdd(t *testing.T) {
	ctx := context.Background()
	docs := t.TempDir()
	lib := libraryFor(t, docs)
	rep, err := lib.Sync(ctx)
	if err != nil || rep.Changed() || rep.Documents.Unchanged != 1 {
		t.Fatalf("a sync with nothing changed: %+v, %v", rep, err)
	}
	rules := "# 测试市控烟条例\n\n第一条 为了减少烟草烟雾危害，制定本条例。\n\n第二条 室内公共场所禁止吸烟。\n"
	added, err := lib.Add(ctx, "../控烟条例.md", []byte(rules), retrieval.AddOptions{})
	if err != nil || added.File != "控烟条例.md" || added.Doc.Title != "测试市控烟条例" || strings.Join(added.Labels, ",") != "第一条,第二条" ||
		added.Sync.Documents.Added != 1 {
		t.Fatalf("Add: %+v, %v", added, err)
	}
	// The added document is served at once.
	if _, ok := lib.Document("控烟条例"); !ok {
		t.Error("the added document is not served")
	}
	for _, c := range []struct {
		name    string
		data    string
		replace bool
		want    retrieval.AddReason
	}{
		{"控烟条例.md", rules, false, retrieval.AddExists},
		{"控烟条例.txt", rules, true, retrieval.AddExists}, // another extension: even replace refuses
		{"tool.exe", "MZ", false, retrieval.AddBadName},
		{"empty.md", "", false, retrieval.AddEmpty},
		{"binary.txt", "\x7fELF\x00\x00\x01\x02\x00\x00\x00\x00", false, retrieval.AddBinary},
	} {
		_, err := lib.Add(ctx, c.name, []byte(c.data), retrieval.AddOptions{Replace: c.replace})
		var ae *retrieval.AddError
		if !errors.As(err, &ae) || ae.Reason != c.want {
			t.Errorf("Add(%s): %v, want reason %d", c.name, err, c.want)
			continue
		}
		if c.want == retrieval.AddExists && (ae.Existing != "控烟条例.md" || ae.OtherExt != (c.name != "控烟条例.md")) {
			t.Errorf("Add(%s): existing %q, other extension %v", c.name, ae.Existing, ae.OtherExt)
		}
	}
	if _, err := lib.Add(ctx, "big.md", []byte(rules), retrieval.AddOptions{MaxBytes: 10}); !isReason(err, retrieval.AddTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	changed := strings.Replace(rules, "室内", "室内和车内", 1)
	if a, err := lib.Add(ctx, "控烟条例.md", []byte(changed), retrieval.AddOptions{Replace: true}); err != nil || a.Sync.Documents.Changed != 1 || a.Sync.Clauses.Embedded != 1 {
		t.Errorf("replace: %+v, %v", a, err)
	}
	if _, err := os.Stat(filepath.Join(docs, "empty.md")); err == nil {
		t.Error("a refused file was saved")
	}
	noFolder := libraryFor(t, "")
	if _, err := noFolder.Add(ctx, "a.md", []byte(rules), retrieval.AddOptions{}); !isReason(err, retrieval.AddNoFolder) {
		t.Errorf("no folder: %v", err)
	}
}

func isReason(err error, r retrieval.AddReason) bool {
	var ae *retrieval.AddError
	return errors.As(err, &ae) && ae.Reason == r
}

func TestLibrary_watch(t *testing.T) {
	docs := t.TempDir()
	lib := libraryFor(t, docs)
	ctx, cancel := context.WithCancel(context.Background())
	synced := make(chan retrieval.SyncReport, 16)
	done := make(chan error, 1)
	go func() {
		done <- lib.Watch(ctx, 10*time.Millisecond, func(rep retrieval.SyncReport, err error) {
			if err == nil {
				synced <- rep
			}
		}, nil)
	}()
	next := func() retrieval.SyncReport {
		t.Helper()
		select {
		case rep := <-synced:
			return rep
		case <-time.After(time.Minute):
			t.Fatal("no sync")
		}
		return retrieval.SyncReport{}
	}
	if rep := next(); rep.Changed() {
		t.Errorf("the first sync, as the watch starts, changed %+v", rep)
	}
	if err := os.WriteFile(filepath.Join(docs, "a.md"), []byte("# 甲\n\n第一条 甲条。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for rep := next(); rep.Documents.Added != 1; rep = next() {
	}
	if _, ok := lib.Document("a"); !ok {
		t.Error("the watched document is not served")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch: %v", err)
	}
	if err := retrieval.NewLibrary(retrieval.LibraryConfig{IndexDir: t.TempDir()}).Watch(context.Background(), time.Millisecond, nil, nil); err == nil {
		t.Error("a watch without a documents folder started")
	}
}

// paid is the local embedder's vectors under an endpoint's identity.
func paid() index.Embedder {
	local := index.LocalEmbedder()
	return index.Embedder{EmbedderID: index.EmbedderID{Provider: "openai", Host: "embed.example", Model: "m", Dims: local.Dims}, Embed: local.Embed}
}

func TestLibrary_opensAnotherEmbeddersIndexAsItIs(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	open := func(cfg retrieval.LibraryConfig) retrieval.Opened {
		t.Helper()
		cfg.IndexDir, cfg.Seeds = dir, seeds.FS
		_, o, err := retrieval.OpenLibrary(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	if o := open(retrieval.LibraryConfig{Embedder: paid()}); !o.Built || o.Embedder != retrieval.EmbedderConfigured {
		t.Errorf("first open: %+v", o)
	}
	// Configured for the local embedder, a reader keeps the endpoint's
	// index, whose embedder it does not have: questions match words only.
	if o := open(retrieval.LibraryConfig{}); o.Built || o.Embedder != retrieval.EmbedderNone || o.IndexEmbedder != paid().ID() || o.ConfiguredEmbedder != index.LocalEmbedder().ID() {
		t.Errorf("a reader with another embedder: %+v", o)
	}
	// Reembed (serve) rebuilds it for the configured one, saying why.
	if o := open(retrieval.LibraryConfig{Reembed: true}); !o.Built || o.Rebuilt == "" || o.Why != retrieval.RebuiltForEmbedder || o.Was != paid().ID() || o.Embedder != retrieval.EmbedderConfigured {
		t.Errorf("serve: %+v", o)
	}
	if o := open(retrieval.LibraryConfig{Reembed: true}); o.Built || o.Why != retrieval.RebuiltNot {
		t.Errorf("serve again: %+v", o)
	}
	// Now the local embedder built it: a reader configured with the
	// endpoint embeds its questions locally.
	if o := open(retrieval.LibraryConfig{Embedder: paid()}); o.Built || o.Embedder != retrieval.EmbedderOfIndex {
		t.Errorf("an endpoint reader of a local index: %+v", o)
	}
}

// TestLibrary_rebuildSaysWhy: with Reembed, Open says why it built the
// index: there was none, or the one there could not be read.
func TestLibrary_rebuildSaysWhy(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	cfg := retrieval.LibraryConfig{IndexDir: dir, Seeds: seeds.FS, Reembed: true}
	if _, o, err := retrieval.OpenLibrary(ctx, cfg); err != nil || !o.Built || o.Why != retrieval.RebuiltNoIndex {
		t.Fatalf("first open: %+v, %v; want built, no index before", o, err)
	}
	cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	// A query file that fails its checks sends the open to the record
	// (docs.gob), which is damaged too.
	for _, name := range []string{"clauses.bin", "docs.gob"} {
		if err := os.WriteFile(filepath.Join(dir, strings.TrimSpace(string(cur)), name), []byte("damaged"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, o, err := retrieval.OpenLibrary(ctx, cfg); err != nil || !o.Built || o.Why != retrieval.RebuiltUnreadable || o.Rebuilt == "" {
		t.Errorf("open over a damaged index: %+v, %v; want rebuilt, unreadable", o, err)
	}
}
