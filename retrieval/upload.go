package retrieval

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/qabot/qabot/index"
)

// AddReason is why Add refused a document (or, for AddNotIndexed, why it
// is saved but not yet served). The bot and the command line word them.
type AddReason int

// The reasons of an AddError.
const (
	AddFailed      AddReason = iota // anything else: a disk or sync error
	AddBadName                      // not a .txt or .md file name
	AddTooLarge                     // over the size limit
	AddExists                       // a document of that name exists (Existing names it)
	AddEmpty                        // no text
	AddBinary                       // not text
	AddUndecodable                  // text in an encoding qabot does not read
	AddNoClause                     // text, but nothing to index
	AddNoFolder                     // the library has no documents folder
	AddNotIndexed                   // saved, but the sync after it failed
)

// AddError is a document Add did not add (or did not index).
type AddError struct {
	Reason AddReason
	Name   string // the file name as given
	// Existing is the file already in the folder (AddExists); OtherExt is
	// set when it has another extension than the new one, so that even
	// Replace does not overwrite it.
	Existing string
	OtherExt bool
	Err      error
}

func (e *AddError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("add %s: %v", e.Name, e.Err)
	}
	return fmt.Sprintf("add %s: refused (%d)", e.Name, e.Reason)
}

func (e *AddError) Unwrap() error { return e.Err }

// AddOptions tune Add.
type AddOptions struct {
	Replace  bool  // overwrite a document of the same name
	MaxBytes int64 // the largest file; 0: the index's default
}

// Added is a document Add saved and indexed.
type Added struct {
	File   string       // the name it was saved under in the documents folder
	Doc    DocumentView // as it is indexed
	Labels []string     // its clauses' labels, in order
	Sync   SyncReport   // the sync that indexed it
}

// DocumentFile is the file name an uploaded file is saved under (the last
// element of name, made safe) and the id of the document it becomes; it
// fails with an *AddError (AddBadName) for names qabot does not index.
func DocumentFile(name string) (file, docID string, err error) {
	file, err = index.SafeName(name)
	if err != nil {
		return "", "", &AddError{Reason: AddBadName, Name: name, Err: err}
	}
	return file, strings.TrimSuffix(file, filepath.Ext(file)), nil
}

// Add checks that data is a document qabot can index, writes it into the
// documents folder and syncs. A refusal is an *AddError saying why; so is a
// document that was saved but whose sync failed (AddNotIndexed, with
// Added.File set).
func (l *Library) Add(ctx context.Context, name string, data []byte, o AddOptions) (Added, error) {
	if l.cfg.ReadOnly {
		return Added{}, fmt.Errorf("add %s: %w", name, ErrReadOnly)
	}
	if l.cfg.DocsDir == "" {
		return Added{}, &AddError{Reason: AddNoFolder, Name: name}
	}
	path, doc, err := index.AddFile(l.cfg.DocsDir, name, data, o.MaxBytes, o.Replace)
	if err != nil {
		return Added{}, l.addError(name, err)
	}
	a := Added{File: filepath.Base(path), Doc: DocumentView{ID: doc.ID, Title: doc.Title, Clauses: len(doc.Clauses)}}
	for _, c := range doc.Clauses {
		a.Labels = append(a.Labels, c.Label)
	}
	if a.Sync, err = l.Sync(ctx); err != nil {
		return a, &AddError{Reason: AddNotIndexed, Name: name, Err: err}
	}
	return a, nil
}

// addError tells why index.AddFile refused name.
func (l *Library) addError(name string, err error) *AddError {
	e := &AddError{Name: name, Err: err}
	for _, r := range []struct {
		sentinel error
		reason   AddReason
	}{
		{index.ErrBadName, AddBadName}, {index.ErrTooLarge, AddTooLarge}, {index.ErrExists, AddExists},
		{index.ErrEmpty, AddEmpty}, {index.ErrBinary, AddBinary}, {index.ErrUndecodable, AddUndecodable},
		{index.ErrNoClause, AddNoClause},
	} {
		if errors.Is(err, r.sentinel) {
			e.Reason = r.reason
			break
		}
	}
	if e.Reason == AddExists {
		file, id, _ := DocumentFile(name)
		e.Existing = file
		if srcs, lerr := index.ListSources(l.cfg.DocsDir, nil); lerr == nil {
			for _, s := range srcs {
				if s.ID == id {
					e.Existing = filepath.Base(s.Path)
				}
			}
		}
		e.OtherExt = e.Existing != file
	}
	return e
}
