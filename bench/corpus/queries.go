package corpus

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/congkhai/congkhai/content"
)

// Query is one query of a mix.
type Query struct {
	Text string `json:"q"`
	Form string `json:"form"` // "accented", "folded" (typed without diacritics), "nfd"
}

// syllablesOf splits text into lower-cased runs of letters and digits; a
// punctuation mark ends a run, so n-grams never cross sentences.
func syllablesOf(text string) [][]string {
	var runs [][]string
	var cur []string
	for _, f := range strings.Fields(strings.ToLower(text)) {
		w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		clean := w != "" && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0
		if clean {
			cur = append(cur, w)
		}
		if !clean || w != f { // punctuation around or inside: the run ends here
			if len(cur) > 0 {
				runs = append(runs, cur)
			}
			cur = nil
		}
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	return runs
}

// sampleTexts returns the text of up to n notices spread over the corpus, and some rows.
func (c *Corpus) sampleTexts(n int) []string {
	var out []string
	step := max(1, c.Cfg.Notices/n)
	for i := 0; i < c.Cfg.Notices && len(out) < n; i += step {
		nt := c.Notice(i)
		out = append(out, nt.Title, nt.Body)
	}
	for _, d := range c.Datasets {
		k := 0
		c.EachRow(d, func(_ int, r Row) {
			if k < 50 {
				out = append(out, r.Road+". "+r.From+". "+r.To+". "+r.Commune)
			}
			k++
		})
		if len(out) > 4*n {
			break
		}
	}
	return out
}

// Vary returns q typed in one of three ways, chosen by x in [0,1): half
// without diacritics, a tenth decomposed (NFD), the rest as written.
func Vary(q string, x float64) Query {
	switch {
	case x < 0.5:
		return Query{Text: content.Fold(q), Form: "folded"}
	case x < 0.6:
		return Query{Text: norm.NFD.String(q), Form: "nfd"}
	default:
		return Query{Text: q, Form: "accented"}
	}
}

// Mix returns n queries of 1–4 syllables drawn from the corpus's own text:
// a pool of distinct phrases taken at random positions (so frequent words are
// frequent in the pool too), then n draws from the pool with Zipf-distributed
// popularity. The same seed gives the same mix.
func (c *Corpus) Mix(n int) []Query {
	rng := rand.New(rand.NewPCG(c.Cfg.Seed, 0x9E3779B9))
	runs := [][]string{}
	for _, t := range c.sampleTexts(2000) {
		runs = append(runs, syllablesOf(t)...)
	}
	if len(runs) == 0 {
		return nil
	}
	const poolSize = 1000
	seen := map[string]bool{}
	var pool []string
	for tries := 0; len(pool) < poolSize && tries < 50*poolSize; tries++ {
		run := runs[rng.IntN(len(runs))]
		k := 1 + rng.IntN(4)
		if len(run) < k {
			continue
		}
		at := rng.IntN(len(run) - k + 1)
		q := strings.Join(run[at:at+k], " ")
		if !seen[q] {
			seen[q] = true
			pool = append(pool, q)
		}
	}
	z := rand.NewZipf(rng, 1.1, 2, uint64(len(pool)-1))
	out := make([]Query, n)
	for i := range out {
		out[i] = Vary(pool[z.Uint64()], rng.Float64())
	}
	return out
}

// Broadest returns the n single syllables found in the most sampled texts
// (the worst case for facets and ranking), as written.
func (c *Corpus) Broadest(n int) []Query {
	df := map[string]int{}
	for _, t := range c.sampleTexts(2000) {
		seen := map[string]bool{}
		for _, run := range syllablesOf(t) {
			for _, w := range run {
				if !seen[w] && !isNumber(w) {
					seen[w] = true
					df[w]++
				}
			}
		}
	}
	words := make([]string, 0, len(df))
	for w := range df {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if df[words[i]] != df[words[j]] {
			return df[words[i]] > df[words[j]]
		}
		return words[i] < words[j]
	})
	if len(words) > n {
		words = words[:n]
	}
	out := make([]Query, len(words))
	for i, w := range words {
		out[i] = Query{Text: w, Form: "accented"}
	}
	return out
}

func isNumber(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

// FoldCase is one query of the folding test: the notice it must find in the
// top 10, and how it was typed.
type FoldCase struct {
	Query  string `json:"q"`
	Form   string `json:"form"` // accented, folded, nfd, number, number-folded, number-nfd
	Expect string `json:"expect"`
}

// FoldingSet returns queries in pairs (and triples) that must find the same
// notice however they are typed: a distinctive title accented, without
// diacritics and decomposed; a document number as written, lower-case without
// diacritics ("12/qd-ubnd") and decomposed.
func (c *Corpus) FoldingSet(k int) []FoldCase {
	var out []FoldCase
	titles, numbers := 0, 0
	step := max(1, c.Cfg.Notices/(8*k))
	for i := 0; i < c.Cfg.Notices && (titles < k || numbers < k); i += step {
		n := c.Notice(i)
		url := "/" + n.Path()
		if numbers < k && strings.ContainsAny(n.Number, "ĐđƯư") {
			numbers++
			out = append(out,
				FoldCase{n.Number, "number", url},
				FoldCase{content.Fold(n.Number), "number-folded", url},
				FoldCase{norm.NFD.String(n.Number), "number-nfd", url})
			continue
		}
		if titles < k && strings.Contains(n.Title, " tại ") && len(strings.Fields(n.Title)) >= 7 && len(strings.Fields(n.Title)) <= 16 && n.Title != content.Fold(n.Title) {
			titles++
			out = append(out,
				FoldCase{n.Title, "accented", url},
				FoldCase{content.Fold(n.Title), "folded", url},
				FoldCase{norm.NFD.String(n.Title), "nfd", url})
		}
	}
	return out
}

// String describes the corpus.
func (c *Corpus) String() string {
	src := "real law text"
	if c.Src.Synthetic {
		src = "synthetic text"
	}
	return fmt.Sprintf("%d notices, %d rows in %d tables, %d agencies of %s, %s (%d articles), seed %d",
		c.Cfg.Notices, c.Cfg.Rows, len(c.Datasets), len(c.Agencies), c.Province.Name, src, len(c.Src.Articles), c.Cfg.Seed)
}
