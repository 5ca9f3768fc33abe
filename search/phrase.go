package search

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Bodies are indexed without term positions: they were a fifth of the index
// and served only quoted phrases and the phrase bonus (titles keep theirs).
// A quoted phrase is found in a body by bodyPhrase: every syllable in the
// folded body, then the stored body read and the syllables checked to stand
// side by side. Reading bodies costs more per candidate than positions did,
// but only quoted phrases pay it.

// bodyPhrase is a bleve query matching the documents whose body holds the
// folded tokens next to each other, in order. It scores as the conjunction
// of its terms in the folded body.
type bodyPhrase struct {
	tokens []string // folded, as the fold analyzer gives them
	boost  float64
}

// newBodyPhrase returns the query for the phrase text (analysed here), or
// nil when the text has no token.
func newBodyPhrase(text string, boost float64) *bodyPhrase {
	var toks []string
	for _, t := range analyzerNamed(AnalyzerFold).Analyze([]byte(text)) {
		toks = append(toks, string(t.Term))
	}
	if len(toks) == 0 {
		return nil
	}
	return &bodyPhrase{tokens: toks, boost: boost}
}

func (q *bodyPhrase) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("search: phrase in bodies: reader %T is not a scorch snapshot", r)
	}
	terms := make([]query.Query, len(q.tokens))
	for i, t := range q.tokens {
		tq := bleve.NewTermQuery(t)
		tq.SetField(fBodyF)
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
	return &phraseSearcher{Searcher: inner, vs: views(snap), tokens: q.tokens}, nil
}

// phraseSearcher passes on the matches of its inner searcher whose stored
// body has the tokens side by side.
type phraseSearcher struct {
	bsearch.Searcher
	vs     []*segView
	tokens []string
	body   []byte
	err    error
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
		ok, err := s.holds(dm.IndexInternalID)
		if err != nil {
			return nil, err
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
	v, local := segOf(s.vs, id.Value())
	s.body = s.body[:0]
	err := v.seg.VisitStoredFields(local, func(field string, _ byte, value []byte, _ []uint64) bool {
		if field == fBody {
			s.body = append(s.body, value...)
			return false
		}
		return true
	})
	if err != nil {
		return false, err
	}
	tb := getTokenBuf()
	defer putTokenBuf(tb)
	return hasPhrase(foldTokens(tb, s.body), s.tokens), nil
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
