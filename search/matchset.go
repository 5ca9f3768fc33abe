package search

// Match sets.
//
// bleve scores, facets and collects every matching document, so a query's
// cost grows with the number of matches: a syllable such as "xã" or "của"
// matches hundreds of thousands of documents on a provincial portal with
// its land price rows, and took seconds. A match-set search answers the
// same queries with work bounded by the page, not by the matches:
//
//  1. The match set is computed exactly as roaring bitmaps, per segment,
//     straight from the postings lists (the same terms bleve would look up:
//     every query syllable in any text field, the own-text condition, the
//     filters, the exclusions). Its cardinality is Result.Total.
//  2. Facets are counted from a per-segment forward index of the keyword
//     fields (document → value), built once per immutable segment and cached.
//  3. Ranking: a query whose postings lists are short (Options.CostLimit) is
//     ranked by bleve: all of the match set when it is small
//     (Options.ExactLimit), else the best candidates of the own ranking
//     (ownrank.go), or, for date order, the newest years that fill the page.
//     A costlier query gets the own ranking alone.
//  4. Highlights come from analysing the page's own titles and bodies
//     (markHits), so ranking never needs term locations.
//
// Queries with quoted phrases or excluded phrases have no match set here:
// they need term positions (or the stored texts, see phrase.go) and take
// bleve's search.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// defaultExactLimit is the largest match set that bleve ranks in full.
const defaultExactLimit = 2000

// candidateFloor is the smallest number of candidates the pre-score hands
// to bleve when the match set is larger than the exact limit.
const candidateFloor = 200

// errNoMatchSets means the query has no match set here (it needs term
// positions or stored texts): bleve's search answers it.
var errNoMatchSets = errors.New("search: no match set for this query")

// fieldTerms is one field and the terms its analyzer makes of a word; a
// document matches when it has all of them in that field.
type fieldTerms struct {
	field string
	terms [][]byte
}

// alt is a disjunction: a document matches when one fieldTerms matches.
type alt []fieldTerms

// scoreField is one text-field alternative of a unit.
type scoreField struct {
	field string
	terms [][]byte
	boost float64
	syn   bool // an alternative of the unit, not the words typed
}

// scoreTerm is one postings list scored on its own (a document number).
type scoreTerm struct {
	field string
	term  []byte
	boost float64
}

// plan is a query in the form its match sets are computed from.
type plan struct {
	parsed     Parsed         // the query it was made of (markTerms, for highlights)
	tokens     [][]scoreField // per query unit (units): its text-field alternatives
	titles     [][][]byte     // per query unit: its folded terms as typed (the title bonuses)
	number     []scoreTerm    // the document number typed as a whole
	all        bool           // no words: every document (then filters and exclusions)
	must       []alt          // each must match
	mustNot    []alt          // none may match
	filters    []alt          // each must match (OR within)
	dateSorted bool
	fit        *titleFit         // the titles' fit to the query (titlefit.go); nil without words
	dfs        map[string]uint64 // postings counts on the snapshot being searched (ownrank.go)
}

var analyzers sync.Map // name → analysis.Analyzer

func analyzerNamed(name string) analysis.Analyzer {
	if a, ok := analyzers.Load(name); ok {
		return a.(analysis.Analyzer)
	}
	a, err := registry.NewCache().AnalyzerNamed(name)
	if err != nil {
		panic("search: " + err.Error()) // registered in init: cannot happen
	}
	analyzers.Store(name, a)
	return a
}

// termsOf analyses text as bleve's match query does for fb.
func termsOf(text string, fb fieldBoost) fieldTerms {
	ft := fieldTerms{field: fb.field}
	for _, t := range analyzerNamed(fb.analyzer).Analyze([]byte(text)) {
		ft.terms = append(ft.terms, slices.Clone(t.Term))
	}
	return ft
}

// makePlan mirrors buildQuery. It fails with errNoMatchSets for what needs
// positions or stored texts (quoted phrases, excluded phrases).
func makePlan(p Parsed, filters map[string][]string, dateSorted bool) (*plan, error) {
	if len(p.Phrases) > 0 {
		return nil, errNoMatchSets
	}
	pl := &plan{dateSorted: dateSorted, parsed: p}
	pl.addWords(p.wordUnits())
	for _, w := range p.Terms {
		w = strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) })
		if strings.ContainsAny(w, "/-") && strings.ContainsFunc(w, unicode.IsDigit) {
			pl.number = append(pl.number, scoreTerm{fNumber, []byte(Fold(w)), boostNumber})
		}
	}
	pl.all = len(pl.must) == 0
	if err := pl.addExclusions(p); err != nil {
		return nil, err
	}
	if err := pl.addFilters(p.Filters, filters); err != nil {
		return nil, err
	}
	return pl, nil
}

// addWords adds the conditions of wordQueries: every unit in a text field
// or (for several) the context, and one in the document's own text.
func (pl *plan) addWords(units []unit) {
	pl.fit = newTitleFit(units)
	var own alt
	for _, u := range units {
		var a alt
		var sf []scoreField
		for _, uf := range unitFields(u) {
			ft := termsOf(uf.text, uf.fb)
			a = append(a, ft)
			sf = append(sf, scoreField{uf.fb.field, ft.terms, uf.fb.boost, uf.syn})
			if ownField(uf) {
				own = append(own, ft)
			}
		}
		if len(units) > 1 {
			for _, cf := range contextFields(u) {
				a = append(a, termsOf(cf.text, cf.fb))
			}
		}
		pl.must = append(pl.must, a)
		pl.tokens = append(pl.tokens, sf)
		pl.titles = append(pl.titles, termsOf(u.text(), fieldBoost{fTitleF, AnalyzerFold, boostTitleF, true}).terms)
	}
	if len(units) > 1 {
		pl.must = append(pl.must, own)
	}
}

// addExclusions adds the excluded words and negated filters
// (exclusionQueries); an excluded phrase has no match set here.
func (pl *plan) addExclusions(p Parsed) error {
	for _, ex := range p.Excluded {
		toks := analyze(ex)
		if len(toks) == 0 {
			continue
		}
		if len(toks) > 1 {
			return errNoMatchSets
		}
		var a alt
		for _, fb := range exclusionFields(Fold(toks[0]) != toks[0], false) {
			a = append(a, termsOf(toks[0], fb))
		}
		pl.mustNot = append(pl.mustNot, a)
	}
	for name, vals := range p.NotFilters {
		for _, v := range vals {
			pl.mustNot = append(pl.mustNot, alt{filterTerms(name, v)})
		}
	}
	return nil
}

// addFilters adds the filters of the query text and of the URL
// (filterQuery).
func (pl *plan) addFilters(inText, fromURL map[string][]string) error {
	for _, src := range []map[string][]string{inText, fromURL} {
		for name, vals := range src {
			var a alt
			for _, v := range vals {
				v = clean(strings.TrimSpace(v))
				if v == "" {
					continue
				}
				if err := checkFilter(name, v); err != nil {
					return err
				}
				a = append(a, filterTerms(name, v))
			}
			if len(a) > 0 {
				pl.filters = append(pl.filters, a)
			}
		}
	}
	return nil
}

func filterTerms(name, value string) fieldTerms {
	field := filterFields[name]
	if field == fPlacesF {
		value = Fold(value)
	}
	return fieldTerms{field: field, terms: [][]byte{[]byte(value)}}
}

// fieldTermsBM: documents with every term of ft.
func (s *segView) fieldTermsBM(ft fieldTerms) (*roaring.Bitmap, error) {
	if len(ft.terms) == 0 {
		return roaring.New(), nil
	}
	var acc *roaring.Bitmap
	for _, t := range ft.terms {
		bm, err := s.postings(ft.field, t)
		if err != nil {
			return nil, err
		}
		if acc == nil {
			acc = bm
		} else {
			acc = roaring.And(acc, bm)
		}
		if acc.IsEmpty() {
			break
		}
	}
	return acc, nil
}

// altBitmaps returns the documents of each fieldTerms of a that has any
// (the segment's own bitmaps: never modify them) and the sum of their sizes.
func (s *segView) altBitmaps(a alt) ([]*roaring.Bitmap, uint64, error) {
	bms := make([]*roaring.Bitmap, 0, len(a))
	var size uint64
	for _, ft := range a {
		bm, err := s.fieldTermsBM(ft)
		if err != nil {
			return nil, 0, err
		}
		if n := bm.GetCardinality(); n > 0 {
			bms = append(bms, bm)
			size += n
		}
	}
	return bms, size, nil
}

func (s *segView) altBM(a alt) (*roaring.Bitmap, error) {
	bms, _, err := s.altBitmaps(a)
	if err != nil {
		return nil, err
	}
	switch len(bms) {
	case 0:
		return roaring.New(), nil
	case 1:
		return bms[0], nil
	}
	return roaring.FastOr(bms...), nil
}

// matches is the live match set of pl in s. It may be one of the
// segment's postings bitmaps (a query of one syllable in one field, in a
// segment without deletions): never modify it.
//
// The syllables are taken rarest first (by the postings of their fields in
// this segment), and each one after the first is intersected with what is
// left in place (roaring's AndAny: m ∧ (A ∨ B ∨ …), the union built only
// for the containers m still has, in buffers it reuses), so a common
// syllable ("xã") never has the union of its long lists built, and a search
// does not allocate a bitmap per field and syllable. The rarest list is not
// copied: the first change makes the new set from it (an intersection is
// no larger than it).
func (s *segView) matches(pl *plan) (*roaring.Bitmap, error) {
	var m *roaring.Bitmap
	owned := false // m was made here, not borrowed from the segment
	if pl.all {
		m, owned = roaring.New(), true
		m.AddRange(0, s.count())
	}
	type altLists struct {
		bms  []*roaring.Bitmap // the segment's own: never modified
		size uint64            // sum of their cardinalities
	}
	// The filters (a kind, an agency) are intersected like the syllables,
	// in order of size: a narrow filter ("dataset" among a million table
	// rows) goes first and keeps every intersection after it small.
	must := make([]altLists, 0, len(pl.must)+len(pl.filters))
	for _, a := range slices.Concat(pl.must, pl.filters) {
		bms, size, err := s.altBitmaps(a)
		if err != nil {
			return nil, err
		}
		if size == 0 {
			return roaring.New(), nil
		}
		must = append(must, altLists{bms, size})
	}
	slices.SortStableFunc(must, func(a, b altLists) int { return cmp.Compare(a.size, b.size) })
	for _, a := range must {
		switch {
		case m == nil && len(a.bms) == 1:
			m = a.bms[0]
		case m == nil:
			m, owned = roaring.FastOr(a.bms...), true
		case len(a.bms) == 1 && owned:
			m.And(a.bms[0])
		case len(a.bms) == 1:
			m, owned = roaring.And(m, a.bms[0]), true
		default:
			if !owned {
				m, owned = m.Clone(), true
			}
			m.AndAny(a.bms...)
		}
		if m.IsEmpty() {
			return m, nil
		}
	}
	without := func(bm *roaring.Bitmap) {
		if owned {
			m.AndNot(bm)
		} else {
			m, owned = roaring.AndNot(m, bm), true
		}
	}
	for _, a := range pl.mustNot {
		bm, err := s.altBM(a)
		if err != nil {
			return nil, err
		}
		without(bm)
	}
	if s.deleted != nil {
		without(s.deleted)
	}
	return m, nil
}

// outcome is what the match sets gave, beside bleve's hits.
type outcome struct {
	total  uint64
	facets *facetJob // nil when no facets were asked for
}

// facetJob counts the facets of match sets on the other core while the page
// is ranked (both only read the match sets).
type facetJob struct {
	done   chan struct{} // closed once facets and err are set
	facets map[string]map[string]int
	err    error
}

// startFacets counts the facets of ms, the match sets of snap's segments.
// The job holds its own reference to the snapshot (bleve releases its own
// when its search ends, and a merge may then unmap the segments) and its
// own views (a view caches dictionaries for one goroutine).
func (ix *Index) startFacets(snap *snapshot, ms []*roaring.Bitmap) *facetJob {
	j := &facetJob{done: make(chan struct{})}
	release := snap.hold()
	go func() {
		defer close(j.done)
		defer release()
		defer func() {
			if v := recover(); v != nil {
				j.facets, j.err = nil, ix.damaged("facets", v, debug.Stack())
			}
		}()
		ix.fault("facets")
		vs := snap.views()
		defer giveBack(vs)
		j.facets, j.err = ix.countFacets(vs, ms)
	}()
	return j
}

// wait returns the counts once they are done; nil for a nil job.
func (j *facetJob) wait() (map[string]map[string]int, error) {
	if j == nil {
		return nil, nil
	}
	<-j.done
	return j.facets, j.err
}

// candQuery is a bleve query: its Searcher computes the match set, the
// facets and the candidates on the very snapshot bleve searches, and
// iterates the candidates. bleve combines it with the scoring query.
type candQuery struct {
	ix     *Index
	pl     *plan
	want   int // from+size
	facets bool
	out    *outcome
	cands  *candidateList // given the candidates for q's bonus phrases (nil: none)
	err    error
}

func (q *candQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, _ bsearch.SearcherOptions) (bsearch.Searcher, error) {
	snap, err := snapshotOf(r)
	if err != nil {
		q.err = err
		return nil, err
	}
	ids, out, err := q.ix.candidates(ctx, snap, q.pl, q.want, q.facets)
	if err != nil {
		q.err = err
		return nil, err
	}
	*q.out = out
	if q.cands != nil {
		*q.cands = candidateList{ids: ids, set: true}
	}
	return &listSearcher{ids: ids}, nil
}

// matchSets evaluates pl on each view of vs: the documents it matches in
// each (read only: see matches), and how many in all.
func matchSets(ctx context.Context, vs []*segView, pl *plan) ([]*roaring.Bitmap, uint64, error) {
	ms := make([]*roaring.Bitmap, len(vs))
	var total uint64
	for i, v := range vs {
		if err := ctx.Err(); err != nil {
			return nil, 0, fmt.Errorf("search: %w", err)
		}
		m, err := v.matches(pl)
		if err != nil {
			return nil, 0, err
		}
		ms[i] = m
		total += m.GetCardinality()
	}
	return ms, total, nil
}

// candidates evaluates pl on snap: total, facets and the sorted global numbers of
// the documents bleve should rank.
func (ix *Index) candidates(ctx context.Context, snap *snapshot, pl *plan, want int, facets bool) ([]uint64, outcome, error) {
	vs := snap.views()
	var out outcome
	ms, total, err := matchSets(ctx, vs, pl)
	if err != nil {
		return nil, out, err
	}
	out.total = total
	if facets {
		out.facets = ix.startFacets(snap, ms) // while bleve ranks
	}
	limit := ix.opts.ExactLimit
	var ids []uint64
	switch {
	case out.total <= uint64(limit):
		for i, v := range vs {
			ms[i].Iterate(func(x uint32) bool {
				ids = append(ids, v.offset+uint64(x))
				return true
			})
		}
	case pl.dateSorted:
		var err error
		ids, err = newestYears(vs, ms, want)
		if err != nil {
			return nil, out, err
		}
	default:
		docCount, err := snap.docCount()
		if err != nil {
			return nil, out, err
		}
		ids, _, err = ownRank(vs, ms, pl, docCount, max(candidateFloor, 2*want), ix.opts)
		if err != nil {
			return nil, out, err
		}
		slices.Sort(ids)
	}
	return ids, out, nil
}

// newestYears keeps the documents of the newest years that together hold
// at least want matches (and the undated ones only when they do not).
func newestYears(vs []*segView, ms []*roaring.Bitmap, want int) ([]uint64, error) {
	byYear := map[string][]*roaring.Bitmap{}
	var years []string
	for i, v := range vs {
		err := v.terms(fYear, func(year string) error {
			bm, err := v.postings(fYear, []byte(year))
			if err != nil {
				return err
			}
			x := roaring.And(ms[i], bm)
			if x.IsEmpty() {
				return nil
			}
			if _, ok := byYear[year]; !ok {
				years = append(years, year)
				byYear[year] = make([]*roaring.Bitmap, len(vs))
			}
			byYear[year][i] = x
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// Years are four digits: text order is number order.
	sort.Sort(sort.Reverse(sort.StringSlice(years)))
	keep := make([]*roaring.Bitmap, len(vs))
	for i := range keep {
		keep[i] = roaring.New()
	}
	n := 0
	for _, y := range years {
		for i, bm := range byYear[y] {
			if bm != nil {
				keep[i].Or(bm)
				n += int(bm.GetCardinality())
			}
		}
		if n >= want {
			break
		}
	}
	if n < want {
		keep = ms // undated documents sort last; take everything
	}
	var ids []uint64
	for i, v := range vs {
		keep[i].Iterate(func(x uint32) bool {
			ids = append(ids, v.offset+uint64(x))
			return true
		})
	}
	return ids, nil
}

type scored struct {
	score float32
	id    uint64
}

// topHeap is a min-heap in the order of better: its root is the weakest
// kept candidate, ties included, so that what it keeps does not depend on
// the order the candidates come in (with the score alone, of two equal
// scores the root could be the one better placed in index order).
type topHeap []scored

func (h topHeap) Len() int           { return len(h) }
func (h topHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h topHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topHeap) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *topHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// matchSetSearch answers r from its match sets, ranked by bleve or by the
// own ranking; errNoMatchSets when the query has none.
func (ix *Index) matchSetSearch(ctx context.Context, p Parsed, r Request, q query.Query, cands *candidateList) (*Result, error) {
	pl, err := makePlan(p, r.Filters, r.Sort == "date")
	if err != nil {
		return nil, err
	}
	snap, release, err := ix.snapshot()
	if err != nil {
		return nil, err
	}
	vs := snap.views()
	cost, err := pl.cost(vs)
	if err == nil && cost > uint64(ix.opts.CostLimit) {
		res, err := ix.ownRankedSearch(ctx, snap, vs, pl, r)
		giveBack(vs)
		release()
		return res, err
	}
	giveBack(vs)
	release()
	if err != nil {
		return nil, err
	}
	pl.dfs = nil // counted on this snapshot; bleve searches its own
	out := &outcome{}
	cq := &candQuery{ix: ix, pl: pl, want: r.From + r.Size, facets: r.Facets, out: out, cands: cands}
	// The best fitTop matches are re-ordered by their titles' fit: bleve
	// gives them from the first, and the page is cut from them after. A
	// request for one hit is a count (corrections, dead ends): no order.
	size, from := r.Size, r.From
	fit := pl.fit != nil && !pl.dateSorted && r.From < fitTop && r.Size > 1
	if fit {
		size, from = max(fitTop, r.From+r.Size), 0
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{cq, q}), size, from, false)
	// Rank without term locations: advancing a postings iterator with
	// locations decodes the positions of every document it skips. The page's
	// highlights come from analysing its own titles and bodies (markHits).
	ix.prepare(req, Request{Sort: r.Sort})
	if r.Highlight {
		req.Fields = append(slices.Clip(req.Fields), fBody)
	}
	sr, err := ix.bi.SearchInContext(ctx, req)
	if cq.err != nil {
		return nil, cq.err
	}
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("search: %w", cerr)
		}
		return nil, wrapClosed("search", err)
	}
	hits := sr.Hits
	if fit {
		hits = fitOrder(pl.fit, hits, r.From, r.Size)
	}
	res := &Result{Total: out.total, Took: sr.Took, Hits: make([]Hit, 0, len(hits))}
	for _, dm := range hits {
		h := toHit(dm)
		if r.Highlight {
			h.Snippet, _ = dm.Fields[fBody].(string)
		}
		res.Hits = append(res.Hits, h)
	}
	if r.Highlight {
		ix.markHits(res.Hits, markTerms(p))
	}
	facets, err := out.facets.wait()
	if err != nil {
		return nil, err
	}
	if r.Facets {
		res.Facets = facetResult(facets)
	}
	return res, nil
}

// topFacets sorts by count (then value) and keeps facetSize values.
func topFacets(vals []FacetValue) []FacetValue {
	slices.SortFunc(vals, func(a, b FacetValue) int {
		if facetBefore(a, b) {
			return -1
		}
		if facetBefore(b, a) {
			return 1
		}
		return 0
	})
	if len(vals) > facetSize {
		vals = vals[:facetSize]
	}
	return vals
}

// tally is what a search of p within filters finds without its hits: the
// Total, and the facets when asked. Nothing is ranked or read: the dead
// ends' probes, their offers' categories and the corrections' checks ask
// no more. Without match sets it asks bleve for one hit.
func (ix *Index) tally(ctx context.Context, p Parsed, filters map[string][]string, facets bool) (*Result, error) {
	if !ix.opts.bleveOnly {
		res, err := ix.matchSetTally(ctx, p, filters, facets)
		if !ix.fallsBack(err) {
			return res, err
		}
	}
	return ix.search(ctx, p, Request{Filters: filters, Size: 1, Facets: facets})
}

// matchSetTally evaluates p's match sets on a snapshot and counts them.
func (ix *Index) matchSetTally(ctx context.Context, p Parsed, filters map[string][]string, facets bool) (*Result, error) {
	if err := checkFilters(filters); err != nil {
		return nil, err
	}
	pl, err := makePlan(p, filters, false)
	if err != nil {
		return nil, err
	}
	snap, release, err := ix.snapshot()
	if err != nil {
		return nil, err
	}
	defer release()
	vs := snap.views()
	defer giveBack(vs)
	ms, total, err := matchSets(ctx, vs, pl)
	if err != nil {
		return nil, err
	}
	res := &Result{Total: total}
	if facets {
		counts, err := ix.countFacets(vs, ms)
		if err != nil {
			return nil, err
		}
		res.Facets = facetResult(counts)
	}
	return res, nil
}
