package publish

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OpKind says what an Op does.
type OpKind uint8

// Kinds of Op.
const (
	Equal  OpKind = iota // in both texts
	Delete               // only in the old text
	Insert               // only in the new text
)

func (k OpKind) String() string {
	switch k {
	case Delete:
		return "-"
	case Insert:
		return "+"
	}
	return "="
}

// Op is a piece of a text diff.
type Op struct {
	Kind OpKind
	Text string
}

// Bounds of DiffText's work: texts of more than textMaxTokens words and
// spaces are compared line by line, and changed blocks of lines are compared
// word by word when they have at most blockMaxTokens; textBudget bounds the
// comparisons of one diff.
const (
	textMaxTokens  = 200_000
	blockMaxTokens = 20_000
	textBudget     = 50_000_000
)

// DiffText compares two texts word by word and returns the pieces of both in
// order: the Equal and Delete pieces make a, the Equal and Insert pieces make
// b. Words are runs of letters, marks and digits (a Vietnamese syllable, a
// number such as 1.234.567,5 or a code such as 12/QĐ-UBND is one word),
// spaces are kept, and every other character (punctuation) is a word of its
// own. Between two Equal pieces there is at most one Delete followed by at
// most one Insert; spaces alone are never an Equal piece between changes, so
// a changed phrase reads as one. Huge texts are compared line by line first
// and the work is bounded: past the bound, what is left is shown as deleted
// and inserted rather than matched.
func DiffText(a, b string) []Op {
	if a == b {
		if a == "" {
			return nil
		}
		return []Op{{Equal, a}}
	}
	al := &aligner{budget: textBudget}
	var ops []Op
	if na := countTokens(a, textMaxTokens); na+countTokens(b, textMaxTokens-na) <= textMaxTokens {
		ops = diffTokens(al, tokens(a), tokens(b))
	} else {
		ops = diffLines(al, a, b)
	}
	return tidy(ops)
}

// diffTokens aligns two token lists and returns the raw ops, token by token.
func diffTokens(al *aligner, ta, tb []string) []Op {
	ids := map[string]uint64{}
	intern := func(ts []string) []uint64 {
		out := make([]uint64, len(ts))
		for i, t := range ts {
			id, ok := ids[t]
			if !ok {
				id = uint64(len(ids))
				ids[t] = id
			}
			out[i] = id
		}
		return out
	}
	pairs := al.align(intern(ta), intern(tb), 0, 0, nil)
	return opsFromPairs(pairs, ta, tb)
}

// opsFromPairs turns matched pairs into ops.
func opsFromPairs(pairs []pair, ta, tb []string) []Op {
	var ops []Op
	i, j := 0, 0
	for _, p := range append(pairs, pair{len(ta), len(tb)}) {
		for ; i < p.a; i++ {
			ops = append(ops, Op{Delete, ta[i]})
		}
		for ; j < p.b; j++ {
			ops = append(ops, Op{Insert, tb[j]})
		}
		if p.a < len(ta) {
			ops = append(ops, Op{Equal, ta[p.a]})
			i, j = p.a+1, p.b+1
		}
	}
	return ops
}

// diffLines compares huge texts line by line, then the changed blocks word by
// word when they are small enough.
func diffLines(al *aligner, a, b string) []Op {
	la, lb := lines(a), lines(b)
	raw := diffTokens(al, la, lb)
	var ops []Op
	var del, ins strings.Builder
	flush := func() {
		if del.Len() == 0 && ins.Len() == 0 {
			return
		}
		da, db := del.String(), ins.String()
		if n := countTokens(da, blockMaxTokens); n+countTokens(db, blockMaxTokens-n) <= blockMaxTokens && al.budget > 0 {
			ops = append(ops, diffTokens(al, tokens(da), tokens(db))...)
		} else {
			ops = append(ops, Op{Delete, del.String()}, Op{Insert, ins.String()})
		}
		del.Reset()
		ins.Reset()
	}
	for _, op := range raw {
		switch op.Kind {
		case Delete:
			del.WriteString(op.Text)
		case Insert:
			ins.WriteString(op.Text)
		default:
			flush()
			ops = append(ops, op)
		}
	}
	flush()
	return ops
}

// lines splits s after each newline.
func lines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}

// tokens splits s into words, runs of spaces and single other characters.
func tokens(s string) []string {
	out := make([]string, 0, countTokens(s, len(s)))
	for i := 0; i < len(s); {
		j := tokenEnd(s, i)
		out = append(out, s[i:j])
		i = j
	}
	return out
}

// countTokens returns how many tokens s has, or a number above limit when
// it has more.
func countTokens(s string, limit int) int {
	n := 0
	for i := 0; i < len(s) && n <= limit; n++ {
		i = tokenEnd(s, i)
	}
	return n
}

// tokenEnd returns the end of the token that starts at s[i].
func tokenEnd(s string, i int) int {
	r, n := utf8.DecodeRuneInString(s[i:])
	j := i + n
	switch {
	case isWordRune(r):
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if isWordRune(r) {
				j += n
				continue
			}
			// A joiner between two word characters stays inside the word:
			// 1.234,5  12/QĐ-UBND  2025-2026.
			if strings.ContainsRune(".,/-", r) && j+n < len(s) {
				if r2, _ := utf8.DecodeRuneInString(s[j+n:]); isWordRune(r2) {
					j += n
					continue
				}
			}
			break
		}
	case unicode.IsSpace(r):
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsSpace(r) {
				break
			}
			j += n
		}
	}
	return j
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_'
}

// tidy merges ops of a kind that follow each other, folds spaces-only Equal
// pieces between changes into the changes, and orders each run of changes as
// one Delete then one Insert.
func tidy(raw []Op) []Op {
	isSpace := func(s string) bool { return strings.TrimSpace(s) == "" }
	// Runs of one kind, merged.
	type run struct {
		kind OpKind
		text string
	}
	raw = slices.DeleteFunc(raw, func(op Op) bool { return op.Text == "" })
	var rs []run
	var cur strings.Builder
	for i, op := range raw {
		cur.WriteString(op.Text)
		if i+1 < len(raw) && raw[i+1].Kind == op.Kind {
			continue
		}
		rs = append(rs, run{op.Kind, cur.String()})
		cur.Reset()
	}
	var out []Op
	var del, ins strings.Builder
	flush := func() {
		if del.Len() > 0 {
			out = append(out, Op{Delete, del.String()})
		}
		if ins.Len() > 0 {
			out = append(out, Op{Insert, ins.String()})
		}
		del.Reset()
		ins.Reset()
	}
	for i, r := range rs {
		switch {
		case r.kind == Delete:
			del.WriteString(r.text)
		case r.kind == Insert:
			ins.WriteString(r.text)
		case isSpace(r.text) && i > 0 && i < len(rs)-1 && (del.Len() > 0 || ins.Len() > 0):
			// Spaces between two changes belong to both texts' changed part.
			del.WriteString(r.text)
			ins.WriteString(r.text)
		default:
			flush()
			out = append(out, Op{Equal, r.text})
		}
	}
	flush()
	return out
}
