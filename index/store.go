package index

import (
	"bufio"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
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
// generations are removed when the next sync starts, and by the next save.
//
// Layout of a generation: manifest.json (readable by people), docs.gob (the
// documents and clauses) and vectors.gob (chromem-go's export of the clause
// collection) are its record; clauses.bin, postings.bin and vectors.bin hold
// the same in the form queries use (query files, see qfile), which Load
// opens without decoding them. The manifest lists the query files with
// their sizes and checksums; files that fail them are not used (the
// snapshot is opened from the record, and the next sync writes them again).
type Store struct {
	dir string
	mu  sync.Mutex // serialises saves within the process

	// MapFiles makes Load map the query files into memory (mmap) rather
	// than read them: opening costs next to nothing and only the pages a
	// query touches are read, but the mappings are never undone. It is for
	// processes that open one index and exit (qabot ask, search); a
	// long-running one that opens a snapshot after each sync reads them.
	MapFiles bool

	// Test seams: step is called at each point of a save where a crash
	// would leave a different state on disk; loading is called by Load
	// once it has read CURRENT, before it reads the generation.
	step    func(point string)
	loading func(gen string)
}

// Save's crash points, in order (for the step seam).
const (
	stepTmpCreated     = "tmp-created"      // gen-N.tmp exists, empty
	stepManifest       = "manifest-written" // manifest.json complete
	stepDocs           = "docs-written"
	stepVectors        = "vectors-written"
	stepQueryFiles     = "query-files-written"
	stepGenRenamed     = "gen-renamed" // gen-N complete, CURRENT still names the previous one
	stepCurrentTmp     = "current-tmp-written"
	stepCurrentRenamed = "current-renamed" // CURRENT names gen-N
	stepRemoving       = "removing-old"    // between removals of old generations
)

func (s *Store) at(point string) {
	if s.step != nil {
		s.step(point)
	}
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

// Current is the generation CURRENT names ("gen-000042"): the snapshot a
// Load reads now. It is ErrNoIndex when none has been saved yet.
func (s *Store) Current() (string, error) { return s.current() }

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

// maxLoadAttempts bounds how often Load follows CURRENT to a newer
// generation when the one it was reading was removed under it.
const maxLoadAttempts = 5

// Load opens the current snapshot. A save keeps the generation it replaces
// for one more round, but two saves finishing while Load reads may remove
// the generation it started on: Load then reads the one CURRENT names now.
func (s *Store) Load(ctx context.Context) (*Snapshot, error) {
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("load index from %s: %w", s.dir, err)
		}
		gen, err := s.current()
		if err != nil {
			return nil, fmt.Errorf("load index from %s: %w", s.dir, err)
		}
		if s.loading != nil {
			s.loading(gen)
		}
		snap, err := s.loadGen(ctx, gen)
		if err == nil {
			snap.gen.Store(&gen)
			return snap, nil
		}
		if errors.Is(err, fs.ErrNotExist) && attempt < maxLoadAttempts {
			if now, cerr := s.current(); cerr == nil && now != gen {
				continue // replaced and removed while we read it
			}
		}
		return nil, fmt.Errorf("load index %s: %w", filepath.Join(s.dir, gen), err)
	}
}

func (s *Store) loadGen(ctx context.Context, gen string) (*Snapshot, error) {
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
	queryErr := errNoQueryFiles
	if len(m.QueryFiles) > 0 {
		snap, err := s.loadQuery(dir, m)
		if err == nil {
			return snap, nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			if _, serr := os.Stat(dir); serr != nil {
				return nil, err // the generation is gone: Load follows CURRENT
			}
		}
		queryErr = err
	}
	var docs []Document
	f, err := os.Open(filepath.Join(dir, "docs.gob"))
	if err != nil {
		return nil, err
	}
	docs, err = decodeDocs(bufio.NewReader(f))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db := chromem.NewDB()
	if err := db.ImportFromFile(filepath.Join(dir, "vectors.gob"), ""); err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	coll := db.GetCollection(collectionName, noEmbed)
	if coll == nil {
		return nil, errors.New("vectors: no clause collection")
	}
	snap, err := newSnapshot(ctx, m, docs, db, coll, nil)
	if err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	snap.queryErr = queryErr
	return snap, nil
}

// docsChunk is how many documents docs.gob holds in one gob value: gob
// encodes a value whole in memory, so one value of every document would
// hold the whole record in a buffer that grows by copying.
const docsChunk = 256

// encodeDocs writes docs to w as a gob stream of []Document values of up
// to docsChunk documents each (a reader appends them: see decodeDocs).
func encodeDocs(w io.Writer, docs []Document) error {
	enc := gob.NewEncoder(w)
	for len(docs) > 0 {
		n := min(len(docs), docsChunk)
		if err := enc.Encode(docs[:n]); err != nil {
			return err
		}
		docs = docs[n:]
	}
	return nil
}

// decodeDocs reads the documents of docs.gob: the []Document values of its
// gob stream, appended (a record saved before the stream was cut in chunks
// holds one).
func decodeDocs(r io.Reader) ([]Document, error) {
	dec := gob.NewDecoder(r)
	var docs []Document
	for {
		var chunk []Document
		if err := dec.Decode(&chunk); err == io.EOF {
			return docs, nil
		} else if err != nil {
			return nil, err
		}
		docs = append(docs, chunk...)
	}
}

// errNoQueryFiles is why an index saved before there were query files is
// opened from its record.
var errNoQueryFiles = errors.New("the index has no query files (saved by an older qabot)")

// Query files of a generation.
const (
	clausesFileName  = "clauses.bin"
	postingsFileName = "postings.bin"
	vectorsFileName  = "vectors.bin"
)

// loadQuery opens the snapshot of generation folder dir from its query
// files, checking each against the manifest.
func (s *Store) loadQuery(dir string, m Manifest) (*Snapshot, error) {
	files := map[string]QueryFile{}
	for _, f := range m.QueryFiles {
		files[f.Name] = f
	}
	open := func(name string, touched bool) ([]byte, error) {
		qf, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("the manifest lists no %s", name)
		}
		b, err := s.readQueryFile(filepath.Join(dir, name), qf, touched)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return b, nil
	}
	// The three files are opened at once, each checked on its own core.
	var (
		snap *Snapshot
		post *Postings
		vecs []byte
		errs [3]error
		wg   sync.WaitGroup
	)
	wg.Add(3)
	go func() {
		defer wg.Done()
		b, err := open(clausesFileName, false)
		if err == nil {
			var docs []Document
			var keys []string
			if docs, keys, err = decodeClauses(b, false); err == nil {
				snap = newQuerySnapshot(m, docs, keys)
			}
		}
		errs[0] = err
	}()
	go func() {
		defer wg.Done()
		b, err := open(postingsFileName, true) // decoding checks every posting
		if err == nil {
			post, err = decodePostings(b, false)
		}
		errs[1] = err
	}()
	go func() {
		defer wg.Done()
		vecs, errs[2] = open(vectorsFileName, false)
	}()
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	if post.NumClauses() != snap.NumClauses() || post.ContextWeight() != ContextWeight {
		return nil, fmt.Errorf("%s: %d clauses with context weight %v, expected %d and %v", postingsFileName, post.NumClauses(), post.ContextWeight(), snap.NumClauses(), float32(ContextWeight))
	}
	flat, err := decodeVectors(vecs, snap.keys, false)
	if err != nil {
		return nil, err
	}
	snap.flat, snap.post = flat, post
	return snap, nil
}

// readQueryFile returns the content of query file name, checked against
// qf: its size, and its checksum (computed over the file, then compared
// with its header's and the manifest's). With MapFiles the file is mapped
// and, unless the caller touches every page anyway (touched), the checksum
// read through the file, so that only what queries touch of the mapping is
// ever paged in.
func (s *Store) readQueryFile(name string, qf QueryFile, touched bool) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() != qf.Size || fi.Size() < qfileHeader {
		return nil, fmt.Errorf("%w: %d bytes, the manifest says %d", ErrCorruptQueryFile, fi.Size(), qf.Size)
	}
	var buf []byte
	var sum uint32
	if s.MapFiles {
		if !touched {
			if sum, err = fileSum(f, fi.Size()); err != nil {
				return nil, err
			}
		}
		if buf, err = mapFile(f, fi.Size()); err == nil && touched {
			sum = crc32.Checksum(buf[16:], castagnoli)
		}
	}
	if buf == nil {
		buf = make([]byte, fi.Size())
		if _, err := io.ReadFull(f, buf); err != nil {
			return nil, err
		}
		sum = crc32.Checksum(buf[16:], castagnoli)
	}
	if got := fmt.Sprintf("%08x", sum); got != qf.CRC32C || sum != qfileSum(buf) {
		return nil, fmt.Errorf("%w: checksum %s, the manifest says %s", ErrCorruptQueryFile, got, qf.CRC32C)
	}
	return buf, nil
}

// fileSum is the CRC-32C of a query file's bytes from offset 16 on, read
// through f rather than a mapping.
func fileSum(f *os.File, size int64) (uint32, error) {
	buf := make([]byte, 1<<20)
	var sum uint32
	for at := int64(16); at < size; {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), size-at)], at)
		sum = crc32.Update(sum, castagnoli, buf[:n])
		at += int64(n)
		if err != nil && at < size {
			return 0, err
		}
	}
	return sum, nil
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
	if err := s.writeCurrent(gen); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	s.at(stepCurrentRenamed)
	snap.gen.Store(&gen)
	s.removeOtherGens(gen, prev)
	return nil
}

// writeCurrent points CURRENT at gen: temporary file, sync, rename, sync
// of the folder.
func (s *Store) writeCurrent(gen string) error {
	name := filepath.Join(s.dir, currentFile)
	tmp := name + ".tmp"
	if err := writeFileSync(tmp, func(w *bufio.Writer) error {
		_, err := w.WriteString(gen + "\n")
		return err
	}); err != nil {
		return err
	}
	s.at(stepCurrentTmp)
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	return syncDir(s.dir)
}

// removeLeftovers deletes what interrupted saves left behind: gen-N.tmp
// folders and CURRENT.tmp. Only a caller that holds the sync lock may call
// it (Manager.Sync does): a save in progress writes exactly such files.
func (s *Store) removeLeftovers() {
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		name := e.Name()
		if (e.IsDir() && strings.HasPrefix(name, "gen-") && strings.HasSuffix(name, ".tmp")) || name == currentFile+".tmp" {
			os.RemoveAll(filepath.Join(s.dir, name))
		}
	}
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
	s.at(stepTmpCreated)
	// The record (docs.gob, vectors.gob: gob encodes each in memory) and
	// the query files (building the postings first, when not built yet) are
	// written at once, each in turn: the encoding keeps one core busy while
	// the other builds and writes, and no two large buffers are held at
	// once. The manifest, written last, lists the query files with their
	// sizes and checksums.
	queries := []struct {
		name  string
		write func(io.Writer) (uint32, int64, error)
	}{
		{postingsFileName, func(w io.Writer) (uint32, int64, error) { return writePostings(w, snap.Postings()) }},
		{clausesFileName, func(w io.Writer) (uint32, int64, error) { return writeClauses(w, snap.Docs) }},
		{vectorsFileName, func(w io.Writer) (uint32, int64, error) { return snap.flat.qfile().writeTo(w) }},
	}
	man := snap.Manifest
	man.QueryFiles = make([]QueryFile, len(queries))
	var recordErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		recordErr = func() error {
			if err := writeFileSync(filepath.Join(tmp, "docs.gob"), func(w *bufio.Writer) error {
				return encodeDocs(w, snap.Docs)
			}); err != nil {
				return err
			}
			s.at(stepDocs)
			db, err := snap.chromemDB()
			if err != nil {
				return err
			}
			if err := writeFileSync(filepath.Join(tmp, "vectors.gob"), func(w *bufio.Writer) error {
				return db.ExportToWriter(w, false, "")
			}); err != nil {
				return err
			}
			s.at(stepVectors)
			return nil
		}()
	}()
	queryErr := func() error {
		for i, q := range queries {
			var sum uint32
			var size int64
			if err := writeFileSync(filepath.Join(tmp, q.name), func(w *bufio.Writer) (err error) {
				sum, size, err = q.write(w)
				return err
			}); err != nil {
				return err
			}
			man.QueryFiles[i] = QueryFile{Name: q.name, Size: size, CRC32C: fmt.Sprintf("%08x", sum)}
		}
		return nil
	}()
	wg.Wait()
	if err := errors.Join(recordErr, queryErr); err != nil {
		return err
	}
	s.at(stepQueryFiles)
	m, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileSync(filepath.Join(tmp, "manifest.json"), func(w *bufio.Writer) error {
		_, err := w.Write(m)
		return err
	}); err != nil {
		return err
	}
	s.at(stepManifest)
	if err := syncDir(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, gen)); err != nil {
		return err
	}
	if err := syncDir(s.dir); err != nil {
		return err
	}
	s.at(stepGenRenamed)
	return nil
}

// removeOtherGens removes the generations other than cur and prev, and
// leftovers of interrupted saves.
func (s *Store) removeOtherGens(cur, prev string) {
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") && e.Name() != cur && e.Name() != prev {
			os.RemoveAll(filepath.Join(s.dir, e.Name()))
			s.at(stepRemoving)
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
