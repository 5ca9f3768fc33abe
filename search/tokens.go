package search

import (
	"bytes"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/segment"
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
}

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
	b.toks = b.toks[:0]
	b.terms = b.terms[:0]
	b.spans = b.spans[:0]
	seg := segment.NewWordSegmenterDirect(text)
	start, pos := 0, 0
	for seg.Segment() {
		raw := seg.Bytes()
		end := start + len(raw)
		if seg.Type() == segment.None {
			start = end
			continue
		}
		// Lower case, as bleve's lowercase filter does (on a copy: the
		// filter writes into its input).
		b.scratch = append(b.scratch[:0], raw...)
		low := toLowerDeferredCopy(b.scratch)
		emit := func(part []byte, s, e int) {
			pos++
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
			b.toks = append(b.toks, token{start: s, end: e, pos: pos})
		}
		if !fold || !hasLetterDigit(low) {
			emit(low, start, end)
		} else {
			// splitFilter: offsets are counted in the lower-cased term, as
			// the filter counts them.
			from := 0
			for i, r := range string(low) {
				if i > 0 && isDigit(r) != isDigit(lastRune(low[:i])) {
					emit(low[from:i], start+from, start+i)
					from = i
				}
			}
			emit(low[from:], start+from, end)
		}
		start = end
	}
	for i, s := range b.spans {
		b.toks[i].term = b.terms[s.from:s.to:s.to]
	}
	return b.toks
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

// toLowerDeferredCopy is bleve's lowercase filter (analysis/token/lowercase),
// which is not exported: it lower-cases s in place when the lower-case
// runes are no wider, and handles the Greek final sigma.
func toLowerDeferredCopy(s []byte) []byte {
	j := 0
	for i := 0; i < len(s); {
		wid := 1
		r := rune(s[i])
		if r >= utf8.RuneSelf {
			r, wid = utf8.DecodeRune(s[i:])
		}
		l := unicode.ToLower(r)
		if l == r {
			i += wid
			j += wid
			continue
		}
		if l == 'σ' && i+2 == len(s) {
			l = 'ς'
		}
		lwid := utf8.RuneLen(l)
		if lwid > wid {
			rest := bytes.ToLower(s[i:])
			rv := make([]byte, j+len(rest))
			copy(rv[:j], s[:j])
			copy(rv[j:], rest)
			return rv
		}
		utf8.EncodeRune(s[j:], l)
		i += wid
		j += lwid
	}
	return s[:j]
}
