package search

import (
	"context"
	"sort"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Phrase bonuses on the candidates only.
//
// The bonus phrases (the query's words adjacent in the fields with
// positions, each pair of adjacent words in titles, a thesaurus
// alternative in titles: bonusQueries, altPhraseQueries) are bleve phrase
// searches. Asked for the first phrase at or after a document, bleve's
// phrase searcher walks every document that holds all the phrase's
// syllables until one holds them side by side, completing each one's term
// locations on the way. Only the candidates bleve ranks can use a bonus,
// but the walk covers everything between them: folded, "đóng phần trăm"
// is "dong phan tram", which a million table rows about amounts in đồng
// hold scattered, and its 24 matches took 40 ms at 100,000 notices + 1M
// rows (7 ms on the candidates). On the match sets' path the candidates
// are known before bleve searches (candQuery), so the bonus phrases read
// their postings through a reader that skips to the next candidate:
// bleve's own phrase searcher and scores, over the documents that can use
// them.

// candidateList is the sorted global numbers of the documents bleve ranks
// in a search on the match sets, set by candQuery's searcher (bleve builds
// a conjunction's searchers in order, candQuery's first); unset, the bonus
// phrases read every document, as on bleve's search alone.
type candidateList struct {
	ids []uint64
	set bool
}

// candidateQuery is a bonus query whose postings are read on the
// candidates only, once they are known.
type candidateQuery struct {
	query.Query
	cands *candidateList
}

// onCandidates wraps q when there is a candidate list to follow.
func onCandidates(q query.Query, cands *candidateList) query.Query {
	if cands == nil {
		return q
	}
	return &candidateQuery{Query: q, cands: cands}
}

func (q *candidateQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if q.cands.set {
		r = candReader{IndexReader: r, ids: q.cands.ids}
	}
	return q.Query.Searcher(ctx, r, m, opts)
}

// candReader is an index reader whose postings lists hold only the
// candidates' postings. Everything else is the index's.
type candReader struct {
	index.IndexReader
	ids []uint64
}

func (r candReader) TermFieldReader(ctx context.Context, term []byte, field string, freq, norm, vectors bool) (index.TermFieldReader, error) {
	tfr, err := r.IndexReader.TermFieldReader(ctx, term, field, freq, norm, vectors)
	if err != nil {
		return nil, err
	}
	return &candTermReader{TermFieldReader: tfr, ids: r.ids}, nil
}

// candTermReader reads a postings list at the candidates: it advances the
// list to the next candidate, and the candidates to where the list is,
// until both agree. Count is the whole list's, so scores are unchanged.
type candTermReader struct {
	index.TermFieldReader
	ids []uint64
	pos int // the next candidate
	id  index.IndexInternalID
}

func (t *candTermReader) Next(pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	for t.pos < len(t.ids) {
		t.id = index.NewIndexInternalID(t.id, t.ids[t.pos])
		tfd, err := t.TermFieldReader.Advance(t.id, pre)
		if err != nil || tfd == nil {
			t.pos = len(t.ids)
			return nil, err
		}
		d := docNumber(tfd.ID)
		t.skipTo(d)
		if t.pos < len(t.ids) && t.ids[t.pos] == d {
			t.pos++
			return tfd, nil
		}
		pre = tfd
	}
	return nil, nil
}

func (t *candTermReader) Advance(id index.IndexInternalID, pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	t.skipTo(docNumber(id))
	return t.Next(pre)
}

// skipTo moves to the first candidate at or after d.
func (t *candTermReader) skipTo(d uint64) {
	rest := t.ids[t.pos:]
	t.pos += sort.Search(len(rest), func(i int) bool { return rest[i] >= d })
}
