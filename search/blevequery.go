package search

import (
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

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

// buildQuery turns a parsed query and URL filters into a bleve query. Its
// bonus phrases follow cands once set (candphrase.go); nil: never.
func buildQuery(p Parsed, filters map[string][]string, cands *candidateList) (query.Query, error) {
	units := p.wordUnits()
	var tokens []string
	for _, u := range units {
		tokens = append(tokens, u.toks...)
	}
	must, entry := wordQueries(units)
	must = append(must, phraseQueries(p.Phrases)...)
	should := bonusQueries(p.Terms, tokens, entry, cands)
	should = append(should, altPhraseQueries(units, cands)...)
	mustNot := exclusionQueries(p)
	filter, err := filterQuery(p.Filters, filters)
	if err != nil {
		return nil, err
	}
	bq := bleve.NewBooleanQuery()
	if len(must) > 0 {
		bq.AddMust(must...)
	}
	if len(should) > 0 {
		bq.AddShould(should...)
	}
	if len(mustNot) > 0 {
		bq.AddMustNot(mustNot...)
	}
	if filter != nil {
		bq.AddFilter(filter)
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

// unitField is one way a unit matches: a text (the unit as typed, or one
// of its alternatives) in one field, every syllable of it in that field.
type unitField struct {
	text  string
	fb    fieldBoost
	syn   bool // an alternative, not the words typed
	exact bool // text is looked up in the exact fields only
}

// unitFields are the text-field alternatives of u: its own text and each
// of its alternatives in every text field. The boosts are multiplied by
// the number of texts, so that a unit with alternatives weighs what a word
// without any does (a disjunction divides its score by its number of
// clauses), and an alternative's by its weight.
//
// In a strict unit (Parsed.strict) a text typed with accents is looked up
// in the exact fields only (and in the document number, a code).
//
// An alternative is spelt as the thesaurus writes it, accents and all: in a
// strict unit it is looked up in the exact fields only, otherwise in the
// folded ones only. Either way it has one field of each kind to match in,
// as the words typed do: a disjunction multiplies its score by the share
// of its clauses that match, so an alternative matching both the exact and
// the folded body would outweigh the words typed matching one.
func unitFields(u unit) []unitField {
	n := float64(1 + len(u.alts))
	out := make([]unitField, 0, len(textFields)*(1+len(u.alts)))
	add := func(text string, w float64, syn bool) {
		exact, folded := exactOnly(u, text), false
		if syn {
			exact, folded = u.strict, !u.strict
		}
		for _, fb := range textFields {
			if exact && fb.analyzer == AnalyzerFold && fb.field != fNumberT || folded && fb.analyzer == AnalyzerExact {
				continue
			}
			fb.boost *= n * w
			out = append(out, unitField{text, fb, syn, exact})
		}
	}
	add(u.text(), 1, false)
	for _, a := range u.alts {
		add(strings.Join(a.toks, " "), a.weight, true)
	}
	return out
}

// ownField: whether a match in uf counts as one in the document's own
// text. The folded fields suffice (whatever matches exactly also matches
// folded, and half the fields is half the postings to walk), unless the
// text is looked up in its exact fields only.
func ownField(uf unitField) bool {
	return uf.fb.analyzer == AnalyzerFold || uf.exact
}

// exactOnly: whether text, in strict unit u, is looked up in the exact
// fields only: when every syllable of it is typed with accents. A term typed
// half with accents ("thủ tuc") has a syllable the exact fields cannot hold.
func exactOnly(u unit, text string) bool {
	if !u.strict {
		return false
	}
	for _, t := range strings.Fields(text) {
		if Fold(t) == t {
			return false
		}
	}
	return true
}

// contextFields are u's alternatives in the document's context.
func contextFields(u unit) []unitField {
	n := float64(1 + len(u.alts))
	ctx := fieldBoost{fContextF, AnalyzerFold, boostContext * n, false}
	out := []unitField{{text: u.text(), fb: ctx}}
	for _, a := range u.alts {
		c := ctx
		c.boost *= a.weight
		out = append(out, unitField{text: strings.Join(a.toks, " "), fb: c, syn: true})
	}
	return out
}

// wordQueries are the conditions on the query's units: every one must
// match, in any text field, exact or folded, as typed or as one of its
// alternatives, or in the document's context; and at least one in the
// document's own text. entry is the bonus of a document found both through
// its context and its own text (nil for a single unit).
func wordQueries(units []unit) (must []query.Query, entry query.Query) {
	var own []query.Query
	for _, u := range units {
		ufs := unitFields(u)
		alts := make([]query.Query, 0, len(ufs)+1+len(u.alts))
		for _, uf := range ufs {
			q := matchQ(uf.text, uf.fb, false)
			alts = append(alts, q)
			if ownField(uf) {
				own = append(own, q)
			}
		}
		if len(units) > 1 {
			for _, cf := range contextFields(u) {
				alts = append(alts, matchQ(cf.text, cf.fb, false))
			}
		}
		must = append(must, bleve.NewDisjunctionQuery(alts...))
	}
	if len(units) <= 1 {
		return must, nil
	}
	must = append(must, bleve.NewDisjunctionQuery(own...))
	// A document found both through its context and its own text is an
	// entry of the table the query describes ("giá đất" + "Trần Hưng Đạo"):
	// it ranks ahead of texts that merely mention the same words.
	var inCtx []query.Query
	for _, u := range units {
		for _, cf := range contextFields(u) {
			cf.fb.boost = boostContext
			inCtx = append(inCtx, matchQ(cf.text, cf.fb, false))
		}
	}
	cq := bleve.NewConjunctionQuery(bleve.NewDisjunctionQuery(inCtx...), bleve.NewDisjunctionQuery(own...))
	cq.SetBoost(boostEntry)
	return must, cq
}

// phraseQueries are the quoted phrases, each of which must match as a
// phrase.
func phraseQueries(phrases []string) []query.Query {
	var must []query.Query
	for _, ph := range phrases {
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
	return must
}

// bonusQueries raise the documents with the query's syllables adjacent, a
// table's entries (entry, from wordQueries) and a document number typed as
// a whole.
func bonusQueries(terms, tokens []string, entry query.Query, cands *candidateList) []query.Query {
	var should []query.Query
	// The words adjacent, in order.
	if len(tokens) > 1 {
		text := strings.Join(tokens, " ")
		for _, fb := range textFields {
			if fb.positions {
				fb.boost *= phraseBoost
				should = append(should, onCandidates(matchQ(text, fb, true), cands))
			}
		}
	}
	// Each pair of adjacent words in a title: "gia dat tran hung dao"
	// favours a title with "Trần Hưng Đạo" over a long text where the five
	// syllables are scattered. Titles only: pairs in bodies would cost a phrase
	// query over every long text for little gain.
	if len(tokens) > 2 {
		for i := 0; i+1 < len(tokens); i++ {
			pair := tokens[i] + " " + tokens[i+1]
			should = append(should, onCandidates(matchQ(pair, fieldBoost{fTitleF, AnalyzerFold, boostTitleF, true}, true), cands))
		}
	}
	if entry != nil {
		should = append(should, entry)
	}
	// A document number typed as a whole ("12/QĐ-UBND").
	for _, w := range terms {
		w = strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) })
		if strings.ContainsAny(w, "/-") && strings.ContainsFunc(w, unicode.IsDigit) {
			tq := bleve.NewTermQuery(Fold(w))
			tq.SetField(fNumber)
			tq.SetBoost(boostNumber)
			should = append(should, tq)
		}
	}
	return should
}

// altPhraseQueries raise the titles that say a unit's alternative of
// several words with its words adjacent, as the phrase bonus does for the
// words typed: "sổ đỏ" favours a title with "giấy chứng nhận quyền sử
// dụng đất" over one with those syllables scattered.
func altPhraseQueries(units []unit, cands *candidateList) []query.Query {
	var should []query.Query
	for _, u := range units {
		for _, a := range u.alts {
			if len(a.toks) < 2 {
				continue
			}
			fb := fieldBoost{fTitleF, AnalyzerFold, boostTitleF * phraseBoost * a.weight, true}
			should = append(should, onCandidates(matchQ(strings.Join(a.toks, " "), fb, true), cands))
		}
	}
	return should
}

// exclusionQueries are the excluded words and phrases and the negated
// filters.
func exclusionQueries(p Parsed) []query.Query {
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
	return mustNot
}

// filterQuery is the filters of the query text and of the URL: AND across
// names (and across query text and URL), OR within; nil without any.
func filterQuery(inText, fromURL map[string][]string) (query.Query, error) {
	var conj []query.Query
	for _, src := range []map[string][]string{inText, fromURL} {
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
	if len(conj) == 0 {
		return nil, nil
	}
	return bleve.NewConjunctionQuery(conj...), nil
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
