package search

import (
	"html"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight"
	htmlformat "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	"github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simplehl "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
)

// markTerms is what markHits highlights for p: the folded tokens of its
// words and quoted phrases, and of the words' alternatives (synonyms, other
// spellings of a number).
func markTerms(p Parsed) map[string]bool {
	want := map[string]bool{}
	add := func(text string) {
		for _, t := range analyzerNamed(AnalyzerFold).Analyze([]byte(text)) {
			want[string(t.Term)] = true
		}
	}
	for _, w := range append(slices.Clip(p.Terms), p.Phrases...) {
		add(w)
	}
	for _, u := range p.wordUnits() {
		for _, a := range u.alts {
			add(strings.Join(a.toks, " "))
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

// markHits highlights the query's syllables in the hits' titles and bodies,
// as bleve's term locations would: every token whose folded form is one of
// the query's folded terms.
func (ix *Index) markHits(hits []Hit, want map[string]bool) {
	// The offsets of the folded tokens point into the original text, so a
	// match of "dat" marks "đất".
	locate := func(tb *tokenBuf, text string) bsearch.TermLocationMap {
		tlm := bsearch.TermLocationMap{}
		for _, t := range foldTokens(tb, []byte(text)) {
			if want[string(t.term)] {
				tlm[string(t.term)] = append(tlm[string(t.term)], &bsearch.Location{Pos: uint64(t.pos), Start: uint64(t.start), End: uint64(t.end)})
			}
		}
		return tlm
	}
	mark := func(tb *tokenBuf, h *Hit) {
		body := h.Snippet
		h.TitleHTML = markAll(h.Title, locate(tb, h.Title))
		if body != "" {
			h.Snippet = snippet(body, locate(tb, body))
		}
	}
	// Analysing ten bodies is a good half millisecond: half of them on the
	// other core (the analyzers are safe for concurrent use).
	var wg sync.WaitGroup
	var failed *goroutinePanic // handed to the search's own recover
	half := len(hits) / 2
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			if v := recover(); v != nil {
				failed = &goroutinePanic{v, debug.Stack()}
			}
		}()
		ix.fault("highlights")
		tb := getTokenBuf()
		defer putTokenBuf(tb)
		for i := range hits[:half] {
			mark(tb, &hits[i])
		}
	}()
	tb := getTokenBuf()
	defer putTokenBuf(tb)
	for i := range hits[half:] {
		mark(tb, &hits[half+i])
	}
	wg.Wait()
	if failed != nil {
		panic(*failed)
	}
}
