package retrieval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qabot/qabot/index"
)

// DefaultK is how many clauses a question retrieves unless told.
const DefaultK = 5

// LibraryConfig says where a Library's documents and index are and how it
// embeds and answers.
type LibraryConfig struct {
	IndexDir string // the index's folder
	DocsDir  string // the documents folder; "" for none
	Seeds    fs.FS  // shipped documents; nil leaves them out
	// Embedder builds the index (the zero value: the local embedder);
	// QuestionEmbedder, when set, embeds questions instead: the same
	// identity, with a budget for someone waiting.
	Embedder         index.Embedder
	QuestionEmbedder *index.Embedder
	BatchSize        int                   // texts per embedding call; 0: the index's default
	Concurrency      int                   // embedding calls in flight; 0: the index's default
	Progress         func(done, total int) // called as clauses are embedded; may be nil
	// Generator writes answers from the retrieved clauses, their citations
	// checked; nil means extractive answers.
	Generator Generator
	// CreateDocsDir creates DocsDir when it is missing (the default
	// folder); otherwise a missing folder is an error and a sync keeps the
	// index.
	CreateDocsDir bool
	// Reembed lets Open rebuild an index that another embedder built, as a
	// sync would (qabot serve). Without it the index is served as it is:
	// questions are embedded with the index's own embedder when that is
	// at hand (see Opened.Embedder), else matched by their words only.
	Reembed bool
	// ReadOnly makes the library a replica of an index another process
	// writes: it never writes the index or the documents folder (Sync,
	// Watch and Add return ErrReadOnly), Open loads what was published
	// last, and Follow swaps in each generation published after it.
	ReadOnly bool
	// MapFiles maps the index's query files into memory rather than
	// reading them: the fastest open, for a process that opens one index
	// and exits (qabot ask); the mappings are never undone.
	MapFiles bool
}

// ErrReadOnly is what a read-only library answers to Sync, Watch and Add.
var ErrReadOnly = errors.New("the library is read-only: another process writes the index")

// Library is the one way to the documents: it answers and looks up over
// the index as last synced, and it syncs the index with the documents
// folder (a watcher, /reindex, /upload and qabot index all go through
// Sync), swapping what it serves when something changed. It is safe for
// concurrent use; queries never wait for a sync.
type Library struct {
	cfg LibraryConfig
	mgr *index.Manager
	eng atomic.Pointer[Engine] // nil until Open

	// mu makes a sync and the swap that follows it one step: without it a
	// slower sync could swap in an older snapshot after a newer one.
	// (index.Manager's own locks only keep the syncs' writes apart.)
	mu   sync.Mutex
	last *index.Snapshot // the snapshot the last sync made: the next one's base; guarded by mu

	digests atomic.Pointer[digestIndex] // ClauseByDigest's lookup, for one snapshot
}

// NewLibrary returns a library over cfg's documents and index. It reads
// nothing yet: Open loads the index for queries, Sync updates it.
func NewLibrary(cfg LibraryConfig) *Library {
	if cfg.Embedder.Embed == nil {
		cfg.Embedder = index.LocalEmbedder()
	}
	store := index.NewStore(cfg.IndexDir)
	store.MapFiles = cfg.MapFiles
	return &Library{cfg: cfg, mgr: &index.Manager{
		Store:         store,
		DocsDir:       cfg.DocsDir,
		Seeds:         cfg.Seeds,
		Options:       index.BuildOptions{Embedder: cfg.Embedder, BatchSize: cfg.BatchSize, Concurrency: cfg.Concurrency, Progress: cfg.Progress},
		CreateDocsDir: cfg.CreateDocsDir,
	}}
}

// Opened is what Open found.
type Opened struct {
	// Built is set when there was no index (or none that could be read)
	// and Open built one; with Reembed, Why says why it did (Rebuilt in
	// the index's words), and Was names the embedder of the index it
	// replaced when that was another (RebuiltForEmbedder).
	Built   bool
	Why     Rebuild
	Rebuilt string
	Was     string
	// Stale is set when the documents changed since the index was synced;
	// Unlisted is why that could not be told (the documents folder is
	// missing or unreadable: an *index.DocsFolderError).
	Stale    bool
	Unlisted error
	// Embedder says which embedder embeds the questions; IndexEmbedder and
	// ConfiguredEmbedder name the index's and the configured one when they
	// differ.
	Embedder                          EmbedderUse
	IndexEmbedder, ConfiguredEmbedder string
}

// Rebuild is why Open built the index (with Reembed).
type Rebuild int

const (
	RebuiltNot         Rebuild = iota // it did not
	RebuiltNoIndex                    // there was none
	RebuiltForEmbedder                // another embedder (Opened.Was) built the one there
	RebuiltUnreadable                 // the one there could not be read (Opened.Rebuilt says how)
)

// EmbedderUse is which embedder a library embeds questions with.
type EmbedderUse int

const (
	EmbedderConfigured EmbedderUse = iota // the configured one, which built the index
	EmbedderOfIndex                       // the index's own (the local one), not the configured one
	EmbedderNone                          // none: the index's is not at hand, questions match words only
)

// OpenLibrary is NewLibrary and Open.
func OpenLibrary(ctx context.Context, cfg LibraryConfig) (*Library, Opened, error) {
	l := NewLibrary(cfg)
	o, err := l.Open(ctx)
	return l, o, err
}

// Open loads the index as last synced, building it only when none can be
// used (with Reembed: also when another embedder built it), and serves it.
func (l *Library) Open(ctx context.Context) (Opened, error) {
	var o Opened
	var snap *index.Snapshot
	var err error
	switch {
	case l.cfg.ReadOnly:
		// What the writer published, as it is; nothing is built or listed.
		if snap, err = l.mgr.Store.Load(ctx); err != nil {
			return o, fmt.Errorf("open the index read-only: %w", err)
		}
	case l.cfg.Reembed:
		if err := l.mgr.EnsureDocsDir(); err != nil { // the default folder, for a watcher too
			return o, fmt.Errorf("open the library: %w", err)
		}
		before, merr := l.mgr.Store.LoadManifest() // what was there, to say why it is rebuilt
		snap, o.Rebuilt, err = l.mgr.Open(ctx)
		o.Built = o.Rebuilt != ""
		switch {
		case !o.Built:
		case errors.Is(merr, index.ErrNoIndex):
			o.Why = RebuiltNoIndex
		case merr == nil && before.Embedder != l.cfg.Embedder.ID():
			o.Why, o.Was = RebuiltForEmbedder, before.Embedder
		default:
			o.Why = RebuiltUnreadable
		}
	default:
		if err := l.mgr.EnsureDocsDir(); err != nil {
			return o, fmt.Errorf("open the library: %w", err)
		}
		snap, o.Built, err = l.mgr.OpenAsIs(ctx)
	}
	if err != nil {
		return o, fmt.Errorf("open the index: %w", err)
	}
	if o.Built {
		// Hand the memory of the build (parsing, embedding, encoding)
		// back before the engine builds its own index, so that the two
		// peaks do not add up.
		debug.FreeOSMemory()
	} else if !l.cfg.Reembed && !l.cfg.ReadOnly {
		stale, err := l.mgr.Stale(snap)
		o.Stale, o.Unlisted = err == nil && stale, err
	}
	var emb index.Embedder
	o.Embedder, emb = l.embedderFor(snap)
	if o.Embedder != EmbedderConfigured {
		o.IndexEmbedder, o.ConfiguredEmbedder = snap.Embedder, l.cfg.Embedder.ID()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last = snap
	l.eng.Store(NewEngine(snap, l.questionEmbedder(emb)))
	return o, nil
}

// embedderFor is the embedder questions over snap are embedded with: the
// configured one (with Reembed, which rebuilds for it), else snap's own
// when that is at hand, else none (words only).
func (l *Library) embedderFor(snap *index.Snapshot) (EmbedderUse, index.Embedder) {
	if l.cfg.Reembed {
		return EmbedderConfigured, l.cfg.Embedder
	}
	own, ok := l.mgr.QuestionEmbedder(snap)
	switch {
	case !ok:
		return EmbedderNone, index.Embedder{EmbedderID: index.EmbedderID{Provider: "none"}} // no Embed: lexical only
	case own.ID() != l.cfg.Embedder.ID():
		return EmbedderOfIndex, own
	}
	return EmbedderConfigured, l.cfg.Embedder
}

// questionEmbedder is emb with the budget for questions when that is the
// configured one (the same identity).
func (l *Library) questionEmbedder(emb index.Embedder) index.Embedder {
	if q := l.cfg.QuestionEmbedder; q != nil && q.ID() == emb.ID() {
		return *q
	}
	return emb
}

// IndexDir is the index's folder.
func (l *Library) IndexDir() string { return l.mgr.Store.Dir() }

// DocsDir is the documents folder.
func (l *Library) DocsDir() string { return l.cfg.DocsDir }

// Engine is the engine serving the index; Open must have been called.
func (l *Library) Engine() *Engine {
	e := l.eng.Load()
	if e == nil {
		panic("retrieval: Library used before Open")
	}
	return e
}

// AskOptions tune Ask.
type AskOptions struct {
	K int // clauses retrieved; 0: DefaultK
	// Earlier is the question this one follows in a conversation; it
	// gives the context.
	Earlier string
	// OnPartial, with a generator, is called with the checked text of a
	// generated answer as it grows (see Engine.AskWith).
	OnPartial func(string)
}

// Ask answers q: generated and checked when the library has a generator,
// else extractive.
func (l *Library) Ask(ctx context.Context, q string, o AskOptions) (Answer, error) {
	eng, k := l.Engine(), o.K
	if k <= 0 {
		k = DefaultK
	}
	switch {
	case o.Earlier != "" && l.cfg.Generator != nil:
		// The model reads both questions; cut to the question limit, the
		// earlier part goes first.
		if _, err := CheckQuestion(q); err != nil {
			return Answer{}, err
		}
		both := []rune(o.Earlier + " " + q)
		return eng.AskWith(ctx, string(both[max(0, len(both)-MaxQuestionRunes):]), k, l.cfg.Generator, o.OnPartial)
	case o.Earlier != "":
		return eng.AskFollowUp(ctx, o.Earlier, q, k)
	}
	return eng.AskWith(ctx, q, k, l.cfg.Generator, o.OnPartial)
}

// Search returns the k clauses that best match q, best first.
func (l *Library) Search(ctx context.Context, q string, k int) ([]HitView, error) {
	eng := l.Engine()
	hits, err := eng.Search(ctx, q, k)
	if err != nil {
		return nil, err
	}
	snap := eng.Snapshot()
	out := make([]HitView, len(hits))
	for i, h := range hits {
		out[i] = HitView{ClauseView: clauseView(snap, h.Clause), Score: h.Score, DocTitle: h.DocTitle}
	}
	return out, nil
}

// Section looks a reference up word for word (see Engine.Section).
func (l *Library) Section(ref, doc string) (SectionView, error) {
	eng := l.Engine()
	sec, err := eng.Section(ref, doc)
	if err != nil {
		return SectionView{}, err
	}
	return SectionView{Doc: documentView(eng.Snapshot(), sec.Doc), Clauses: clauseViews(eng.Snapshot(), sec.Clauses)}, nil
}

// Documents lists the indexed documents in id order.
func (l *Library) Documents() []DocumentView { return documentViews(l.Engine().Snapshot()) }

// Document returns the indexed document with the given id.
func (l *Library) Document(id string) (DocumentView, bool) {
	snap := l.Engine().Snapshot()
	d, ok := snap.Document(id)
	if !ok {
		return DocumentView{}, false
	}
	return documentView(snap, d), true
}

// Clauses lists the clauses of the document with the given id, in
// document order.
func (l *Library) Clauses(docID string) []ClauseView {
	snap := l.Engine().Snapshot()
	d, ok := snap.Document(docID)
	if !ok {
		return nil
	}
	out := make([]ClauseView, len(d.Clauses))
	for i := range d.Clauses {
		out[i] = clauseView(snap, &d.Clauses[i])
	}
	return out
}

// Clause returns the clause with key k and its document; ok is false when
// the index no longer holds it.
func (l *Library) Clause(k ClauseKey) (c ClauseView, doc DocumentView, ok bool) {
	snap := l.Engine().Snapshot()
	ic, ok := snap.Clause(k.String())
	if !ok {
		return ClauseView{}, DocumentView{}, false
	}
	d, _ := snap.Document(ic.Doc)
	return clauseView(snap, ic), documentView(snap, d), true
}

// ClauseByDigest is Clause for the key whose Digest is digest.
func (l *Library) ClauseByDigest(digest string) (ClauseView, DocumentView, bool) {
	snap := l.Engine().Snapshot()
	di := l.digests.Load()
	if di == nil || di.snap != snap {
		di = &digestIndex{snap: snap, keys: make(map[string]ClauseKey, snap.NumClauses())}
		for i := range snap.Docs {
			for j := range snap.Docs[i].Clauses {
				k := keyOf(&snap.Docs[i].Clauses[j])
				di.keys[k.Digest()] = k
			}
		}
		l.digests.Store(di)
	}
	k, ok := di.keys[digest]
	if !ok {
		return ClauseView{}, DocumentView{}, false
	}
	return l.Clause(k)
}

// digestIndex maps the digests of one snapshot's clause keys to the keys.
type digestIndex struct {
	snap *index.Snapshot
	keys map[string]ClauseKey
}

// Evaluate measures retrieval and answers over a gold set (see
// Engine.Evaluate).
func (l *Library) Evaluate(ctx context.Context, cases []GoldCase, k int) (Metrics, error) {
	return l.Engine().Evaluate(ctx, cases, k)
}

// Sync brings the index up to date with the documents, re-embedding only
// the clauses that changed, and serves the result when something changed.
// Syncs through one library never overlap.
func (l *Library) Sync(ctx context.Context) (SyncReport, error) {
	return l.sync(ctx, l.mgr.Sync)
}

// SyncAsIs is Sync for read-only callers that measure the documents they
// are given (qabot eval): it never re-embeds for another embedder than the
// index's (index.Manager.SyncAsIs). When the index's embedder is not at
// hand and a document changed it touches nothing and returns an
// *index.EmbedderMismatchError.
func (l *Library) SyncAsIs(ctx context.Context) (SyncReport, error) {
	return l.sync(ctx, l.mgr.SyncAsIs)
}

func (l *Library) sync(ctx context.Context, how func(context.Context, *index.Snapshot) (*index.Snapshot, index.Report, error)) (SyncReport, error) {
	if l.cfg.ReadOnly {
		return SyncReport{}, fmt.Errorf("update the library: %w", ErrReadOnly)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	snap, rep, err := how(ctx, l.last)
	if err != nil {
		return rep, fmt.Errorf("update the library: %w", err)
	}
	l.last = snap
	if eng := l.eng.Load(); eng != nil && rep.Changed() {
		eng.Swap(snap) // unchanged documents keep the engine, BM25 and all
	}
	return rep, nil
}

// Watch syncs once as soon as the documents folder is watched, then after
// every burst of changes to it (debounced), until ctx is done; each sync's
// outcome goes to onSync, trouble with the watch itself (which goes on) to
// onTrouble. It returns when ctx is done, with the last sync finished, or
// when the folder cannot be watched at all.
func (l *Library) Watch(ctx context.Context, debounce time.Duration, onSync func(SyncReport, error), onTrouble func(error)) error {
	if l.cfg.ReadOnly {
		return fmt.Errorf("watch: %w", ErrReadOnly)
	}
	if l.cfg.DocsDir == "" {
		return errors.New("watch: no documents folder")
	}
	return index.Watch(ctx, l.cfg.DocsDir, debounce, func() {
		rep, err := l.Sync(ctx)
		onSync(rep, err)
	}, onTrouble)
}

// ReadOnly reports whether the library is a read-only replica.
func (l *Library) ReadOnly() bool { return l.cfg.ReadOnly }

// Generation is the index generation the library serves ("gen-000042"),
// "" before Open or for an index never saved.
func (l *Library) Generation() string {
	if e := l.eng.Load(); e != nil {
		return e.Snapshot().Generation()
	}
	return ""
}

// Swapped is what Follow tells of a generation published by the writer.
type Swapped struct {
	Generation string // the generation swapped in, or that could not be
	Documents  int    // its documents and clauses, once swapped in
	Clauses    int
	// Err, when set, says why Generation could not be loaded; the
	// library goes on serving the one it had.
	Err error
}

// Follow keeps a read-only library on the index its writer publishes:
// whenever CURRENT names another generation than the one served (or one
// appears where there was none), that generation is loaded whole and
// swapped in — queries in flight finish on the old one, which is served
// until then. onSwap is told each swap, and each generation that cannot be
// loaded (once; it is tried again at each later change or poll). Changes
// are seen as the file system reports them, and every poll besides.
// Follow returns when ctx is done.
func (l *Library) Follow(ctx context.Context, poll time.Duration, onSwap func(Swapped)) error {
	if !l.cfg.ReadOnly {
		return errors.New("follow: only a read-only library follows its writer")
	}
	failed := "" // the generation whose failure was told
	err := l.mgr.Store.WatchCurrent(ctx, poll, func() {
		cur, err := l.mgr.Store.Current()
		if err != nil || cur == l.Generation() {
			return // nothing published yet, or nothing new
		}
		snap, err := l.mgr.Store.Load(ctx)
		if err != nil {
			if cur != failed && ctx.Err() == nil {
				failed = cur
				onSwap(Swapped{Generation: cur, Err: fmt.Errorf("load index generation %s: %w", cur, err)})
			}
			return
		}
		failed = ""
		l.swapIn(snap)
		// The old generation is garbage once the queries on it finish:
		// hand its memory back now rather than when the scavenger gets to
		// it, or a replica holds two generations' worth for minutes.
		debug.FreeOSMemory()
		onSwap(Swapped{Generation: snap.Generation(), Documents: len(snap.Docs), Clauses: snap.NumClauses()})
	}, func(err error) { onSwap(Swapped{Err: err}) })
	if err != nil {
		return fmt.Errorf("follow the index: %w", err)
	}
	return nil
}

// swapIn serves snap: through the engine there is when snap's embedder is
// the one it embeds questions for, else through a new engine.
func (l *Library) swapIn(snap *index.Snapshot) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last = snap
	if eng := l.eng.Load(); eng != nil && eng.Snapshot().Embedder == snap.Embedder {
		eng.Swap(snap)
		return
	}
	_, emb := l.embedderFor(snap)
	l.eng.Store(NewEngine(snap, l.questionEmbedder(emb)))
}
