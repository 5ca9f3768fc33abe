package search

// No dead ends.
//
// A search whose words match nothing, or match only loosely, says so and
// offers what would work instead of showing unrelated matches as answers:
//
//   - words typed with accents match only with those accents (or another
//     placement of the tone mark) first; only when that finds nothing are
//     the matches with other accents shown, marked Result.Approximate
//     ("Lao Bảo" is not "lao báo");
//   - a page of several words none of whose hits has them together (in its
//     title, or adjacent in its text, or as a table row) is marked
//     Result.Scattered;
//   - then, and when nothing matched, Result.Unmatched names the words that
//     no document has, and Result.Relaxed offers the query without them (or,
//     when each word matches but not together, without one of them), with
//     the categories where the rest occurs.

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
)

// Relaxation is a query with fewer words that has hits.
type Relaxation struct {
	Query      string       // the query without Dropped, in ParseQuery's syntax
	Dropped    []string     // the words left out
	Total      uint64       // its number of hits
	Categories []FacetValue // the categories with most of them, at most 3
}

// maxRelaxed bounds the relaxations offered, maxProbe the words probed one
// by one.
const (
	maxRelaxed = 3
	maxProbe   = 8
)

// hasAccentedWords: whether p has a word typed with accents, so that its
// strict form differs.
func hasAccentedWords(p Parsed) bool {
	for _, w := range p.Terms {
		if Fold(w) != strings.ToLower(w) {
			return true
		}
	}
	return false
}

// scattered reports whether no hit has the query's units together: all in
// its title, or adjacent in title or text, or a table row (found through
// its dataset's context).
func scattered(p Parsed, units []unit, hits []Hit) bool {
	if len(units) < 2 || len(hits) == 0 || slices.ContainsFunc(p.Terms, isDocNumber) {
		return false // a document number is matched in its own field
	}
	for _, h := range hits {
		if h.Kind == "row" || together(units, h.Title, false) || together(units, plainText(h.Snippet), true) {
			return false
		}
	}
	return true
}

// together: every unit (as typed or an alternative) occurs in text, and
// when adjacent is set, one after the other. A snippet is the best
// fragment of the body, around its matches.
func together(units []unit, text string, adjacent bool) bool {
	if text == "" {
		return false
	}
	var toks [][]byte
	tb := getTokenBuf()
	defer putTokenBuf(tb)
	for _, t := range foldTokens(tb, []byte(text)) {
		toks = append(toks, t.term)
	}
	forms := func(u unit) [][]string {
		out := [][]string{foldAll(u.toks)}
		for _, a := range u.alts {
			out = append(out, foldAll(a.toks))
		}
		return out
	}
	if !adjacent {
		for _, u := range units {
			if !slices.ContainsFunc(forms(u), func(f []string) bool { return containsAll(toks, f) }) {
				return false
			}
		}
		return true
	}
	// Adjacent: the units in order, each in one of its forms.
	var at func(i, k int) bool
	at = func(i, k int) bool {
		if k == len(units) {
			return true
		}
		for _, f := range forms(units[k]) {
			if i+len(f) <= len(toks) && runAt(toks, i, f) && at(i+len(f), k+1) {
				return true
			}
		}
		return false
	}
	for i := range toks {
		if at(i, 0) {
			return true
		}
	}
	return false
}

// plainText is a snippet without its marks, unescaped.
func plainText(snippet string) string {
	return html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(snippet))
}

func foldAll(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = Fold(t)
	}
	return out
}

func containsAll(toks [][]byte, want []string) bool {
	for _, w := range want {
		if !slices.ContainsFunc(toks, func(t []byte) bool { return string(t) == w }) {
			return false
		}
	}
	return true
}

func runAt(toks [][]byte, i int, run []string) bool {
	for j, r := range run {
		if string(toks[i+j]) != r {
			return false
		}
	}
	return true
}

// explain fills res.Unmatched and res.Relaxed for p (a query of words
// whose hits are none, approximate or scattered): each unit is searched
// alone, and the query without the units that match nothing, or without
// one unit at a time, is offered when it has hits.
func (ix *Index) explain(ctx context.Context, p Parsed, r Request, res *Result, rs *relaxedSearches) error {
	units := p.wordUnits()
	if len(units) == 0 {
		return nil
	}
	units = units[:min(len(units), maxProbe)]
	words := func(us []unit) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.text())
		}
		return out
	}
	var matched, unmatched []unit
	for _, u := range units {
		q := p
		q.Terms, q.Phrases, q.Excluded = u.toks, nil, nil
		sub, err := ix.tally(ctx, q, r.Filters, false)
		if err != nil {
			return err
		}
		if sub.Total == 0 {
			unmatched = append(unmatched, u)
		} else {
			matched = append(matched, u)
		}
	}
	res.Unmatched = words(unmatched)
	offer := func(keep, drop []unit) error {
		if len(keep) == 0 {
			return nil
		}
		q := p
		q.Terms = words(keep)
		sub, err := rs.search(ctx, ix, q, r)
		if err != nil || sub.Total == 0 {
			return err
		}
		cats := sub.Facets[FilterCategory]
		res.Relaxed = append(res.Relaxed, Relaxation{
			Query: q.String(), Dropped: words(drop), Total: sub.Total, Categories: cats[:min(3, len(cats))],
		})
		return nil
	}
	if len(unmatched) > 0 {
		return offer(matched, unmatched)
	}
	if len(units) < 2 {
		return nil
	}
	for i := range units {
		keep := slices.Concat(units[:i], units[i+1:])
		if err := offer(keep, units[i:i+1]); err != nil {
			return err
		}
	}
	slices.SortStableFunc(res.Relaxed, func(a, b Relaxation) int { return cmp.Compare(b.Total, a.Total) })
	res.Relaxed = res.Relaxed[:min(len(res.Relaxed), maxRelaxed)]
	return nil
}

// relaxedSearches are the searches of a query's words less some (dead-end
// offers, partial matches), each run once with facets and size hits: a
// tally when size is 1 (the offers alone need no hits).
type relaxedSearches struct {
	size int
	done map[string]*Result
}

// search is q's result within r's filters.
func (rs *relaxedSearches) search(ctx context.Context, ix *Index, q Parsed, r Request) (*Result, error) {
	key := rs.key(q)
	if res, ok := rs.done[key]; ok {
		return res, nil
	}
	// Without partial matches an offer needs no hits: its total and
	// categories.
	var res *Result
	var err error
	if rs.size <= 1 {
		res, err = ix.tally(ctx, q, r.Filters, true)
	} else {
		res, err = ix.search(ctx, q, Request{Filters: r.Filters, Size: rs.size, Facets: true})
	}
	if err != nil {
		return nil, err
	}
	if rs.done == nil {
		rs.done = map[string]*Result{}
	}
	rs.done[key] = res
	return res, nil
}

// searched is q's result when search has run it.
func (rs *relaxedSearches) searched(q Parsed) (*Result, bool) {
	res, ok := rs.done[rs.key(q)]
	return res, ok
}

func (rs *relaxedSearches) key(q Parsed) string {
	return fmt.Sprintf("%t %t %s", q.strict, q.loose, q.String())
}
