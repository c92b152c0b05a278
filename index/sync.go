package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sync"
	"time"

	chromem "github.com/philippgille/chromem-go"

	"github.com/qabot/qabot/internal/syncreport"
)

// The account of a sync (see package syncreport).
type (
	Report       = syncreport.Report
	DocCounts    = syncreport.DocCounts
	ClauseCounts = syncreport.ClauseCounts
	Skip         = syncreport.Skip
	Fold         = syncreport.Fold
)

// BuildOptions configures Build.
type BuildOptions struct {
	Embedder     Embedder
	MaxFileBytes int64                 // larger files are skipped; 0 means DefaultMaxFileBytes
	BatchSize    int                   // texts per Embed call; 0 means 128
	Concurrency  int                   // Embed calls in flight; 0 means GOMAXPROCS
	Progress     func(done, total int) // called as clauses are embedded; may be nil
	Now          func() time.Time      // clock, for tests; nil means time.Now
}

// Build makes a new snapshot from sources, re-using from prev (which may be
// nil) every vector whose clause is unchanged and that prev's embedder made.
// A file that cannot be read or parsed is reported in Report.Skipped; if prev
// had a document of that id, its last good version is kept, so bad input
// never loses what was indexed. Byte-identical files are indexed once
// (Report.Folded): the copy indexed before, else the first by id. prev is
// not modified.
func Build(ctx context.Context, prev *Snapshot, sources []Source, opt BuildOptions) (*Snapshot, Report, error) {
	start := time.Now()
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	var rep Report
	rep.Skipped = []Skip{}
	rep.Folded = []Fold{}
	if opt.Embedder.Embed == nil {
		return nil, rep, errors.New("build index: no embedder")
	}
	if prev != nil && prev.Embedder != opt.Embedder.ID() {
		prev = nil // vectors of another embedder are never mixed in
	}
	prevDocs := map[string]*Document{}
	prevInfo := map[string]DocInfo{}
	if prev != nil {
		for i := range prev.Docs {
			prevDocs[prev.Docs[i].ID] = &prev.Docs[i]
		}
		for _, d := range prev.Manifest.Docs {
			prevInfo[d.ID] = d
		}
	}

	parsed := parseSources(ctx, sources, opt.maxFileBytes())
	if err := ctx.Err(); err != nil {
		return nil, rep, fmt.Errorf("build index: %w", err)
	}
	folded := foldCopies(parsed, sources, prevDocs)
	var docs []Document
	var infos []DocInfo
	for i, p := range parsed {
		src := sources[i]
		if k, ok := folded[i]; ok {
			rep.Folded = append(rep.Folded, Fold{File: src.Path, SameAs: sources[k].Path})
			continue
		}
		if p.err != nil {
			skip := Skip{File: src.Path, Kind: skipKind(p.err), Reason: p.err.Error()}
			if old, ok := prevDocs[src.ID]; ok {
				skip.Reason += "; keeping the version indexed before"
				skip.Kept = true
				docs = append(docs, *old)
				infos = append(infos, prevInfo[src.ID])
				rep.Documents.Unchanged++
			}
			rep.Skipped = append(rep.Skipped, skip)
			continue
		}
		info := DocInfo{
			ID: p.doc.ID, Title: p.doc.Title, Version: p.doc.Version, Source: src.Path, Format: p.doc.Format,
			Encoding: p.encoding, Hash: docHash(p.doc), Clauses: len(p.doc.Clauses), IndexedAt: now().UTC(),
		}
		switch old, ok := prevInfo[src.ID]; {
		case !ok:
			rep.Documents.Added++
		case old.Hash != info.Hash:
			rep.Documents.Changed++
		default:
			rep.Documents.Unchanged++
			info.IndexedAt = old.IndexedAt
		}
		docs = append(docs, p.doc)
		infos = append(infos, info)
	}
	kept := map[string]bool{}
	for _, d := range docs {
		kept[d.ID] = true
	}
	for id := range prevDocs {
		if !kept[id] {
			rep.Documents.Removed++
		}
	}

	// The lexical index first: what building it holds for a while is
	// handed back before the vectors take their room.
	post := BuildPostings(lexicalInput(docs))

	// Vectors: re-use unchanged clauses' vectors, embed the rest.
	var all []Clause
	for _, d := range docs {
		all = append(all, d.Clauses...)
	}
	vecs := make([][]float32, len(all))
	var todo []int
	for i, c := range all {
		if old, ok := prev.clause(c.Key()); ok && old.Hash == c.Hash {
			if v, ok := prev.vector(c.Key()); ok {
				vecs[i] = v
				rep.Clauses.Kept++
				continue
			}
		}
		todo = append(todo, i)
	}
	if err := embedAll(ctx, opt, all, todo, vecs); err != nil {
		return nil, rep, fmt.Errorf("build index: %w", err)
	}
	rep.Clauses.Embedded = len(todo)
	if prev != nil {
		rep.Clauses.Removed = prev.NumClauses() - rep.Clauses.Kept - countReplaced(prev, all)
	}

	// One copy of the vectors: the flat rows queries scan, which the
	// chromem-go store holds too (it keeps a vector it is given when it is
	// of unit length, as storeNormalized makes it).
	ids := make([]string, len(all))
	for i, c := range all {
		ids[i] = c.Key()
	}
	flat := &flatVectors{keys: ids}
	if len(all) > 0 {
		flat.dims = len(vecs[0])
		flat.data = make([]float32, len(all)*flat.dims)
		for i, v := range vecs {
			row := flat.data[i*flat.dims : (i+1)*flat.dims : (i+1)*flat.dims]
			copy(row, storeNormalized(v))
			vecs[i] = row
		}
	}
	db := chromem.NewDB()
	coll, err := db.CreateCollection(collectionName, nil, noEmbed)
	if err != nil {
		return nil, rep, fmt.Errorf("build index: %w", err)
	}
	if len(all) > 0 {
		if err := coll.AddConcurrently(ctx, ids, vecs, nil, nil, runtime.GOMAXPROCS(0)); err != nil {
			return nil, rep, fmt.Errorf("build index: %w", err)
		}
	}
	m := Manifest{
		Version: manifestVersion, Embedder: opt.Embedder.ID(), BuiltAt: now().UTC(),
		Fingerprint: Fingerprint(sources), Docs: infos, Skipped: rep.Skipped, Folded: rep.Folded,
	}
	rep.Seconds = time.Since(start).Seconds()
	snap, err := newSnapshot(ctx, m, docs, db, coll, flat)
	if err != nil {
		return nil, rep, fmt.Errorf("build index: %w", err)
	}
	snap.post = post
	return snap, rep, nil
}

// countReplaced counts clauses of prev whose key survives with new content:
// they were re-embedded, not removed.
func countReplaced(prev *Snapshot, all []Clause) int {
	n := 0
	for _, c := range all {
		if old, ok := prev.byKey[c.Key()]; ok && old.c.Hash != c.Hash {
			n++
		}
	}
	return n
}

func (s *Snapshot) clause(key string) (*Clause, bool) {
	if s == nil {
		return nil, false
	}
	return s.Clause(key)
}

func (o BuildOptions) maxFileBytes() int64 {
	if o.MaxFileBytes > 0 {
		return o.MaxFileBytes
	}
	return DefaultMaxFileBytes
}

type parsedSource struct {
	doc      Document
	encoding string
	sum      string // hash of the file's bytes
	err      error
}

// foldCopies maps the index of each parsed source that is a byte-identical
// copy of another to the index of the copy that is indexed: the one prev
// indexed, else the first (sources are sorted by id).
func foldCopies(parsed []parsedSource, sources []Source, prevDocs map[string]*Document) map[int]int {
	groups := map[string][]int{}
	var order []string
	for i, p := range parsed {
		if p.err != nil {
			continue
		}
		if _, ok := groups[p.sum]; !ok {
			order = append(order, p.sum)
		}
		groups[p.sum] = append(groups[p.sum], i)
	}
	folded := map[int]int{}
	for _, sum := range order {
		g := groups[sum]
		if len(g) < 2 {
			continue
		}
		keep := g[0]
		for _, i := range g {
			if _, ok := prevDocs[sources[i].ID]; ok {
				keep = i
				break
			}
		}
		for _, i := range g {
			if i != keep {
				folded[i] = keep
			}
		}
	}
	return folded
}

// parseSources reads, decodes and parses every source, on all cores.
func parseSources(ctx context.Context, sources []Source, maxBytes int64) []parsedSource {
	out := make([]parsedSource, len(sources))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = parseSource(sources[i], maxBytes)
			}
		}()
	}
	for i := range sources {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func parseSource(src Source, maxBytes int64) parsedSource {
	doc, enc, sum, err := loadDocument(src, maxBytes)
	return parsedSource{doc: doc, encoding: enc, sum: sum, err: err}
}

// LoadDocument reads, decodes and parses one source as a sync does:
// files over maxBytes (0: DefaultMaxFileBytes) and files that cannot be
// read, decoded or parsed are errors that say why. It returns the
// document and the encoding it was read in.
func LoadDocument(src Source, maxBytes int64) (Document, string, error) {
	doc, enc, _, err := loadDocument(src, maxBytes)
	return doc, enc, err
}

// loadDocument is LoadDocument, also returning a hash of the file's bytes.
func loadDocument(src Source, maxBytes int64) (doc Document, enc, sum string, err error) {
	doc, enc, err = readDocument(src, maxBytes, &sum)
	return doc, enc, sum, err
}

func readDocument(src Source, maxBytes int64, sum *string) (Document, string, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxFileBytes
	}
	if src.Size > maxBytes {
		return Document{}, "", fmt.Errorf("%w: %s, larger than the %s limit", ErrTooLarge, byteSize(src.Size), byteSize(maxBytes))
	}
	data, err := src.read(maxBytes)
	if errors.Is(err, ErrLinkOutside) || errors.Is(err, ErrLinkBroken) || errors.Is(err, ErrLinkFolder) {
		return Document{}, "", err
	}
	if err != nil {
		return Document{}, "", fmt.Errorf("cannot read: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return Document{}, "", fmt.Errorf("%w: %s, larger than the %s limit", ErrTooLarge, byteSize(int64(len(data))), byteSize(maxBytes))
	}
	h := sha256.Sum256(data)
	*sum = hex.EncodeToString(h[:16])
	text, enc, err := Decode(data)
	if err != nil {
		return Document{}, "", err
	}
	doc, err := Parse(src.ID, text)
	if err != nil {
		return Document{}, "", err
	}
	doc.Source = src.Path
	return doc, enc, nil
}

// skipKind is the code of a reason to skip a file (syncreport's Skip…).
func skipKind(err error) string {
	switch {
	case errors.Is(err, ErrEmpty):
		return syncreport.SkipEmpty
	case errors.Is(err, ErrBinary):
		return syncreport.SkipBinary
	case errors.Is(err, ErrUndecodable):
		return syncreport.SkipUndecodable
	case errors.Is(err, ErrTooLarge):
		return syncreport.SkipTooLarge
	case errors.Is(err, ErrLinkOutside):
		return syncreport.SkipLinkOutside
	case errors.Is(err, ErrLinkBroken):
		return syncreport.SkipLinkBroken
	case errors.Is(err, ErrLinkFolder):
		return syncreport.SkipLinkFolder
	case errors.Is(err, fs.ErrPermission):
		return syncreport.SkipNoAccess
	}
	return syncreport.SkipUnreadable
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func docHash(d Document) string {
	parts := []string{d.Title, d.Dateline, d.Version}
	for _, c := range d.Clauses {
		parts = append(parts, c.Hash)
	}
	return ContentHash(parts...)
}

// embedAll embeds the clauses all[todo[…]] in batches, a bounded number of
// batches in flight, and stores the vectors in vecs.
func embedAll(ctx context.Context, opt BuildOptions, all []Clause, todo []int, vecs [][]float32) error {
	if len(todo) == 0 {
		return nil
	}
	batch := opt.BatchSize
	if batch <= 0 {
		batch = 128
	}
	workers := opt.Concurrency
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	next := make(chan []int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for part := range next {
				texts := make([]string, len(part))
				for j, i := range part {
					texts[j] = EmbedText(all[i])
				}
				out, err := opt.Embedder.Embed(ctx, texts)
				if err == nil && len(out) != len(texts) {
					err = fmt.Errorf("embedder returned %d vectors for %d texts", len(out), len(texts))
				}
				if err == nil {
					for j, v := range out {
						if len(v) != opt.Embedder.Dims {
							err = fmt.Errorf("embedder returned a vector of %d dimensions, expected %d", len(v), opt.Embedder.Dims)
							break
						}
						vecs[part[j]] = v
					}
				}
				if err != nil {
					cancel(fmt.Errorf("embed clauses: %w", err))
					continue
				}
				mu.Lock()
				done += len(part)
				if opt.Progress != nil {
					opt.Progress(done, len(todo))
				}
				mu.Unlock()
			}
		}()
	}
	for lo := 0; lo < len(todo) && ctx.Err() == nil; lo += batch {
		hi := min(lo+batch, len(todo))
		select {
		case next <- todo[lo:hi]:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// EmbedText is the text embedded for a clause: its heading as context, then
// its words.
func EmbedText(c Clause) string {
	if c.Heading == "" {
		return c.Text
	}
	return c.Heading + "\n" + c.Text
}
