package search

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Bodies and exact titles are indexed without term positions: they were a
// fifth of the index and served only quoted phrases and the phrase bonus
// (folded titles keep theirs, and with them the bonus). A quoted phrase is
// found in them by textPhrase: every syllable in the field, then the stored
// text read and the syllables checked to stand side by side. Reading texts
// costs more per candidate than positions did, but only quoted phrases pay it.

// textPhrase is a bleve query matching the documents whose stored text holds
// the tokens next to each other, in order. It scores as the conjunction of
// its terms in the indexed field.
type textPhrase struct {
	field, stored string // indexed field, stored field analysed alike
	exact         bool   // the exact analyzer (accents kept), else folded
	tokens        []string
	boost         float64
}

// newBodyPhrase is the phrase text in bodies, folded.
func newBodyPhrase(text string, boost float64) query.Query {
	return newTextPhrase(fBodyF, fBody, false, text, boost)
}

// newTextPhrase returns the query for text (analysed here); a text with no
// token matches nothing (a nil *textPhrase in a query list would panic).
func newTextPhrase(field, stored string, exact bool, text string, boost float64) query.Query {
	an := AnalyzerFold
	if exact {
		an = AnalyzerExact
	}
	var toks []string
	for _, t := range analyzerNamed(an).Analyze([]byte(text)) {
		toks = append(toks, string(t.Term))
	}
	if len(toks) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return &textPhrase{field: field, stored: stored, exact: exact, tokens: toks, boost: boost}
}

func (q *textPhrase) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	terms := make([]query.Query, len(q.tokens))
	for i, t := range q.tokens {
		tq := bleve.NewTermQuery(t)
		tq.SetField(q.field)
		tq.SetBoost(q.boost)
		terms[i] = tq
	}
	inner, err := bleve.NewConjunctionQuery(terms...).Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	if len(q.tokens) == 1 {
		return inner, nil
	}
	return &phraseSearcher{Searcher: inner, texts: newStoredReader(r), q: q}, nil
}

// phraseSearcher passes on the matches of its inner searcher whose stored
// text has the tokens side by side.
type phraseSearcher struct {
	bsearch.Searcher
	texts *storedReader
	q     *textPhrase
	text  []byte
}

func (s *phraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	return s.filter(ctx, dm, err)
}

func (s *phraseSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	return s.filter(ctx, dm, err)
}

// filter returns dm if it holds the phrase, else the next match that does.
func (s *phraseSearcher) filter(ctx *bsearch.SearchContext, dm *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	for dm != nil && err == nil {
		ok, herr := s.holds(dm.IndexInternalID)
		if herr != nil {
			return nil, herr
		}
		if ok {
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
		dm, err = s.Searcher.Next(ctx)
	}
	return dm, err
}

func (s *phraseSearcher) holds(id index.IndexInternalID) (bool, error) {
	var err error
	s.text, err = s.texts.field(id, s.q.stored, s.text[:0])
	if err != nil {
		return false, err
	}
	tb := getTokenBuf()
	defer putTokenBuf(tb)
	if s.q.exact {
		return hasPhrase(exactTokens(tb, s.text), s.q.tokens), nil
	}
	return hasPhrase(foldTokens(tb, s.text), s.q.tokens), nil
}

// hasPhrase reports whether toks (in position order) hold phrase at
// consecutive positions, as bleve's phrase search would find it.
func hasPhrase(toks []token, phrase []string) bool {
	for i := range toks {
		if string(toks[i].term) != phrase[0] {
			continue
		}
		j, k := 1, i+1
		for ; j < len(phrase); j++ {
			want := toks[i].pos + j
			for k < len(toks) && (toks[k].pos < want || toks[k].pos == want && string(toks[k].term) != phrase[j]) {
				k++
			}
			if k == len(toks) || toks[k].pos != want {
				break
			}
		}
		if j == len(phrase) {
			return true
		}
	}
	return false
}
