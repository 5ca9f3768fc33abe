package search

import (
	"fmt"
	"html"
	"strings"
	"testing"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight"
	htmlformat "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	"github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simplehl "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
)

// bleve's highlighter, as the search used it before marks: the reference
// TestSnippetsAsBleve holds the own highlights to.
var (
	refFormatter  = htmlformat.NewFragmentFormatter("<mark>", "</mark>")
	refFragmenter = simple.NewFragmenter(snippetLen)
)

func refLocate(tb *tokenBuf, text string, want map[string]bool) bsearch.TermLocationMap {
	tlm := bsearch.TermLocationMap{}
	for _, t := range foldTokens(tb, []byte(text)) {
		if want[string(t.term)] {
			tlm[string(t.term)] = append(tlm[string(t.term)], &bsearch.Location{Pos: uint64(t.pos), Start: uint64(t.start), End: uint64(t.end)})
		}
	}
	return tlm
}

func refMarkAll(text string, tlm bsearch.TermLocationMap) string {
	if len(tlm) == 0 {
		return html.EscapeString(text)
	}
	ordered := highlight.OrderTermLocations(tlm)
	ordered.MergeOverlapping()
	return refFormatter.Format(&highlight.Fragment{Orig: []byte(text), End: len(text)}, ordered)
}

func refSnippet(text string, tlm bsearch.TermLocationMap) string {
	if text == "" {
		return ""
	}
	if len(tlm) == 0 {
		return html.EscapeString(truncateRunes(text, snippetLen))
	}
	ordered := highlight.OrderTermLocations(tlm)
	orig := []byte(text)
	frags := refFragmenter.Fragment(orig, ordered)
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
	b.WriteString(refFormatter.Format(best, ordered))
	if best.End < len(orig) {
		b.WriteString("…")
	}
	return b.String()
}

// TestSnippetsAsBleve: the snippets and marked titles are bleve's
// highlighter's, byte for byte, on real law texts (when ../shared is
// there), the fixture and texts with escapes, U+FFFD, bytes that are not
// UTF-8, adjacent and many matches, and query terms chosen from each text
// (one, a few, every other syllable, more than 64).
func TestSnippetsAsBleve(t *testing.T) {
	texts := tokenizingTexts()
	texts = append(texts,
		`Giá <đất> & "nhà" ở 'xã' Tân Thịnh: đất đất đất`,
		"đất \uFFFD nông nghiệp "+strings.Repeat("xã phường thị trấn ", 30)+"đất",
		"đất \xff\xfe nông nghiệp "+strings.Repeat("huyện ", 50)+"nông \xc3 đất",
		strings.Repeat("ngân sách nhà nước ", 40),
		"đất",
	)
	for _, law := range lawTexts() {
		// Bodies of a few thousand runes, as notices have.
		for i := 0; i+3000 <= len(law) && i < 6000; i += 3000 {
			texts = append(texts, strings.ToValidUTF8(law[i:i+3000], ""))
		}
	}
	tb := getTokenBuf()
	defer putTokenBuf(tb)
	var ms []mark
	n := 0
	for ti, text := range texts {
		var toks []string
		for _, tk := range foldTokens(tb, []byte(text)) {
			toks = append(toks, string(tk.term))
		}
		wants := []map[string]bool{{}, {"dat": true}, {"dat": true, "nong": true, "nghiep": true, "xa": true}}
		for _, every := range []int{1, 2, 7, 31} {
			w := map[string]bool{}
			for i := 0; i < len(toks); i += every {
				w[toks[i]] = true
			}
			wants = append(wants, w)
		}
		if len(toks) > 3 {
			wants = append(wants, map[string]bool{toks[len(toks)/2]: true}, map[string]bool{toks[0]: true, toks[len(toks)-1]: true})
		}
		for wi, want := range wants {
			tlm := refLocate(tb, text, want)
			ms = marks(tb, ms, text, want)
			name := fmt.Sprintf("text %d (%.30q…), terms %d", ti, text, wi)
			if got, ref := snippet(text, ms), refSnippet(text, tlm); got != ref {
				t.Errorf("%s: snippet\n got %q\nwant %q", name, got, ref)
			}
			if len(text) < 2000 {
				if got, ref := markAll(text, ms), refMarkAll(text, tlm); got != ref {
					t.Errorf("%s: markAll\n got %q\nwant %q", name, got, ref)
				}
			}
			n++
		}
	}
	t.Logf("%d texts, %d comparisons", len(texts), n)
}
