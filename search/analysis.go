package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/edgengram"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// Names of the analysis components this package registers with bleve's
// registry. They are written into every index's mapping, so a binary that
// opens an index must import this package (it does, to call Open).
const (
	// AnalyzerExact tokenises on Unicode word boundaries, lower-cases and
	// NFC-normalises each token: "Đất" → "đất".
	AnalyzerExact = "vi_exact"
	// AnalyzerFold is AnalyzerExact followed by diacritic folding
	// (see Fold): "Đất" → "dat".
	AnalyzerFold = "vi_fold"
	// AnalyzerKey keeps the whole input as one lower-cased, folded token:
	// "6733/UBND-KSTT" → "6733/ubnd-kstt", "12/QĐ-UBND" → "12/qd-ubnd".
	AnalyzerKey = "vi_key"
	// AnalyzerPrefix is AnalyzerFold followed by front edge n-grams of
	// 1..maxPrefix runes, for title autocomplete.
	AnalyzerPrefix = "vi_prefix"

	tokenizerWords = "vi_words"

	filterNFC   = "vi_nfc"
	filterFold  = "vi_diacritics"
	filterEdge  = "vi_edge"
	filterSplit = "vi_split_alnum"
)

// maxPrefix is the longest syllable prefix indexed for autocomplete; a
// Vietnamese syllable has at most 7 letters, longer tokens are numbers or
// foreign words where 20 runes are plenty to disambiguate.
const maxPrefix = 20

func init() {
	// Registration is pure (maps in bleve's registry), so init is the right
	// place: every binary that imports this package can open an index.
	must(registry.RegisterTokenizer(tokenizerWords, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		return wordTokenizer{}, nil
	}))
	must(registry.RegisterTokenFilter(filterNFC, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return nfcFilter{}, nil
	}))
	must(registry.RegisterTokenFilter(filterFold, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	}))
	must(registry.RegisterTokenFilter(filterEdge, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return edgengram.NewEdgeNgramFilter(edgengram.FRONT, 1, maxPrefix), nil
	}))
	must(registry.RegisterAnalyzer(AnalyzerExact, analyzerOf(tokenizerWords, lowercase.Name, filterNFC)))
	must(registry.RegisterTokenFilter(filterSplit, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return splitFilter{}, nil
	}))
	must(registry.RegisterAnalyzer(AnalyzerFold, analyzerOf(tokenizerWords, lowercase.Name, filterSplit, filterFold)))
	must(registry.RegisterAnalyzer(AnalyzerKey, analyzerOf(single.Name, lowercase.Name, filterFold)))
	must(registry.RegisterAnalyzer(AnalyzerPrefix, analyzerOf(tokenizerWords, lowercase.Name, filterFold, filterEdge)))
}

// wordTokenizer is bleve's unicode tokenizer, faster on the text of a
// Vietnamese portal: eachWord's fast path finds the same words (and so the
// index is the same), and other text goes to bleve's own tokenizer.
type wordTokenizer struct{}

var unicodeTokenizer = unicodetok.NewUnicodeTokenizer()

func (wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	var rv analysis.TokenStream
	var ta []analysis.Token // allocated in chunks, as bleve's tokenizer does
	if !fastWords(input, func(start, end int) {
		if len(ta) == 0 {
			ta = make([]analysis.Token, min(1000, max(4, (len(input)-start)/6)))
			if rv == nil {
				rv = make(analysis.TokenStream, 0, len(ta))
			}
		}
		t := &ta[0]
		ta = ta[1:]
		typ := analysis.Numeric // no letter in it
		for _, r := range string(input[start:end]) {
			if r < utf8.RuneSelf && asciiClass[r] == wLetter || r >= utf8.RuneSelf && runeClass(r) == wLetter {
				typ = analysis.AlphaNumeric
				break
			}
		}
		*t = analysis.Token{Term: input[start:end], Start: start, End: end, Position: len(rv) + 1, Type: typ}
		rv = append(rv, t)
	}) {
		return unicodeTokenizer.Tokenize(input)
	}
	return rv
}

func must(err error) {
	if err != nil {
		panic("search: " + err.Error())
	}
}

func analyzerOf(tokenizer string, filters ...string) registry.AnalyzerConstructor {
	return func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
		tok, err := cache.TokenizerNamed(tokenizer)
		if err != nil {
			return nil, fmt.Errorf("search: tokenizer %s: %w", tokenizer, err)
		}
		a := &analysis.DefaultAnalyzer{Tokenizer: tok}
		for _, name := range filters {
			f, err := cache.TokenFilterNamed(name)
			if err != nil {
				return nil, fmt.Errorf("search: token filter %s: %w", name, err)
			}
			a.TokenFilters = append(a.TokenFilters, f)
		}
		return a, nil
	}
}

// nfcFilter recomposes tokens. Input is normalised before indexing, so this
// is a cheap safety net (IsNormal is a fast scan) for text that reaches the
// analyzer some other way, e.g. a query built by another package.
type nfcFilter struct{}

func (nfcFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if !norm.NFC.IsNormal(t.Term) {
			t.Term = norm.NFC.Bytes(t.Term)
		}
	}
	return in
}

// foldFilter folds diacritics token by token. Doing it after tokenising
// (rather than with bleve's asciifolding char filter) leaves each token's
// Start/End pointing at the original accented bytes, so highlights of a
// folded match mark "đất" in the stored text.
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = foldBytes(t.Term)
	}
	return in
}

// splitFilter splits tokens where letters meet digits, so that road and
// route codes match however they are typed: the tokenizer reads "ĐT.550" as
// "đt" "550" but "DT550" as one token, and "QL1A" as one but "QL 1A" as two.
// After the split all of them are "dt" "550" and "ql" "1" "a". Positions are
// renumbered so that phrases still work. It runs before folding, while the
// term's bytes still match the original text's, so offsets stay exact.
type splitFilter struct{}

func (splitFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	mixed := false
	for _, t := range in {
		if hasLetterDigit(t.Term) {
			mixed = true
			break
		}
	}
	if !mixed {
		return in
	}
	out := make(analysis.TokenStream, 0, len(in)+4)
	pos := 0
	lastPos := -1
	for _, t := range in {
		if t.Position != lastPos {
			pos++ // tokens sharing a position (none today) keep sharing it
			lastPos = t.Position
		}
		if !hasLetterDigit(t.Term) {
			t.Position = pos
			out = append(out, t)
			continue
		}
		splitParts(t.Term, func(from, to int) {
			end := t.Start + to
			if to == len(t.Term) {
				end = t.End
			}
			out = append(out, &analysis.Token{Term: t.Term[from:to], Start: t.Start + from, End: end, Position: pos, Type: t.Type})
			pos++
		})
		pos--
	}
	return out
}

// splitParts calls fn with the byte ranges of term between the places where
// letters meet digits ("ql1a" → "ql", "1", "a").
func splitParts(term []byte, fn func(from, to int)) {
	from := 0
	for i, r := range string(term) {
		if i > 0 && isDigit(r) != isDigit(lastRune(term[:i])) {
			fn(from, i)
			from = i
		}
	}
	fn(from, len(term))
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

func lastRune(b []byte) rune {
	r, _ := utf8.DecodeLastRune(b)
	return r
}

// hasLetterDigit reports whether a token has both a digit and a letter next
// to each other ("dt550", "1a"), which splitFilter separates.
func hasLetterDigit(b []byte) bool {
	prev := rune(-1)
	for _, r := range string(b) {
		if prev >= 0 && (isDigit(r) != isDigit(prev)) && (unicode.IsLetter(r) || unicode.IsLetter(prev)) {
			return true
		}
		prev = r
	}
	return false
}

// Fold returns s without Vietnamese (or any other combining) diacritics and
// in lower case: it decomposes to NFD, drops combining marks, maps đ/Đ to d,
// lower-cases and recomposes to NFC. "Đường Trần Hưng Đạo" → "duong tran hung dao".
// Fold never fails; invalid UTF-8 bytes are kept as U+FFFD.
func Fold(s string) string {
	if isLowerASCII(s) {
		return s
	}
	return string(foldBytes([]byte(s)))
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// foldTable maps each rune below len(foldTable) to its folded form (see
// foldSlow), or to -1 when folding it could interact with a neighbour
// (combining marks). It covers Latin, including all precomposed Vietnamese
// letters (U+1EA0–U+1EF9), so tokens are folded without normalising.
var foldTable = func() []rune {
	t := make([]rune, 0x1F00)
	for r := range t {
		switch {
		case unicode.Is(unicode.Mn, rune(r)) || !utf8.ValidRune(rune(r)):
			t[r] = -1
		default:
			f := []rune(string(foldSlow([]byte(string(rune(r))))))
			if len(f) == 1 {
				t[r] = f[0]
			} else {
				t[r] = -1
			}
		}
	}
	return t
}()

func foldBytes(b []byte) []byte { return foldAppend(make([]byte, 0, len(b)), b) }

// foldSlow folds any text: NFD, drop combining marks, đ→d, lower case, NFC.
func foldSlow(b []byte) []byte {
	d := norm.NFD.Bytes(b)
	out := make([]byte, 0, len(d))
	for len(d) > 0 {
		r, n := utf8.DecodeRune(d)
		d = d[n:]
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		default:
			r = unicode.ToLower(r)
		}
		out = utf8.AppendRune(out, r)
	}
	return norm.NFC.Bytes(out)
}

// clean prepares text for indexing or querying: NFC, no soft hyphens (real
// documents carry U+00AD inside words, which would split or hide them), and
// no control characters other than newline and tab.
func clean(s string) string {
	s = norm.NFC.String(s)
	if !strings.ContainsFunc(s, func(r rune) bool { return r == '\u00ad' || (unicode.IsControl(r) && r != '\n' && r != '\t') }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u00ad':
			return -1
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
}
