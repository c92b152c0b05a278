package index

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// sameSnapshot fails unless got holds what want holds: documents, keys and
// their order, vectors, postings.
func sameSnapshot(t *testing.T, got, want *Snapshot) {
	t.Helper()
	if len(got.Docs) != len(want.Docs) {
		t.Fatalf("%d documents, want %d", len(got.Docs), len(want.Docs))
	}
	for i := range want.Docs {
		if !reflect.DeepEqual(got.Docs[i], want.Docs[i]) {
			t.Fatalf("document %d: %+v\nwant %+v", i, got.Docs[i], want.Docs[i])
		}
	}
	if !slices.Equal(got.flat.keys, want.flat.keys) || got.flat.dims != want.flat.dims || !slices.Equal(got.flat.data, want.flat.data) {
		t.Fatal("vectors differ")
	}
	if !bytes.Equal(EncodePostings(got.Postings()), EncodePostings(want.Postings())) {
		t.Fatal("postings differ")
	}
	for _, d := range want.Docs {
		for _, c := range d.Clauses {
			g, ok := got.Clause(c.Key())
			if !ok || *g != c {
				t.Fatalf("Clause(%s) = %+v, %v", c.Key(), g, ok)
			}
			go1, _ := got.Ordinal(c.Key())
			wo, _ := want.Ordinal(c.Key())
			if go1 != wo {
				t.Fatalf("Ordinal(%s) = %d, want %d", c.Key(), go1, wo)
			}
		}
	}
}

// A saved snapshot opens from its query files, read or mapped, as it was
// built; the manifest lists each file with its size and checksum.
func TestStore_queryFiles(t *testing.T) {
	for _, mapped := range []bool{false, true} {
		st := NewStore(t.TempDir())
		st.MapFiles = mapped
		snap, _ := mustBuild(t, nil, 4, "甲")
		if err := st.Save(snap); err != nil {
			t.Fatal(err)
		}
		got, err := st.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := got.QueryFilesError(); err != nil {
			t.Fatalf("mapped %v: opened from the record: %v", mapped, err)
		}
		if got.db != nil {
			t.Error("a snapshot opened from its query files holds a chromem-go copy of the vectors")
		}
		sameSnapshot(t, got, snap)
		m, err := st.LoadManifest()
		if err != nil {
			t.Fatal(err)
		}
		if len(m.QueryFiles) != 3 {
			t.Fatalf("manifest lists %v", m.QueryFiles)
		}
		gen, _ := st.current()
		for _, qf := range m.QueryFiles {
			fi, err := os.Stat(filepath.Join(st.Dir(), gen, qf.Name))
			if err != nil || fi.Size() != qf.Size || len(qf.CRC32C) != 8 {
				t.Errorf("%+v: on disk %v, %v", qf, fi, err)
			}
		}
		// Saved again, from the query files (no chromem-go store): the
		// same record and query files.
		if err := st.Save(got); err != nil {
			t.Fatal(err)
		}
		again, err := st.Load(context.Background())
		if err != nil || again.QueryFilesError() != nil {
			t.Fatalf("after saving the opened snapshot: %v, %v", err, again.QueryFilesError())
		}
		sameSnapshot(t, again, snap)
	}
}

// Query files that are damaged, cut short, missing or not the ones the
// manifest lists are not used: the snapshot opens from its record, says
// why, and the next sync (nothing changed) saves it with good ones.
func TestStore_damagedQueryFiles(t *testing.T) {
	damage := map[string]func(t *testing.T, gen string){
		"flipped byte": func(t *testing.T, gen string) { flip(t, filepath.Join(gen, postingsFileName), 100) },
		"flipped text": func(t *testing.T, gen string) { flip(t, filepath.Join(gen, clausesFileName), -10) },
		"flipped vector": func(t *testing.T, gen string) {
			flip(t, filepath.Join(gen, vectorsFileName), -3)
		},
		"cut short": func(t *testing.T, gen string) {
			name := filepath.Join(gen, vectorsFileName)
			fi, _ := os.Stat(name)
			if err := os.Truncate(name, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		},
		"missing": func(t *testing.T, gen string) {
			if err := os.Remove(filepath.Join(gen, clausesFileName)); err != nil {
				t.Fatal(err)
			}
		},
		"swapped": func(t *testing.T, gen string) {
			a, b := filepath.Join(gen, clausesFileName), filepath.Join(gen, postingsFileName)
			os.Rename(a, a+".x")
			os.Rename(b, a)
			os.Rename(a+".x", b)
		},
		"saved by an older qabot": func(t *testing.T, gen string) {
			editManifest(t, gen, func(m *Manifest) { m.QueryFiles = nil })
			for _, n := range []string{clausesFileName, postingsFileName, vectorsFileName} {
				os.Remove(filepath.Join(gen, n))
			}
		},
	}
	for name, f := range damage {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			m := &Manager{Store: NewStore(filepath.Join(dir, "index")), DocsDir: filepath.Join(dir, "docs"), Options: BuildOptions{Embedder: LocalEmbedder()}}
			os.MkdirAll(m.DocsDir, 0o755)
			os.WriteFile(filepath.Join(m.DocsDir, "a.md"), []byte("# 甲法\n\n第一条 为了规范甲事项，制定本法。\n\n第二条 甲事项由乙部门负责。\n"), 0o644)
			want, _, err := m.Sync(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			gen, _ := m.Store.current()
			f(t, filepath.Join(m.Store.Dir(), gen))
			for _, mapped := range []bool{false, true} {
				m.Store.MapFiles = mapped
				got, err := m.Store.Load(context.Background())
				if err != nil {
					t.Fatalf("mapped %v: %v", mapped, err)
				}
				if got.QueryFilesError() == nil {
					t.Fatalf("mapped %v: damaged query files were used", mapped)
				}
				sameSnapshot(t, got, want)
			}
			prev, _ := m.Store.Load(context.Background())
			if _, rep, err := m.Sync(context.Background(), prev); err != nil || rep.Changed() {
				t.Fatalf("sync: %v, changed %v", err, rep.Changed())
			}
			if _, _, err := m.Sync(context.Background(), prev); err != nil {
				t.Fatal(err)
			}
			if now, _ := m.Store.current(); now != "gen-000002" {
				t.Errorf("the syncs left %s current; want one new generation, gen-000002", now)
			}
			got, err := m.Store.Load(context.Background())
			if err != nil || got.QueryFilesError() != nil {
				t.Fatalf("after the sync: %v, %v", err, got.QueryFilesError())
			}
			sameSnapshot(t, got, want)
		})
	}
}

// flip inverts one byte of a file (at offset at, or from the end when at is
// negative).
func flip(t *testing.T, name string, at int) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if at < 0 {
		at += len(b)
	}
	b[at] ^= 0xFF
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func editManifest(t *testing.T, gen string, edit func(*Manifest)) {
	t.Helper()
	name := filepath.Join(gen, "manifest.json")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The clauses file holds every field of Document and Clause: a field added
// to either must be added to it (and this test).
func TestClausesFile_everyField(t *testing.T) {
	fields := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			out = append(out, rt.Field(i).Name+" "+rt.Field(i).Type.String())
		}
		return out
	}
	if got, want := fields(Document{}), []string{"ID string", "Title string", "Dateline string", "Version string", "Source string", "Format string", "Clauses []index.Clause"}; !slices.Equal(got, want) {
		t.Errorf("Document has fields %q; the clauses file holds %q", got, want)
	}
	if got, want := fields(Clause{}), []string{"Doc string", "ID string", "Label string", "Heading string", "Text string", "Hash string"}; !slices.Equal(got, want) {
		t.Errorf("Clause has fields %q; the clauses file holds %q", got, want)
	}
	docs := []Document{
		{ID: "a", Title: "甲法", Dateline: "d", Version: "2020-01-01", Source: "s/a.md", Format: "law", Clauses: []Clause{
			{Doc: "a", ID: "1", Label: "第一条", Heading: "第一章", Text: "一", Hash: "h1"},
			{Doc: "a", ID: "2", Label: "第二条", Heading: "第一章", Text: "二", Hash: "h2"},
			{Doc: "a", ID: "3", Label: "第三条", Heading: "", Text: "", Hash: "h3"},
			{Doc: "other", ID: "4", Label: "", Heading: "第二章", Text: "四", Hash: ""},
		}},
		{ID: "b", Clauses: []Clause{}},
		{ID: "c", Title: "丙", Clauses: []Clause{{Doc: "c", ID: "0.1", Text: "文"}}},
	}
	f, err := clausesFile(docs)
	if err != nil {
		t.Fatal(err)
	}
	got, keys, err := decodeClauses(f.bytes(), true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, docs) {
		t.Errorf("decoded %+v\nwant %+v", got, docs)
	}
	if !slices.Equal(keys, []string{"a#1", "a#2", "a#3", "other#4", "c#0.1"}) {
		t.Errorf("keys %q", keys)
	}
}

func TestDecodeClauses_corrupt(t *testing.T) {
	snap, _ := mustBuild(t, nil, 2, "丙")
	f, _ := clausesFile(snap.Docs)
	enc := f.bytes()
	for cut := range len(enc) {
		if _, _, err := decodeClauses(enc[:cut], true); err == nil {
			t.Fatalf("decoded %d of %d bytes", cut, len(enc))
		}
	}
	for _, at := range []int{arrayAt(enc, 1) + 8, arrayAt(enc, 2), arrayAt(enc, 3) + 4, arrayAt(enc, 4) + 24} {
		b := slices.Clone(enc)
		b[at+3] = 0x7F // a huge offset or string number
		if _, _, err := decodeClauses(reseal(b), true); !errors.Is(err, ErrCorruptQueryFile) {
			t.Errorf("byte %d: error %v", at+3, err)
		}
	}
}

// FuzzDecodeClauses: no buffer makes decodeClauses panic, resealed or not.
func FuzzDecodeClauses(f *testing.F) {
	docs := []Document{{ID: "a", Title: "甲", Clauses: []Clause{{Doc: "a", ID: "1", Text: "一"}, {Doc: "a", ID: "2", Heading: "章", Text: "二"}}}}
	qf, _ := clausesFile(docs)
	f.Add(qf.bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, b := range [][]byte{data, reseal(slices.Clone(data))} {
			docs, keys, err := decodeClauses(b, true)
			if err != nil {
				continue
			}
			n := 0
			for _, d := range docs {
				for _, c := range d.Clauses {
					if keys[n] != c.Key() {
						t.Fatalf("key %q of clause %+v", keys[n], c)
					}
					n++
				}
			}
			if n != len(keys) {
				t.Fatalf("%d clauses, %d keys", n, len(keys))
			}
		}
	})
}

// FuzzDecodeVectors: no buffer makes decodeVectors panic; what decodes has
// a row per key.
func FuzzDecodeVectors(f *testing.F) {
	flat := &flatVectors{dims: 3, keys: []string{"a#1", "a#2"}, data: []float32{1, 0, 0, 0, 1, 0}}
	f.Add(flat.qfile().bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, b := range [][]byte{data, reseal(slices.Clone(data))} {
			v, err := decodeVectors(b, flat.keys, true)
			if err != nil {
				continue
			}
			if len(v.data) != v.dims*len(v.keys) {
				t.Fatalf("%d values for %d rows of %d", len(v.data), len(v.keys), v.dims)
			}
			v.search([]float32{1, 0, 0}[:min(3, v.dims)], 2)
		}
	})
}
