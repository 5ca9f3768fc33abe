package search

// Partial matches.
//
// Every word of a query is required, so a query with one word too many
// ("trợ giúp pháp lý miễn phí", "lãi suất cho vay tối đa") finds little or
// nothing, although the texts that answer it have all its other words.
// When the hits with every word do not fill the first page and are weak
// (none, only with other accents, or with the words only scattered), the
// page goes on with the documents that have all the words but one, in a
// list of their own (Result.Partial), each saying which words it lacks
// (Hit.Missing): they are never mixed with, nor ranked above, the hits
// with every word. A few hits that have the words together are an answer,
// and a search for each word left out would cost more than the answer.

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
)

// maxPartialUnits: a query of more units than this gets no partial
// matches (each unit left out is one more search).
const maxPartialUnits = 6

// partial fills res.Partial for p when res.Hits, the first page of a
// relevance-sorted search, holds every hit (res.Total < size): for each
// word unit in turn, the documents with all the others and not it, best
// score first, at most size of them.
func (ix *Index) partial(ctx context.Context, p Parsed, r Request, res *Result, size int, rs *relaxedSearches) error {
	units := p.wordUnits()
	// The words no document has, as explain found them for the same units
	// (not for an approximate search's).
	unmatched := res.Unmatched
	if res.Approximate {
		unmatched = nil
	}
	if len(units) < 2 || len(units) > maxPartialUnits || len(unmatched) > 1 {
		return nil // two words no document has: nothing lacks only one
	}
	full := make(map[string]bool, len(res.Hits))
	for _, h := range res.Hits {
		full[h.ID] = true
	}
	var out []Hit
	seen := map[string]bool{}
	for i, u := range units {
		if len(unmatched) == 1 && u.text() != unmatched[0] {
			continue // the word no document has is still in the query
		}
		q := p
		q.Terms = nil
		for j, k := range units {
			if j != i {
				q.Terms = append(q.Terms, k.toks...)
			}
		}
		sub, ok := rs.searched(q)
		if !ok {
			var err error
			if sub, err = ix.search(ctx, q, Request{Filters: r.Filters, Size: size + len(full)}); err != nil {
				return err
			}
		}
		for _, h := range sub.Hits {
			if full[h.ID] || seen[h.ID] {
				continue
			}
			seen[h.ID] = true
			h.Missing = []string{u.text()}
			out = append(out, h)
		}
	}
	slices.SortStableFunc(out, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	res.Partial = out[:min(len(out), size)]
	if r.Highlight && len(res.Partial) > 0 {
		return ix.snippets(ctx, p, res.Partial)
	}
	return nil
}

// snippets highlights hits, found without their bodies, for p: the bodies
// of the few kept are read by ID, rather than those of every search's.
func (ix *Index) snippets(ctx context.Context, p Parsed, hits []Hit) error {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = []string{fBody}
	sr, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("search: %w", cerr)
		}
		return wrapClosed("search", err)
	}
	bodies := make(map[string]string, len(sr.Hits))
	for _, dm := range sr.Hits {
		bodies[dm.ID], _ = dm.Fields[fBody].(string)
	}
	for i := range hits {
		hits[i].Snippet = bodies[hits[i].ID]
	}
	ix.markHits(hits, markTerms(p))
	return nil
}
