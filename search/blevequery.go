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
