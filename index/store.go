package index

import (
	"bufio"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	chromem "github.com/philippgille/chromem-go"
)

// ErrNoIndex is returned by Store.Load when no index has been built yet.
var ErrNoIndex = errors.New("no index has been built yet")

// Store keeps snapshots in a folder. Each snapshot is written in full into
// a generation folder of its own (gen-000042), synced to disk, and only then
// named in the CURRENT file, which is replaced by an atomic rename. A crash
// at any moment leaves CURRENT naming the last complete snapshot; half-built
// generations are removed by the next save.
//
// Layout of a generation: manifest.json (readable by people), docs.gob (the
// documents and clauses) and vectors.gob (chromem-go's export of the clause
// collection).
type Store struct {
	dir string
	mu  sync.Mutex // serialises saves within the process
}

// NewStore returns a store in dir; nothing is created until the first save.
func NewStore(dir string) *Store { return &Store{dir: dir} }

// Dir is the folder the store writes in.
func (s *Store) Dir() string { return s.dir }

const currentFile = "CURRENT"

// current returns the generation CURRENT names.
func (s *Store) current() (string, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, currentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", ErrNoIndex
	}
	if err != nil {
		return "", err
	}
	gen := strings.TrimSpace(string(b))
	if !strings.HasPrefix(gen, "gen-") || strings.ContainsAny(gen, `/\`) {
		return "", fmt.Errorf("%s names no generation: %q", currentFile, gen)
	}
	return gen, nil
}

// LoadManifest reads only the manifest of the current snapshot: cheap, for
// checking whether the index is stale.
func (s *Store) LoadManifest() (Manifest, error) {
	var m Manifest
	gen, err := s.current()
	if err != nil {
		return m, fmt.Errorf("load index manifest: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(s.dir, gen, "manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		return m, fmt.Errorf("load index manifest from %s: %w", gen, err)
	}
	return m, nil
}

// Load opens the current snapshot.
func (s *Store) Load() (*Snapshot, error) {
	gen, err := s.current()
	if err != nil {
		return nil, fmt.Errorf("load index from %s: %w", s.dir, err)
	}
	snap, err := s.loadGen(gen)
	if err != nil {
		return nil, fmt.Errorf("load index %s: %w", filepath.Join(s.dir, gen), err)
	}
	return snap, nil
}

func (s *Store) loadGen(gen string) (*Snapshot, error) {
	dir := filepath.Join(s.dir, gen)
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if m.Version != manifestVersion {
		return nil, fmt.Errorf("index format %d, this qabot reads %d", m.Version, manifestVersion)
	}
	var docs []Document
	f, err := os.Open(filepath.Join(dir, "docs.gob"))
	if err != nil {
		return nil, err
	}
	err = gob.NewDecoder(bufio.NewReader(f)).Decode(&docs)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	db := chromem.NewDB()
	if err := db.ImportFromFile(filepath.Join(dir, "vectors.gob"), ""); err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	coll := db.GetCollection(collectionName, noEmbed)
	if coll == nil {
		return nil, errors.New("vectors: no clause collection")
	}
	snap, err := newSnapshot(context.Background(), m, docs, db, coll)
	if err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	return snap, nil
}

// Save writes snap as a new generation and makes it current. It returns
// only after the generation and CURRENT are on disk.
func (s *Store) Save(snap *Snapshot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	prev, _ := s.current() // kept one more round: a reader in another process may be loading it
	gen := fmt.Sprintf("gen-%06d", s.nextGen())
	if err := s.writeGen(gen, snap); err != nil {
		os.RemoveAll(filepath.Join(s.dir, gen+".tmp"))
		return fmt.Errorf("save index: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(s.dir, currentFile), []byte(gen+"\n")); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	s.removeOtherGens(gen, prev)
	return nil
}

// nextGen is one past the highest generation on disk, complete or not.
func (s *Store) nextGen() int {
	entries, _ := os.ReadDir(s.dir)
	max := 0
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".tmp")
		if n, err := strconv.Atoi(strings.TrimPrefix(name, "gen-")); err == nil && strings.HasPrefix(name, "gen-") && n > max {
			max = n
		}
	}
	return max + 1
}

func (s *Store) writeGen(gen string, snap *Snapshot) error {
	tmp := filepath.Join(s.dir, gen+".tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	m, err := json.MarshalIndent(snap.Manifest, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileSync(filepath.Join(tmp, "manifest.json"), func(w *bufio.Writer) error {
		_, err := w.Write(m)
		return err
	}); err != nil {
		return err
	}
	if err := writeFileSync(filepath.Join(tmp, "docs.gob"), func(w *bufio.Writer) error {
		return gob.NewEncoder(w).Encode(snap.Docs)
	}); err != nil {
		return err
	}
	if err := writeFileSync(filepath.Join(tmp, "vectors.gob"), func(w *bufio.Writer) error {
		return snap.db.ExportToWriter(w, false, "")
	}); err != nil {
		return err
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, gen)); err != nil {
		return err
	}
	return syncDir(s.dir)
}

// removeOtherGens deletes every generation but keep, including half-written
// ones left by a crash.
// removeOtherGens removes the generations other than cur and prev, and
// leftovers of interrupted saves.
func (s *Store) removeOtherGens(cur, prev string) {
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") && e.Name() != cur && e.Name() != prev {
			os.RemoveAll(filepath.Join(s.dir, e.Name()))
		}
	}
}

// writeFileSync writes a file through fill and syncs it to disk.
func writeFileSync(name string, fill func(*bufio.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = fill(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeFileAtomic replaces name with data: temporary file, sync, rename,
// sync of the folder.
func writeFileAtomic(name string, data []byte) error {
	tmp := name + ".tmp"
	if err := writeFileSync(tmp, func(w *bufio.Writer) error {
		_, err := w.Write(data)
		return err
	}); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	return syncDir(filepath.Dir(name))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
