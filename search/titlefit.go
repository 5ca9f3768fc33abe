package search

import (
	"bytes"
	"slices"
	"sort"
	"strings"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// How well a title fits the query, beyond the words it shares with it.
//
// Many titles can hold every word of a query: twelve articles of the
// housing law say "nhà ở xã hội" in their headings. The scores of the
// postings favour the titles that say the words more often or are shorter
// overall, which says little about which title is about the query. The
// best matches are therefore re-ordered by what their titles say: a part
// of the title (the text between separators such as " – ", ". ", ";")
// that is the query, one of the query's ways of saying it (a unit typed or
// one of its thesaurus alternatives) adjacent and in order, and how much
// of that part the query's words cover (a short heading that is nearly
// the query before a long one that also mentions it). The factor
// multiplies the score, so it works alike on bleve's scores and the own
// ranking's.

const (
	// fitWhole: a part of the title is one of the query's wordings.
	fitWhole = 0.5
	// fitPhrase: one of the query's wordings of two words or more is in
	// a part of the title, adjacent and in order.
	fitPhrase = 0.25
	// fitCover: times the share of a part's words that are the query's,
	// for the best part that holds every unit of the query.
	fitCover = 1.0
	// fitTop is how many of bleve's best matches are re-ordered.
	fitTop = 20
	// fitMaxWordings bounds the wordings tried (units × alternatives).
	fitMaxWordings = 32
)

// titleFit is a query made ready for fitting titles.
type titleFit struct {
	wordings [][]string // folded tokens of each wording of the whole query
	units    [][][]string
	words    map[string]bool // every folded token of every wording
}

// newTitleFit prepares units; nil when there is nothing to fit (no words).
func newTitleFit(units []unit) *titleFit {
	if len(units) == 0 {
		return nil
	}
	tb := getTokenBuf()
	defer putTokenBuf(tb)
	fold := func(text string) []string {
		var out []string
		for _, t := range foldTokens(tb, []byte(text)) {
			out = append(out, string(t.term))
		}
		return out
	}
	tf := &titleFit{words: map[string]bool{}}
	for _, u := range units {
		ws := [][]string{fold(u.text())}
		for _, a := range u.alts {
			w := fold(strings.Join(a.toks, " "))
			if len(w) > 0 && !slices.ContainsFunc(ws, func(x []string) bool { return slices.Equal(x, w) }) {
				ws = append(ws, w)
			}
		}
		for _, w := range ws {
			for _, t := range w {
				tf.words[t] = true
			}
		}
		tf.units = append(tf.units, ws)
	}
	// The wordings of the whole query: each unit as typed or as one of
	// its alternatives, in the query's order.
	tf.wordings = [][]string{nil}
	for _, ws := range tf.units {
		var next [][]string
		for _, prefix := range tf.wordings {
			for _, w := range ws {
				if len(next) >= fitMaxWordings {
					break
				}
				next = append(next, append(slices.Clip(prefix), w...))
			}
		}
		tf.wordings = next
	}
	return tf
}

// titleSeparators end a part of a title.
const titleSeparators = "–—.;:()[]|"

// factor is what the title is worth to the query: 1 for a title that says
// nothing more than its words, up to 1 + fitWhole + fitPhrase + fitCover.
func (tf *titleFit) factor(tb *tokenBuf, title []byte) float64 {
	return tf.factorOf(foldTokens(tb, title), title)
}

// factorOf is factor for the folded tokens toks of title.
func (tf *titleFit) factorOf(toks []token, title []byte) float64 {
	if len(toks) == 0 {
		return 1
	}
	var whole, phrase, cover float64
	from := 0
	for i := 1; i <= len(toks); i++ {
		if i < len(toks) && !bytes.ContainsAny(title[toks[i-1].end:toks[i].start], titleSeparators) {
			continue
		}
		part := toks[from:i]
		from = i
		for _, w := range tf.wordings {
			if len(w) == len(part) && fitRunAt(part, w, 0) {
				whole = 1
			}
			if len(w) > 1 && hasRun(part, w) {
				phrase = 1
			}
		}
		if c := tf.cover(part); c > cover {
			cover = c
		}
	}
	return 1 + fitWhole*whole + fitPhrase*phrase + fitCover*cover
}

// cover is the share of part's tokens that are the query's words, when
// part holds every unit of the query (one of its wordings, in any order);
// else 0.
func (tf *titleFit) cover(part []token) float64 {
	for _, ws := range tf.units {
		if !slices.ContainsFunc(ws, func(w []string) bool { return allIn(w, part) }) {
			return 0
		}
	}
	n := 0
	for _, t := range part {
		if tf.words[string(t.term)] {
			n++
		}
	}
	return float64(n) / float64(len(part))
}

func allIn(w []string, part []token) bool {
	for _, s := range w {
		if !slices.ContainsFunc(part, func(t token) bool { return string(t.term) == s }) {
			return false
		}
	}
	return true
}

func hasRun(part []token, w []string) bool {
	for i := 0; i+len(w) <= len(part); i++ {
		if fitRunAt(part, w, i) {
			return true
		}
	}
	return false
}

func fitRunAt(part []token, w []string, i int) bool {
	for j, s := range w {
		if string(part[i+j].term) != s {
			return false
		}
	}
	return true
}

// fitOrder re-orders bleve's best fitTop matches by score × their titles'
// fit (ties keep bleve's order) and returns the page from, size of hits.
func fitOrder(tf *titleFit, hits bsearch.DocumentMatchCollection, from, size int) bsearch.DocumentMatchCollection {
	top := hits[:min(len(hits), fitTop)]
	tb := getTokenBuf()
	for _, dm := range top {
		title, _ := dm.Fields[fTitle].(string)
		dm.Score *= tf.factor(tb, []byte(title))
	}
	putTokenBuf(tb)
	sort.SliceStable(top, func(i, j int) bool { return top[i].Score > top[j].Score })
	if from >= len(hits) {
		return nil
	}
	return hits[from:min(len(hits), from+size)]
}
