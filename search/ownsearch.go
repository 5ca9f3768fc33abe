package search

// A search ranked by the own ranking (ownrank.go): its match sets, its
// facets, its order (by relevance or by date), and its page read straight
// from the segments' stored fields.

import (
	"context"
	"fmt"
	"slices"
	"sort"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// ownRankedSearch answers r on snap from its match sets with the own ranking.
func (ix *Index) ownRankedSearch(ctx context.Context, snap *snapshot, vs []*segView, pl *plan, r Request) (*Result, error) {
	ms, total, err := matchSets(ctx, vs, pl)
	if err != nil {
		return nil, err
	}
	res := &Result{Total: total}
	var fj *facetJob
	if r.Facets {
		fj = ix.startFacets(snap, ms)
	}
	defer fj.wait() // also on an error return: the job reads ms
	want := r.From + r.Size
	var order []uint64
	var scores []float32 // of order, when ranked by relevance
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
		docCount, err := snap.docCount()
		if err != nil {
			return nil, err
		}
		order, scores, err = ownRank(vs, ms, pl, docCount, want, ix.opts)
		if err != nil {
			return nil, err
		}
	}
	if r.Facets {
		facets, err := fj.wait()
		if err != nil {
			return nil, err
		}
		res.Facets = facetResult(facets)
	}
	if r.From >= len(order) {
		res.Hits = []Hit{}
		return res, nil
	}
	page := order[r.From:]
	var pageScores []float32
	if scores != nil {
		pageScores = scores[r.From:]
	}
	hits, err := ix.load(ctx, vs, page, pageScores, r.Highlight)
	if err != nil {
		return nil, err
	}
	if r.Highlight {
		ix.markHits(hits, markTerms(pl.parsed))
	}
	res.Hits = hits
	return res, nil
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
	for _, id := range ids {
		v, local := segOf(vs, id)
		d := dated{id: id}
		err := v.docValue(local, fPublished, func(term []byte) {
			d.t, d.ok = parsePublished(term)
		})
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

// load returns the hits for global document numbers, in their order, with
// their scores (nil: 0).
func (ix *Index) load(ctx context.Context, vs []*segView, ids []uint64, scores []float32, withBody bool) ([]Hit, error) {
	// Straight from each document's stored fields in its segment: the
	// snapshot is held, so every ranked number is still there (a bleve
	// search by ID looked each ID up in every segment's dictionary).
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]Hit, 0, len(ids))
	for i, id := range ids {
		v, local := segOf(vs, id)
		dm := &bsearch.DocumentMatch{Fields: make(map[string]interface{}, len(storedFields)+1)}
		err := v.stored(local, func(field string, value []byte) bool {
			switch {
			case field == "_id":
				dm.ID = string(value)
			case field == fBody && withBody, slices.Contains(storedFields, field):
				dm.Fields[field] = string(value)
			}
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("search: stored fields of %d: %w", id, err)
		}
		h := toHit(dm)
		h.Score = 0
		if i < len(scores) {
			h.Score = float64(scores[i])
		}
		if withBody {
			h.Snippet, _ = dm.Fields[fBody].(string) // replaced by markHits
		}
		hits = append(hits, h)
	}
	return hits, nil
}
