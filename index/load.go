package index

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DefaultMaxFileBytes is the largest document file read by default.
const DefaultMaxFileBytes = 10 << 20

// Source is one document file to index: from the documents folder or from
// the shipped seeds.
type Source struct {
	ID      string    // document id: path below the folder, without extension, slash-separated
	Path    string    // where it is read from, for messages
	Size    int64     // bytes
	ModTime time.Time // zero for embedded seeds
	read    func(limit int64) ([]byte, error)
}

// Read returns the file's bytes.
func (s Source) Read() ([]byte, error) { return s.read(0) }

// IsDocumentFile reports whether name has an extension qabot indexes.
func IsDocumentFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".txt", ".md", ".markdown":
		return true
	}
	return false
}

// Why a symbolic link in the documents folder is not indexed: links are
// followed only to files inside the folder.
var (
	ErrLinkOutside = errors.New("a symbolic link to a file outside the documents folder (links are followed only inside it)")
	ErrLinkBroken  = errors.New("a symbolic link to a file that does not exist")
	ErrLinkFolder  = errors.New("a symbolic link to a folder (links to folders are not followed)")
)

// DocsFolderError is a documents folder that cannot be listed: it does not
// exist (Missing: also a link to nothing, or not a folder), or it cannot be
// read. A sync then refuses, keeping the index as it was: a folder that is
// missing or unmounted is not an empty one.
type DocsFolderError struct {
	Dir     string
	Missing bool
	Kept    int // documents in the index the sync kept; 0 when there is none
	Err     error
}

func (e *DocsFolderError) Error() string {
	s := fmt.Sprintf("documents folder %s: %v", e.Dir, e.Err)
	if e.Missing {
		s = fmt.Sprintf("documents folder %s is missing", e.Dir)
	}
	if e.Kept > 0 {
		s += fmt.Sprintf("; keeping the index of %d documents", e.Kept)
	}
	return s
}

func (e *DocsFolderError) Unwrap() error { return e.Err }

// ListSources lists the document files of the seeds (unless nil) and of the
// documents folder dir (unless empty), sorted by id. A document in the
// folder replaces a seed with the same id. Hidden files and folders are
// skipped. dir may be a symbolic link to the folder; links inside it are
// followed when they lead to a file inside it, and listed as sources that
// fail to read (ErrLinkOutside, ErrLinkBroken, ErrLinkFolder), so that a
// sync reports them as skipped, otherwise. A dir that does not exist or
// cannot be read is a *DocsFolderError. Files are read through an os.Root:
// a file swapped for a link after listing cannot lead outside the folder.
func ListSources(dir string, seeds fs.FS) ([]Source, error) {
	byID := make(map[string]Source)
	if seeds != nil {
		err := fs.WalkDir(seeds, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !IsDocumentFile(p) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			byID[docID(p)] = Source{
				ID: docID(p), Path: "seeds/" + p, Size: info.Size(),
				read: func(int64) ([]byte, error) { return fs.ReadFile(seeds, p) },
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list seeds: %w", err)
		}
	}
	if dir != "" {
		if err := listFolder(dir, byID); err != nil {
			return nil, err
		}
	}
	out := make([]Source, 0, len(byID))
	for _, s := range byID {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// listFolder adds the document files below dir to byID.
func listFolder(dir string, byID map[string]Source) error {
	fi, err := os.Stat(dir) // follows a link to the folder
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &DocsFolderError{Dir: dir, Missing: true, Err: err}
	case err != nil:
		return &DocsFolderError{Dir: dir, Err: err}
	case !fi.IsDir():
		return &DocsFolderError{Dir: dir, Missing: true, Err: fmt.Errorf("%s is not a folder", dir)}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return &DocsFolderError{Dir: dir, Err: err}
	}
	defer root.Close()
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return &DocsFolderError{Dir: dir, Err: err}
	}
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != "." && errors.Is(err, fs.ErrNotExist) { // deleted while listing
				return nil
			}
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		id := docID(p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			src, ok := linkSource(root, dir, realDir, full, p)
			if ok {
				src.ID = id
				byID[id] = src
			}
		case d.Type().IsRegular() && IsDocumentFile(p):
			info, err := d.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) { // deleted while listing
					return nil
				}
				return err
			}
			byID[id] = Source{ID: id, Path: full, Size: info.Size(), ModTime: info.ModTime(), read: rootReader(dir, p)}
		}
		return nil
	})
	if err != nil {
		return &DocsFolderError{Dir: dir, Err: err}
	}
	return nil
}

// linkSource is the source a symbolic link in the folder stands for: the
// file it leads to when that is a document file inside the folder, else a
// source whose read fails with the reason. ok is false for links qabot
// would ignore anyway (not named as a document file, not to a folder).
func linkSource(root *os.Root, dir, realDir, full, p string) (src Source, ok bool) {
	fail := func(err error) Source {
		return Source{Path: full, read: func(int64) ([]byte, error) { return nil, err }}
	}
	target, err := filepath.EvalSymlinks(full)
	if err != nil {
		return fail(ErrLinkBroken), IsDocumentFile(p)
	}
	rel, err := filepath.Rel(realDir, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		fi, serr := os.Stat(target)
		if serr == nil && fi.IsDir() {
			return fail(ErrLinkFolder), true
		}
		return fail(ErrLinkOutside), IsDocumentFile(p)
	}
	info, err := root.Stat(rel)
	if err != nil {
		return fail(ErrLinkBroken), IsDocumentFile(p)
	}
	if info.IsDir() {
		return fail(ErrLinkFolder), true
	}
	if !info.Mode().IsRegular() || !IsDocumentFile(p) {
		return Source{}, false
	}
	return Source{Path: full, Size: info.Size(), ModTime: info.ModTime(), read: rootReader(dir, filepath.ToSlash(rel))}, true
}

// rootReader reads the file at slash path p below dir through an os.Root:
// links are followed only inside dir, whatever the file became since it
// was listed. limit > 0 reads at most limit+1 bytes.
func rootReader(dir, p string) func(limit int64) ([]byte, error) {
	return func(limit int64) ([]byte, error) {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		f, err := root.Open(filepath.FromSlash(p))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file", p)
		}
		var r io.Reader = f
		if limit > 0 {
			r = io.LimitReader(f, limit+1)
		}
		return io.ReadAll(r)
	}
}

func docID(p string) string { return strings.TrimSuffix(p, path.Ext(p)) }

// parserVersion changes whenever Parse splits some document differently or
// fills new fields (2: short items, Version).
const parserVersion = 2

// Fingerprint summarises the listed files (ids, sizes, modification times),
// so that a reader can tell cheaply whether the folder changed since the
// index was built.
func Fingerprint(sources []Source) string {
	h := sha256.New()
	// What a sync makes of the files changes with the parser too: a new
	// parser re-reads them once (re-using every unchanged clause's vector).
	fmt.Fprintf(h, "parser %d\n", parserVersion)
	for _, s := range sources {
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\n", s.ID, s.Path, s.Size, s.ModTime.UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
