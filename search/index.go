package search

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/congkhai/congkhai/internal/atomicfile"
)

// MappingVersion identifies the index mapping and analysis built by this
// package. Bump it whenever a field, an analyzer or a token filter changes:
// an index written with another version is refused with ErrRebuild.
const MappingVersion = 6

// Sentinel errors; test with errors.Is.
var (
	// ErrRebuild means the index on disk cannot be used as is (unreadable,
	// torn by a crash, or built with another MappingVersion) and must be
	// rebuilt from content. OpenOrRebuild does that.
	ErrRebuild = errors.New("search: index must be rebuilt")
	// ErrLocked means another process holds the index open.
	ErrLocked = errors.New("search: index is locked by another process")
	// ErrBadQuery means a request or query string was rejected; its text
	// (after the "search: " prefix) is safe to show to the user.
	ErrBadQuery = errors.New("search: bad query")
	// ErrClosed is returned by calls on a closed Index.
	ErrClosed = errors.New("search: index closed")
)

// Internal-storage keys. User meta keys live under their own prefix so that
// SetMeta can never overwrite the mapping version.
const (
	keyVersion    = "congkhai/mapping_version"
	keyGeneration = "congkhai/generation"
	metaKeyPrefix = "congkhai/meta/"
)

// generationFile mirrors the generation of the last applied batch outside
// bleve. When bleve cannot load its latest snapshot it logs a line and
// silently opens an older one; an index generation behind this file's
// reveals that, and Open reports ErrRebuild instead of serving stale results.
const generationFile = "congkhai_generation"

// Options tunes an Index. The zero value is ready to use.
type Options struct {
	// BatchSize is the largest number of documents per bleve batch in
	// Apply (default 2,000), and BatchBytes the most text per batch
	// (default 512 KiB): a batch ends at whichever comes first. Each batch
	// becomes a segment that bleve writes while the next one is analysed,
	// so batches of a few short documents (table rows) would spend their
	// time writing segments; a byte bound
	// keeps batches of long notices from raising peak memory (1,000
	// notices of 2 KB peaked at 875 MB, see LIBRARY-NOTES).
	BatchSize  int
	BatchBytes int
	// LockTimeout is how long Open waits for another process to release the
	// index before returning ErrLocked (default 2s).
	LockTimeout time.Duration
	// SuggestKinds limits which kinds of documents feed Suggest (e.g. only
	// "notice" and "dataset", so that millions of table rows do not bloat
	// the autocomplete field). Nil means every kind.
	SuggestKinds []string
	// ExactLimit is the largest number of matches that bleve ranks in
	// full (default 2000); above it a pre-score picks the candidates (see
	// fast.go). Tests lower it to exercise the bounded path.
	ExactLimit int
	// CostLimit is the number of postings a query may make bleve walk
	// (default 40,000); costlier queries are ranked by the bounded path
	// itself (see own.go). Tests lower it to exercise that path.
	CostLimit int

	// MaxSearches is how many searches run at once (default twice
	// GOMAXPROCS); more wait their turn. A search is CPU-bound, so more at
	// once than the cores only adds memory: the own ranking holds score
	// arrays as long as the index's segments (about 10 MB at 1.1 million
	// documents) for each search in flight.
	MaxSearches int

	noFast  bool   // tests: bleve's own path only, the reference of fast.go
	pruneAt uint64 // tests: postings lists longer than this are pruned (own.go)
	denseAt int    // tests: scored documents of a segment from which matches are tested as a bitset (default denseCheck)
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 2000
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = 512 << 10
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 2 * time.Second
	}
	if o.CostLimit <= 0 {
		o.CostLimit = defaultCostLimit
	}
	if o.ExactLimit <= 0 {
		o.ExactLimit = defaultExactLimit
	}
	if o.denseAt <= 0 {
		o.denseAt = denseCheck
	}
	if o.MaxSearches <= 0 {
		o.MaxSearches = 2 * runtime.GOMAXPROCS(0)
	}
	return o
}

// Document is one searchable item. The search package does not know what
// it stands for; the portal maps notices, datasets, table rows and answers
// into Documents.
type Document struct {
	ID        string    // unique, e.g. "notice:so-tai-chinh/du-toan-2025"
	Kind      string    // "notice", "dataset", "row", "qa" (facet, filter)
	URL       string    // where a hit links to (stored)
	Title     string    // searched (boosted), stored, highlighted
	Body      string    // searched, stored for snippets
	Number    string    // document number "6733/UBND-KSTT", "12/QĐ-UBND"
	Signer    string    // searched
	Agency    string    // agency slug (facet, filter)
	Category  string    // category slug (facet, filter)
	Places    []string  // place labels "Xã Tân Thịnh" (facet, filter, searched)
	Tags      []string  // searched
	Published time.Time // facet "year", sort by date; zero means undated
	Parent    string    // optional ID of the parent (a row's dataset), stored
	// Context is text about where the document sits (a table row's dataset
	// title and column titles). A query word may be found in it, but at least
	// one word must be found in the document's own text: "giá đất trần hưng
	// đạo" finds the rows of Trần Hưng Đạo in a land price table, while "giá
	// đất" alone does not match every row of every land price table, which
	// would make broad queries slow and their results useless. The places of
	// a document with a context are searched as context too: they are where
	// it sits (a row's dataset covers the district), not what it says.
	Context string
	// Lean documents store only their title and body (for the snippet): a
	// hit on one comes back with URL, Parent, Agency, Category, Places and
	// Published empty, for the caller to fill from its own data. They are
	// still indexed, filtered, faceted and sorted by. For documents that are
	// many and derivable, such as table rows, it halves their stored bytes.
	Lean bool
}

// Index is an open search index. It is safe for concurrent use.
type Index struct {
	applyMu  sync.Mutex     // Apply calls take turns
	mu       sync.Mutex     // guards gen and closed; held by an Apply's last batch
	inflight sync.WaitGroup // an Apply's other batches (its pipeline and Close wait for them)
	gen      uint64         // generation of the last applied batch
	// persistErr gets bleve's errors while persisting (asyncErrors).
	persistErr chan error
	closed     bool
	bi         bleve.Index
	dir        string
	opts       Options
	suggest    map[string]bool // nil: every kind feeds Suggest
	running    chan struct{}   // one token per search in flight (Options.MaxSearches)
	fwd        facetCache      // facet forward index per segment
	advised    advisor         // segments advised random access (advise.go)
}

// Open opens the index in dir, creating it (and dir) if missing.
//
// Errors: ErrLocked (wrapped) when another process holds the index for longer
// than Options.LockTimeout; ErrRebuild (wrapped) when the index is
// unreadable or was built with another MappingVersion; another error when dir
// is not usable at all (e.g. permissions, or dir holds files that are not an
// index, which OpenOrRebuild refuses to delete).
func Open(dir string, opts Options) (*Index, error) {
	opts = opts.withDefaults()
	state, err := inspectDir(dir)
	if err != nil {
		return nil, err
	}
	var bi bleve.Index
	var gen uint64
	switch state {
	case dirMissing, dirEmpty:
		bi, err = bleve.NewUsing(dir, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, bleveConfig(nil))
		if err != nil {
			return nil, fmt.Errorf("search: create index %s: %w", dir, err)
		}
		if err := setDurably(bi, keyVersion, strconv.Itoa(MappingVersion)); err != nil {
			_ = bi.Close()
			return nil, fmt.Errorf("search: create index %s: %w", dir, err)
		}
	case dirTorn:
		return nil, fmt.Errorf("search: open %s: no index_meta.json: %w", dir, ErrRebuild)
	case dirIndex:
		bi, err = openBleve(dir, opts.LockTimeout)
		if err != nil {
			return nil, err
		}
		v, err := bi.GetInternal([]byte(keyVersion))
		if err != nil {
			_ = bi.Close()
			return nil, fmt.Errorf("search: open %s: read mapping version: %v: %w", dir, err, ErrRebuild)
		}
		if string(v) != strconv.Itoa(MappingVersion) {
			_ = bi.Close()
			return nil, fmt.Errorf("search: open %s: mapping version %q, want %d: %w", dir, v, MappingVersion, ErrRebuild)
		}
		g, err := bi.GetInternal([]byte(keyGeneration))
		if err != nil {
			_ = bi.Close()
			return nil, fmt.Errorf("search: open %s: read generation: %v: %w", dir, err, ErrRebuild)
		}
		gen, _ = strconv.ParseUint(string(g), 10, 64)
		// A missing or torn file reads as 0: it is written without fsync.
		b, _ := os.ReadFile(filepath.Join(dir, generationFile))
		if want, _ := strconv.ParseUint(string(b), 10, 64); gen < want {
			_ = bi.Close()
			return nil, fmt.Errorf("search: open %s: index went back to generation %d from %d (lost snapshot): %w", dir, gen, want, ErrRebuild)
		}
	}
	ix := &Index{bi: bi, dir: dir, opts: opts, gen: gen, running: make(chan struct{}, opts.MaxSearches)}
	ix.persistErr = asyncErrors.watch(dir)
	if opts.SuggestKinds != nil {
		ix.suggest = make(map[string]bool, len(opts.SuggestKinds))
		for _, k := range opts.SuggestKinds {
			ix.suggest[k] = true
		}
	}
	return ix, nil
}

// openBleve opens an existing index, turning bleve's failures into
// ErrLocked or ErrRebuild. bleve may panic on some corrupt segment files, so
// a panic is treated as corruption too.
func openBleve(dir string, lockTimeout time.Duration) (bi bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			bi = nil
			err = fmt.Errorf("search: open %s: panic: %v: %w", dir, r, ErrRebuild)
		}
	}()
	bi, err = bleve.OpenUsing(dir, bleveConfig(map[string]interface{}{
		"bolt_timeout": lockTimeout.String(),
	}))
	switch {
	case err == nil:
		return bi, nil
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("search: open %s: %w", dir, ErrLocked)
	case errors.Is(err, os.ErrPermission):
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	default:
		return nil, fmt.Errorf("search: open %s: %v: %w", dir, err, ErrRebuild)
	}
}

type dirState int

const (
	dirMissing dirState = iota
	dirEmpty
	dirIndex   // has index_meta.json
	dirTorn    // has bleve's store folder but no index_meta.json
	dirForeign // anything else: never touched
)

func inspectDir(dir string) (dirState, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return dirMissing, nil
	case err != nil:
		return 0, fmt.Errorf("search: open %s: %w", dir, err)
	case len(entries) == 0:
		return dirEmpty, nil
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	switch {
	case slices.Contains(names, "index_meta.json"):
		return dirIndex, nil
	case slices.Contains(names, "store"):
		return dirTorn, nil
	}
	return dirForeign, fmt.Errorf("search: open %s: folder is not empty and holds no search index", dir)
}

// OpenOrRebuild opens the index in dir like Open; when Open reports
// ErrRebuild it removes dir and creates a fresh empty index, reporting
// rebuilt = true so that the caller re-indexes its content.
//
// Errors: as Open, except ErrRebuild; ErrLocked is returned as is (a locked
// index is never removed).
func OpenOrRebuild(dir string, opts Options) (ix *Index, rebuilt bool, err error) {
	ix, err = Open(dir, opts)
	if !errors.Is(err, ErrRebuild) {
		return ix, false, err
	}
	if state, serr := inspectDir(dir); serr != nil || (state != dirIndex && state != dirTorn) {
		// Defensive: only ever delete what looks like a bleve index.
		return nil, false, err
	}
	if rerr := os.RemoveAll(dir); rerr != nil {
		return nil, false, fmt.Errorf("search: rebuild %s: %w", dir, rerr)
	}
	ix, err = Open(dir, opts)
	if err != nil {
		return nil, false, err
	}
	return ix, true, nil
}

// Close waits for a running batch, then releases the index and its lock.
// Closing twice is a no-op; other calls after Close return ErrClosed.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	ix.inflight.Wait() // no batch starts once closed is set (startBatch)
	defer asyncErrors.forget(ix.dir)
	if err := ix.bi.Close(); err != nil {
		return fmt.Errorf("search: close %s: %w", ix.dir, err)
	}
	return nil
}

// Dir returns the folder the index lives in.
func (ix *Index) Dir() string { return ix.dir }

// Count returns the number of documents in the index.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.bi.DocCount()
	if err != nil {
		return 0, wrapClosed("count", err)
	}
	return n, nil
}

// SetMeta stores val durably under key, outside the searchable documents
// (e.g. the portal's manifest of indexed content hashes). A nil val deletes
// the key. Keys are letters, digits, '.', '-' and '_'.
//
// Values live in files of the index folder (meta-<key>), written to a
// temporary file, synced and renamed: bleve keeps its internal values in
// memory for every snapshot, and a manifest of 100,000 notices there cost
// 10 MB of heap. A value that an older version kept in bleve's internal
// storage is still read, and removed at its first SetMeta.
func (ix *Index) SetMeta(key string, val []byte) error {
	file, err := ix.lockMeta("set meta", key)
	if err != nil {
		return err
	}
	defer ix.mu.Unlock()
	if val == nil {
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("search: set meta %s: %w", key, err)
		}
	} else if err := atomicfile.Write(file, func(w io.Writer) error { _, err := w.Write(val); return err }); err != nil {
		return fmt.Errorf("search: set meta %s: %w", key, err)
	}
	if old, err := ix.bi.GetInternal([]byte(metaKeyPrefix + key)); err == nil && old != nil {
		if err := ix.bi.DeleteInternal([]byte(metaKeyPrefix + key)); err != nil {
			return wrapClosed("set meta "+key, err)
		}
	}
	return nil
}

// AppendMeta appends val to the value stored under key (creating it), and
// returns once the bytes are on disk. Unlike SetMeta it is not atomic: after a
// crash the value may end with the first part of the last append. Callers
// frame what they append (lines, say) and ignore an unfinished frame; a log of
// small changes beside a value rewritten now and then by SetMeta costs a
// few bytes per change instead of the whole value.
func (ix *Index) AppendMeta(key string, val []byte) error {
	file, err := ix.lockMeta("append meta", key)
	if err != nil {
		return err
	}
	defer ix.mu.Unlock()
	_, statErr := os.Stat(file)
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("search: append meta %s: %w", key, err)
	}
	_, err = f.Write(val)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && errors.Is(statErr, fs.ErrNotExist) {
		err = atomicfile.SyncDir(ix.dir) // the new file's name is durable too
	}
	if err != nil {
		return fmt.Errorf("search: append meta %s: %w", key, err)
	}
	return nil
}

// Meta returns the value stored under key by SetMeta or AppendMeta, or nil
// (and no error) when the key was never set.
func (ix *Index) Meta(key string) ([]byte, error) {
	file, err := ix.lockMeta("meta", key)
	if err != nil {
		return nil, err
	}
	ix.mu.Unlock()
	b, err := os.ReadFile(file)
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("search: meta %s: %w", key, err)
	}
	v, err := ix.bi.GetInternal([]byte(metaKeyPrefix + key)) // an older version's
	if err != nil {
		return nil, wrapClosed("meta "+key, err)
	}
	return v, nil
}

// lockMeta returns the file of key with ix.mu held (the caller unlocks it),
// or an error for a bad key or a closed index (op names the operation).
func (ix *Index) lockMeta(op, key string) (string, error) {
	file, err := ix.metaFile(key)
	if err != nil {
		return "", err
	}
	ix.mu.Lock()
	if ix.closed {
		ix.mu.Unlock()
		return "", fmt.Errorf("search: %s %s: %w", op, key, ErrClosed)
	}
	return file, nil
}

func (ix *Index) metaFile(key string) (string, error) {
	if key == "" || strings.IndexFunc(key, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_')
	}) >= 0 {
		return "", fmt.Errorf("search: meta key %q: only letters, digits, '.', '-' and '_'", key)
	}
	return filepath.Join(ix.dir, "meta-"+key), nil
}

func wrapClosed(op string, err error) error {
	if errors.Is(err, bleve.ErrorIndexClosed) {
		return fmt.Errorf("search: %s: %w", op, ErrClosed)
	}
	return fmt.Errorf("search: %s: %w", op, err)
}

// Apply indexes upserts (replacing documents with the same ID) and removes
// the documents whose IDs are in deletes, in batches (Options.BatchSize and
// BatchBytes), and returns once they are on disk.
// Deletes are applied first, so an ID in both lists ends up indexed; an ID
// twice in upserts ends up as its last occurrence. All text is normalised to
// NFC. Calls to Apply take turns.
//
// Apply is not atomic: on error (including ctx cancellation, checked between
// batches) the batches already written stay written; re-applying the same
// call is safe. A document with an empty ID is an error and nothing after
// it is applied.
func (ix *Index) Apply(ctx context.Context, upserts []Document, deletes []string) error {
	if len(upserts) == 0 && len(deletes) == 0 {
		return nil
	}
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	p := ix.newPipeline()
	b := ix.bi.NewBatch()
	ids := map[string]bool{}
	bytes := 0
	flush := func() error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("search: apply: %w", err)
		}
		if err := p.send(b, ids); err != nil {
			return err
		}
		// A new batch, not b.Reset(): scorch's Batch returns once every
		// document is analysed, while the goroutine that queued them may
		// still be ranging over b's map (a data race the race detector sees).
		b, ids, bytes = ix.bi.NewBatch(), map[string]bool{}, 0
		return nil
	}
	full := func() bool { return b.Size() >= ix.opts.BatchSize || bytes >= ix.opts.BatchBytes }
	for _, id := range deletes {
		b.Delete(id)
		ids[id] = true
		if full() {
			if err := flush(); err != nil {
				return p.abort(err)
			}
		}
	}
	for i := range upserts {
		d := &upserts[i]
		if d.ID == "" {
			return p.abort(fmt.Errorf("search: apply: document %d (%q) has no ID", i, d.Title))
		}
		if err := b.Index(d.ID, ix.fields(d)); err != nil {
			return p.abort(fmt.Errorf("search: apply %s: %w", d.ID, err))
		}
		ids[d.ID] = true
		bytes += len(d.Title) + len(d.Body) + len(d.Context) + 64
		if full() {
			if err := flush(); err != nil {
				return p.abort(err)
			}
		}
	}
	// The last batch goes alone, after the others, with the generation.
	if err := p.wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("search: apply: %w", err)
	}
	persisted, err := ix.batch(b)
	if err != nil {
		return err
	}
	return ix.waitPersisted(ctx, persisted)
}

// pipelineDepth is how many batches of one Apply bleve indexes at once.
// bleve analyses a batch's documents on every core but builds its segment
// on one: with two batches in flight, one's segment is built while the
// next one is analysed (a full build of 20,000 notices and 200,000 rows,
// in calls of 2,000 and 10,000, took 25.4–26.1 s against 28.9–29.8 s one
// batch at a time; three were no faster).
const pipelineDepth = 2

// pipeline runs the batches of one Apply, up to pipelineDepth at a time. A
// batch that holds an ID of a batch still in flight waits for it: bleve
// introduces concurrent batches in any order, and the later operation on
// an ID must win. Apply calls take turns, so the index's batches in flight
// (Index.inflight) are this pipeline's.
type pipeline struct {
	ix       *Index
	slots    chan struct{}
	mu       sync.Mutex
	err      error                            // the first batch's error
	inflight map[*bleve.Batch]map[string]bool // the IDs of each batch in flight
}

func (ix *Index) newPipeline() *pipeline {
	return &pipeline{ix: ix, slots: make(chan struct{}, pipelineDepth), inflight: map[*bleve.Batch]map[string]bool{}}
}

// send starts indexing b (whose IDs are ids) in the background; an earlier
// batch's error stops it.
func (p *pipeline) send(b *bleve.Batch, ids map[string]bool) error {
	p.mu.Lock()
	clash := false
	for _, other := range p.inflight {
		clash = clash || overlaps(ids, other)
	}
	p.mu.Unlock()
	if clash {
		if err := p.wait(); err != nil {
			return err
		}
	}
	p.slots <- struct{}{}
	if err := p.failed(); err != nil {
		<-p.slots
		return err
	}
	if err := p.ix.startBatch(); err != nil {
		<-p.slots
		return err
	}
	p.mu.Lock()
	p.inflight[b] = ids
	p.mu.Unlock()
	go func() {
		err := p.ix.bi.Batch(b)
		p.mu.Lock()
		if err != nil && p.err == nil {
			p.err = wrapClosed("apply", err)
		}
		delete(p.inflight, b)
		p.mu.Unlock()
		<-p.slots
		p.ix.inflight.Done()
	}()
	return nil
}

func overlaps(a, b map[string]bool) bool {
	if len(b) < len(a) {
		a, b = b, a
	}
	for id := range a {
		if b[id] {
			return true
		}
	}
	return false
}

func (p *pipeline) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// wait returns once every batch sent is indexed, with the first error.
func (p *pipeline) wait() error {
	p.ix.inflight.Wait()
	return p.failed()
}

// abort waits for the batches in flight and returns err.
func (p *pipeline) abort(err error) error {
	_ = p.wait()
	return err
}

// startBatch counts a batch in flight, which Close waits for; it fails
// once the index is closed.
func (ix *Index) startBatch() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return fmt.Errorf("search: apply: %w", ErrClosed)
	}
	ix.inflight.Add(1)
	return nil
}

// batch applies b, the last batch of an Apply, with the next generation
// number, and returns a channel closed once b is on disk. bleve's batches
// are "unsafe": Batch returns once b is searchable, and bleve writes it to
// disk in the background while the next batch is analysed (a full build
// took 11 % less time than with batches that each waited to be
// persisted). Apply then waits for it (waitPersisted); bleve persists
// snapshots in order, so every batch introduced before it is on disk too.
func (ix *Index) batch(b *bleve.Batch) (chan struct{}, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil, fmt.Errorf("search: apply: %w", ErrClosed)
	}
	gen := strconv.FormatUint(ix.gen+1, 10)
	b.SetInternal([]byte(keyGeneration), []byte(gen))
	done := make(chan struct{})
	b.SetPersistedCallback(func(error) { close(done) }) // called once, on success
	if err := ix.bi.Batch(b); err != nil {
		return nil, wrapClosed("apply", err)
	}
	ix.gen++
	return done, nil
}

// waitPersisted returns once persisted, the last batch's channel, is
// closed: every batch applied so far is on disk (bleve persists them in
// order). It then records
// the generation outside the index: a generation file never runs ahead of
// what a crash would leave (Open compares them). It returns bleve's error
// when persisting fails (bleve keeps retrying; the batches stay searchable
// until the process ends) and ctx's when it ends first.
func (ix *Index) waitPersisted(ctx context.Context, persisted chan struct{}) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	select {
	case <-persisted:
	case err := <-ix.persistErr:
		select {
		case <-persisted:
			// persisted on a retry after all
		default:
			return fmt.Errorf("search: apply: persist: %w", err)
		}
	case <-ctx.Done():
		return fmt.Errorf("search: apply: waiting for the disk: %w", ctx.Err())
	}
	gen := strconv.FormatUint(ix.gen, 10)
	tmp := filepath.Join(ix.dir, generationFile+".tmp")
	if err := os.WriteFile(tmp, []byte(gen), 0o600); err != nil {
		return fmt.Errorf("search: apply: record generation: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(ix.dir, generationFile)); err != nil {
		return fmt.Errorf("search: apply: record generation: %w", err)
	}
	return nil
}

// Field names in the index. Text is indexed twice: exact (accents kept)
// and folded ("_f").
const (
	fTitle     = "title"
	fTitleF    = "title_f"
	fBody      = "body"
	fBodyF     = "body_f"
	fNumber    = "number"   // whole number as one folded token
	fNumberT   = "number_t" // number split into folded words
	fExtra     = "extra"    // signer, tags and places as text
	fExtraF    = "extra_f"
	fContextF  = "context_f" // Document.Context, folded
	fPrefix    = "title_p"   // edge n-grams of folded title words (Suggest)
	fTitleKey  = "title_k"   // whole folded title as one token (Suggest)
	fKind      = "kind"
	fAgency    = "agency"
	fCategory  = "category"
	fPlaces    = "places"
	fPlacesF   = "places_f" // folded place labels, for filters as typed
	fYear      = "year"
	fPublished = "published"
	fURL       = "url"
	fParent    = "parent"
	fMeta      = "meta" // agency, category, published and places, one per line (stored only)
)

// fields turns a Document into the property map the mapping describes.
// Empty values are left out so that facets have no "" bucket.
func (ix *Index) fields(d *Document) map[string]interface{} {
	m := make(map[string]interface{}, 16)
	put := func(k, v string) {
		if v = clean(v); v != "" {
			m[k] = v
		}
	}
	put("title", d.Title)
	put("body", d.Body)
	put("number", d.Number)
	put("kind", d.Kind)
	put("agency", d.Agency)
	put("category", d.Category)
	if !d.Lean {
		put("url", d.URL)
		put("parent", d.Parent)
	}
	if ix.suggest == nil || ix.suggest[d.Kind] {
		put("suggest", d.Title)
	}
	var places []string
	for _, p := range d.Places {
		if p = clean(p); p != "" {
			places = append(places, p)
		}
	}
	if len(places) > 0 {
		m["places"] = places
	}
	extra := make([]string, 0, 1+len(d.Tags)+len(places))
	if s := clean(d.Signer); s != "" {
		extra = append(extra, s)
	}
	for _, t := range d.Tags {
		if t = clean(t); t != "" {
			extra = append(extra, t)
		}
	}
	if d.Context == "" {
		extra = append(extra, places...)
	}
	if len(extra) > 0 {
		m["extra"] = extra
	}
	if c := clean(d.Context); c != "" {
		if len(places) > 0 {
			c += "\n" + strings.Join(places, "\n")
		}
		m["context"] = c
	}
	var pub string
	if !d.Published.IsZero() {
		pub = d.Published.UTC().Format(publishedLayout)
		m["published"] = pub
		m["year"] = strconv.Itoa(d.Published.Year())
	}
	if !d.Lean {
		m["meta"] = strings.Join(append([]string{clean(d.Agency), clean(d.Category), pub}, places...), "\n")
	}
	return m
}

// publishedLayout writes a date as a term whose byte order is time order:
// one term and one doc value per document. bleve's date type would index 16
// prefix-coded terms per document for range queries, which nothing here
// runs (years are their own field).
const publishedLayout = "20060102150405"

// parsePublished reads a publishedLayout term as the number its digits spell
// (20250301120000), which orders like the time itself.
func parsePublished(term []byte) (int64, bool) {
	if len(term) != len(publishedLayout) {
		return 0, false
	}
	var n int64
	for _, c := range term {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// newMapping is the explicit mapping of every field. Nothing is dynamic and
// _all is empty: each query names its fields and analyzer, which avoids the
// trap of a field silently analysed with bleve's standard analyzer.
func newMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = AnalyzerFold
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false

	text := func(name, analyzer string, store, vectors bool) *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Name = name
		fm.Analyzer = analyzer
		fm.Store = store
		fm.IncludeTermVectors = vectors // positions: phrases and highlights
		fm.IncludeInAll = false
		fm.DocValues = false
		return fm
	}
	kw := func(name string, store, docValues bool) *mapping.FieldMapping {
		fm := bleve.NewKeywordFieldMapping()
		fm.Name = name
		fm.Analyzer = keyword.Name
		fm.Store = store
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = docValues // facets and sorting read doc values
		return fm
	}
	storedOnly := func(name string) *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Name = name
		fm.Index = false
		fm.Store = true
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = false
		return fm
	}

	dm := bleve.NewDocumentStaticMapping()
	// The exact title has no term vectors either: the folded title's
	// positions give the bonus for adjacent words, and phrases in it are
	// checked on the stored title (textPhrase).
	dm.AddFieldMappingsAt("title", text(fTitle, AnalyzerExact, true, false), text(fTitleF, AnalyzerFold, false, true))
	// Bodies have no term vectors (a fifth of the index): highlights come
	// from analysing the page's hits again (markHits), quoted phrases from
	// reading the candidates' bodies (textPhrase), and the bonus for
	// adjacent words counts in titles only.
	dm.AddFieldMappingsAt("body", text(fBody, AnalyzerExact, true, false), text(fBodyF, AnalyzerFold, false, false))
	dm.AddFieldMappingsAt("number", text(fNumber, AnalyzerKey, false, false), text(fNumberT, AnalyzerFold, false, true))
	dm.AddFieldMappingsAt("extra", text(fExtra, AnalyzerExact, false, true), text(fExtraF, AnalyzerFold, false, true))
	// Context: folded only, no positions (never in phrases or highlights).
	dm.AddFieldMappingsAt("context", text(fContextF, AnalyzerFold, false, false))
	dm.AddFieldMappingsAt("suggest", text(fPrefix, AnalyzerPrefix, false, false), text(fTitleKey, AnalyzerKey, false, false))
	dm.AddFieldMappingsAt("kind", kw(fKind, true, true))
	// Facet and filter fields are not stored: what a hit shows of them is in
	// meta, which lean documents leave out. (Whether a field is stored must be
	// the same for every document: zap keeps a field's options per segment
	// and a merge keeps only the options all its segments share.)
	dm.AddFieldMappingsAt("agency", kw(fAgency, false, true))
	dm.AddFieldMappingsAt("category", kw(fCategory, false, true))
	dm.AddFieldMappingsAt("places", kw(fPlaces, false, true), text(fPlacesF, AnalyzerKey, false, false))
	dm.AddFieldMappingsAt("year", kw(fYear, false, true))
	dm.AddFieldMappingsAt("published", kw(fPublished, false, true))
	dm.AddFieldMappingsAt("url", storedOnly(fURL))
	dm.AddFieldMappingsAt("parent", storedOnly(fParent))
	dm.AddFieldMappingsAt("meta", storedOnly(fMeta))

	im.DefaultMapping = dm
	return im
}
