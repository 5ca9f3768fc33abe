package search

import (
	"html"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
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

// A highlight is made from the folded tokens of a text that are terms of
// the query (marks), as bleve's highlighter would make it from term
// locations, without its allocations: a fragment of snippetLen runes
// around the matches, chosen and centred as bleve's simple fragmenter does
// (TestSnippetsAsBleve compares the two on real texts), the matches marked
// with <mark> and the rest escaped.

// mark is a matched token: its bytes in the text, and which of the
// query's terms it is.
type mark struct{ start, end, term int }

// marks lists the tokens of text whose folded form is in want, in order,
// in ms (reused); terms are numbered in order of first match.
func marks(tb *tokenBuf, ms []mark, text string, want map[string]bool) []mark {
	ms = ms[:0]
	var terms []string
	for _, t := range foldTokens(tb, []byte(text)) {
		if !want[string(t.term)] {
			continue
		}
		k := slices.Index(terms, string(t.term))
		if k < 0 {
			k = len(terms)
			terms = append(terms, string(t.term))
		}
		ms = append(ms, mark{t.start, t.end, k})
	}
	return ms
}

// markAll escapes the whole of text, marking every match.
func markAll(text string, ms []mark) string {
	var b strings.Builder
	b.Grow(len(text) + 13*len(ms))
	writeMarked(&b, text, 0, len(text), ms)
	return b.String()
}

// writeMarked writes text[from:to] escaped, with the marks inside it
// marked (as bleve's html fragment formatter does).
func writeMarked(b *strings.Builder, text string, from, to int, ms []mark) {
	curr := from
	for _, m := range ms {
		if m.start < curr {
			continue
		}
		if m.end > to {
			break
		}
		writeEscaped(b, text[curr:m.start])
		b.WriteString("<mark>")
		writeEscaped(b, text[m.start:m.end])
		b.WriteString("</mark>")
		curr = m.end
	}
	writeEscaped(b, text[curr:to])
}

// writeEscaped writes s escaped (html.EscapeString returns s itself when
// there is nothing to escape, which is most of a Vietnamese text).
func writeEscaped(b *strings.Builder, s string) { b.WriteString(html.EscapeString(s)) }

// snippet returns the best fragment of text around its marks, escaped, with
// the marks marked; the start of the text when nothing in it matched.
func snippet(text string, ms []mark) string {
	if text == "" {
		return ""
	}
	if len(ms) == 0 {
		return html.EscapeString(truncateRunes(text, snippetLen))
	}
	start, end, ok := bestFragment(text, ms)
	if !ok {
		return html.EscapeString(truncateRunes(text, snippetLen))
	}
	var b strings.Builder
	b.Grow(3*snippetLen + 13*len(ms))
	if start > 0 {
		b.WriteString("…")
	}
	writeMarked(&b, text, start, end, ms)
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// bestFragment is the fragment bleve's simple fragmenter and scorer would
// choose: one per mark, starting at it, snippetLen runes long, pushed back
// towards the start (not before the previous mark's end) when the text
// ends first, then centred on its marks; the first of those with the most
// distinct terms wins. ok is false when every fragment met a byte that is
// not UTF-8 (or U+FFFD), as bleve's gives none then.
func bestFragment(text string, ms []mark) (start, end int, ok bool) {
	best := -1
	maxbegin := 0
	inside := 0 // the first mark that starts at or after the fragment
outer:
	for i, m := range ms {
		s, e, used := m.start, m.start, 0
		for e < len(text) && used < snippetLen {
			r, size := utf8.DecodeRuneInString(text[e:])
			if r == utf8.RuneError {
				continue outer
			}
			e += size
			used++
		}
		for s > 0 && used < snippetLen {
			r, size := utf8.DecodeLastRuneInString(text[:s])
			if r == utf8.RuneError {
				continue outer
			}
			if s-size < maxbegin {
				break
			}
			s -= size
			used++
		}
		minend := e
		for _, n := range ms[i:] {
			if n.end > e {
				break
			}
			minend = n.end
		}
		room := utf8.RuneCountInString(text[minend:e])
		roomStart := 0
		if s >= maxbegin {
			roomStart = utf8.RuneCountInString(text[maxbegin:s])
		}
		for offset := min(room, roomStart) / 2; offset > 0; offset-- {
			r, size := utf8.DecodeLastRuneInString(text[:s])
			if r == utf8.RuneError {
				continue outer
			}
			s -= size
			r, size = utf8.DecodeLastRuneInString(text[:e])
			if r == utf8.RuneError {
				continue outer
			}
			e -= size
		}
		maxbegin = m.end
		// Score: the distinct terms of the marks inside [s, e].
		for inside < len(ms) && ms[inside].start < s {
			inside++
		}
		var seen uint64
		score := 0
		for _, n := range ms[inside:] {
			if n.start >= e {
				break
			}
			if n.end > e {
				continue
			}
			if n.term >= 64 {
				// Beyond 64 terms, count each first match inside.
				if !slices.ContainsFunc(ms[inside:], func(x mark) bool { return x.term == n.term && x.start < n.start && x.end <= e }) {
					score++
				}
				continue
			}
			if seen&(1<<n.term) == 0 {
				seen |= 1 << n.term
				score++
			}
		}
		if best < 0 || score > best {
			best, start, end, ok = score, s, e, true
		}
	}
	return start, end, ok
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
// the query's folded terms. The offsets of the folded tokens point into the
// original text, so a match of "dat" marks "đất".
func (ix *Index) markHits(hits []Hit, want map[string]bool) {
	markOne := func(tb *tokenBuf, ms []mark, h *Hit) []mark {
		body := h.Snippet
		ms = marks(tb, ms, h.Title, want)
		h.TitleHTML = markAll(h.Title, ms)
		if body != "" {
			ms = marks(tb, ms, body, want)
			h.Snippet = snippet(body, ms)
		}
		return ms
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
		var ms []mark
		for i := range hits[:half] {
			ms = markOne(tb, ms, &hits[i])
		}
	}()
	tb := getTokenBuf()
	defer putTokenBuf(tb)
	var ms []mark
	for i := range hits[half:] {
		ms = markOne(tb, ms, &hits[half+i])
	}
	wg.Wait()
	if failed != nil {
		panic(*failed)
	}
}
