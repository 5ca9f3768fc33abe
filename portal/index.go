package portal

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/search"
)

// QASource lists the published questions and answers (the feedback store).
type QASource interface {
	AllPublicQA(ctx context.Context) ([]feedback.PublicQA, error)
}

// qaRecheck is how often the index asks the QA source for changes made by other
// replicas (a publish on this replica is indexed at once through IndexQA).
const qaRecheck = time.Minute

// SetQA sets the source of published questions and answers (for a store opened
// after the portal) and indexes them.
func (p *Portal) SetQA(src QASource) {
	p.qa.Store(&src)
	p.IndexQA()
}

// IndexQA asks the indexer to pick up published questions and answers now.
func (p *Portal) IndexQA() {
	if p.idx != nil {
		p.idx.poke()
	}
}

// The index is kept in step with the snapshots by one goroutine. It compares a
// manifest of what is indexed (a hash per notice, dataset and table, saved in the
// index itself) with the new snapshot and applies only the difference, so an edit
// is searchable within a second and a restart re-indexes nothing that did not change.

// indexer owns the index's manifest and runs syncs one at a time.
type indexer struct {
	ix       *search.Index
	thesauri thesauri // the site's (search_thesaurus.go)
	man      manifest // what the index holds, as last saved; nil until read
	epoch    uint64   // of the saved manifest
	logged   int      // records in the manifest log (0: no log)
	resave   bool     // what was read on disk was not all usable: save whole next
	logMax   int      // records the log may hold (Config.manifestLogMax)
	// clean holds the notices of the last snapshot synced without error: the
	// manifest has each of them with its current sum. A notice is immutable,
	// and a reload shares the unchanged ones with the previous site, so a sync
	// skips the notices found at the same place here (a pointer comparison)
	// instead of hashing and looking up all 100,000 after each edit.
	clean   []*content.Notice
	wake    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	synced  uint64 // generation last fully indexed
	changed int    // entries changed by the last sync
	version uint64 // increases with every sync that changed the index
	err     error  // last sync error
	docs    uint64
	waiters []chan struct{}
}

// IndexStatus tells whether the search index has caught up with the content.
type IndexStatus struct {
	Enabled bool
	Synced  bool   // the index reflects the current snapshot
	Docs    uint64 // documents in the index
	Changed int    // notices, datasets and tables re-indexed or removed by the last sync
	Version uint64 // increases whenever the index's content changes (a cache key for results)
	Err     string // the last indexing error, if any
}

// openIndex opens (or rebuilds) the index and reads its manifest. It runs
// while the first content load does, and touches nothing of p but the log.
func (p *Portal) openIndex(dir string) (*indexer, error) {
	ix, rebuilt, err := search.OpenOrRebuild(dir, search.Options{SuggestKinds: []string{"notice", "dataset", "qa"}, Log: p.log})
	if err != nil {
		return nil, fmt.Errorf("portal: search index: %w", err)
	}
	h := ix.Health()
	if rebuilt {
		p.log.Warn("search index unusable: rebuilding it from the content", "dir", dir, "reason", h.Repaired)
	} else if c := h.Checked; c.Segments > 0 {
		p.log.Info("search index segments checked", "segments", c.Segments, "mb", c.Bytes>>20, "took_ms", c.Took.Milliseconds(), "unchanged", c.Trusted, "after_unclean_stop", c.Unclean)
	}
	x := &indexer{ix: ix, logMax: p.cfg.manifestLogMax, wake: make(chan struct{}, 1), done: make(chan struct{})}
	if x.logMax <= 0 {
		x.logMax = manifestLogMax
	}
	if err := p.readManifest(x); err != nil {
		ix.Close()
		return nil, fmt.Errorf("portal: search index: %w", err)
	}
	return x, nil
}

// startIndex starts keeping the index x in step with the snapshots.
func (p *Portal) startIndex(x *indexer) {
	p.idx = x
	ctx, cancel := context.WithCancel(context.Background())
	p.stopIndex = cancel
	go p.indexLoop(ctx)
	x.poke()
}

func (x *indexer) poke() {
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

func (p *Portal) indexLoop(ctx context.Context) {
	defer close(p.idx.done)
	recheck := time.NewTicker(qaRecheck)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.idx.wake:
		case <-recheck.C:
			if p.qa.Load() == nil {
				continue
			}
		}
		snap := p.Snapshot()
		start := time.Now()
		n, err := p.syncIndex(ctx, snap)
		if errors.Is(err, context.Canceled) {
			return
		}
		docs, _ := p.idx.ix.Count()
		p.idx.mu.Lock()
		p.idx.err = err
		p.idx.docs = docs
		if err == nil {
			p.idx.synced = snap.Gen
			p.idx.changed = n
			if n > 0 {
				p.idx.version++
			}
			for _, w := range p.idx.waiters {
				close(w)
			}
			p.idx.waiters = nil
		}
		p.idx.mu.Unlock()
		if err != nil {
			p.log.Error("search index sync failed", "generation", snap.Gen, "err", err)
			continue
		}
		if n > 0 {
			p.log.Info("search index synced", "generation", snap.Gen, "changed", n, "docs", docs, "took_ms", time.Since(start).Milliseconds())
		}
		// The first searches would build the facet index of every segment (a
		// second at a million documents). Built here, after the index is
		// marked synced: a search that comes first builds what it needs itself,
		// and the index is searchable meanwhile.
		wstart := time.Now()
		if err := p.idx.ix.Warm(); err != nil {
			p.log.Warn("search index warm-up", "err", err)
		} else if ms := time.Since(wstart).Milliseconds(); ms >= 100 {
			p.log.Info("search index warmed", "took_ms", ms)
		}
	}
}

// WaitIndexed blocks until the index reflects the snapshot current at the call,
// or ctx ends. It returns at once when the portal has no index.
func (p *Portal) WaitIndexed(ctx context.Context) error {
	if p.idx == nil {
		return nil
	}
	gen := p.Snapshot().Gen
	for {
		p.idx.mu.Lock()
		if p.idx.synced >= gen {
			p.idx.mu.Unlock()
			return nil
		}
		w := make(chan struct{})
		p.idx.waiters = append(p.idx.waiters, w)
		p.idx.mu.Unlock()
		select {
		case <-w:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// IndexStatus reports the search index's state.
func (p *Portal) IndexStatus() IndexStatus {
	if p.idx == nil {
		return IndexStatus{}
	}
	p.idx.mu.Lock()
	defer p.idx.mu.Unlock()
	st := IndexStatus{Enabled: true, Synced: p.idx.synced >= p.Snapshot().Gen, Docs: p.idx.docs, Changed: p.idx.changed, Version: p.idx.version}
	if p.idx.err != nil {
		st.Err = p.idx.err.Error()
	}
	return st
}

// IndexHealth reports what the search index says of itself: why it was
// rebuilt when the portal opened it, why it must be rebuilt at the next
// start, the segments checked at open, the searches that fell back to
// bleve's search (see search.Health). Zero without an index.
func (p *Portal) IndexHealth() search.Health {
	if p.idx == nil {
		return search.Health{}
	}
	return p.idx.ix.Health()
}

// ErrNoIndex is returned by Search and Suggest when the portal runs without an index.
var ErrNoIndex = errors.New("portal: search is not enabled")

// Search runs a search. Errors: ErrNoIndex; search.ErrBadQuery (wrapped) for a
// request the user must correct; others are internal.
func (p *Portal) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	if p.idx == nil {
		return nil, ErrNoIndex
	}
	snap := p.Snapshot()
	if r.Thesaurus == nil && p.cfg.NoThesaurus {
		r.Thesaurus = search.NoThesaurus
	}
	if r.Thesaurus == nil {
		r.Thesaurus = p.idx.thesauri.of(snap.Site.Config)
	}
	res, err := p.idx.ix.Search(ctx, r)
	if err != nil {
		return nil, err
	}
	hits := res.Hits[:0]
	for _, h := range res.Hits {
		if h.Kind == "row" && !resolveRow(snap, &h) {
			continue
		}
		hits = append(hits, h)
	}
	res.Hits = hits
	return res, nil
}

// Suggest completes a title prefix. Errors as Search.
func (p *Portal) Suggest(ctx context.Context, prefix string, n int) ([]search.Suggestion, error) {
	if p.idx == nil {
		return nil, ErrNoIndex
	}
	return p.idx.ix.Suggest(ctx, prefix, n)
}

// Close writes the content cache and the record's state if a change is
// pending, stops indexing and closes the index.
func (p *Portal) Close() error {
	p.stopAccountability()
	p.flushCache()
	if p.rec != nil {
		p.rec.saveState()
	}
	if p.idx == nil {
		return nil
	}
	p.stopIndex()
	<-p.idx.done
	return p.idx.ix.Close()
}
