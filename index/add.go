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
// dots, no control or path characters, a .txt or .md extension.
func SafeName(name string) (string, error) {
	name = strings.ReplaceAll(name, "\\", "/")
	name = name[strings.LastIndex(name, "/")+1:]
	var sb strings.Builder
	for _, r := range strings.TrimSpace(name) {
		switch {
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
	// extension: a.md next to a.txt would shadow one another.
	for _, ext := range []string{".txt", ".md", ".markdown"} {
		other := filepath.Join(dir, docID(safe)+ext)
		if _, err := os.Stat(other); err == nil && (!replace || other != dst) {
			if !replace {
				return "", nil, fmt.Errorf("%w: %s", ErrExists, filepath.Base(other))
			}
			return "", nil, fmt.Errorf("%w: %s (with another extension; remove it first)", ErrExists, filepath.Base(other))
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
		return dst, &doc, nil
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", nil, fmt.Errorf("add %s: %w", safe, err)
	}
	return dst, &doc, nil
}
