package search

// The thesaurus and numbers as typed.
//
// Citizens ask with the words they use ("đền bù", "sổ đỏ", "QSDĐ"), while
// documents use the official terms ("bồi thường", "giấy chứng nhận quyền sử
// dụng đất", "quyền sử dụng đất"). Before a query is built its syllables are
// grouped into units (units): a run of syllables that is a term of the
// thesaurus becomes one unit whose alternatives are the other terms of its
// entries, and a number gets its other spellings ("4500", "4.500", "4,500",
// "4 500"). Every unit is still required: a unit matches a text field when
// the field holds all of its syllables, or all the syllables of one of its
// alternatives. Alternatives weigh less than the words typed (altWeight), so
// exact words rank above their synonyms.

import (
	"bufio"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Entry is one line of a thesaurus: terms that mean the same thing.
type Entry struct {
	// Terms as written, accents kept: "QSDĐ", "quyền sử dụng đất".
	Terms []string
	// OneWay: Terms[0] finds the other terms, which do not find it
	// (an old unit name finds the new one).
	OneWay bool
	// Source says where the entry comes from.
	Source string
}

// Thesaurus finds the other ways of saying a query's words. A nil
// *Thesaurus has no entries. It is safe for concurrent use.
type Thesaurus struct {
	entries []Entry
	byKey   map[string][]thTerm // folded tokens of a term, joined by spaces
	longest int                 // tokens of the longest term
}

// thTerm is one term of an entry, as its tokens.
type thTerm struct {
	toks  []string // exact analyzer tokens (lower case, accents kept)
	entry int
	index int // in Entry.Terms
}

// NewThesaurus indexes entries (later lists add to earlier ones). Terms
// that analyse to no token are left out, and so are entries left with fewer
// than two terms.
func NewThesaurus(lists ...[]Entry) *Thesaurus {
	t := &Thesaurus{byKey: map[string][]thTerm{}}
	for _, list := range lists {
		for _, e := range list {
			var terms []string
			for _, term := range e.Terms {
				if len(analyze(clean(term))) > 0 {
					terms = append(terms, clean(strings.TrimSpace(term)))
				}
			}
			if len(terms) < 2 {
				continue
			}
			e.Terms = terms
			n := len(t.entries)
			t.entries = append(t.entries, e)
			for i, term := range terms {
				toks := analyze(term)
				key := Fold(strings.Join(toks, " "))
				t.byKey[key] = append(t.byKey[key], thTerm{toks, n, i})
				t.longest = max(t.longest, len(toks))
			}
		}
	}
	return t
}

// Entries returns the thesaurus's entries, in a new slice.
func (t *Thesaurus) Entries() []Entry {
	if t == nil {
		return nil
	}
	return slices.Clone(t.entries)
}

// Len is the number of entries.
func (t *Thesaurus) Len() int {
	if t == nil {
		return 0
	}
	return len(t.entries)
}

//go:embed thesaurus.txt
var defaultText string

var defaultThesaurus = sync.OnceValue(func() *Thesaurus {
	entries, err := ParseThesaurus(defaultText, "")
	if err != nil {
		panic("search: the built-in thesaurus: " + err.Error()) // tested
	}
	return NewThesaurus(entries, provinceEntries())
})

// DefaultThesaurus is the built-in thesaurus: administrative abbreviations,
// everyday words and the official terms they stand for, the official terms
// of the portal's categories, and the provinces merged in the 2025 reform
// (old name → new name). Each entry says where it comes from.
func DefaultThesaurus() *Thesaurus { return defaultThesaurus() }

// NoThesaurus has no entries: a request with it matches the words as typed
// (numbers still match however they are written).
var NoThesaurus = &Thesaurus{}

// ParseThesaurus reads entries in the thesaurus's text form, one a line:
//
//	đền bù = bồi thường                 ; everyday word
//	QSDĐ = quyền sử dụng đất            ; Luật Đất đai 2024
//	Cẩm Quan > Cẩm Xuyên                ; one way: the first finds the others
//
// Terms are separated by " = " (all mean the same) or " > " (one way), the
// source follows a ";" (defaultSource when none), and "#" starts a comment
// line. Errors name the line: a line with one term, or both "=" and ">".
func ParseThesaurus(text, defaultSource string) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(strings.NewReader(text))
	n := 0
	for sc.Scan() {
		n++
		e, ok, err := ParseEntry(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if ok {
			if e.Source == "" {
				e.Source = defaultSource
			}
			out = append(out, e)
		}
	}
	return out, sc.Err()
}

// ParseEntry reads one line of ParseThesaurus's form; ok is false for a
// blank or comment line.
func ParseEntry(line string) (e Entry, ok bool, err error) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return Entry{}, false, nil
	}
	if i := strings.IndexByte(line, ';'); i >= 0 {
		e.Source = strings.TrimSpace(line[i+1:])
		line = line[:i]
	}
	sep := "="
	hasEq, hasGt := strings.Contains(line, "="), strings.Contains(line, ">")
	switch {
	case hasEq && hasGt:
		return Entry{}, false, fmt.Errorf("%q: both = and >", line)
	case hasGt:
		sep, e.OneWay = ">", true
	}
	for _, term := range strings.Split(line, sep) {
		if term = strings.Join(strings.Fields(term), " "); term != "" {
			e.Terms = append(e.Terms, term)
		}
	}
	if len(e.Terms) < 2 {
		return Entry{}, false, fmt.Errorf("%q: an entry needs two terms", line)
	}
	return e, true, nil
}

// altWeight is how much a synonym weighs beside the words typed.
const altWeight = 0.7

// unit is a run of query syllables matched as one, with the other ways of
// writing it.
type unit struct {
	toks   []string  // exact tokens as typed
	alts   []altText // synonyms and other spellings
	strict bool      // a text with accents matches only with them (exactOnly)
}

// altText is one other way of writing a unit.
type altText struct {
	toks   []string // exact tokens
	weight float64  // multiplies the field boosts
}

func (u unit) text() string { return strings.Join(u.toks, " ") }

// units groups tokens (exact analyzer tokens of the query's words) into
// units: numbers first, then the longest runs that are terms of t. When
// loose (the search of other accents, after the accents as typed found
// nothing), a syllable matches a term's whatever the accents of either
// ("dền bu" is "đền bù").
func (t *Thesaurus) units(tokens []string, loose bool) []unit {
	var out []unit
	for i := 0; i < len(tokens); {
		if n, alts := numberAt(tokens[i:]); n > 0 {
			out = append(out, unit{toks: tokens[i : i+n], alts: alts})
			i += n
			continue
		}
		n, alts := t.termAt(tokens[i:], loose)
		if n > 1 {
			n, alts = t.overlapping(tokens[i:], n, alts, loose)
		}
		n = max(n, 1)
		// The other placement of the tone mark ("hoà" for "hòa").
		varied, moved := slices.Clone(tokens[i:i+n]), false
		for k, tok := range varied {
			if v := toneVariant(tok); v != "" {
				varied[k], moved = v, true
			}
		}
		if moved {
			alts = append([]altText{{varied, 1}}, alts...)
		}
		out = append(out, unit{toks: tokens[i : i+n], alts: alts})
		i += n
	}
	return out
}

// maxOverlapAlts bounds the alternatives of two overlapping terms.
const maxOverlapAlts = 12

// overlapping joins the term of n tokens at the start of toks (with
// alternatives alts) to a term that begins inside it and ends after it:
// "cấp sổ đỏ" holds "cấp sổ" (cấp giấy chứng nhận) and "sổ đỏ" (giấy chứng
// nhận quyền sử dụng đất), and taking the first alone would leave "đỏ" to
// be matched as typed. The joined unit covers both; its alternatives are
// the words before the second term with each of its alternatives, each
// alternative of the first with the words after it, and each pair of
// alternatives joined where the end of one is the start of the other ("cấp
// giấy chứng nhận quyền sử dụng đất"). Without such a term it returns n and
// alts unchanged.
func (t *Thesaurus) overlapping(toks []string, n int, alts []altText, loose bool) (int, []altText) {
	for j := 1; j < n; j++ {
		m, balts := t.termAt(toks[j:], loose)
		if j+m <= n {
			continue
		}
		end := j + m
		var out []altText
		seen := map[string]bool{strings.Join(toks[:end], " "): true}
		add := func(at []string) {
			k := strings.Join(at, " ")
			if seen[k] || len(out) >= maxOverlapAlts {
				return
			}
			seen[k] = true
			out = append(out, altText{at, min(1, altWeight*float64(end)/float64(len(at)))})
		}
		for _, a := range alts {
			for _, b := range balts {
				add(joinOverlap(a.toks, b.toks))
			}
		}
		for _, b := range balts {
			add(append(slices.Clone(toks[:j]), b.toks...))
		}
		for _, a := range alts {
			add(append(slices.Clone(a.toks), toks[n:end]...))
		}
		return end, out
	}
	return n, alts
}

// joinOverlap joins a and b on the longest end of a that starts b ("cấp
// giấy chứng nhận" and "giấy chứng nhận quyền sử dụng đất" make "cấp giấy
// chứng nhận quyền sử dụng đất"), or one after the other.
func joinOverlap(a, b []string) []string {
	for k := min(len(a), len(b)); k > 0; k-- {
		if slices.Equal(a[len(a)-k:], b[:k]) {
			return append(slices.Clone(a), b[k:]...)
		}
	}
	return append(slices.Clone(a), b...)
}

// termAt finds the longest term of t at the start of toks: the number of
// tokens it covers (0: none) and the other terms of its entries. A syllable
// typed without accents matches a term's syllable with any; one typed with
// accents only the same ("so do" is "sổ đỏ" or "sơ đồ", "sơ đồ" is not
// "sổ đỏ").
func (t *Thesaurus) termAt(toks []string, loose bool) (int, []altText) {
	if t == nil || len(t.byKey) == 0 {
		return 0, nil
	}
	for n := min(t.longest, len(toks)); n >= 1; n-- {
		typed := toks[:n]
		key := Fold(strings.Join(typed, " "))
		var alts []altText
		// Other terms are told apart as written: "hằng tháng" is another
		// spelling of "hàng tháng", though both fold alike.
		seen := map[string]bool{strings.Join(typed, " "): true}
		for _, tt := range t.byKey[key] {
			if !sameSyllables(typed, tt.toks, loose) {
				continue
			}
			e := t.entries[tt.entry]
			if e.OneWay && tt.index > 0 {
				continue
			}
			for j, other := range e.Terms {
				if j == tt.index {
					continue
				}
				otoks := analyze(other)
				k := strings.Join(otoks, " ")
				if seen[k] {
					continue
				}
				seen[k] = true
				alts = append(alts, altText{otoks, min(1, altWeight*float64(n)/float64(len(otoks)))})
			}
		}
		if len(alts) > 0 {
			return n, alts
		}
	}
	return 0, nil
}

// sameSyllables: each typed syllable equals the term's, or folds to it when
// typed without accents (or whatever its accents, when loose).
func sameSyllables(typed, term []string, loose bool) bool {
	if len(typed) != len(term) {
		return false
	}
	for i, s := range typed {
		if loose {
			s = Fold(s)
		}
		if s != term[i] && (Fold(s) != s || Fold(term[i]) != s) {
			return false
		}
	}
	return true
}

// numberAt recognises a number at the start of toks: "4500", "4.500",
// "4,500", "4,5", or "4 500" in several tokens. It returns the tokens it
// covers (0: not a number) and the number's other spellings: grouped by
// "." and by ",", ungrouped, the decimal mark either way.
func numberAt(toks []string) (int, []altText) {
	if len(toks) == 0 || !isNumberToken(toks[0]) {
		return 0, nil
	}
	n := 1
	typed := toks[0]
	// "4 500", "1 824 866": a first group of 1–3 digits, then groups of 3.
	if allDigits(typed) && len(typed) <= 3 {
		for n < len(toks) && len(toks[n]) == 3 && allDigits(toks[n]) {
			typed += toks[n]
			n++
		}
	}
	intPart, frac, ok := splitNumber(typed)
	if !ok {
		return 0, nil
	}
	var spellings []string
	add := func(s string) {
		if !slices.Contains(spellings, s) {
			spellings = append(spellings, s)
		}
	}
	plain := intPart
	if frac != "" {
		add(plain + "," + frac)
		add(plain + "." + frac)
		add(group(intPart, ".") + "," + frac)
		add(group(intPart, ",") + "." + frac)
	} else {
		add(plain)
		add(group(intPart, "."))
		add(group(intPart, ","))
	}
	self := strings.Join(toks[:n], " ")
	var alts []altText
	for _, s := range spellings {
		if s != self {
			alts = append(alts, altText{[]string{s}, 1})
		}
	}
	if len(alts) == 0 {
		return 0, nil
	}
	return n, alts
}

func isNumberToken(s string) bool {
	return s != "" && isDigit(rune(s[0])) && strings.IndexFunc(s, func(r rune) bool { return !isDigit(r) && r != '.' && r != ',' }) < 0
}

func allDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !isDigit(r) }) < 0
}

// splitNumber reads a number written with "." or "," as the thousands
// separator or the decimal mark: with both, the last is the decimal mark;
// with one of them once and not followed by exactly three digits, it is the
// decimal mark; otherwise they separate thousands. ok is false for what is
// not a number so written (dates "01.07.2025", versions "1.2.3.4"), and for
// numbers of fewer than four digits without a decimal part (nothing to
// regroup).
func splitNumber(s string) (intPart, frac string, ok bool) {
	dot, comma := strings.Count(s, "."), strings.Count(s, ",")
	var dec byte
	switch {
	case dot > 0 && comma > 0:
		dec = s[strings.LastIndexAny(s, ".,")]
	case dot+comma == 1:
		i := strings.IndexAny(s, ".,")
		if len(s)-i-1 != 3 {
			dec = s[i]
		}
	}
	if dec != 0 {
		i := strings.LastIndexByte(s, dec)
		intPart, frac = s[:i], s[i+1:]
		if frac == "" || !allDigits(frac) {
			return "", "", false
		}
	} else {
		intPart = s
	}
	// The integer part: digits, or groups of three after a first of 1–3.
	if strings.ContainsAny(intPart, ".,") {
		sep := ","
		if dec == ',' || (dec == 0 && strings.Contains(intPart, ".")) {
			sep = "."
		}
		groups := strings.Split(intPart, sep)
		if strings.Contains(intPart, otherSep(sep)) || len(groups[0]) > 3 || len(groups[0]) == 0 {
			return "", "", false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 || !allDigits(g) {
				return "", "", false
			}
		}
		intPart = strings.Join(groups, "")
	}
	if !allDigits(intPart) || (frac == "" && len(intPart) < 4) {
		return "", "", false
	}
	if len(intPart) > 1 && intPart[0] == '0' {
		return "", "", false // a code or a phone number, not an amount
	}
	return intPart, frac, true
}

func otherSep(sep string) string {
	if sep == "." {
		return ","
	}
	return "."
}

// group writes digits in groups of three separated by sep.
func group(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteString(sep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// wordUnits are the units of p's words with the thesaurus p was given. A
// document number ("12/QĐ-UBND") is matched as typed, syllable by
// syllable: its letters are a code, not abbreviations to expand.
//
// The words of a question ("bao nhiêu", "mấy", "như thế nào") and the
// function words that join others ("của", "khi", "cho") are not required
// when other words are typed: "thử việc bao lâu" asks for what the texts
// say of "thử việc", and they do not say "bao lâu".
func (p Parsed) wordUnits() []unit {
	var run []string
	var units []unit
	for _, w := range p.Terms {
		toks := analyze(w)
		if !isDocNumber(w) {
			run = append(run, toks...)
			continue
		}
		units = append(units, p.th.units(run, p.loose)...)
		run = nil
		for _, t := range toks {
			units = append(units, unit{toks: []string{t}})
		}
	}
	units = append(units, p.th.units(run, p.loose)...)
	units = withoutQuestion(units)
	units = withoutRequest(units)
	for i := range units {
		units[i].strict = p.strict
	}
	return units
}

// questionWords are the interrogatives of Vietnamese questions and the
// function words (hư từ) that only join others, as runs of exact tokens:
// accented, or unaccented when they cannot be read as other words ("bao
// lau"; not "may", which is also "máy", nor "cua", "cho").
var questionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"bao nhiêu", "bao lâu", "bao giờ", "mấy", "thế nào", "như thế nào", "ra sao", "là gì", "gì",
		"ở đâu", "đâu", "khi nào", "lúc nào", "làm sao", "làm thế nào", "có được không", "được không", "không ạ", "ạ",
		"bao nhieu", "bao lau", "bao gio", "the nao", "nhu the nao", "la gi", "o dau", "khi nao", "lam sao", "lam the nao",
		"của", "khi", "cho", "thì", "mà", "là", "với", "và", "các", "những", "về", "để", "bị", "được",
	} {
		m[w] = true
	}
	return m
}()

// withoutQuestion drops the runs of units that are question or function
// words, unless nothing else is left.
func withoutQuestion(units []unit) []unit {
	var out []unit
	for i := 0; i < len(units); {
		n := 0
		for k := min(len(units), i+3); k > i; k-- {
			var toks []string
			for _, u := range units[i:k] {
				toks = append(toks, u.toks...)
			}
			if questionWords[strings.Join(toks, " ")] {
				n = k - i
				break
			}
		}
		if n == 0 {
			out = append(out, units[i])
			i++
			continue
		}
		i += n
	}
	if len(out) == 0 {
		return units
	}
	return out
}

// requestWords are the verbs a query starts with to say what the citizen
// wants done with the rest ("làm hộ chiếu", "xin giấy phép xây nhà"): the
// texts name the thing and its procedure ("cấp hộ chiếu"), not the request.
// Each maps to the syllables after which it is part of a word the texts
// use ("làm việc", "làm thêm"). Accented only: unaccented they are other
// words too ("lam" is also "lâm").
var requestWords = map[string][]string{
	"làm":  {"việc", "thêm", "chủ", "chứng", "ăn", "đêm", "nghề"},
	"xin":  {"lỗi", "ý"},
	"muốn": nil,
	"cần":  {"thiết"},
}

// withoutRequest drops a request verb that starts the query as a unit of
// its own (not "làm lại", a term of the thesaurus) when other units follow
// and it does not make a word with the next syllable.
func withoutRequest(units []unit) []unit {
	if len(units) < 2 || len(units[0].toks) != 1 {
		return units
	}
	after, ok := requestWords[units[0].toks[0]]
	if !ok || slices.Contains(after, units[1].toks[0]) {
		return units
	}
	return units[1:]
}

// isDocNumber: a word with a digit and "/" or "-", as document numbers
// are written.
func isDocNumber(w string) bool {
	w = strings.TrimFunc(w, unicode.IsPunct)
	return strings.ContainsAny(w, "/-") && strings.ContainsFunc(w, unicode.IsDigit)
}

// toneMoves are the syllables written with the tone mark on either vowel
// ("hoà"/"hòa", "uỷ"/"ủy"): both spellings are in use, in law texts too.
var toneMoves = func() map[string]string {
	m := map[string]string{}
	pairs := [][2]string{
		{"oà", "òa"}, {"oá", "óa"}, {"oả", "ỏa"}, {"oã", "õa"}, {"oạ", "ọa"},
		{"oè", "òe"}, {"oé", "óe"}, {"oẻ", "ỏe"}, {"oẽ", "õe"}, {"oẹ", "ọe"},
		{"uỳ", "ùy"}, {"uý", "úy"}, {"uỷ", "ủy"}, {"uỹ", "ũy"}, {"uỵ", "ụy"},
	}
	for _, p := range pairs {
		m[p[0]], m[p[1]] = p[1], p[0]
	}
	return m
}()

// toneVariant is tok with its tone mark on the other vowel of "oa", "oe"
// or "uy" when it ends with one ("hoà" → "hòa"; "" otherwise). Only the
// end of a syllable moves: "hoàng", "quyết" have one spelling.
func toneVariant(tok string) string {
	for from, to := range toneMoves {
		if rest, ok := strings.CutSuffix(tok, from); ok && !strings.HasSuffix(rest, "q") {
			return rest + to
		}
	}
	return ""
}
