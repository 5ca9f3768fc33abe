package search

import "sync"

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

// advisor remembers the segments already advised.
type advisor struct {
	mu   sync.Mutex
	done map[uint64]bool // by segment id
}

// advise advises the persisted segments of s that were not yet. It runs
// for every search: when the segments are the ones already advised, it only
// looks them up.
func (a *advisor) advise(s *snapshot) {
	files, ids := s.files()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done == nil {
		a.done = map[uint64]bool{}
	}
	fresh := false
	for _, f := range files {
		if a.done[f.id] {
			continue
		}
		adviseRandom(f.data, f.path)
		a.done[f.id] = true
		fresh = true
	}
	if !fresh {
		return
	}
	// A new segment comes from a merge or a flush: forget the merged away.
	live := make(map[uint64]bool, len(ids))
	for _, id := range ids {
		live[id] = true
	}
	for id := range a.done {
		if !live[id] {
			delete(a.done, id)
		}
	}
}
