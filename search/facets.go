package search

import (
	"errors"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// A forward index of the facet fields of one segment: for every document,
// the number of its value in each facet field. Segments never change once
// written (deletions are kept aside), so it is built once per segment, from
// the segment's own postings lists, and dropped when the segment is merged
// away.
type segFacets struct {
	fields []facetColumn
}

type facetColumn struct {
	name   string   // facet name (agency, category, …)
	values []string // value numbers → text
	// single[d] is 1 + the value number of document d, 0 for none; used
	// when no document has two values. Otherwise starts/vals hold each
	// document's values (CSR).
	single []uint16
	starts []uint32
	vals   []uint32
	// bms[k] are the documents with value k (views of the segment's
	// postings: the segment outlives every search that reaches it here).
	bms []*roaring.Bitmap
	// bmCost is what counting by intersecting a match set with every bms
	// costs, in documents visited: a value in an array or run container is
	// tested one by one, a bitmap container (4,096 values or more) is a
	// pass over 1,024 words. perDoc is the values a document has on
	// average: what visiting a match costs.
	bmCost, perDoc float64
}

// facetNames fixes the order of the columns.
var facetNames = []string{FilterAgency, FilterCategory, FilterYear, FilterPlace, FilterKind}

func buildSegFacets(v *segView) (*segFacets, error) {
	n := int(v.count())
	sf := &segFacets{}
	for _, name := range facetNames {
		field := facetFields[name]
		col := facetColumn{name: name}
		var bms []*roaring.Bitmap
		err := v.terms(field, func(value string) error {
			bm, err := v.postings(field, []byte(value))
			if err != nil {
				return err
			}
			col.values = append(col.values, value)
			bms = append(bms, bm)
			return nil
		})
		if err != nil {
			return nil, err
		}
		col.bms = bms
		counts := make([]uint32, n+1)
		multi := len(col.values) >= 1<<16-1
		for _, bm := range bms {
			bm.Iterate(func(x uint32) bool {
				if int(x) < n {
					counts[x+1]++
					if counts[x+1] > 1 {
						multi = true
					}
				}
				return true
			})
		}
		if !multi {
			col.single = make([]uint16, n)
			for k, bm := range bms {
				bm.Iterate(func(x uint32) bool {
					if int(x) < n {
						col.single[x] = uint16(k + 1)
					}
					return true
				})
			}
		} else {
			for i := 1; i <= n; i++ {
				counts[i] += counts[i-1]
			}
			col.starts = counts
			col.vals = make([]uint32, counts[n])
			fill := make([]uint32, n)
			for k, bm := range bms {
				bm.Iterate(func(x uint32) bool {
					if int(x) < n {
						col.vals[counts[x]+fill[x]] = uint32(k)
						fill[x]++
					}
					return true
				})
			}
		}
		var values int
		for _, bm := range bms {
			st := bm.Stats()
			col.bmCost += float64(st.ArrayContainerValues + st.RunContainerBytes/4 + 256*st.BitmapContainers)
			values += int(st.Cardinality)
		}
		col.perDoc = float64(values) / float64(max(n, 1))
		sf.fields = append(sf.fields, col)
	}
	return sf, nil
}

// count adds the facet values of the documents of m to out. Each column is
// counted the cheaper way: by intersecting m with each value's documents
// (cost per value: few dense values, such as the kinds or the years of a
// large match set) or by visiting each match (cost per match: many sparse
// values, such as the places, or a small match set).
func (sf *segFacets) count(m *roaring.Bitmap, out map[string]map[string]int) {
	tb := tallyPool.Get().(*tallyBuf)
	defer tallyPool.Put(tb)
	card := float64(m.GetCardinality())
	visit := tb.visit[:0]
	for i := range sf.fields {
		col := &sf.fields[i]
		if col.bmCost < card*max(col.perDoc, 1) {
			o := out[col.name]
			for k, bm := range col.bms {
				if c := int(m.AndCardinality(bm)); c > 0 {
					o[col.values[k]] += c
				}
			}
			continue
		}
		visit = append(visit, col)
	}
	tb.visit = visit
	if len(visit) == 0 {
		return
	}
	need := 0
	for _, col := range visit {
		need += len(col.values) + 1
	}
	if cap(tb.flat) < need {
		tb.flat = make([]int, need)
	}
	flat := tb.flat[:need]
	clear(flat)
	tallies := tb.tallies[:0]
	for _, col := range visit {
		tallies, flat = append(tallies, flat[:len(col.values)+1]), flat[len(col.values)+1:]
	}
	tb.tallies = tallies
	buf := tb.buf[:]
	it := m.ManyIterator()
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		for i, col := range visit {
			t := tallies[i]
			if col.single != nil {
				for _, d := range buf[:k] {
					if int(d) < len(col.single) {
						t[col.single[d]]++
					}
				}
				continue
			}
			for _, d := range buf[:k] {
				if int(d)+1 < len(col.starts) {
					for _, v := range col.vals[col.starts[d]:col.starts[d+1]] {
						t[v+1]++
					}
				}
			}
		}
	}
	for i, col := range visit {
		o := out[col.name]
		for k, c := range tallies[i][1:] {
			if c > 0 {
				o[col.values[k]] += c
			}
		}
	}
	clear(visit) // the pool does not keep a merged segment's columns alive
}

// tallyBuf is what count needs for one call; pooled, as a query counts
// every segment with matches.
type tallyBuf struct {
	flat    []int   // every column's tallies, one after the other
	tallies [][]int // views of flat, one per column
	visit   []*facetColumn
	buf     [256]uint32
}

var tallyPool = sync.Pool{New: func() any { return new(tallyBuf) }}

// facetCache holds the forward index of each live segment.
type facetCache struct {
	mu   sync.Mutex
	segs map[uint64]*facetEntry
}

type facetEntry struct {
	once sync.Once
	sf   *segFacets
	err  error
}

func (c *facetCache) get(v *segView) (*segFacets, error) {
	id := v.id
	c.mu.Lock()
	if c.segs == nil {
		c.segs = map[uint64]*facetEntry{}
	}
	e, ok := c.segs[id]
	if !ok {
		e = &facetEntry{}
		c.segs[id] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.sf, e.err = buildSegFacets(v) })
	if e.err != nil {
		c.mu.Lock()
		delete(c.segs, id)
		c.mu.Unlock()
	}
	return e.sf, e.err
}

// keep forgets the segments that are not in vs (merged away). It runs
// after each faceted search; a snapshot being searched concurrently may
// rebuild an entry it still needs, which costs time, never correctness.
func (c *facetCache) keep(vs []*segView) {
	live := make(map[uint64]bool, len(vs))
	for _, v := range vs {
		live[v.id] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range c.segs {
		if !live[id] {
			delete(c.segs, id)
		}
	}
}

// Warm builds what the first searches would otherwise build: the facet
// forward index of every segment of the current snapshot. Segments merged
// later get theirs on first use. It reads every segment's facet fields, so a
// panic there is what a panic in a search is (ErrDamaged).
func (ix *Index) Warm() (err error) {
	var none struct{}
	defer recovered(ix, "warm", &none, &err)
	ix.fault("warm")
	snap, release, err := ix.snapshot()
	if err != nil {
		if errors.Is(err, errInternals) {
			ix.mismatch(err) // searches will not need the facet index
			return nil
		}
		return err
	}
	defer release()
	vs := snap.views()
	for _, v := range vs {
		if _, err := ix.fwd.get(v); err != nil {
			return err
		}
	}
	ix.fwd.keep(vs)
	return nil
}

// countFacets counts the facet values of the match sets ms of vs. The
// counts are the pool's (countsPool): facetResult, their one reader, puts
// them back.
func (ix *Index) countFacets(vs []*segView, ms []*roaring.Bitmap) (map[string]map[string]int, error) {
	out := countsPool.Get().(map[string]map[string]int)
	for i, v := range vs {
		if ms[i].IsEmpty() {
			continue
		}
		fx, err := ix.fwd.get(v)
		if err != nil {
			return nil, err
		}
		fx.count(ms[i], out)
	}
	ix.fwd.keep(vs)
	return out, nil
}

// countsPool holds the facet counts between searches, emptied: a search
// over many places or agencies grew its maps anew each time, about a
// twentieth of what a search allocated.
var countsPool = sync.Pool{New: func() any {
	out := make(map[string]map[string]int, len(facetFields))
	for name := range facetFields {
		out[name] = map[string]int{}
	}
	return out
}}

// facetResult keeps the facetSize most frequent values of each facet of
// counts (then by value), and puts counts back in countsPool.
func facetResult(counts map[string]map[string]int) map[string][]FacetValue {
	out := make(map[string][]FacetValue, len(counts))
	for name, cs := range counts {
		out[name] = topValues(cs)
		clear(cs)
	}
	if counts != nil {
		countsPool.Put(counts)
	}
	return out
}

// topValues is topFacets of every value of cs without building the list of
// all of them: the best facetSize so far, sorted, each value taking its
// place among them only when it beats the last.
func topValues(cs map[string]int) []FacetValue {
	top := make([]FacetValue, 0, min(len(cs), facetSize+1))
	for v, c := range cs {
		fv := FacetValue{Value: v, Count: c}
		if len(top) == facetSize && !facetBefore(fv, top[facetSize-1]) {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, fv, func(a, b FacetValue) int {
			if facetBefore(a, b) {
				return -1
			}
			return 1
		})
		top = slices.Insert(top, i, fv)
		if len(top) > facetSize {
			top = top[:facetSize]
		}
	}
	return top
}

// facetBefore: a comes before b in a facet's values (by count, most
// frequent first, then by value).
func facetBefore(a, b FacetValue) bool {
	if a.Count != b.Count {
		return a.Count > b.Count
	}
	return a.Value < b.Value
}
