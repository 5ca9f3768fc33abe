package search

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
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
	// ErrDamaged means a search panicked, most likely on a damaged index;
	// the index is rebuilt at the next start (see Health).
	ErrDamaged = errors.New("search: index damaged")
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
	// ExactLimit is the largest match set that bleve ranks in full
	// (default 2000); above it the own ranking picks the candidates bleve
	// ranks (see matchset.go). Tests lower it to exercise that.
	ExactLimit int
	// CostLimit is the number of postings a query may make bleve walk
	// (default 40,000); costlier queries get the own ranking alone (see
	// ownrank.go). Tests lower it to exercise that.
	CostLimit int

	// Thesaurus is what a request without its own uses (see
	// Request.Thesaurus). Nil means DefaultThesaurus; NoThesaurus turns
	// synonyms off.
	Thesaurus *Thesaurus

	// Log receives what the index reports on its own: a search that fell
	// back to bleve's search because bleve's internals were not what this
	// package reads, a search that panicked. Nil means slog.Default().
	Log *slog.Logger

	// MaxSearches is how many searches run at once (default twice
	// GOMAXPROCS); more wait their turn. A search is CPU-bound, so more at
	// once than the cores only adds memory: the own ranking holds score
	// arrays as long as the index's segments (about 10 MB at 1.1 million
	// documents) for each search in flight.
	MaxSearches int

	bleveOnly  bool               // tests: bleve's search alone, the reference of the match sets
	indexType  string             // tests: bleve's index type of a new index ("upsidedown": not scorch's internals)
	zapVersion int                // tests: the zap format of a new index's segments (default: scorch's, 17)
	fault      func(where string) // tests: called where a search could panic (damage.go)
	pruneAt    uint64             // tests: postings lists longer than this are pruned (ownrank.go)
	denseAt    int                // tests: scored documents of a segment from which matches are tested as a bitset (default denseCheck)
}

func (o Options) withDefaults() Options {
	if o.Thesaurus == nil {
		o.Thesaurus = DefaultThesaurus()
	}
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
	if o.Log == nil {
		o.Log = slog.Default()
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
	suggest    map[string]bool            // nil: every kind feeds Suggest
	running    chan struct{}              // one token per search in flight (Options.MaxSearches)
	fwd        facetCache                 // facet forward index per segment
	lender     atomic.Pointer[dictLender] // the current snapshot's term dictionaries (internals.go)
	advised    advisor                    // segments advised random access (advise.go)
	internals  internals                  // fallbacks to bleve's search (internals.go)
	checked    CheckFigures               // the segments checked when the index opened
	repaired   string                     // why OpenOrRebuild rebuilt the index
	damage     struct {
		mu     sync.Mutex
		reason string // why the index is marked damaged (damage.go)
	}
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
	var check *segmentCheck
	var gen uint64
	switch state {
	case dirMissing, dirEmpty:
		bi, err = create(dir, opts)
	case dirTorn:
		err = needsRebuild(dir, "no index_meta.json")
	case dirIndex:
		check = newSegmentCheck(dir)
		bi, gen, err = openExisting(dir, opts, check)
	}
	if err != nil {
		return nil, err
	}
	ix := &Index{bi: bi, dir: dir, opts: opts, gen: gen, running: make(chan struct{}, opts.MaxSearches)}
	if check != nil {
		ix.finishCheck(check)
	}
	if err := markOpen(dir); err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	}
	ix.persistErr = asyncErrors.watch(dir)
	if opts.SuggestKinds != nil {
		ix.suggest = make(map[string]bool, len(opts.SuggestKinds))
		for _, k := range opts.SuggestKinds {
			ix.suggest[k] = true
		}
	}
	return ix, nil
}

// create makes an empty index in dir.
func create(dir string, opts Options) (bleve.Index, error) {
	typ := bleve.Config.DefaultIndexType
	if opts.indexType != "" {
		typ = opts.indexType
	}
	var extra map[string]interface{}
	if opts.zapVersion != 0 {
		extra = map[string]interface{}{"forceSegmentType": "zap", "forceSegmentVersion": opts.zapVersion}
	}
	bi, err := bleve.NewUsing(dir, newMapping(), typ, bleve.Config.DefaultKVStore, bleveConfig(extra))
	if err != nil {
		return nil, fmt.Errorf("search: create index %s: %w", dir, err)
	}
	if err := setDurably(bi, keyVersion, strconv.Itoa(MappingVersion)); err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("search: create index %s: %w", dir, err)
	}
	return bi, nil
}

// openExisting opens the index in dir, its segments checked by check, and
// returns it with its generation, or ErrRebuild when it is not usable as is.
func openExisting(dir string, opts Options, check *segmentCheck) (bleve.Index, uint64, error) {
	bi, err := openBleve(dir, opts.LockTimeout, check)
	if err != nil {
		return nil, 0, err
	}
	fail := func(format string, args ...any) (bleve.Index, uint64, error) {
		_ = bi.Close()
		return nil, 0, needsRebuild(dir, format, args...)
	}
	// Read once the index is locked: a process that holds it open may
	// have just marked it, and must keep it meanwhile.
	if why, err := os.ReadFile(filepath.Join(dir, damagedFile)); err == nil {
		return fail("%s", why)
	}
	v, err := bi.GetInternal([]byte(keyVersion))
	if err != nil {
		return fail("read mapping version: %v", err)
	}
	if string(v) != strconv.Itoa(MappingVersion) {
		return fail("mapping version %q, want %d", v, MappingVersion)
	}
	g, err := bi.GetInternal([]byte(keyGeneration))
	if err != nil {
		return fail("read generation: %v", err)
	}
	gen, _ := strconv.ParseUint(string(g), 10, 64)
	// A missing or torn file reads as 0: it is written without fsync.
	b, _ := os.ReadFile(filepath.Join(dir, generationFile))
	if want, _ := strconv.ParseUint(string(b), 10, 64); gen < want {
		return fail("index went back to generation %d from %d (lost snapshot)", gen, want)
	}
	return bi, gen, nil
}

// openBleve opens an existing index, turning bleve's failures into
// ErrLocked or ErrRebuild, with every segment's checksum checked before zap
// reads it (internals.go). bleve may panic on some corrupt files, so a
// panic is treated as corruption too.
func openBleve(dir string, lockTimeout time.Duration, check *segmentCheck) (bi bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			bi = nil
			err = needsRebuild(dir, "panic: %v", r)
		}
	}()
	bi, err = bleve.OpenUsing(dir, bleveConfig(map[string]interface{}{
		"bolt_timeout":  lockTimeout.String(),
		"segmentConfig": check.config(),
	}))
	// A damaged segment makes scorch give up its snapshot, and bleve may
	// then fail for what the snapshot held (its mapping): the damage is the
	// reason.
	damaged := check.done()
	switch {
	case damaged != nil:
		if err == nil {
			_ = bi.Close()
		}
		return nil, needsRebuild(dir, "%v", damaged)
	case err == nil:
		return bi, nil
	case isLockTimeout(err):
		return nil, fmt.Errorf("search: open %s: %w", dir, ErrLocked)
	case errors.Is(err, os.ErrPermission):
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	default:
		return nil, needsRebuild(dir, "%v", err)
	}
}

// finishCheck keeps the figures of the segments' checking and records the
// segments that passed (a failure to write the record only costs reading
// them again at the next open).
func (ix *Index) finishCheck(check *segmentCheck) {
	live, ok, err := segmentFiles(ix.bi)
	if err == nil && ok {
		var unchecked []string
		unchecked, err = check.finish(ix.dir, live)
		if len(unchecked) > 0 {
			ix.mismatch(internalsError("segments opened without their checksum checked (a format this package does not know): %s", strings.Join(unchecked, ", ")))
		}
	}
	if err != nil {
		ix.opts.Log.Warn("search: record of checked segments", "dir", ix.dir, "err", err)
	}
	check.mu.Lock()
	ix.checked = check.figures
	check.mu.Unlock()
}

// rebuildError is ErrRebuild with the reason.
type rebuildError struct{ dir, why string }

func (e *rebuildError) Error() string {
	return fmt.Sprintf("search: open %s: %s: %v", e.dir, e.why, ErrRebuild)
}

func (e *rebuildError) Unwrap() error { return ErrRebuild }

func needsRebuild(dir, format string, args ...any) error {
	return &rebuildError{dir: dir, why: fmt.Sprintf(format, args...)}
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
	why := err.Error()
	if re := (*rebuildError)(nil); errors.As(err, &re) {
		why = re.why
	}
	ix, err = Open(dir, opts)
	if err != nil {
		return nil, false, err
	}
	ix.repaired = why
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
	if err := unmarkOpen(ix.dir); err != nil {
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

func wrapClosed(op string, err error) error {
	if errors.Is(err, bleve.ErrorIndexClosed) {
		return fmt.Errorf("search: %s: %w", op, ErrClosed)
	}
	return fmt.Errorf("search: %s: %w", op, err)
}
