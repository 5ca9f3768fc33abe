package portal

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/congkhai/congkhai/content"
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
	// QA, when set, lists the published questions and answers, which join the
	// search index as kind "qa" (call IndexQA after publishing or unpublishing).
	// SetQA sets it after Open.
	QA QASource
	// Debounce is how long Run waits for a burst of file events to settle before
	// reloading (100 ms when zero).
	Debounce time.Duration
}

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
	p := &Portal{cfg: cfg, log: cfg.Log}
	if cfg.QA != nil {
		p.qa.Store(&cfg.QA)
	}
	p.Reload(ctx)
	if cfg.IndexDir != "" {
		if err := p.openIndex(cfg.IndexDir); err != nil {
			return nil, err
		}
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
// load keep their last good version (content.Load's contract).
func (p *Portal) Reload(ctx context.Context) *Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	start := time.Now()
	old := p.snap.Load()
	var prev *content.Site
	if old != nil {
		prev = old.Site
	}
	site, problems := content.Load(ctx, p.cfg.Content, prev)
	p.gen++
	cur := newSnapshot(site, problems, p.gen)
	p.snap.Store(cur)
	for _, pr := range problems {
		p.log.Warn("content problem", "problem", pr.String())
	}
	p.log.Info("content loaded", "generation", cur.Gen, "agencies", len(site.Agencies),
		"notices", len(site.Notices), "datasets", len(site.Datasets), "problems", len(problems),
		"took_ms", time.Since(start).Milliseconds())
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
// It returns nil at once when the portal has no folder on disk to watch.
func (p *Portal) Run(ctx context.Context) error {
	if p.cfg.Dir == "" {
		return nil
	}
	return content.Watch(ctx, p.cfg.Dir, p.cfg.Debounce, func(paths []string) {
		p.log.Info("content changed", "files", len(paths))
		p.Reload(ctx)
	})
}
