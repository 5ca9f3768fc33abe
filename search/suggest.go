package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// Suggestion is one autocomplete entry.
type Suggestion struct {
	Title, URL, Kind string
}

// Suggest returns up to n (default 10, at most 50) documents whose title
// has words starting with the words of prefix, typed with or without
// accents: "bang gia d" suggests "Bảng giá đất …". Titles that start with
// prefix come first. Only documents of Options.SuggestKinds are suggested.
//
// Errors: ErrBadQuery (wrapped) when prefix is longer than MaxQueryLen;
// ctx.Err() (wrapped); ErrClosed after Close.
func (ix *Index) Suggest(ctx context.Context, prefix string, n int) (out []Suggestion, err error) {
	defer recovered(ix, "suggest", &out, &err)
	ix.fault("suggest")
	prefix = clean(prefix)
	if utf8.RuneCountInString(prefix) > MaxQueryLen {
		return nil, badQuery("prefix too long")
	}
	if n <= 0 {
		n = 10
	}
	n = min(n, 50)
	var terms []string
	for _, tok := range analyze(prefix) {
		terms = append(terms, truncate(Fold(tok), maxPrefix))
	}
	if len(terms) == 0 {
		return nil, nil
	}
	conj := bleve.NewConjunctionQuery()
	for _, t := range terms {
		tq := bleve.NewTermQuery(t)
		tq.SetField(fPrefix)
		conj.AddQuery(tq)
	}
	starts := bleve.NewPrefixQuery(Fold(strings.Join(strings.Fields(prefix), " ")))
	starts.SetField(fTitleKey)
	starts.SetBoost(boostPrefixKW)
	bq := bleve.NewBooleanQuery()
	bq.AddMust(conj)
	bq.AddShould(starts)

	req := bleve.NewSearchRequestOptions(bq, n, 0, false)
	req.Fields = []string{fTitle, fURL, fKind}
	sr, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("search: suggest: %w", cerr)
		}
		return nil, wrapClosed("suggest", err)
	}
	out = make([]Suggestion, 0, len(sr.Hits))
	for _, dm := range sr.Hits {
		str := func(f string) string { s, _ := dm.Fields[f].(string); return s }
		out = append(out, Suggestion{Title: str(fTitle), URL: str(fURL), Kind: str(fKind)})
	}
	return out, nil
}

func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// maxCorrections is how many "did you mean" queries Search offers.
const maxCorrections = 3

// candidate is a dictionary term near a query token.
type candidate struct {
	term  string // folded term from the index
	dist  int
	count uint64 // documents containing it
}

// corrections proposes up to maxCorrections rewritten queries for a query
// without hits: each word is replaced by the nearest terms of the index's own
// dictionary (edit distance ≤ 2 on folded text, ≤ 1 for words of up to 4
// letters), shown with the most frequent accented spelling, and a rewrite
// is offered only if it has hits.
func (ix *Index) corrections(ctx context.Context, p Parsed, r Request) ([]string, error) {
	fr, release, err := ix.fuzzy()
	if errors.Is(err, errInternals) {
		ix.mismatch(err)
		return nil, nil // no corrections rather than no answer
	}
	if err != nil {
		return nil, err
	}
	defer release()

	// choices[i][j]: j-th replacement of the i-th word ("" drops the word).
	// Corrections follow the user's style: typed without accents, offered
	// without accents ("ngan sahc" → "ngan sach"), else with the most
	// frequent accented spelling ("ngân sáhc" → "ngân sách").
	accents := false
	for _, w := range p.Terms {
		if Fold(w) != strings.ToLower(w) {
			accents = true
		}
	}
	choices := make([][]string, len(p.Terms))
	changed := false
	for i, w := range p.Terms {
		toks := analyze(w)
		perTok := make([][]string, len(toks))
		for k, tok := range toks {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("search: corrections: %w", err)
			}
			alts, err := tokenChoices(ctx, fr, tok, accents)
			if err != nil {
				return nil, err
			}
			perTok[k] = alts
			if len(alts) != 1 || alts[0] != tok {
				changed = true
			}
		}
		choices[i] = combineWord(perTok)
	}
	if !changed {
		return nil, nil
	}
	orig := p.String()
	var out []string
	for _, terms := range combos(choices, 8) {
		q := p
		q.Terms = slices.DeleteFunc(terms, func(s string) bool { return s == "" })
		if len(q.Terms) == 0 && len(q.Phrases) == 0 {
			continue
		}
		s := q.String()
		if s == orig || slices.Contains(out, s) {
			continue
		}
		sub, err := ix.tally(ctx, q, r.Filters, false)
		if err != nil {
			return nil, err
		}
		if sub.Total > 0 {
			out = append(out, s)
			if len(out) == maxCorrections {
				break
			}
		}
	}
	return out, nil
}

// tokenChoices returns the token itself when the index knows it (in any
// spelling), else up to three nearby dictionary terms, best first (accented
// if accents), or [""] when nothing is near.
func tokenChoices(ctx context.Context, fr fuzzyReader, tok string, accents bool) ([]string, error) {
	ft := Fold(tok)
	fuzz := 2
	if utf8.RuneCountInString(ft) <= 4 {
		fuzz = 1
	}
	// A number is kept as typed: a number near it is another amount or
	// another document, not a spelling of it (and walking the dictionary's
	// numbers, a million table cells, costs more than the search).
	if strings.ContainsAny(tok, "0123456789") {
		return []string{tok}, nil
	}
	// A token the index has as typed is its own choice: looked up first, it
	// spares the walk of its neighbours (which would find it too).
	for _, field := range []string{fTitleF, fBodyF, fExtraF} {
		n, err := docFreq(ctx, fr, field, ft)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return []string{tok}, nil
		}
	}
	cands := map[string]*candidate{}
	for _, field := range []string{fTitleF, fBodyF, fExtraF} {
		err := visitFuzzy(fr, field, ft, fuzz, func(term string) error {
			c := cands[term]
			if c == nil {
				c = &candidate{term: term, dist: levenshtein(ft, term)}
				cands[term] = c
			}
			n, err := docFreq(ctx, fr, field, term)
			c.count += n
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if _, ok := cands[ft]; ok {
		return []string{tok}, nil
	}
	if len(cands) == 0 {
		return []string{""}, nil
	}
	list := make([]*candidate, 0, len(cands))
	for _, c := range cands {
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b *candidate) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		if a.count != b.count {
			if a.count > b.count {
				return -1
			}
			return 1
		}
		return strings.Compare(a.term, b.term)
	})
	var out []string
	for _, c := range list[:min(3, len(list))] {
		if !accents {
			out = append(out, c.term)
			continue
		}
		acc, err := accented(ctx, fr, c.term)
		if err != nil {
			return nil, err
		}
		out = append(out, acc)
	}
	return out, nil
}

// accented returns the most frequent spelling in the exact fields whose
// folded form is folded ("duong" → "đường"), or folded itself when there is
// none. Vietnamese initial consonants carry no marks except đ, so the
// accented spellings are found among the terms sharing the folded initial
// consonants (d or đ); a syllable starting with a vowel is looked up with
// the fuzzy dictionary (two marks at most: "uong" → "ương").
func accented(ctx context.Context, fr fuzzyReader, folded string) (string, error) {
	counts := map[string]uint64{}
	consider := func(field, term string) error {
		if Fold(term) != folded {
			return nil
		}
		n, err := docFreq(ctx, fr, field, term)
		counts[term] += n
		return err
	}
	initial := folded[:strings.IndexFunc(folded+"a", func(r rune) bool { return strings.ContainsRune("aeiouy", r) })]
	for _, field := range []string{fTitle, fBody, fExtra} {
		if initial == "" {
			if err := visitFuzzy(fr, field, folded, 2, func(term string) error { return consider(field, term) }); err != nil {
				return "", err
			}
			continue
		}
		prefixes := []string{initial}
		if initial[0] == 'd' {
			prefixes = append(prefixes, "đ"+initial[1:])
		}
		for _, prefix := range prefixes {
			dict, err := fr.FieldDictPrefix(field, []byte(prefix))
			if err != nil {
				return "", fmt.Errorf("search: corrections: %w", err)
			}
			if err := visitDict(dict, func(term string) error { return consider(field, term) }); err != nil {
				return "", err
			}
		}
	}
	best, bestN := folded, uint64(0)
	for t, n := range counts {
		if n > bestN || (n == bestN && t < best) {
			best, bestN = t, n
		}
	}
	return best, nil
}

// docFreq returns the number of documents with term in field. (The fuzzy
// dictionary's entries carry no counts.)
func docFreq(ctx context.Context, r index.IndexReader, field, term string) (uint64, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("search: corrections: %w", err)
	}
	n := tfr.Count()
	return n, tfr.Close()
}

func visitFuzzy(fr fuzzyReader, field, term string, fuzz int, fn func(string) error) error {
	dict, err := fr.FieldDictFuzzy(field, term, fuzz, "")
	if err != nil {
		return fmt.Errorf("search: corrections: %w", err)
	}
	return visitDict(dict, fn)
}

func visitDict(dict index.FieldDict, fn func(string) error) error {
	defer dict.Close()
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("search: corrections: %w", err)
		}
		if e == nil {
			return nil
		}
		if err := fn(e.Term); err != nil {
			return err
		}
	}
}

// combineWord joins per-token choices into choices for the whole word:
// the best of every token, then each token's alternatives in turn.
func combineWord(perTok [][]string) []string {
	if len(perTok) == 0 {
		return []string{""}
	}
	best := make([]string, len(perTok))
	for k, alts := range perTok {
		best[k] = alts[0]
	}
	join := func(parts []string) string {
		return strings.Join(slices.DeleteFunc(slices.Clone(parts), func(s string) bool { return s == "" }), " ")
	}
	out := []string{join(best)}
	for k, alts := range perTok {
		for _, a := range alts[1:] {
			v := slices.Clone(best)
			v[k] = a
			out = append(out, join(v))
		}
	}
	return out
}

// combos lists up to limit term lists: the best choice for every word
// first, then one word at a time swapped for its alternatives.
func combos(choices [][]string, limit int) [][]string {
	best := make([]string, len(choices))
	for i, c := range choices {
		best[i] = c[0]
	}
	out := [][]string{best}
	for i, c := range choices {
		for _, alt := range c[1:] {
			if len(out) == limit {
				return out
			}
			v := slices.Clone(best)
			v[i] = alt
			out = append(out, v)
		}
	}
	return out
}

// levenshtein is the edit distance between a and b in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
