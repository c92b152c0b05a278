package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// Errors of AddFile.
var (
	ErrExists   = errors.New("a document with this name already exists")
	ErrBadName  = errors.New("not a usable document file name")
	ErrTooLarge = errors.New("the file is too large")
	ErrNoClause = errors.New("no text to index was found in the file")
)

// SafeName turns a file name from elsewhere (an upload) into a plain file
// name for the documents folder: the last path element only, no leading
// dots, no control or path characters, no invisible format characters
// (bidi overrides such as U+202E that make "cod.exe.md" read "cod.dm.exe",
// zero-width spaces and joiners, byte-order marks: Unicode's Cf class,
// removed), a .txt or .md extension.
func SafeName(name string) (string, error) {
	name = strings.ReplaceAll(name, "\\", "/")
	name = name[strings.LastIndex(name, "/")+1:]
	var sb strings.Builder
	for _, r := range strings.TrimSpace(name) {
		switch {
		case unicode.Is(unicode.Cf, r):
			// invisible: dropped
		case unicode.IsControl(r), strings.ContainsRune(`<>:"|?*`, r):
			sb.WriteRune('_')
		default:
			sb.WriteRune(r)
		}
	}
	clean := strings.TrimLeft(sb.String(), ". ")
	if !IsDocumentFile(clean) || strings.TrimSuffix(clean, filepath.Ext(clean)) == "" || len(clean) > 200 {
		return "", fmt.Errorf("%w: %q (want a .txt or .md file)", ErrBadName, name)
	}
	return clean, nil
}

// AddFile checks that data is a document qabot can index — at most
// maxBytes (0: DefaultMaxFileBytes), in an encoding it reads, with at least
// one clause — and writes it as UTF-8 into the documents folder dir under
// SafeName(name). An existing file is replaced only when replace is set;
// the write is atomic (a temporary file renamed into place), so a watcher
// never reads half a file. It returns the path written and the document as
// it will be indexed.
func AddFile(dir, name string, data []byte, maxBytes int64, replace bool) (string, *Document, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxFileBytes
	}
	if int64(len(data)) > maxBytes {
		return "", nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(data), maxBytes)
	}
	safe, err := SafeName(name)
	if err != nil {
		return "", nil, err
	}
	text, _, err := Decode(data)
	if err != nil {
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	doc, err := Parse(docID(safe), text)
	if err != nil {
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	if len(doc.Clauses) == 0 {
		return "", nil, fmt.Errorf("add %s: %w", safe, ErrNoClause)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	dst := filepath.Join(dir, safe)
	// Any existing file of the same document id counts, whatever its
	// extension and the extension's case: a.md next to a.txt or a.MD would
	// shadow one another.
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	for _, e := range entries {
		other := e.Name()
		if !IsDocumentFile(other) || docID(other) != docID(safe) {
			continue
		}
		if !replace {
			return "", nil, fmt.Errorf("%w: %s", ErrExists, other)
		}
		if other != safe {
			return "", nil, fmt.Errorf("%w: %s (with another extension; remove it first)", ErrExists, other)
		}
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	if err := tmp.Close(); err != nil {
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	if !replace {
		// Link fails if dst appeared meanwhile: no silent overwrite.
		if err := os.Link(tmp.Name(), dst); err != nil {
			if errors.Is(err, os.ErrExist) {
				return "", nil, fmt.Errorf("%w: %s", ErrExists, safe)
			}
			return "", nil, fmt.Errorf("add %s: %w", safe, err)
		}
	} else if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	// The new name is on disk only once the folder is: "added" must
	// survive a power cut.
	os.Remove(tmp.Name()) // after Link; the deferred Remove would run after the sync
	if err := syncFolder(dir); err != nil {
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	return dst, &doc, nil
}

// syncFolder syncs a folder's entries to disk (a seam for tests).
var syncFolder = syncDir
