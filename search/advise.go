package search

import (
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Index segments are memory-mapped files read at random: a query touches a
// few pages of a dictionary, some postings lists, a hundred stored titles.
// The kernel's read-ahead on a page fault is tuned for sequential reads
// (8 MB per fault on some virtual disks), so without advice a few hundred
// queries pulled most of the index into the page cache and the process's
// resident set, and under a memory limit every fault evicted what the next
// query needed. Each persisted segment is therefore advised random access
// once, when a snapshot first shows it, and what bleve's opening of it read
// ahead is dropped from the page cache (the pages in use stay: they are
// mapped).

// mapped is a persisted zap segment: its file's mapping.
type mapped interface {
	Data() []byte
	Path() string
}

// advisor remembers the segments already advised.
type advisor struct {
	mu   sync.Mutex
	done map[uint64]bool // by segment id
}

// advise advises the persisted segments of snap that were not yet. It runs
// for every search: when the segments are the ones already advised, it only
// looks them up.
func (a *advisor) advise(snap *scorch.IndexSnapshot) {
	segs := snap.Segments()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done == nil {
		a.done = map[uint64]bool{}
	}
	fresh := false
	for _, ss := range segs {
		id := ss.Id()
		if a.done[id] {
			continue
		}
		if m, ok := ss.Segment().(mapped); ok && m.Path() != "" && len(m.Data()) > 0 {
			adviseRandom(m.Data(), m.Path())
			a.done[id] = true
			fresh = true
		}
	}
	if !fresh {
		return
	}
	// A new segment comes from a merge or a flush: forget the merged away.
	live := make(map[uint64]bool, len(segs))
	for _, ss := range segs {
		live[ss.Id()] = true
	}
	for id := range a.done {
		if !live[id] {
			delete(a.done, id)
		}
	}
}
