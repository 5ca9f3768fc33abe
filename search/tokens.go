package search

import (
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"golang.org/x/text/unicode/norm"
)

// token is one token of foldTokens: its folded term, where it is in the
// text, and its position (1, 2, …) as AnalyzerFold numbers it.
type token struct {
	term       []byte
	start, end int
	pos        int
}

// tokenBuf holds what foldTokens reuses from one call to the next: the
// tokens, the folded terms and a scratch copy of the segment.
type tokenBuf struct {
	toks    []token
	terms   []byte
	scratch []byte
	spans   []span
	one     analysis.Token // the segment being lower-cased
	stream  analysis.TokenStream
}

// lower is bleve's lowercase filter, as the analyzers use it.
var lower = lowercase.NewLowerCaseFilter()

// tokenBufs keeps tokenBufs between searches.
var tokenBufs = sync.Pool{New: func() any { return new(tokenBuf) }}

func getTokenBuf() *tokenBuf { return tokenBufs.Get().(*tokenBuf) }

// putTokenBuf returns b to the pool unless a long text made it large.
func putTokenBuf(b *tokenBuf) {
	if cap(b.terms) <= 1<<20 && cap(b.toks) <= 1<<16 {
		tokenBufs.Put(b)
	}
}

type span struct{ from, to int } // a term in tokenBuf.terms (which may grow and move)

// foldTokens returns the tokens AnalyzerFold makes of text (bleve's unicode
// tokenizer, lower case, letter/digit split, folding), with the same terms,
// offsets and positions, but without allocating a token stream per call:
// the query path analyses a hundred titles and ten bodies per search. The
// result is valid until the next call with the same buffer. A test compares
// it with the analyzer on real text.
func foldTokens(b *tokenBuf, text []byte) []token { return scanTokens(b, text, true) }

// exactTokens is foldTokens for AnalyzerExact (lower case and NFC, no split,
// no folding).
func exactTokens(b *tokenBuf, text []byte) []token { return scanTokens(b, text, false) }

func scanTokens(b *tokenBuf, text []byte, fold bool) []token {
	if fold {
		scanBoth(b, nil, text)
	} else {
		scanBoth(nil, b, text)
	}
	return b.toks
}

// scanBoth tokenises text once into f (foldTokens' tokens) and e
// (exactTokens'), either of which may be nil: the word segmentation, most
// of the cost, is shared. The tokens are in f.toks and e.toks.
func scanBoth(f, e *tokenBuf, text []byte) {
	lb := f // the buffer whose scratch token is lower-cased
	if lb == nil {
		lb = e
	}
	for _, b := range []*tokenBuf{f, e} {
		if b != nil {
			b.toks, b.terms, b.spans = b.toks[:0], b.terms[:0], b.spans[:0]
		}
	}
	emit := func(b *tokenBuf, fold bool, part []byte, s, end int) {
		from := len(b.terms)
		switch {
		case fold:
			b.terms = foldAppend(b.terms, part)
		case norm.NFC.IsNormal(part):
			b.terms = append(b.terms, part...)
		default:
			b.terms = norm.NFC.Append(b.terms, part...)
		}
		b.spans = append(b.spans, span{from, len(b.terms)})
		b.toks = append(b.toks, token{start: s, end: end, pos: len(b.toks) + 1})
	}
	eachWord(text, func(start, end int) {
		raw := text[start:end]
		// Lower case with bleve's own filter, on a copy (it writes into its
		// input) in a one-token stream kept in the buffer.
		lb.scratch = append(lb.scratch[:0], raw...)
		lb.one.Term = lb.scratch
		if lb.stream == nil {
			lb.stream = analysis.TokenStream{&lb.one}
		}
		low := lower.Filter(lb.stream)[0].Term
		if e != nil {
			emit(e, false, low, start, end)
		}
		if f != nil {
			if !hasLetterDigit(low) {
				emit(f, true, low, start, end)
			} else {
				// splitFilter's parts; offsets are counted in the lower-cased
				// term, as the filter counts them.
				splitParts(low, func(from, to int) {
					e := start + to
					if to == len(low) {
						e = end
					}
					emit(f, true, low[from:to], start+from, e)
				})
			}
		}
	})
	for _, b := range []*tokenBuf{f, e} {
		if b != nil {
			for i, s := range b.spans {
				b.toks[i].term = b.terms[s.from:s.to:s.to]
			}
		}
	}
}

// foldAppend appends foldBytes(p) to dst.
func foldAppend(dst, p []byte) []byte {
	n0 := len(dst)
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(p[i:])
		if r >= rune(len(foldTable)) || foldTable[r] < 0 {
			return append(dst[:n0], foldSlow(p)...)
		}
		dst = utf8.AppendRune(dst, foldTable[r])
		i += n
	}
	return dst
}
