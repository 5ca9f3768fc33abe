package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Limits on requests.
const (
	MaxQueryLen = 500    // runes in Request.Query
	DefaultSize = 10     // hits per page when Request.Size is 0
	MaxSize     = 100    // larger Request.Size is clamped
	MaxWindow   = 10_000 // From+Size beyond this is ErrBadQuery
	facetSize   = 20     // values per facet
	snippetLen  = 160    // runes per snippet fragment
)

// Filter names, used in query text (agency:x), in Request.Filters and as
// keys of Result.Facets.
const (
	FilterAgency   = "agency"
	FilterCategory = "category"
	FilterYear     = "year"
	FilterPlace    = "place"
	FilterKind     = "kind"
)

// filterFields maps a filter name to the keyword field it tests.
var filterFields = map[string]string{
	FilterAgency:   fAgency,
	FilterCategory: fCategory,
	FilterYear:     fYear,
	FilterPlace:    fPlacesF,
	FilterKind:     fKind,
}

// facetFields maps a facet name to the keyword field it counts. Places are
// counted on their original labels, filtered on their folded form.
var facetFields = map[string]string{
	FilterAgency:   fAgency,
	FilterCategory: fCategory,
	FilterYear:     fYear,
	FilterPlace:    fPlaces,
	FilterKind:     fKind,
}

// Request is a search as the server receives it.
type Request struct {
	// Query is the user's text: words, "quoted phrases", -excluded and
	// field filters (see ParseQuery).
	Query string
	// Filters come from URL parameters: keys agency, category, year, place,
	// kind. Values of one key are alternatives (OR); keys must all hold
	// (AND), also with filters written in Query.
	Filters map[string][]string
	// Sort is "" or "relevance" (default), or "date" (newest first).
	Sort string
	// From is the offset of the first hit, Size the page size (default 10,
	// at most 100). From+Size may not exceed MaxWindow.
	From, Size int
	// Facets asks for value counts of agency, category, year, place, kind.
	Facets bool
	// Highlight asks for Hit.Snippet and Hit.TitleHTML.
	Highlight bool
	// Thesaurus gives the other ways of saying the query's words. Nil
	// means the index's (Options.Thesaurus); NoThesaurus matches the words
	// as typed.
	Thesaurus *Thesaurus
	// NoAdvice skips the work done for a query with no, approximate or
	// scattered hits to tell the reader what would work (Corrections,
	// Unmatched and Relaxed stay empty), for callers that show
	// none of it, such as the CKAN API's package_search.
	NoAdvice bool
}

// Result is one page of hits.
type Result struct {
	Total uint64
	Took  time.Duration // the whole call, highlights and corrections included
	Hits  []Hit
	// Facets has keys agency, category, year, place, kind (when requested);
	// values are sorted by count, most frequent first, at most 20 each.
	Facets map[string][]FacetValue
	// Corrections are up to 3 rewritten queries ("did you mean") that have
	// hits, offered when Total is 0 or the hits are approximate or
	// scattered.
	Corrections []string
	// Approximate: no document has the words typed with accents as typed;
	// the hits have them with other accents ("Lao Bảo" → "báo") and are no
	// answer to show as one.
	Approximate bool
	// Scattered: the query has several words and no hit on the first page
	// has them together (all in its title, adjacent in its text, or as a
	// table row).
	Scattered bool
	// Unmatched are the query's words that no document has (within the
	// filters), and Relaxed the queries with fewer words that have hits;
	// both only when Total is 0 or the hits are approximate or scattered.
	Unmatched []string
	Relaxed   []Relaxation
	// Partial are the documents with all the query's words but one (each
	// names it in Hit.Missing), best first, at most a page of them: on the
	// first page of a search by relevance whose hits with every word do
	// not fill it and are none, approximate or scattered (partial.go).
	// They come after Hits and are not counted in Total.
	Partial []Hit
	// Corrected is the spelling correction whose hits the result holds
	// when the query as typed has none ("bảo hiểm thất ngiệp" shows the
	// hits of "bảo hiểm thất nghiệp"): the first of Corrections.
	Corrected string
}

// Hit is one matching document.
type Hit struct {
	ID, Kind, URL, Title, Agency, Category, Parent string
	Places                                         []string
	Published                                      time.Time // zero when undated
	// Snippet is HTML: escaped text from the body with <mark>…</mark>
	// around matches, in the original (accented) spelling even when the
	// query was typed without accents. Empty unless Request.Highlight.
	Snippet string
	// TitleHTML is the escaped title with <mark>…</mark> around matches.
	// Empty unless Request.Highlight.
	TitleHTML string
	Score     float64
	// Missing are the query's words a partial match lacks
	// (Result.Partial); empty in Result.Hits.
	Missing []string
}

// FacetValue is one value of a facet with the number of matching documents.
type FacetValue struct {
	Value string
	Count int
}

var storedFields = []string{fTitle, fURL, fKind, fMeta, fParent}

// Search runs a request.
//
// Errors: ErrBadQuery (wrapped) for an invalid query, unknown filter or
// sort, negative From or Size, or From+Size beyond MaxWindow; ctx.Err()
// (wrapped) when the context ends; ErrClosed after Close.
func (ix *Index) Search(ctx context.Context, r Request) (res *Result, err error) {
	defer recovered(ix, "search", &res, &err)
	start := time.Now()
	p, err := ParseQuery(r.Query)
	if err != nil {
		return nil, err
	}
	p.th = r.Thesaurus
	if p.th == nil {
		p.th = ix.opts.Thesaurus
	}
	select {
	case ix.running <- struct{}{}:
		defer func() { <-ix.running }()
	case <-ctx.Done():
		return nil, fmt.Errorf("search: waiting for a turn: %w", ctx.Err())
	}
	ix.fault("search")
	// Words typed with accents match with those accents first (deadend.go);
	// only when that finds nothing do other accents count, as approximate.
	strict := p
	strict.strict = hasAccentedWords(p)
	res, err = ix.search(ctx, strict, r)
	if err != nil {
		return nil, err
	}
	if res.Total == 0 && strict.strict {
		p.loose = true
		res, err = ix.search(ctx, p, r)
		if err != nil {
			return nil, err
		}
		res.Approximate = res.Total > 0
	}
	units := strict.wordUnits()
	res.Scattered = r.From == 0 && scattered(p, units, res.Hits)
	weak := res.Total == 0 || res.Approximate || res.Scattered
	size := cmp.Or(min(r.Size, MaxSize), DefaultSize)
	partial := !r.NoAdvice && weak && r.From == 0 && r.Sort != "date" && res.Total < uint64(size) &&
		!slices.ContainsFunc(p.Terms, isDocNumber)
	// The queries without one word that explain offers are those whose hits
	// are the partial matches: each is searched once, for both.
	rs := &relaxedSearches{size: 1}
	if partial {
		rs.size = size + len(res.Hits)
	}
	if !r.NoAdvice && len(p.Terms) > 0 && weak {
		res.Corrections, err = ix.corrections(ctx, strict, r)
		if err != nil {
			return nil, err
		}
		if err := ix.explain(ctx, strict, r, res, rs); err != nil {
			return nil, err
		}
		if res.Total == 0 && len(res.Corrections) > 0 {
			if err := ix.corrected(ctx, p, r, res); err != nil {
				return nil, err
			}
		}
	}
	if partial && res.Corrected == "" {
		q := strict
		if res.Approximate {
			q = p
		}
		if err := ix.partial(ctx, q, r, res, size, rs); err != nil {
			return nil, err
		}
	}
	res.Took = time.Since(start)
	return res, nil
}

// corrected fills res, a result of p without hits, with the hits of its
// first correction, as a search of it would, and names it in
// res.Corrected; not when the correction leaves words out.
func (ix *Index) corrected(ctx context.Context, p Parsed, r Request, res *Result) error {
	c := res.Corrections[0]
	q, err := ParseQuery(c)
	if err != nil || len(q.Terms) < len(p.Terms) {
		return nil // nor one that drops words: Relaxed and Partial offer those
	}
	q.th, q.strict = p.th, hasAccentedWords(q)
	sub, err := ix.search(ctx, q, r)
	if err != nil || sub.Total == 0 {
		return err
	}
	res.Total, res.Hits, res.Facets, res.Corrected = sub.Total, sub.Hits, sub.Facets, c
	return nil
}

// checkFilters refuses a filter the index does not have.
func checkFilters(filters map[string][]string) error {
	for name := range filters {
		if _, ok := filterFields[name]; !ok {
			return badQuery("unknown filter %q", name)
		}
	}
	return nil
}

// fallsBack reports whether err, from a search on the match sets, leaves
// the answer to bleve: the query has no match sets, or bleve's internals
// are not what they expect (counted and logged once). Otherwise err (nil
// or not) goes with the match sets' answer.
func (ix *Index) fallsBack(err error) bool {
	if errors.Is(err, errInternals) {
		ix.fellBack(err)
		return true
	}
	return errors.Is(err, errNoMatchSets)
}

func (ix *Index) search(ctx context.Context, p Parsed, r Request) (*Result, error) {
	if r.From < 0 || r.Size < 0 {
		return nil, badQuery("negative from or size")
	}
	if r.Size == 0 {
		r.Size = DefaultSize
	}
	r.Size = min(r.Size, MaxSize)
	if r.From+r.Size > MaxWindow {
		return nil, badQuery("page too deep (from+size > %d)", MaxWindow)
	}
	if err := checkFilters(r.Filters); err != nil {
		return nil, err
	}
	var cands *candidateList
	if !ix.opts.bleveOnly {
		cands = &candidateList{}
	}
	q, err := buildQuery(p, r.Filters, cands)
	if err != nil {
		return nil, err
	}
	if r.Sort != "" && r.Sort != "relevance" && r.Sort != "date" {
		return nil, badQuery("unknown sort %q (relevance or date)", r.Sort)
	}
	if !ix.opts.bleveOnly {
		res, err := ix.matchSetSearch(ctx, p, r, q, cands)
		if !ix.fallsBack(err) {
			return res, err
		}
		*cands = candidateList{} // bleve's search reads every document
	}
	return ix.bleveSearch(ctx, p, r, q)
}

// bleveSearch answers r with bleve's search alone: matches, ranking and
// facets.
func (ix *Index) bleveSearch(ctx context.Context, p Parsed, r Request, q query.Query) (*Result, error) {
	// The best fitTop matches are re-ordered by their titles' fit, as
	// matchSetSearch does, and the page is cut from them after.
	var fit *titleFit
	if r.Sort != "date" && r.From < fitTop && r.Size > 1 {
		fit = newTitleFit(p.wordUnits())
	}
	size, from := r.Size, r.From
	if fit != nil {
		size, from = max(fitTop, r.From+r.Size), 0
	}
	req := bleve.NewSearchRequestOptions(q, size, from, false)
	ix.prepare(req, r)
	if r.Facets {
		for name, field := range facetFields {
			req.AddFacet(name, bleve.NewFacetRequest(field, facetSize))
		}
	}
	sr, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("search: %w", cerr)
		}
		return nil, wrapClosed("search", err)
	}
	hits := sr.Hits
	if fit != nil {
		hits = fitOrder(fit, hits, r.From, r.Size)
	}
	res := &Result{Total: sr.Total, Took: sr.Took, Hits: make([]Hit, 0, len(hits))}
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
	if r.Facets {
		res.Facets = make(map[string][]FacetValue, len(sr.Facets))
		for name, fr := range sr.Facets {
			vals := []FacetValue{}
			if fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					vals = append(vals, FacetValue{Value: t.Term, Count: t.Count})
				}
			}
			res.Facets[name] = topFacets(vals)
		}
	}
	return res, nil
}

// prepare sets the stored fields, highlights and sort of req.
func (ix *Index) prepare(req *bleve.SearchRequest, r Request) {
	req.Fields = storedFields
	if r.Highlight {
		// The body for the snippet; highlights come from analysing it and
		// the title again (markHits), not from term locations.
		req.Fields = append(slices.Clip(req.Fields), fBody)
	}
	if r.Sort == "date" {
		// Ties: index order, stable across pages. The terms are
		// publishedLayout strings, whose byte order is time order.
		req.SortByCustom(bsearch.SortOrder{
			&bsearch.SortField{Field: fPublished, Desc: true, Type: bsearch.SortFieldAsString, Missing: bsearch.SortFieldMissingLast},
			&bsearch.SortScore{Desc: true},
		})
	}
	// Relevance is bleve's default order. A tie-breaker such as -published
	// would read doc values for every match, not only the top ones.
}

func toHit(dm *bsearch.DocumentMatch) Hit {
	str := func(f string) string { s, _ := dm.Fields[f].(string); return s }
	h := Hit{
		ID:     dm.ID,
		Kind:   str(fKind),
		URL:    str(fURL),
		Title:  str(fTitle),
		Parent: str(fParent),
		Score:  dm.Score,
	}
	if meta := str(fMeta); meta != "" {
		parts := strings.Split(meta, "\n")
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		h.Agency, h.Category = parts[0], parts[1]
		if t, err := time.Parse(publishedLayout, parts[2]); err == nil {
			h.Published = t
		}
		if len(parts) > 3 {
			h.Places = parts[3:]
		}
	}
	return h
}
