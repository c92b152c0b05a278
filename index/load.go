package index

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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
	read    func() ([]byte, error)
}

// Read returns the file's bytes.
func (s Source) Read() ([]byte, error) { return s.read() }

// IsDocumentFile reports whether name has an extension qabot indexes.
func IsDocumentFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".txt", ".md", ".markdown":
		return true
	}
	return false
}

// ListSources lists the document files of the seeds (unless nil) and of the
// documents folder dir (unless empty), sorted by id. A folder that does not
// exist holds no documents; a document in the folder replaces a seed with
// the same id. Hidden files and folders are skipped.
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
				read: func() ([]byte, error) { return fs.ReadFile(seeds, p) },
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list seeds: %w", err)
		}
	}
	if dir != "" {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == dir && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll
				}
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != dir {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !IsDocumentFile(p) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) { // deleted while listing
					return nil
				}
				return err
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			id := docID(filepath.ToSlash(rel))
			byID[id] = Source{
				ID: id, Path: p, Size: info.Size(), ModTime: info.ModTime(),
				read: func() ([]byte, error) { return os.ReadFile(p) },
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list documents in %s: %w", dir, err)
		}
	}
	out := make([]Source, 0, len(byID))
	for _, s := range byID {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func docID(p string) string { return strings.TrimSuffix(p, path.Ext(p)) }

// Fingerprint summarises the listed files (ids, sizes, modification times),
// so that a reader can tell cheaply whether the folder changed since the
// index was built.
func Fingerprint(sources []Source) string {
	h := sha256.New()
	for _, s := range sources {
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\n", s.ID, s.Path, s.Size, s.ModTime.UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
