package search

// The path for costly queries.
//
// bleve's postings iterators decode the frequency and norm of every posting
// they pass, even when they only advance to a given document, so a query is
// as costly as the postings lists of its words are long, whatever the page
// size: a query with one common syllable ("xã") walks hundreds of thousands
// of postings in each of several fields. When the lists a query would walk
// are long (more than Options.CostLimit postings), the bounded path ranks
// by itself instead:
//
//   - the match set, total and facets are still exact (bitmaps, fast.go);
//   - each syllable scores as bleve's TF-IDF would (√freq × norm × idf² ×
//     the field's boost, times the share of its fields that matched), but a
//     body or extra postings list longer than pruneShare of the index is
//     left out of the score: a syllable that common has an idf near 1 and
//     hardly moves the order, while reading its list is most of the cost.
//     Title-like lists that long are read up to a cap (capPostings, in index
//     order), because a title match is what ranks first;
//   - a document number typed as a whole still gives its large bonus; the
//     phrase bonuses are not computed (they need positions);
//   - sort by date reads the publication date of the newest years' matches
//     from doc values;
//   - the page's stored fields come from bleve by document ID, and its
//     highlights from analysing the page's own title and body.
//
// Which path a query takes depends only on the index and the query, so a
// given query on a given index always gets the same order.

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

const (
	// defaultCostLimit is the number of postings above which a query is
	// ranked by the bounded path rather than by bleve.
	defaultCostLimit = 40000
	// pruneShare: a postings list holding more than this share of the
	// documents (and at least pruneMin postings) does not count in the score.
	pruneShare = 0.08
	pruneMin   = 20_000
	// capPostings bounds the postings read from a long title-like list.
	capPostings = 30_000
)

// snapshot returns the index's current snapshot and its release.
func (ix *Index) snapshot() (*scorch.IndexSnapshot, func(), error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, nil, wrapClosed("search", err)
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, nil, wrapClosed("search", err)
	}
	snap, ok := rd.(*scorch.IndexSnapshot)
	if !ok || snap == nil {
		if ok {
			return nil, nil, fmt.Errorf("search: %w", ErrClosed)
		}
		_ = rd.Close()
		return nil, nil, errNoFastPath
	}
	return snap, func() { _ = rd.Close() }, nil
}

// cost is the number of postings bleve would walk for the words of pl.
func (pl *plan) cost(vs []*segView) (uint64, error) {
	var n uint64
	for _, tok := range pl.tokens {
		for _, sf := range tok {
			for _, t := range sf.terms {
				df, err := postingsCount(vs, sf.field, t)
				if err != nil {
					return 0, err
				}
				n += df
			}
		}
	}
	return n, nil
}

func postingsCount(vs []*segView, field string, term []byte) (uint64, error) {
	var n uint64
	for _, v := range vs {
		d, err := v.dict(field)
		if err != nil {
			return 0, err
		}
		pl, err := d.PostingsList(term, v.deleted, nil)
		if err != nil {
			return 0, err
		}
		n += pl.Count()
	}
	return n, nil
}

// ownSearch answers r on snap without bleve's scoring.
func (ix *Index) ownSearch(ctx context.Context, snap *scorch.IndexSnapshot, vs []*segView, pl *plan, r Request) (*Result, error) {
	ms := make([]*roaring.Bitmap, len(vs))
	res := &Result{}
	for i, v := range vs {
		m, err := v.matches(pl)
		if err != nil {
			return nil, err
		}
		ms[i] = m
		res.Total += m.GetCardinality()
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if r.Facets {
		counts, err := ix.countFacets(vs, ms)
		if err != nil {
			return nil, err
		}
		res.Facets = facetResult(counts)
	}
	want := r.From + r.Size
	var order []uint64
	if pl.dateSorted {
		ids, err := newestYears(vs, ms, want)
		if err != nil {
			return nil, err
		}
		order, err = byDate(vs, ids, want)
		if err != nil {
			return nil, err
		}
	} else {
		docCount, err := snap.DocCount()
		if err != nil {
			return nil, err
		}
		order, err = ownRank(vs, ms, pl, docCount, want, ix.opts.pruneAt)
		if err != nil {
			return nil, err
		}
	}
	if r.From >= len(order) {
		res.Hits = []Hit{}
		return res, nil
	}
	page := order[r.From:]
	hits, err := ix.load(ctx, vs, page, r.Highlight)
	if err != nil {
		return nil, err
	}
	if r.Highlight {
		markHits(hits, pl)
	}
	res.Hits = hits
	return res, nil
}

func (ix *Index) countFacets(vs []*segView, ms []*roaring.Bitmap) (map[string]map[string]int, error) {
	out := make(map[string]map[string]int, len(facetFields))
	for name := range facetFields {
		out[name] = map[string]int{}
	}
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

func facetResult(counts map[string]map[string]int) map[string][]FacetValue {
	out := make(map[string][]FacetValue, len(counts))
	for name, cs := range counts {
		vals := make([]FacetValue, 0, len(cs))
		for v, c := range cs {
			vals = append(vals, FacetValue{Value: v, Count: c})
		}
		out[name] = topFacets(vals)
	}
	return out
}

// segScores is the score of every document of one segment.
type segScores struct {
	total []float32
	tok   []float32 // the current syllable's field scores
	seen  []uint8   // the current syllable's matched fields
	touch []uint32  // documents with tok or seen set
}

// ownRank returns the global numbers of the best want matches, best first
// (ties in index order).
func ownRank(vs []*segView, ms []*roaring.Bitmap, pl *plan, docCount uint64, want int, pruneAt uint64) ([]uint64, error) {
	ss := make([]*segScores, len(vs))
	for i, v := range vs {
		if !ms[i].IsEmpty() {
			n := v.seg.Count()
			ss[i] = &segScores{total: make([]float32, n), tok: make([]float32, n), seen: make([]uint8, n)}
		}
	}
	prune := uint64(max(pruneMin, pruneShare*float64(docCount)))
	if pruneAt > 0 {
		prune = pruneAt
	}
	type list struct {
		field string
		term  []byte
		boost float64
		df    uint64
		tok   int
	}
	var lists []list
	for k, tok := range pl.tokens {
		for _, sf := range tok {
			for _, t := range sf.terms {
				df, err := postingsCount(vs, sf.field, t)
				if err != nil {
					return nil, err
				}
				if df > 0 {
					lists = append(lists, list{sf.field, t, sf.boost, df, k})
				}
			}
		}
	}
	var it segment.PostingsIterator
	read := func(l list, isTok bool, limit uint64) error {
		idf := 1 + math.Log(float64(docCount)/float64(l.df+1))
		w := float32(l.boost * idf * idf)
		for i, v := range vs {
			sc := ss[i]
			if sc == nil {
				continue
			}
			d, err := v.dict(l.field)
			if err != nil {
				return err
			}
			pls, err := d.PostingsList(l.term, v.deleted, nil)
			if err != nil {
				return err
			}
			it = pls.Iterator(true, true, false, it)
			var n uint64
			for p, err := it.Next(); p != nil || err != nil; p, err = it.Next() {
				if err != nil {
					return err
				}
				n++
				if limit > 0 && n > limit {
					break
				}
				// Documents outside the match set get a score too, never read:
				// cheaper than testing each posting against the set.
				doc := p.Number()
				s := w * float32(math.Sqrt(float64(p.Frequency()))*p.Norm())
				if !isTok {
					sc.total[doc] += s
					continue
				}
				if sc.seen[doc] == 0 {
					sc.touch = append(sc.touch, uint32(doc))
				}
				sc.seen[doc]++
				sc.tok[doc] += s
			}
		}
		return nil
	}
	for k, tok := range pl.tokens {
		for _, l := range lists {
			if l.tok != k {
				continue
			}
			limit := uint64(0)
			if l.df > prune {
				if l.field != fTitle && l.field != fTitleF && l.field != fNumberT {
					continue
				}
				limit = capPostings
			}
			if err := read(l, true, limit); err != nil {
				return nil, err
			}
		}
		// bleve's disjunction multiplies by the share of alternatives that
		// matched (its coordination factor).
		nAlts := float32(len(tok))
		for _, sc := range ss {
			if sc == nil {
				continue
			}
			for _, d := range sc.touch {
				sc.total[d] += sc.tok[d] * float32(sc.seen[d]) / nAlts
				sc.tok[d], sc.seen[d] = 0, 0
			}
			sc.touch = sc.touch[:0]
		}
	}
	for _, t := range pl.number {
		df, err := postingsCount(vs, t.field, t.term)
		if err != nil {
			return nil, err
		}
		if df > 0 {
			if err := read(list{t.field, t.term, t.boost, df, -1}, false, 0); err != nil {
				return nil, err
			}
		}
	}
	h := &topHeap{}
	for i, v := range vs {
		sc := ss[i]
		if sc == nil {
			continue
		}
		ms[i].Iterate(func(x uint32) bool {
			s := sc.total[x]
			id := v.offset + uint64(x)
			if h.Len() < want {
				heap.Push(h, scored{s, id})
			} else if better(scored{s, id}, (*h)[0]) {
				(*h)[0] = scored{s, id}
				heap.Fix(h, 0)
			}
			return true
		})
	}
	out := make([]scored, len(*h))
	copy(out, *h)
	slices.SortFunc(out, func(a, b scored) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	ids := make([]uint64, len(out))
	for i, s := range out {
		ids[i] = s.id
	}
	return ids, nil
}

// better: higher score, then lower document number.
func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.id < b.id
}

// byDate orders ids by publication date, newest first (undated last, ties
// in index order), and keeps want of them.
func byDate(vs []*segView, ids []uint64, want int) ([]uint64, error) {
	type dated struct {
		t  int64
		ok bool
		id uint64
	}
	ds := make([]dated, 0, len(ids))
	k := 0
	for _, id := range ids {
		for k+1 < len(vs) && vs[k+1].offset <= id {
			k++
		}
		v := vs[k]
		dv, ok := v.seg.(segment.DocValueVisitable)
		if !ok {
			return nil, errNoFastPath
		}
		d := dated{id: id}
		_, err := dv.VisitDocValues(id-v.offset, []string{fPublished}, func(_ string, term []byte) {
			pc := numeric.PrefixCoded(term)
			if sh, err := pc.Shift(); err == nil && sh == 0 {
				if t, err := pc.Int64(); err == nil {
					d.t, d.ok = t, true
				}
			}
		}, nil)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.ok != b.ok {
			return a.ok
		}
		return a.t > b.t
	})
	out := make([]uint64, 0, min(want, len(ds)))
	for _, d := range ds[:min(want, len(ds))] {
		out = append(out, d.id)
	}
	return out, nil
}

// load returns the hits for global document numbers, in their order.
func (ix *Index) load(ctx context.Context, vs []*segView, ids []uint64, withBody bool) ([]Hit, error) {
	ext := make([]string, 0, len(ids))
	k := 0
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	byNum := make(map[uint64]string, len(ids))
	for _, id := range sorted {
		for k+1 < len(vs) && vs[k+1].offset <= id {
			k++
		}
		b, err := vs[k].ss.DocID(id - vs[k].offset)
		if err != nil {
			return nil, err
		}
		byNum[id] = string(b)
	}
	for _, id := range ids {
		ext = append(ext, byNum[id])
	}
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ext), len(ext), 0, false)
	req.Fields = storedFields
	if withBody {
		req.Fields = append(slices.Clip(req.Fields), fBody)
	}
	sr, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("search: %w", cerr)
		}
		return nil, wrapClosed("search", err)
	}
	byID := make(map[string]*bsearch.DocumentMatch, len(sr.Hits))
	for _, dm := range sr.Hits {
		byID[dm.ID] = dm
	}
	hits := make([]Hit, 0, len(ext))
	for _, id := range ext {
		dm := byID[id]
		if dm == nil {
			continue // deleted since: the next search will not count it either
		}
		h := toHit(dm, false)
		h.Score = 0
		if withBody {
			h.Snippet, _ = dm.Fields[fBody].(string) // replaced by markHits
		}
		hits = append(hits, h)
	}
	return hits, nil
}

// markHits highlights the query's syllables in the hits' titles and bodies,
// as bleve's term locations would: every token whose folded form is one of
// the query's folded terms.
func markHits(hits []Hit, pl *plan) {
	want := map[string]bool{}
	for _, tok := range pl.tokens {
		for _, sf := range tok {
			if sf.field == fTitleF || sf.field == fBodyF {
				for _, t := range sf.terms {
					want[string(t)] = true
				}
			}
		}
	}
	fold := analyzerNamed(AnalyzerFold)
	locate := func(text, field string) bsearch.FieldTermLocationMap {
		tlm := bsearch.TermLocationMap{}
		for _, t := range fold.Analyze([]byte(text)) {
			if want[string(t.Term)] {
				tlm[string(t.Term)] = append(tlm[string(t.Term)], &bsearch.Location{Pos: uint64(t.Position), Start: uint64(t.Start), End: uint64(t.End)})
			}
		}
		return bsearch.FieldTermLocationMap{field: tlm}
	}
	for i := range hits {
		h := &hits[i]
		body := h.Snippet
		h.TitleHTML = markAll(h.Title, locate(h.Title, fTitleF), fTitleF)
		if body == "" {
			h.Snippet = ""
			continue
		}
		h.Snippet = snippet(body, locate(body, fBodyF), fBodyF)
	}
}
