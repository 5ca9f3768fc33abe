package portal

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/internal/atomicfile"
	"github.com/congkhai/congkhai/publish"
)

// Config is what a Portal needs.
type Config struct {
	// Content is the content folder. Required.
	Content fs.FS
	// Dir is the content folder's path on disk; when set, Run watches it for changes.
	// Leave it empty for a read-only folder (the embedded demo).
	Dir string
	// Log receives load problems and reload events. Required.
	Log *slog.Logger
	// Now returns the current time; time.Now when nil. Tests set it.
	Now func() time.Time
	// IndexDir, when set, is where the search index lives; the portal keeps it in
	// step with the content. Without it Search returns ErrNoIndex.
	IndexDir string
	// NoThesaurus makes Search match the words as typed (search.NoThesaurus)
	// unless a request names its thesaurus: congkhai serve --thesaurus=false,
	// to measure what the thesaurus costs.
	NoThesaurus bool
	// QA, when set, lists the published questions and answers, which join the
	// search index as kind "qa" (call IndexQA after publishing or unpublishing).
	// SetQA sets it after Open.
	QA QASource
	// Debounce is how long Run waits for a burst of file events to settle before
	// reloading (100 ms when zero).
	Debounce time.Duration
	// BuildOnly says the portal is opened to build its search index and
	// serves nothing (congkhai index): the index is then fed ten times more
	// documents per call, so that search.Index.Apply has batches to index two
	// at a time; it trades memory for time. A serving portal keeps small
	// calls: under its soft memory limit larger ones keep the garbage
	// collector running.
	BuildOnly bool
	// CacheFile, when set, is where the portal keeps the metadata of every
	// content file between runs (see content.WriteCache), so that a restart
	// reads and parses only the files that changed while it was down. A missing,
	// old or corrupt cache is ignored (the start then reads everything).
	CacheFile string
	// CacheQuiet and CacheMaxWait time the writes of CacheFile (3 s and 30 s
	// when zero; see defaultCacheQuiet).
	CacheQuiet, CacheMaxWait time.Duration

	// Publish, when set, is the public record of every version of every
	// notice and dataset (package publish, in the portal's database). With
	// Dir set, the portal then records the hand edits of the folder,
	// publishes through Publish and ApproveDraft, and Run applies to the
	// folder the versions other replicas record (see record.go). Nil keeps
	// the folder as the only source (congkhai check, tests).
	Publish *publish.Store
	// RecordFile is where the portal keeps its place in the record: the
	// last version applied to the folder and what it knows of every item.
	// Required with Publish and Dir.
	RecordFile string

	// manifestLogMax is the number of records the search index's manifest
	// log may hold before the manifest is saved whole (0: manifestLogMax).
	// Tests lower it.
	manifestLogMax int
}

// The cache file is written once no load has parsed files for CacheQuiet, and
// at the latest CacheMaxWait after the first load it misses: a burst of edits
// costs one write, and the write (a sixth of a second of CPU at 100,000
// notices) does not compete with the reload and the search index of the next
// edit. A cache that misses the last edits is still right about every other
// file: a start reads again only the files whose size or time changed.
const (
	defaultCacheQuiet   = 3 * time.Second
	defaultCacheMaxWait = 30 * time.Second
)

// watchAfterSync bounds how long Run waits for the index's first sync before
// it starts watching the content folder.
const watchAfterSync = 5 * time.Second

// Portal owns the current snapshot. Its methods are safe for concurrent use.
type Portal struct {
	cfg  Config
	log  *slog.Logger
	snap atomic.Pointer[Snapshot]
	mu   sync.Mutex // serialises reloads
	gen  uint64     // guarded by mu

	listenMu  sync.Mutex
	listeners []func(old, cur *Snapshot)

	idx       *indexer // nil without IndexDir
	stopIndex context.CancelFunc
	qa        atomic.Pointer[QASource]

	cacheKey   string
	cacheWake  chan struct{} // a site worth saving was loaded
	cacheDone  chan struct{} // closed when the cache writer has stopped
	stopCache  context.CancelFunc
	closeCache sync.Once
	cacheMu    sync.Mutex  // serialises writes of CacheFile
	cacheDirty atomic.Bool // a site worth saving was loaded since the last write

	rec *recorder // nil without Config.Publish and Config.Dir

	vcOnce sync.Once
	vc     *versionCache // versions of the record loaded (history.go)

	accOnce sync.Once
	acc     *accBuilder // the accountability pages' data (accountability.go), once asked for

	recordChecks recordChecks // what changes' export files read as (accountability.go)
}

// Open loads the content folder once and returns a Portal serving it, and opens
// the search index when cfg.IndexDir is set (indexing then runs in the
// background: the portal serves pages at once). Problems in individual files are
// logged and kept in the snapshot. Open fails when the configuration is
// incomplete or the index cannot be opened (search.ErrLocked when another
// process holds it). Call Close when done.
func Open(ctx context.Context, cfg Config) (*Portal, error) {
	if cfg.Content == nil {
		return nil, errors.New("portal: no content folder")
	}
	if cfg.Log == nil {
		return nil, errors.New("portal: no logger")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Debounce <= 0 {
		cfg.Debounce = 100 * time.Millisecond
	}
	if cfg.CacheQuiet <= 0 {
		cfg.CacheQuiet = defaultCacheQuiet
	}
	if cfg.CacheMaxWait <= 0 {
		cfg.CacheMaxWait = defaultCacheMaxWait
	}
	p := &Portal{cfg: cfg, log: cfg.Log}
	if cfg.Publish != nil && cfg.Dir != "" {
		if cfg.RecordFile == "" {
			return nil, errors.New("portal: Publish needs RecordFile")
		}
		p.rec = newRecorder(p)
	}
	if cfg.QA != nil {
		p.qa.Store(&cfg.QA)
	}
	var cached func() *content.Site
	if cfg.CacheFile != "" {
		p.cacheKey = cfg.Dir
		if abs, err := filepath.Abs(cfg.Dir); err == nil && cfg.Dir != "" {
			p.cacheKey = abs
		}
		cached = p.readCache // read while the folder is listed
		p.cacheWake = make(chan struct{}, 1)
		p.cacheDone = make(chan struct{})
		cctx, cancel := context.WithCancel(context.Background())
		p.stopCache = cancel
		go p.cacheLoop(cctx)
	}
	// The index is opened, and its manifest read, while the content loads.
	type opened struct {
		x   *indexer
		err error
	}
	var index chan opened
	if cfg.IndexDir != "" {
		index = make(chan opened, 1)
		go func() {
			x, err := p.openIndex(cfg.IndexDir)
			index <- opened{x, err}
		}()
	}
	var recState chan struct{}
	if p.rec != nil {
		recState = make(chan struct{})
		go func() { p.rec.loadState(); close(recState) }()
	}
	p.load(ctx, cached, nil)
	if recState != nil {
		<-recState
		p.rec.share(p.Snapshot().Site)
	}
	if index != nil {
		o := <-index
		if o.err != nil {
			p.flushCache()
			return nil, o.err
		}
		p.startIndex(o.x)
	}
	return p, nil
}

// Snapshot returns the current snapshot. It never returns nil after Open.
func (p *Portal) Snapshot() *Snapshot { return p.snap.Load() }

// Content is the content folder the portal reads (attachments and tables are
// read from it on demand).
func (p *Portal) Content() fs.FS { return p.cfg.Content }

// Now is the portal's clock.
func (p *Portal) Now() time.Time { return p.cfg.Now() }

// OnChange registers fn to be called (synchronously, under the reload lock) after
// every snapshot swap with the previous and the new snapshot.
func (p *Portal) OnChange(fn func(old, cur *Snapshot)) {
	p.listenMu.Lock()
	defer p.listenMu.Unlock()
	p.listeners = append(p.listeners, fn)
}

// Reload reads the content folder again and swaps the snapshot in one step, so a
// request sees either the old site or the new one, never a mix. Files that fail to
// load keep their last good version (content.Load's contract). When nothing
// changed, the snapshot stays as it is and is returned.
func (p *Portal) Reload(ctx context.Context) *Snapshot {
	return p.load(ctx, nil, nil)
}

// load reloads the content: everything when paths is nil, else only those paths
// (content.Reload). cached, when not nil, gives the previous site of the
// first load.
func (p *Portal) load(ctx context.Context, cached func() *content.Site, paths []string) *Snapshot {
	p.mu.Lock()
	cur := p.loadLocked(ctx, cached, paths)
	p.mu.Unlock()
	if p.rec != nil {
		p.rec.touch(paths)
	}
	return cur
}

// loadLocked is load with p.mu held, without telling the recorder.
func (p *Portal) loadLocked(ctx context.Context, cached func() *content.Site, paths []string) *Snapshot {
	start := time.Now()
	old := p.snap.Load()
	var prev *content.Site
	if old != nil {
		prev = old.Site
	}
	var site *content.Site
	var problems []content.Problem
	switch {
	case old == nil && cached != nil:
		site, problems = content.LoadCached(ctx, p.cfg.Content, cached)
	case paths == nil:
		site, problems = content.Load(ctx, p.cfg.Content, prev)
	default:
		site, problems = content.Reload(ctx, p.cfg.Content, prev, paths)
	}
	rec := p.records()
	if old != nil && site == old.Site {
		if rec != old.rec {
			return p.swapLocked(old.withRecords(rec, p.gen+1))
		}
		p.log.Info("content unchanged", "generation", old.Gen, "took_ms", time.Since(start).Milliseconds())
		return old
	}
	p.gen++
	cur := newSnapshot(site, problems, p.gen)
	cur.rec = rec
	errs := 0
	for _, pr := range problems {
		if pr.Guess {
			p.log.Info("content guess", "guess", pr.String())
			continue
		}
		errs++
		p.log.Warn("content problem", "problem", pr.String())
	}
	p.log.Info("content loaded", "generation", cur.Gen, "agencies", len(site.Agencies),
		"notices", len(site.Notices), "datasets", len(site.Datasets), "problems", errs, "guesses", len(problems)-errs,
		"parsed", site.Parsed(), "took_ms", time.Since(start).Milliseconds())
	p.swapLocked(cur)
	if p.cacheWake != nil && site.Parsed() > 0 {
		p.cacheDirty.Store(true)
		select {
		case p.cacheWake <- struct{}{}:
		default:
		}
	}
	return cur
}

// swapLocked makes cur the current snapshot and tells the listeners and the
// index; p.mu is held.
func (p *Portal) swapLocked(cur *Snapshot) *Snapshot {
	old := p.snap.Load()
	p.gen = cur.Gen
	p.snap.Store(cur)
	p.listenMu.Lock()
	ls := append([]func(old, cur *Snapshot){}, p.listeners...)
	p.listenMu.Unlock()
	for _, fn := range ls {
		fn(old, cur)
	}
	if p.idx != nil {
		p.idx.poke()
	}
	return cur
}

// Run watches the content folder and reloads on every change until ctx is done.
// With a record (Config.Publish), it also follows the record: versions other
// replicas record are applied to the folder, hand edits are recorded (see
// record.go). It returns nil at once when the portal has no folder on disk to
// watch.
func (p *Portal) Run(ctx context.Context) error {
	if p.cfg.Dir == "" {
		return nil
	}
	if p.rec != nil {
		done := make(chan struct{})
		go func() { defer close(done); p.rec.run(ctx) }()
		defer func() { <-done }()
	}
	// The watcher's first call reloads everything, to catch what changed since
	// the load: a second of CPU at 100,000 notices, which slowed the index's
	// first sync after a restart. That sync goes first (for at most
	// watchAfterSync: a first build takes minutes); nothing is missed
	// meanwhile, since the full reload sees every change made before it.
	if p.idx != nil {
		wctx, cancel := context.WithTimeout(ctx, watchAfterSync)
		_ = p.WaitIndexed(wctx)
		cancel()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return content.Watch(ctx, p.cfg.Dir, p.cfg.Debounce, func(paths []string) {
		p.log.Info("content changed", "files", len(paths))
		// Only the paths the watcher reported are listed again; "." (the first
		// call, or lost events) reloads everything.
		p.load(ctx, nil, paths)
	})
}

// readCache returns the site saved in CacheFile, or nil when there is none
// that can be used.
func (p *Portal) readCache() *content.Site {
	start := time.Now()
	f, err := os.Open(p.cfg.CacheFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		p.log.Warn("content cache not read; loading every file", "file", p.cfg.CacheFile, "err", err)
		return nil
	}
	defer f.Close()
	site, err := content.ReadCache(f, p.cacheKey)
	if err != nil {
		p.log.Warn("content cache not used; loading every file", "file", p.cfg.CacheFile, "err", err)
		return nil
	}
	p.log.Info("content cache read", "file", p.cfg.CacheFile, "took_ms", time.Since(start).Milliseconds())
	return site
}

// cacheLoop writes the cache file after loads that parsed files, once they
// stop for CacheQuiet (or CacheMaxWait after the first).
func (p *Portal) cacheLoop(ctx context.Context) {
	defer close(p.cacheDone)
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.cacheWake:
		}
		deadline := time.NewTimer(p.cfg.CacheMaxWait)
		quiet := time.NewTimer(p.cfg.CacheQuiet)
	wait:
		for {
			select {
			case <-ctx.Done():
				deadline.Stop()
				quiet.Stop()
				return // Close writes what is pending
			case <-p.cacheWake: // another change: wait for quiet again
				quiet.Reset(p.cfg.CacheQuiet)
			case <-quiet.C:
				break wait
			case <-deadline.C:
				break wait
			}
		}
		deadline.Stop()
		quiet.Stop()
		p.saveCache()
	}
}

// saveCache writes the current site to CacheFile, atomically: a crash leaves
// the old file or the new one, never half of one.
func (p *Portal) saveCache() {
	p.cacheMu.Lock()
	defer p.cacheMu.Unlock()
	if !p.cacheDirty.Swap(false) {
		return
	}
	site := p.Snapshot().Site
	start := time.Now()
	if err := atomicfile.Write(p.cfg.CacheFile, func(w io.Writer) error {
		return content.WriteCache(w, site, p.cacheKey)
	}); err != nil {
		p.log.Warn("content cache not written", "file", p.cfg.CacheFile, "err", err)
		return
	}
	p.log.Info("content cache written", "file", p.cfg.CacheFile, "took_ms", time.Since(start).Milliseconds())
}

// flushCache stops the cache writer and writes what is pending.
func (p *Portal) flushCache() {
	if p.cacheWake == nil {
		return
	}
	p.closeCache.Do(func() {
		p.stopCache()
		<-p.cacheDone
		p.saveCache()
	})
}
