package search

import (
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight"
	htmlformat "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	"github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simplehl "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
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
	// hits, offered when Total is 0.
	Corrections []string
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
}

// FacetValue is one value of a facet with the number of matching documents.
type FacetValue struct {
	Value string
	Count int
}

// Parsed is a query string taken apart by ParseQuery. All text is NFC.
type Parsed struct {
	Terms    []string // words that must match (as typed, accents kept)
	Phrases  []string // quoted phrases that must match
	Excluded []string // -words and -"phrases" that must not match
	// Filters are agency:x, category:x, year:2025, place:"Xã A", kind:x;
	// NotFilters the same preceded by "-".
	Filters, NotFilters map[string][]string
}

// IsEmpty reports whether the query has neither text nor filters.
func (p Parsed) IsEmpty() bool {
	return len(p.Terms) == 0 && len(p.Phrases) == 0 && len(p.Excluded) == 0 &&
		len(p.Filters) == 0 && len(p.NotFilters) == 0
}

// String writes the query back in the syntax ParseQuery reads.
func (p Parsed) String() string {
	var parts []string
	parts = append(parts, p.Terms...)
	for _, ph := range p.Phrases {
		parts = append(parts, strconv.Quote(ph))
	}
	for _, ex := range p.Excluded {
		if strings.ContainsRune(ex, ' ') {
			ex = strconv.Quote(ex)
		}
		parts = append(parts, "-"+ex)
	}
	writeFilters := func(m map[string][]string, neg string) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			for _, v := range m[k] {
				if strings.ContainsAny(v, " \"") {
					v = strconv.Quote(v)
				}
				parts = append(parts, neg+k+":"+v)
			}
		}
	}
	writeFilters(p.Filters, "")
	writeFilters(p.NotFilters, "-")
	return strings.Join(parts, " ")
}

func badQuery(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBadQuery}, args...)...)
}

// ParseQuery takes a user's query apart: words, "quoted phrases" (an
// unbalanced quote is closed at the end), -word and -"phrase" exclusions,
// and filters name:value or name:"value with spaces" for the names agency,
// category, year, place and kind.
//
// Errors wrap ErrBadQuery: a query longer than MaxQueryLen runes, an unknown
// filter name (a word of ASCII letters before a colon, e.g. "foo:bar"), or
// a year that is not a number.
func ParseQuery(s string) (Parsed, error) {
	s = clean(s)
	var p Parsed
	if n := utf8.RuneCountInString(s); n > MaxQueryLen {
		return p, badQuery("query too long (%d characters, at most %d)", n, MaxQueryLen)
	}
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		neg := false
		if r == '-' && i+1 < len(s) {
			if r2, _ := utf8.DecodeRuneInString(s[i+1:]); !unicode.IsSpace(r2) && r2 != '-' {
				neg = true
				i++
			}
		}
		if s[i] == '"' {
			text, next := readQuoted(s, i)
			i = next
			if text = strings.Join(strings.Fields(text), " "); text != "" {
				if neg {
					p.Excluded = append(p.Excluded, text)
				} else {
					p.Phrases = append(p.Phrases, text)
				}
			}
			continue
		}
		start := i
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) || r == '"' {
				break
			}
			i += n
		}
		word := s[start:i]
		name, value, isField := strings.Cut(word, ":")
		if isField && isFieldName(name) && !strings.HasPrefix(value, "//") {
			if value == "" && i < len(s) && s[i] == '"' {
				value, i = readQuoted(s, i)
				value = strings.Join(strings.Fields(value), " ")
			}
			if value != "" {
				if err := p.addFilter(strings.ToLower(name), value, neg); err != nil {
					return Parsed{}, err
				}
				continue
			}
		}
		if neg {
			p.Excluded = append(p.Excluded, word)
		} else {
			p.Terms = append(p.Terms, word)
		}
	}
	return p, nil
}

// readQuoted reads from the quote at s[i] to the closing quote or the end.
func readQuoted(s string, i int) (text string, next int) {
	end := strings.IndexByte(s[i+1:], '"')
	if end < 0 {
		return s[i+1:], len(s)
	}
	return s[i+1 : i+1+end], i + 2 + end
}

func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func (p *Parsed) addFilter(name, value string, neg bool) error {
	if err := checkFilter(name, value); err != nil {
		return err
	}
	m := &p.Filters
	if neg {
		m = &p.NotFilters
	}
	if *m == nil {
		*m = make(map[string][]string)
	}
	(*m)[name] = append((*m)[name], value)
	return nil
}

func checkFilter(name, value string) error {
	if _, ok := filterFields[name]; !ok {
		return badQuery("unknown filter %q (known: agency, category, year, place, kind)", name)
	}
	if name == FilterYear {
		if y, err := strconv.Atoi(value); err != nil || y < 1 || y > 9999 {
			return badQuery("year %q is not a year", value)
		}
	}
	return nil
}

// Boosts. Title over body, exact (accented) over folded, and the whole
// query as a phrase over scattered syllables. Tuned on the ranking table in
// query_test.go.
const (
	boostTitle    = 5.0
	boostTitleF   = 2.5
	boostBody     = 1.5
	boostBodyF    = 0.75
	boostExtra    = 1.5
	boostExtraF   = 0.75
	boostNumberT  = 2.0
	boostNumber   = 20.0 // the document number typed as a whole
	boostContext  = 0.3  // a word found only in Document.Context
	boostEntry    = 3.0  // words found both in the context and in the document's own text
	phraseBoost   = 2.0  // multiplier of the field boost for adjacent syllables
	boostPrefixKW = 5.0  // Suggest: title starts with the prefix
)

type fieldBoost struct {
	field, analyzer string
	boost           float64
	positions       bool // indexed with term vectors: phrases work
}

// textFields are the fields every query word is looked up in.
var textFields = []fieldBoost{
	{fTitle, AnalyzerExact, boostTitle, false}, // phrases: textPhrase
	{fTitleF, AnalyzerFold, boostTitleF, true},
	{fBody, AnalyzerExact, boostBody, false},
	{fBodyF, AnalyzerFold, boostBodyF, false}, // phrases: textPhrase
	{fExtra, AnalyzerExact, boostExtra, true},
	{fExtraF, AnalyzerFold, boostExtraF, true},
	{fNumberT, AnalyzerFold, boostNumberT, true},
}

// exclusionFields are the fields an excluded word or phrase is tested on:
// typed with accents, it excludes only that spelling ("-đất" keeps "đạt").
// Fields without positions are left out for a phrase: phraseExclusions
// covers them.
func exclusionFields(accents, phrase bool) []fieldBoost {
	fs := []fieldBoost{{fTitle, AnalyzerExact, 1, false}, {fBody, AnalyzerExact, 1, false}, {fExtra, AnalyzerExact, 1, true}}
	if !accents {
		fs = []fieldBoost{{fTitleF, AnalyzerFold, 1, true}, {fBodyF, AnalyzerFold, 1, false}, {fExtraF, AnalyzerFold, 1, true}, {fNumberT, AnalyzerFold, 1, true}}
	}
	if phrase {
		fs = slices.DeleteFunc(fs, func(fb fieldBoost) bool { return !fb.positions })
	}
	return fs
}

// phraseExclusions test an excluded phrase on the texts without positions:
// the exact title when it is typed with accents, and the body, folded
// whatever its accents (as when the folded body had the positions).
func phraseExclusions(text string, accents bool) []query.Query {
	qs := []query.Query{newBodyPhrase(text, 1)}
	if accents {
		qs = append(qs, newTextPhrase(fTitle, fTitle, true, text, 1))
	}
	return qs
}

// analyze splits text into tokens with the exact analyzer (lower case,
// accents kept), as the index does.
func analyze(text string) []string {
	var out []string
	for _, t := range analyzerNamed(AnalyzerExact).Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}

func matchQ(text string, fb fieldBoost, phrase bool) query.Query {
	if phrase {
		q := bleve.NewMatchPhraseQuery(text)
		q.SetField(fb.field)
		q.Analyzer = fb.analyzer
		q.SetBoost(fb.boost)
		return q
	}
	q := bleve.NewMatchQuery(text)
	q.SetField(fb.field)
	q.Analyzer = fb.analyzer
	q.SetBoost(fb.boost)
	q.SetOperator(query.MatchQueryOperatorAnd)
	return q
}

// buildQuery turns a parsed query and URL filters into a bleve query.
func buildQuery(p Parsed, filters map[string][]string) (query.Query, error) {
	bq := bleve.NewBooleanQuery()
	var must []query.Query

	// Every syllable must match, in any text field, exact or folded, or in
	// the document's context; and at least one in the document's own text.
	var tokens []string
	for _, w := range p.Terms {
		tokens = append(tokens, analyze(w)...)
	}
	ctx := fieldBoost{fContextF, AnalyzerFold, boostContext, false}
	var own []query.Query
	for _, tok := range tokens {
		alts := make([]query.Query, 0, len(textFields)+1)
		for _, fb := range textFields {
			q := matchQ(tok, fb, false)
			alts = append(alts, q)
			// The own-text condition needs only the folded fields: whatever
			// matches exactly also matches folded, and half the fields is half
			// the postings to walk.
			if fb.analyzer == AnalyzerFold {
				own = append(own, q)
			}
		}
		if len(tokens) > 1 {
			alts = append(alts, matchQ(tok, ctx, false))
		}
		must = append(must, bleve.NewDisjunctionQuery(alts...))
	}
	var ctxBonus query.Query
	if len(tokens) > 1 {
		must = append(must, bleve.NewDisjunctionQuery(own...))
		// A document found both through its context and its own text is an
		// entry of the table the query describes ("giá đất" + "Trần Hưng Đạo"):
		// it ranks ahead of texts that merely mention the same words.
		var inCtx []query.Query
		for _, tok := range tokens {
			inCtx = append(inCtx, matchQ(tok, ctx, false))
		}
		cq := bleve.NewConjunctionQuery(bleve.NewDisjunctionQuery(inCtx...), bleve.NewDisjunctionQuery(own...))
		cq.SetBoost(boostEntry)
		ctxBonus = cq
	}
	// Quoted phrases must match as phrases.
	for _, ph := range p.Phrases {
		toks := analyze(ph)
		if len(toks) == 0 {
			continue
		}
		text := strings.Join(toks, " ")
		alts := make([]query.Query, 0, len(textFields))
		for _, fb := range textFields {
			if fb.positions {
				alts = append(alts, matchQ(text, fb, true))
			}
		}
		alts = append(alts, newBodyPhrase(text, boostBodyF))
		must = append(must, bleve.NewDisjunctionQuery(alts...))
	}
	if len(must) > 0 {
		bq.AddMust(must...)
	}

	// Bonus for the words adjacent, in order.
	var should []query.Query
	if len(tokens) > 1 {
		text := strings.Join(tokens, " ")
		for _, fb := range textFields {
			if fb.positions {
				fb.boost *= phraseBoost
				should = append(should, matchQ(text, fb, true))
			}
		}
	}
	// Bonus for each pair of adjacent words in a title: "gia dat tran hung dao"
	// favours a title with "Trần Hưng Đạo" over a long text where the five
	// syllables are scattered. Titles only: pairs in bodies would cost a phrase
	// query over every long text for little gain.
	if len(tokens) > 2 {
		for i := 0; i+1 < len(tokens); i++ {
			pair := tokens[i] + " " + tokens[i+1]
			should = append(should, matchQ(pair, fieldBoost{fTitleF, AnalyzerFold, boostTitleF, true}, true))
		}
	}
	if ctxBonus != nil {
		should = append(should, ctxBonus)
	}
	// Bonus for a document number typed as a whole ("12/QĐ-UBND").
	for _, w := range p.Terms {
		w = strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) })
		if strings.ContainsAny(w, "/-") && strings.ContainsFunc(w, unicode.IsDigit) {
			tq := bleve.NewTermQuery(Fold(w))
			tq.SetField(fNumber)
			tq.SetBoost(boostNumber)
			should = append(should, tq)
		}
	}
	if len(should) > 0 {
		bq.AddShould(should...)
	}

	// Exclusions.
	var mustNot []query.Query
	for _, ex := range p.Excluded {
		toks := analyze(ex)
		if len(toks) == 0 {
			continue
		}
		text := strings.Join(toks, " ")
		phrase := len(toks) > 1
		for _, fb := range exclusionFields(Fold(text) != text, phrase) {
			mustNot = append(mustNot, matchQ(text, fb, phrase))
		}
		if phrase {
			mustNot = append(mustNot, phraseExclusions(text, Fold(text) != text)...)
		}
	}
	for name, vals := range p.NotFilters {
		for _, v := range vals {
			mustNot = append(mustNot, filterTerm(name, v))
		}
	}
	if len(mustNot) > 0 {
		bq.AddMustNot(mustNot...)
	}

	// Filters: AND across names (and across query text and URL), OR within.
	var conj []query.Query
	for _, src := range []map[string][]string{p.Filters, filters} {
		for name, vals := range src {
			var alts []query.Query
			for _, v := range vals {
				v = clean(strings.TrimSpace(v))
				if v == "" {
					continue
				}
				if err := checkFilter(name, v); err != nil {
					return nil, err
				}
				alts = append(alts, filterTerm(name, v))
			}
			if len(alts) > 0 {
				conj = append(conj, bleve.NewDisjunctionQuery(alts...))
			}
		}
	}
	if len(conj) > 0 {
		bq.AddFilter(bleve.NewConjunctionQuery(conj...))
	}
	if len(must) == 0 && len(should) == 0 {
		// Only filters and/or exclusions: list everything that passes.
		bq.AddMust(bleve.NewMatchAllQuery())
	} else if len(must) == 0 {
		// Should-only would match nothing extra; make it required.
		bq.Must, bq.Should = bq.Should, nil
	}
	return bq, nil
}

func filterTerm(name, value string) query.Query {
	field := filterFields[name]
	if field == fPlacesF {
		value = Fold(value)
	}
	tq := bleve.NewTermQuery(value)
	tq.SetField(field)
	return tq
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
	select {
	case ix.running <- struct{}{}:
		defer func() { <-ix.running }()
	case <-ctx.Done():
		return nil, fmt.Errorf("search: waiting for a turn: %w", ctx.Err())
	}
	ix.fault("search")
	res, err = ix.search(ctx, p, r)
	if err != nil {
		return nil, err
	}
	if res.Total == 0 && len(p.Terms) > 0 {
		res.Corrections, err = ix.corrections(ctx, p, r)
		if err != nil {
			return nil, err
		}
	}
	res.Took = time.Since(start)
	return res, nil
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
	for name := range r.Filters {
		if _, ok := filterFields[name]; !ok {
			return nil, badQuery("unknown filter %q", name)
		}
	}
	q, err := buildQuery(p, r.Filters)
	if err != nil {
		return nil, err
	}
	if r.Sort != "" && r.Sort != "relevance" && r.Sort != "date" {
		return nil, badQuery("unknown sort %q (relevance or date)", r.Sort)
	}
	if !ix.opts.bleveOnly {
		res, err := ix.matchSetSearch(ctx, p, r, q)
		switch {
		case errors.Is(err, errInternals):
			ix.fellBack(err)
		case !errors.Is(err, errNoMatchSets):
			return res, err
		}
	}
	req := bleve.NewSearchRequestOptions(q, r.Size, r.From, false)
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
	res := &Result{Total: sr.Total, Took: sr.Took, Hits: make([]Hit, 0, len(sr.Hits))}
	for _, dm := range sr.Hits {
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

// markTerms is what markHits highlights for p: the folded tokens of its
// words and quoted phrases.
func markTerms(p Parsed) map[string]bool {
	want := map[string]bool{}
	for _, w := range append(slices.Clip(p.Terms), p.Phrases...) {
		for _, t := range analyzerNamed(AnalyzerFold).Analyze([]byte(w)) {
			want[string(t.Term)] = true
		}
	}
	return want
}

var (
	markFormatter = htmlformat.NewFragmentFormatter("<mark>", "</mark>")
	fragmenter    = simple.NewFragmenter(snippetLen)
)

// markAll escapes the whole of text, marking every match.
func markAll(text string, tlm bsearch.TermLocationMap) string {
	if len(tlm) == 0 {
		return html.EscapeString(text)
	}
	ordered := highlight.OrderTermLocations(tlm)
	ordered.MergeOverlapping()
	return markFormatter.Format(&highlight.Fragment{Orig: []byte(text), End: len(text)}, ordered)
}

// snippet returns the best fragment of text around matches, escaped, with
// matches marked; the start of the text when nothing in it matched.
func snippet(text string, tlm bsearch.TermLocationMap) string {
	if text == "" {
		return ""
	}
	if len(tlm) == 0 {
		return html.EscapeString(truncateRunes(text, snippetLen))
	}
	ordered := highlight.OrderTermLocations(tlm)
	orig := []byte(text)
	frags := fragmenter.Fragment(orig, ordered)
	scorer := simplehl.NewFragmentScorer(tlm)
	var best *highlight.Fragment
	for _, f := range frags {
		scorer.Score(f)
		if best == nil || f.Score > best.Score {
			best = f
		}
	}
	if best == nil {
		return html.EscapeString(truncateRunes(text, snippetLen))
	}
	ordered.MergeOverlapping()
	var b strings.Builder
	if best.Start > 0 {
		b.WriteString("…")
	}
	b.WriteString(markFormatter.Format(best, ordered))
	if best.End < len(orig) {
		b.WriteString("…")
	}
	return b.String()
}

func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
