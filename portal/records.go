package portal

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/congkhai/congkhai/publish"
)

// ItemRecord is what the public record says of an item that changed since it
// was first recorded (a correction, a hand edit, a withdrawal or a
// restoration), as this replica follows the record: what a notice or dataset
// page shows without asking the database.
type ItemRecord struct {
	Path     string
	Kind     publish.Kind
	Versions int            // the latest version's number: 2 or more
	Action   publish.Action // what the latest version did
	Recorded time.Time      // when the first version was recorded
	Updated  time.Time      // when the latest was
	// Modifications counts the corrections and hand edits after the first
	// version: "Đã sửa đổi N lần". LastModified and ModReason are the last
	// one's time and reason (zero when none).
	Modifications int
	LastModified  time.Time
	ModReason     string
	Withdrawn     bool
}

// Tombstone is what stays of a withdrawn item: the page answers 410 Gone
// with it, and feeds carry it.
type Tombstone struct {
	Path    string
	Kind    publish.Kind
	Agency  string
	Title   string    // the title of the version withdrawn
	At      time.Time // when it was withdrawn
	Reason  string
	Version int // the withdrawal's version number
}

// recordIndex is the part of the recorder's state that pages read, built
// when it changes and shared by the snapshots made meanwhile. Items with one
// version and never withdrawn are left out: pages show nothing of them.
type recordIndex struct {
	items map[string]*ItemRecord
	tombs []*Tombstone // newest first
}

func visible(st *itemState) bool { return st != nil && (st.Number > 1 || st.Withdrawn) }

func recordOf(st *itemState) *ItemRecord {
	return &ItemRecord{Path: st.Path, Kind: st.Kind, Versions: st.Number, Action: st.Action, Recorded: st.First, Updated: st.At,
		Modifications: st.Mods, LastModified: st.LastMod, ModReason: st.ModReason, Withdrawn: st.Withdrawn}
}

func tombOf(st *itemState) *Tombstone {
	agency, _, _ := strings.Cut(st.Path, "/")
	return &Tombstone{Path: st.Path, Kind: st.Kind, Agency: agency, Title: st.Title, At: st.At, Reason: st.Reason, Version: st.Number}
}

// buildIndex makes the index of every item of the state.
func buildIndex(items map[string]*itemState) *recordIndex {
	x := &recordIndex{items: map[string]*ItemRecord{}}
	for p, st := range items {
		if visible(st) {
			x.items[p] = recordOf(st)
		}
	}
	x.tombs = tombstones(items)
	return x
}

// publishIndex makes a new index with the states changed, when one of them is
// or was visible; otherwise the index stays the same (the first recording of
// a whole folder changes nothing pages show). r.mu is held.
func (r *recorder) publishIndex(changed []*itemState) {
	old := r.index.Load()
	if old == nil {
		old = &recordIndex{items: map[string]*ItemRecord{}}
	}
	touched := false
	for _, st := range changed {
		if _, was := old.items[st.Path]; was || visible(st) {
			touched = true
			break
		}
	}
	if !touched {
		if r.index.Load() == nil {
			r.index.Store(old)
		}
		return
	}
	x := &recordIndex{items: maps.Clone(old.items)}
	for _, st := range changed {
		if visible(st) {
			x.items[st.Path] = recordOf(st)
		} else {
			delete(x.items, st.Path)
		}
	}
	x.tombs = tombstones(r.items)
	r.index.Store(x)
}

// tombstones lists the withdrawn items, newest first.
func tombstones(items map[string]*itemState) []*Tombstone {
	var out []*Tombstone
	for _, st := range items {
		if st.Withdrawn {
			out = append(out, tombOf(st))
		}
	}
	slices.SortFunc(out, func(a, b *Tombstone) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return out
}

// records returns the current record index (nil without a record).
func (p *Portal) records() *recordIndex {
	if p.rec == nil {
		return nil
	}
	return p.rec.index.Load()
}

// Record returns what the public record says of the item at path when it
// changed since it was first recorded (corrected, edited by hand, withdrawn
// or restored); false otherwise, or without a record.
func (s *Snapshot) Record(path string) (ItemRecord, bool) {
	if s.rec == nil {
		return ItemRecord{}, false
	}
	r, ok := s.rec.items[path]
	if !ok {
		return ItemRecord{}, false
	}
	return *r, true
}

// Tombstone returns the tombstone of the item at path when its latest version
// withdrew it: the page answers 410 Gone with its date and reason.
func (s *Snapshot) Tombstone(path string) (Tombstone, bool) {
	if s.rec == nil {
		return Tombstone{}, false
	}
	r, ok := s.rec.items[path]
	if !ok || !r.Withdrawn {
		return Tombstone{}, false
	}
	for _, t := range s.rec.tombs {
		if t.Path == path {
			return *t, true
		}
	}
	return Tombstone{}, false
}

// Tombstones returns the withdrawn items, the most recently withdrawn first,
// in a new slice.
func (s *Snapshot) Tombstones() []Tombstone {
	if s.rec == nil {
		return nil
	}
	out := make([]Tombstone, len(s.rec.tombs))
	for i, t := range s.rec.tombs {
		out[i] = *t
	}
	return out
}

// RecordStatus is the state of the portal's following of the record, for
// /healthz.
type RecordStatus struct {
	Enabled bool  // the portal has a record and a folder it writes
	Ready   bool  // it caught up once since it started
	Version int64 // the last version of the record applied to the folder
	Items   int   // items of the record it knows
}

// RecordStatus reports how far the portal follows the record.
func (p *Portal) RecordStatus() RecordStatus {
	r := p.rec
	if r == nil {
		return RecordStatus{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return RecordStatus{Enabled: true, Ready: r.ready, Version: r.cursor, Items: len(r.items)}
}

// ErrNoRecord is returned by the methods about the record when the portal
// has none (no Config.Publish, or a content folder it cannot write).
var ErrNoRecord = errors.New("portal: no publishing record")

// WaitRecord blocks until the portal has applied every version recorded
// before the call and compared with the record every change of the folder it
// had seen (reloads made before the call), or ctx ends. It fails with
// ErrNoRecord without a record; it needs Run.
func (p *Portal) WaitRecord(ctx context.Context) error {
	r := p.rec
	if r == nil {
		return ErrNoRecord
	}
	head, err := r.store.Head(ctx)
	if err != nil {
		return err
	}
	// Two rounds of the recorder that end after the call: the second began
	// after it, with every touch and version made before it.
	for {
		rounds := 0
		for rounds < 2 {
			r.pmu.Lock()
			ch := r.progress
			r.pmu.Unlock()
			r.mu.Lock()
			ready := r.ready
			r.mu.Unlock()
			select {
			case r.wake <- struct{}{}:
			default:
			}
			select {
			case <-ch:
				if ready {
					rounds++
				}
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		r.pmu.Lock()
		busy := r.full || len(r.pending) > 0
		r.pmu.Unlock()
		r.mu.Lock()
		ok := r.cursor >= head
		r.mu.Unlock()
		if ok && !busy {
			return nil
		}
	}
}
