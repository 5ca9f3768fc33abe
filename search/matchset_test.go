package search

import (
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"github.com/RoaringBitmap/roaring/v2"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// rankingQueries exercise every part of the match sets and the rankings: single and several
// syllables, folding, NFD, document numbers, filters in the text and in the
// URL, negated filters, excluded words, filters alone, and what must fall
// back to bleve (phrases).
var rankingQueries = []Request{
	{Query: "đất"},
	{Query: "dat"},
	{Query: "ngân sách"},
	{Query: "ngan sach xa"},
	{Query: norm.NFD.String("quyền sử dụng đất")},
	{Query: "người lao động"},
	{Query: "của"},
	{Query: "và", Sort: "date"},
	{Query: "hợp đồng", Sort: "date", From: 20},
	{Query: "12/QĐ-UBND"},
	{Query: "6733/ubnd-kstt"},
	{Query: "gia dat tran hung dao"},
	{Query: "xã", Filters: map[string][]string{"agency": {"ubnd-tan-thinh", "so-tnmt"}}},
	{Query: "xã year:2025"},
	{Query: "đất -agency:so-tnmt"},
	{Query: "đất -nông"},
	{Query: "dat -nong"},
	{Query: `place:"Xã Tân Thịnh"`},
	{Query: "kind:row"},
	{Query: "", Filters: map[string][]string{"category": {"ngan-sach"}}},
	{Query: `"ngân sách" xã`},
	{Query: `đất -"nông nghiệp"`},
	{Query: "từkhôngcó"},
	{Query: "người", From: 30, Size: 20},
	// Synonyms, abbreviations and numbers as typed (thesaurus.go): a unit
	// matched as typed or as an alternative, on every path.
	{Query: "đền bù"},
	{Query: "den bu xa"},
	{Query: "QSDĐ"},
	{Query: "giấy chứng nhận quyền sử dụng đất"},
	{Query: "NSNN năm 2025"},
	{Query: "GPMB đường tỉnh"},
	{Query: "sổ đỏ", Sort: "date"},
	{Query: "12.000.000"},
	{Query: "12000000 đồng"},
	{Query: "ủy ban nhân dân"},
	// A thesaurus unit of several syllables beside plain syllables.
	{Query: "huyện sổ đỏ"},
	{Query: "xa den bu giai phong mat bang"},
}

func rankingIndex(t *testing.T, opts Options) *Index {
	t.Helper()
	ix, err := Open(t.TempDir()+"/index", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	docs, _ := benchCorpus(t, 1500)
	if err := ix.Apply(context.Background(), append(docs, fixture...), nil); err != nil {
		t.Fatal(err)
	}
	return ix
}

// both runs r as a match-set search and on bleve's search alone. Documents of equal
// score come in index order, which a background merge changes; so the pair
// is run again until no merge or persist came between its two searches.
func both(t *testing.T, ix *Index, r Request) (ms, ref *Result) {
	t.Helper()
	for range 50 {
		before := layout(t, ix)
		ms, ref = bothOnce(t, ix, r)
		if slices.Equal(before, layout(t, ix)) {
			return ms, ref
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%+v: the index's segments kept changing", r)
	return nil, nil
}

// layout is the index's current segments, in order.
func layout(t *testing.T, ix *Index) []uint64 {
	t.Helper()
	snap, release, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	_, ids := snap.files()
	return ids
}

func bothOnce(t *testing.T, ix *Index, r Request) (ms, ref *Result) {
	t.Helper()
	r.Facets, r.Highlight = true, true
	ctx := context.Background()
	ix.opts.bleveOnly = false
	ms, err := ix.Search(ctx, r)
	if err != nil {
		t.Fatalf("%+v: match sets: %v", r, err)
	}
	ix.opts.bleveOnly = true
	ref, err = ix.Search(ctx, r)
	ix.opts.bleveOnly = false
	if err != nil {
		t.Fatalf("%+v: bleve: %v", r, err)
	}
	return ms, ref
}

// TestMatchSetsExact: below the exact limit a match-set search gives what
// bleve alone gives: the same total, facets, hits in the same order, the
// same snippets.
//
// The cost limit is lifted too: a query with many alternatives (a long
// official term and its abbreviations) walks enough postings to get the
// own ranking, which TestRankingAboveLimits compares.
func TestMatchSetsExact(t *testing.T) {
	ix := rankingIndex(t, Options{ExactLimit: 1 << 20, CostLimit: 1 << 40})
	defer func() {
		if !noPostings.IsEmpty() {
			t.Errorf("the shared empty postings bitmap was changed: %v", noPostings)
		}
	}()
	for _, r := range rankingQueries {
		t.Run(fmt.Sprintf("%q%v/%s/%d", r.Query, r.Filters, r.Sort, r.From), func(t *testing.T) {
			ms, ref := both(t, ix, r)
			if ms.Total != ref.Total {
				t.Errorf("total %d, bleve %d", ms.Total, ref.Total)
			}
			if !reflect.DeepEqual(ms.Facets, ref.Facets) {
				t.Errorf("facets\n got %v\nwant %v", ms.Facets, ref.Facets)
			}
			if !reflect.DeepEqual(ids(ms.Hits), ids(ref.Hits)) {
				t.Errorf("hits\n got %v\nwant %v", ids(ms.Hits), ids(ref.Hits))
			}
			for i := range min(len(ms.Hits), len(ref.Hits)) {
				if ms.Hits[i].Snippet != ref.Hits[i].Snippet || ms.Hits[i].TitleHTML != ref.Hits[i].TitleHTML {
					t.Errorf("hit %d highlights differ:\n%q %q\n%q %q", i, ms.Hits[i].TitleHTML, ms.Hits[i].Snippet, ref.Hits[i].TitleHTML, ref.Hits[i].Snippet)
				}
			}
		})
	}
}

// TestRankingAboveLimits: above the exact limit, totals and facets stay exact,
// date order stays exact, and relevance order comes from the pre-scored
// candidates: the best hits of bleve's full ranking are still found.
func TestRankingAboveLimits(t *testing.T) {
	for _, tc := range []struct {
		name       string
		opts       Options
		top1, over float64 // least share of top-1 hits equal, of top-10 overlap
	}{
		{"candidates", Options{ExactLimit: 20}, 0.8, 0.7},
		{"own ranking", Options{CostLimit: 1}, 0.6, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) { testAboveLimits(t, tc.opts, tc.top1, tc.over) })
	}
}

func testAboveLimits(t *testing.T, opts Options, minTop1, minOverlap float64) {
	ix := rankingIndex(t, opts)
	above, overlap, top1 := 0, 0, 0
	for _, r := range rankingQueries {
		ms, ref := both(t, ix, r)
		if ms.Total != ref.Total {
			t.Errorf("%q: total %d, bleve %d", r.Query, ms.Total, ref.Total)
		}
		if !reflect.DeepEqual(ms.Facets, ref.Facets) {
			t.Errorf("%q: facets\n got %v\nwant %v", r.Query, ms.Facets, ref.Facets)
		}
		if ref.Total <= 20 && opts.CostLimit == 0 {
			if !reflect.DeepEqual(ids(ms.Hits), ids(ref.Hits)) {
				t.Errorf("%q: small result, hits %v, bleve %v", r.Query, ids(ms.Hits), ids(ref.Hits))
			}
			continue
		}
		if r.Sort == "date" {
			// Same dates in the same order; documents of the same date may
			// come in another order (bleve breaks ties by score).
			if !reflect.DeepEqual(dates(ms.Hits), dates(ref.Hits)) {
				t.Errorf("%q by date: hits %v, bleve %v", r.Query, ids(ms.Hits), ids(ref.Hits))
			}
			continue
		}
		if r.From > 0 {
			continue
		}
		above++
		want := map[string]bool{}
		for _, id := range ids(ref.Hits) {
			want[id] = true
		}
		for _, id := range ids(ms.Hits) {
			if want[id] {
				overlap++
			}
		}
		if len(ms.Hits) > 0 && len(ref.Hits) > 0 && ms.Hits[0].ID == ref.Hits[0].ID {
			top1++
		}
		t.Logf("%q: %d matches, top-10 overlap %v vs %v", r.Query, ref.Total, ids(ms.Hits), ids(ref.Hits))
	}
	if above < 8 {
		t.Fatalf("only %d queries were above the limits; the test corpus is too small", above)
	}
	t.Logf("ranking above the limits: %d queries, top-1 equal %d, top-10 overlap %d of %d", above, top1, overlap, 10*above)
	if float64(top1) < minTop1*float64(above) || float64(overlap) < minOverlap*float64(10*above) {
		t.Errorf("ranking above the limits too far from bleve's: top-1 equal %d of %d, top-10 overlap %d of %d", top1, above, overlap, 10*above)
	}
}

func dates(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Published.Format("2006-01-02"))
	}
	return out
}

// TestOwnRankingPruned: when every postings list of a query is long, the own
// ranking reads the title lists up to a cap. Totals and facets stay exact,
// and documents with the word in their title still come first (a rare
// spelling in a body may come among them: "Dat", a name, for "dat").
func TestOwnRankingPruned(t *testing.T) {
	ix := rankingIndex(t, Options{CostLimit: 1, pruneAt: 10})
	for _, q := range []string{"của", "xã", "dat", "người"} {
		ms, ref := both(t, ix, Request{Query: q})
		if ms.Total != ref.Total || !reflect.DeepEqual(ms.Facets, ref.Facets) {
			t.Errorf("%q: total %d facets %v; bleve %d %v", q, ms.Total, ms.Facets, ref.Total, ref.Facets)
		}
		inTitle := 0
		for _, h := range ref.Hits {
			if strings.Contains(Fold(h.Title), Fold(q)) {
				inTitle++
			}
		}
		got := 0
		for _, h := range ms.Hits[:min(inTitle, len(ms.Hits))] {
			if strings.Contains(Fold(h.Title), Fold(q)) {
				got++
			}
		}
		// Pruned ranking is approximate: which capped title postings are read
		// follows the segments' order, which background merges change; most
		// of the top must still be title matches.
		if inTitle > 0 && got*10 < inTitle*8 {
			t.Errorf("%q: %d of the first %d hits have the word in their title (bleve: %d), first %q", q, got, inTitle, inTitle, ms.Hits[0].Title)
		}
		if len(ms.Hits) != len(ref.Hits) {
			t.Errorf("%q: %d hits, bleve %d", q, len(ms.Hits), len(ref.Hits))
		}
	}
}

// TestWarm: Warm builds the facet index of every segment, and searches use it.
func TestWarm(t *testing.T) {
	ix := rankingIndex(t, Options{})
	if err := ix.Warm(); err != nil {
		t.Fatal(err)
	}
	snap, release, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	n := len(snap.views())
	release()
	ix.fwd.mu.Lock()
	got := len(ix.fwd.segs)
	ix.fwd.mu.Unlock()
	if got != n || n == 0 {
		t.Fatalf("facet index of %d segments, the snapshot has %d", got, n)
	}
	ms, ref := both(t, ix, Request{Query: "đất"})
	if !reflect.DeepEqual(ms.Facets, ref.Facets) {
		t.Errorf("facets after Warm: %v, bleve %v", ms.Facets, ref.Facets)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Warm(); !errors.Is(err, ErrClosed) {
		t.Errorf("Warm after Close: %v, want ErrClosed", err)
	}
}

// What the heap keeps of candidates with equal scores does not depend on the
// order they come in: the best in index order.
func TestTopHeapTies(t *testing.T) {
	cands := []scored{{1, 5}, {1, 2}, {2, 9}, {1, 7}, {1, 1}, {1, 3}}
	keep := func(order []scored) []scored {
		h := &topHeap{}
		for _, s := range order {
			if h.Len() < 3 {
				heap.Push(h, s)
			} else if better(s, (*h)[0]) {
				(*h)[0] = s
				heap.Fix(h, 0)
			}
		}
		out := slices.Clone(*h)
		slices.SortFunc(out, func(a, b scored) int { return cmp.Compare(a.id, b.id) })
		return out
	}
	want := []scored{{1, 1}, {1, 2}, {2, 9}}
	for _, order := range [][]scored{cands, {cands[5], cands[4], cands[3], cands[2], cands[1], cands[0]}, {cands[1], cands[3], cands[0], cands[5], cands[2], cands[4]}} {
		if got := keep(order); !slices.Equal(got, want) {
			t.Errorf("offered %v: kept %v, want %v", order, got, want)
		}
	}
}

// TestDenseMatchCheck: testing scored documents against the match set as a
// plain bitset gives the same pages, scores included, as roaring's Contains.
func TestDenseMatchCheck(t *testing.T) {
	ix := rankingIndex(t, Options{CostLimit: 1})
	ctx := context.Background()
	search := func(r Request, denseAt int) *Result {
		t.Helper()
		ix.opts.denseAt = denseAt
		defer func() { ix.opts.denseAt = denseCheck }()
		res, err := ix.Search(ctx, r)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		return res
	}
	for _, r := range rankingQueries {
		compared := false
		for try := 0; try < 50 && !compared; try++ { // again when a merge came between the two searches
			before := layout(t, ix)
			contains, dense := search(r, 1<<30), search(r, 1)
			if compared = slices.Equal(before, layout(t, ix)); compared && !reflect.DeepEqual(contains.Hits, dense.Hits) {
				t.Errorf("%+v: hits\n bitset %v\ncontains %v", r, ids(dense.Hits), ids(contains.Hits))
			}
		}
		if !compared {
			t.Fatalf("%+v: the index's segments kept changing", r)
		}
	}
}

// TestTally: a tally (the dead ends' counts and offers) finds the total and
// facets of a search, from the match sets and from bleve alone.
func TestTally(t *testing.T) {
	ix := rankingIndex(t, Options{})
	ctx := context.Background()
	for _, r := range rankingQueries {
		p, err := ParseQuery(r.Query)
		if err != nil {
			t.Fatal(err)
		}
		p.th = ix.opts.Thesaurus
		ix.opts.bleveOnly = true
		ref, err := ix.search(ctx, p, Request{Filters: r.Filters, Size: 1, Facets: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, bleveOnly := range []bool{false, true} {
			ix.opts.bleveOnly = bleveOnly
			got, err := ix.tally(ctx, p, r.Filters, true)
			if err != nil {
				t.Fatalf("%q: %v", r.Query, err)
			}
			if got.Total != ref.Total || !reflect.DeepEqual(got.Facets, ref.Facets) {
				t.Errorf("%q (bleve only %t): tally %d %v, search %d %v", r.Query, bleveOnly, got.Total, got.Facets, ref.Total, ref.Facets)
			}
		}
		ix.opts.bleveOnly = false
	}
	if _, err := ix.tally(ctx, Parsed{Terms: []string{"đất"}}, map[string][]string{"nope": {"x"}}, false); !errors.Is(err, ErrBadQuery) {
		t.Errorf("unknown filter: %v, want ErrBadQuery", err)
	}
}

// TestFacetCountPaths: a segment's facets, counted column by column by
// intersecting the match set with each value's documents or by visiting
// the matches (as the costs choose, and each way forced), are what a count
// straight from the values' documents gives.
func TestFacetCountPaths(t *testing.T) {
	ix := rankingIndex(t, Options{})
	snap, release, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	empty := func() map[string]map[string]int {
		out := map[string]map[string]int{}
		for _, name := range facetNames {
			out[name] = map[string]int{}
		}
		return out
	}
	for _, v := range snap.views() {
		sf, err := ix.fwd.get(v)
		if err != nil {
			t.Fatal(err)
		}
		n := uint32(v.count())
		sets := map[string]*roaring.Bitmap{"all": roaring.New(), "every other": roaring.New(), "one in ten": roaring.New(), "one": roaring.BitmapOf(n / 2)}
		sets["all"].AddRange(0, uint64(n))
		for d := uint32(0); d < n; d++ {
			if d%2 == 0 {
				sets["every other"].Add(d)
			}
			if d%10 == 3 {
				sets["one in ten"].Add(d)
			}
		}
		for name, m := range sets {
			want := empty()
			for _, col := range sf.fields {
				for k, bm := range col.bms {
					if c := int(roaring.And(m, bm).GetCardinality()); c > 0 {
						want[col.name][col.values[k]] = c
					}
				}
			}
			// As the costs choose, and each column forced either way.
			for _, cost := range []float64{-1, 0, math.Inf(1)} {
				forced := *sf
				forced.fields = slices.Clone(sf.fields)
				for i := range forced.fields {
					if cost >= 0 {
						forced.fields[i].bmCost = cost
					}
				}
				got := empty()
				forced.count(m, got)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("segment of %d, %s, cost %v:\n got %v\nwant %v", n, name, cost, got, want)
				}
			}
		}
	}
}

// TestAndAnyIsIntersectionOfUnion: matches intersects a syllable's field
// lists in place with roaring's AndAny; it must give m ∧ (A ∨ B ∨ …) for
// every kind of container (array, bitmap, run) over several 2^16 blocks, and
// leave the lists as they were.
func TestAndAnyIsIntersectionOfUnion(t *testing.T) {
	const n = 5 << 16
	gen := func(seed uint32, every uint32, runs bool) *roaring.Bitmap {
		bm := roaring.New()
		x := seed
		for i := uint32(0); i < n; i++ {
			x = x*1664525 + 1013904223
			if x%every == 0 {
				bm.Add(i)
			}
		}
		if runs {
			bm.AddRange(uint64(seed)*1000, uint64(seed)*1000+70000)
			bm.RunOptimize()
		}
		return bm
	}
	cases := []struct {
		name  string
		m     *roaring.Bitmap
		lists []*roaring.Bitmap
	}{
		{"sparse lists", gen(1, 3, false), []*roaring.Bitmap{gen(2, 500, false), gen(3, 700, false)}},
		{"dense lists", gen(4, 2, false), []*roaring.Bitmap{gen(5, 3, false), gen(6, 4, false), gen(7, 50, false)}},
		{"sparse m", gen(8, 900, false), []*roaring.Bitmap{gen(9, 2, false), gen(10, 5, false)}},
		{"runs", gen(11, 7, true), []*roaring.Bitmap{gen(12, 9, true), gen(13, 600, false)}},
		{"disjoint blocks", roaring.BitmapOf(1, 2, 3, 4<<16+1), []*roaring.Bitmap{roaring.BitmapOf(1<<16 + 5), roaring.BitmapOf(3, 3<<16)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := make([]*roaring.Bitmap, len(c.lists))
			for i, l := range c.lists {
				before[i] = l.Clone()
			}
			want := roaring.And(c.m, roaring.FastOr(c.lists...))
			got := c.m.Clone()
			got.AndAny(c.lists...)
			if !got.Equals(want) {
				t.Errorf("AndAny: %d documents, want %d", got.GetCardinality(), want.GetCardinality())
			}
			for i, l := range c.lists {
				if !l.Equals(before[i]) {
					t.Errorf("list %d changed", i)
				}
			}
		})
	}
}

// TestTopValues: the facets' best values kept while counting are those of
// sorting every value (topFacets), ties by value included.
func TestTopValues(t *testing.T) {
	for _, n := range []int{0, 1, facetSize - 1, facetSize, facetSize + 1, 500} {
		for _, spread := range []int{1, 3, 1000} {
			t.Run(fmt.Sprintf("%d values, counts 1–%d", n, spread), func(t *testing.T) {
				cs := map[string]int{}
				for i := range n {
					cs[fmt.Sprintf("v%03d", (i*7919)%1000)] = 1 + (i*31)%spread
				}
				var all []FacetValue
				for v, c := range cs {
					all = append(all, FacetValue{Value: v, Count: c})
				}
				want := topFacets(all)
				if got := topValues(cs); !slices.Equal(got, want) {
					t.Errorf("got  %v\nwant %v", got, want)
				}
			})
		}
	}
}

// TestDictionariesLent: the own ranking's searches borrow the term
// dictionaries of the snapshot's segments and give them back, so a search
// repeated opens none (the lender holds as many as after the first), and
// searches at once, each with its own, answer as one alone does.
func TestDictionariesLent(t *testing.T) {
	ix := rankingIndex(t, Options{CostLimit: 1})
	ctx := context.Background()
	free := func() int {
		l := ix.lender.Load()
		if l == nil {
			return 0
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		n := 0
		for _, ds := range l.free {
			n += len(ds)
		}
		return n
	}
	r := Request{Query: "người lao động", Facets: true, NoAdvice: true}
	want, err := ix.Search(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	first := free()
	if first == 0 {
		t.Fatal("no dictionary given back after a search")
	}
	if _, err := ix.Search(ctx, r); err != nil {
		t.Fatal(err)
	}
	if again := free(); again != first {
		t.Errorf("%d dictionaries free after the same search again, want %d (borrowed, not opened)", again, first)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := ix.Search(ctx, r)
			if err == nil && (got.Total != want.Total || !reflect.DeepEqual(ids(got.Hits), ids(want.Hits)) || !reflect.DeepEqual(got.Facets, want.Facets)) {
				err = fmt.Errorf("concurrent search: total %d, hits %v; alone %d, %v", got.Total, ids(got.Hits), want.Total, ids(want.Hits))
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
