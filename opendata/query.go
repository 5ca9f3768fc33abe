package opendata

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/congkhai/congkhai/content"
)

// ErrQuery is wrapped by the errors of a query CKAN would answer with
// "Search Query Error": a filter or sort it cannot read.
var ErrQuery = errors.New("search query is invalid")

func queryErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrQuery, fmt.Sprintf(format, a...))
}

// A filter (fq) is read with the Lucene syntax CKAN passes to Solr, for the
// fields a harvester filters on:
//
//	organization:so-tai-chinh  groups:gia-dat  tags:"giá đất"  res_format:CSV
//	license_id:cc-by  name:…  id:…  owner_org:…  type:dataset  state:active
//	metadata_modified:[2026-01-01T00:00:00Z TO *]  metadata_created:{… TO NOW-1DAY}
//	title:…  text:…  *:*
//
// Clauses are joined by AND (also when nothing is written between them), OR
// and NOT, grouped with parentheses; + marks a required clause and - (or !)
// an excluded one; field:(a OR b) tests one field for several values; a value
// ending in * is a prefix and * alone means "has a value". AND binds tighter
// than OR. A word without a field searches titles, descriptions and tags,
// without diacritics.

// Filter is a parsed filter.
type Filter struct{ e expr }

// Empty reports whether the filter lets every entry through.
func (f Filter) Empty() bool {
	switch x := f.e.(type) {
	case nil, allExpr:
		return true
	case andExpr:
		for _, y := range x {
			if !(Filter{y}).Empty() {
				return false
			}
		}
		return true
	}
	return false
}

// Match reports whether the filter holds for e.
func (f Filter) Match(e *Entry) bool { return f.e == nil || f.e.match(e) }

type expr interface{ match(e *Entry) bool }

type (
	andExpr  []expr
	orExpr   []expr
	notExpr  struct{ x expr }
	allExpr  struct{}
	termExpr struct {
		field, value string
		prefix, any  bool
	}
	rangeExpr struct {
		field          string
		lo, hi         string // "" for *
		loT, hiT       time.Time
		loIncl, hiIncl bool
	}
)

func (a andExpr) match(e *Entry) bool {
	for _, x := range a {
		if !x.match(e) {
			return false
		}
	}
	return true
}

func (o orExpr) match(e *Entry) bool {
	for _, x := range o {
		if x.match(e) {
			return true
		}
	}
	return false
}

func (n notExpr) match(e *Entry) bool { return !n.x.match(e) }
func (allExpr) match(*Entry) bool     { return true }

// fieldValues are the values of a field of e, as the filter compares them.
func fieldValues(field string, e *Entry) []string {
	d := e.Dataset
	switch field {
	case "id":
		return []string{e.ID}
	case "name":
		return []string{e.Name}
	case "organization":
		if e.Agency != nil {
			return []string{OrganizationName(e.Agency.Slug)}
		}
	case "owner_org":
		if e.Agency != nil {
			return []string{e.ownerID()}
		}
	case "groups":
		return []string{string(d.Category)}
	case "tags":
		return e.Tags
	case "res_format":
		return e.Formats
	case "license_id":
		return []string{e.License.ID}
	case "type", "dataset_type":
		return []string{"dataset"}
	case "state":
		return []string{"active"}
	case "capacity":
		return []string{"public"}
	case "metadata_modified":
		return []string{CKANTime(e.Modified)}
	case "metadata_created":
		return []string{CKANTime(e.Created)}
	}
	return nil
}

// textWords are the folded words of an entry's title, summary, text and
// tags, computed once per catalog.
func textWords(e *Entry) map[string]bool {
	e.textOnce.Do(func() {
		d := e.Dataset
		e.words = map[string]bool{}
		for _, w := range strings.FieldsFunc(content.Fold(d.Title+"\n"+d.Summary+"\n"+d.Text+"\n"+strings.Join(d.Tags, "\n")), notWordRune) {
			e.words[w] = true
		}
	})
	return e.words
}

func (t termExpr) match(e *Entry) bool {
	switch t.field {
	case "text", "title", "notes":
		var have map[string]bool
		switch t.field {
		case "title":
			have = wordSet(e.titleKey)
		case "notes":
			have = wordSet(content.Fold(notes(e.Dataset)))
		default:
			have = textWords(e)
		}
		if t.any {
			return len(have) > 0
		}
		for _, w := range strings.FieldsFunc(content.Fold(t.value), notWordRune) {
			if !have[w] {
				return false
			}
		}
		return true
	}
	for _, v := range fieldValues(t.field, e) {
		switch {
		case t.any:
			if v != "" {
				return true
			}
		case t.prefix:
			if strings.HasPrefix(v, t.value) {
				return true
			}
		case t.field == "res_format":
			if strings.EqualFold(v, t.value) {
				return true
			}
		case v == t.value:
			return true
		}
	}
	return false
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.FieldsFunc(s, notWordRune) {
		m[w] = true
	}
	return m
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

func (r rangeExpr) match(e *Entry) bool {
	switch r.field {
	case "metadata_modified":
		return inRangeT(e.Modified, r)
	case "metadata_created":
		return inRangeT(e.Created, r)
	}
	for _, v := range fieldValues(r.field, e) {
		if (r.lo == "" || v > r.lo || r.loIncl && v == r.lo) && (r.hi == "" || v < r.hi || r.hiIncl && v == r.hi) {
			return true
		}
	}
	return false
}

func inRangeT(t time.Time, r rangeExpr) bool {
	if !r.loT.IsZero() && (t.Before(r.loT) || !r.loIncl && t.Equal(r.loT)) {
		return false
	}
	if !r.hiT.IsZero() && (t.After(r.hiT) || !r.hiIncl && t.Equal(r.hiT)) {
		return false
	}
	return true
}

// knownFields are the fields a filter may name.
var knownFields = map[string]bool{
	"id": true, "name": true, "organization": true, "owner_org": true, "groups": true, "tags": true,
	"res_format": true, "license_id": true, "type": true, "dataset_type": true, "state": true, "capacity": true,
	"metadata_modified": true, "metadata_created": true, "title": true, "notes": true, "text": true,
}

// ParseFilter reads a filter; now is the time NOW means. The error wraps
// ErrQuery.
func ParseFilter(s string, now time.Time) (Filter, error) {
	toks, err := lex(s)
	if err != nil {
		return Filter{}, err
	}
	if len(toks) == 0 {
		return Filter{}, nil
	}
	p := &parser{toks: toks, now: now}
	x, err := p.or()
	if err != nil {
		return Filter{}, err
	}
	if p.i < len(p.toks) {
		return Filter{}, queryErr("unexpected %q", p.toks[p.i].text)
	}
	return Filter{x}, nil
}

// And combines filters (CKAN's fq_list and the fq with the q's fields).
func And(fs ...Filter) Filter {
	var a andExpr
	for _, f := range fs {
		if f.e != nil {
			a = append(a, f.e)
		}
	}
	if len(a) == 0 {
		return Filter{}
	}
	return Filter{a}
}

type tokKind int

const (
	tWord   tokKind = iota // a clause: field:value or a bare word
	tLParen                // (
	tRParen                // )
	tAnd
	tOr
	tNot
	tPlus
)

type token struct {
	kind tokKind
	text string
}

// lex splits a filter into tokens; a clause keeps its quotes, brackets and
// parenthesised values whole ("tags:(a OR b)", `title:"x y"`, "m:[a TO b]").
func lex(s string) ([]token, error) {
	var toks []token
	rs := []rune(s)
	i := 0
	for i < len(rs) {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
			continue
		case r == '(':
			toks = append(toks, token{tLParen, "("})
			i++
			continue
		case r == ')':
			toks = append(toks, token{tRParen, ")"})
			i++
			continue
		case r == '+':
			toks = append(toks, token{tPlus, "+"})
			i++
			continue
		case r == '-' || r == '!':
			toks = append(toks, token{tNot, string(r)})
			i++
			continue
		case r == '&' && i+1 < len(rs) && rs[i+1] == '&':
			toks = append(toks, token{tAnd, "&&"})
			i += 2
			continue
		case r == '|' && i+1 < len(rs) && rs[i+1] == '|':
			toks = append(toks, token{tOr, "||"})
			i += 2
			continue
		}
		start := i
		depth := 0
		for i < len(rs) {
			c := rs[i]
			if c == '\\' && i+1 < len(rs) {
				i += 2
				continue
			}
			if c == '"' {
				j := i + 1
				for j < len(rs) && rs[j] != '"' {
					if rs[j] == '\\' {
						j++
					}
					j++
				}
				if j >= len(rs) {
					return nil, queryErr("unclosed quote")
				}
				i = j + 1
				continue
			}
			if c == '[' || c == '{' {
				j := i + 1
				for j < len(rs) && rs[j] != ']' && rs[j] != '}' {
					j++
				}
				if j >= len(rs) {
					return nil, queryErr("unclosed range")
				}
				i = j + 1
				continue
			}
			if c == '(' && i > start && rs[i-1] == ':' {
				depth++
			} else if c == '(' && depth > 0 {
				depth++
			} else if c == ')' {
				if depth == 0 {
					break
				}
				depth--
			} else if depth == 0 && (unicode.IsSpace(c) || c == '(') {
				break
			}
			i++
		}
		if depth > 0 {
			return nil, queryErr("missing )")
		}
		w := string(rs[start:i])
		switch w {
		case "AND":
			toks = append(toks, token{tAnd, w})
		case "OR":
			toks = append(toks, token{tOr, w})
		case "NOT":
			toks = append(toks, token{tNot, w})
		default:
			toks = append(toks, token{tWord, w})
		}
	}
	return toks, nil
}

type parser struct {
	toks []token
	i    int
	now  time.Time
}

func (p *parser) peek() (token, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return token{}, false
}

func (p *parser) or() (expr, error) {
	var alts orExpr
	for {
		x, err := p.and()
		if err != nil {
			return nil, err
		}
		alts = append(alts, x)
		t, ok := p.peek()
		if !ok || t.kind != tOr {
			break
		}
		p.i++
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return alts, nil
}

func (p *parser) and() (expr, error) {
	var all andExpr
	for {
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		all = append(all, x)
		t, ok := p.peek()
		if !ok || t.kind == tOr || t.kind == tRParen {
			break
		}
		if t.kind == tAnd {
			p.i++
		}
	}
	if len(all) == 1 {
		return all[0], nil
	}
	return all, nil
}

func (p *parser) unary() (expr, error) {
	t, ok := p.peek()
	if !ok {
		return nil, queryErr("expression ends too early")
	}
	switch t.kind {
	case tNot:
		p.i++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notExpr{x}, nil
	case tPlus:
		p.i++
		return p.unary()
	case tLParen:
		p.i++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if t, ok := p.peek(); !ok || t.kind != tRParen {
			return nil, queryErr("missing )")
		}
		p.i++
		return x, nil
	case tWord:
		p.i++
		return p.clause(t.text)
	}
	return nil, queryErr("unexpected %q", t.text)
}

// clause reads field:value, field:"phrase", field:[a TO b], field:(a OR b),
// *:* or a bare word.
func (p *parser) clause(w string) (expr, error) {
	if w == "*:*" || w == "*" {
		return allExpr{}, nil
	}
	field, value, ok := cutField(w)
	if !ok {
		return termExpr{field: "text", value: unquote(w)}, nil
	}
	if !knownFields[field] {
		return nil, queryErr("undefined field %s", field)
	}
	switch {
	case strings.HasPrefix(value, "(") && strings.HasSuffix(value, ")"):
		toks, err := lex(value[1 : len(value)-1])
		if err != nil {
			return nil, err
		}
		for i := range toks {
			if toks[i].kind == tWord {
				toks[i].text = field + ":" + toks[i].text
			}
		}
		sub := &parser{toks: toks, now: p.now}
		x, err := sub.or()
		if err != nil {
			return nil, err
		}
		if sub.i < len(sub.toks) {
			return nil, queryErr("unexpected %q", sub.toks[sub.i].text)
		}
		return x, nil
	case strings.HasPrefix(value, "[") || strings.HasPrefix(value, "{"):
		return p.rangeClause(field, value)
	case value == "*":
		return termExpr{field: field, any: true}, nil
	case strings.HasPrefix(value, `"`):
		return termExpr{field: field, value: unquote(value)}, nil
	case strings.HasSuffix(value, "*") && !strings.HasSuffix(value, `\*`):
		return termExpr{field: field, value: unescape(strings.TrimSuffix(value, "*")), prefix: true}, nil
	}
	return termExpr{field: field, value: unescape(value)}, nil
}

// cutField splits "field:value" at the first unescaped colon outside quotes.
func cutField(w string) (field, value string, ok bool) {
	if strings.HasPrefix(w, `"`) {
		return "", "", false
	}
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case '\\':
			i++
		case ':':
			if i == 0 {
				return "", "", false
			}
			return w[:i], w[i+1:], true
		}
	}
	return "", "", false
}

func unquote(s string) string {
	if len(s) >= 2 && strings.HasPrefix(s, `"`) && strings.HasSuffix(s, `"`) {
		s = s[1 : len(s)-1]
	}
	return unescape(s)
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (p *parser) rangeClause(field, v string) (expr, error) {
	if len(v) < 2 {
		return nil, queryErr("bad range %s", v)
	}
	r := rangeExpr{field: field, loIncl: v[0] == '[', hiIncl: v[len(v)-1] == ']'}
	inner := strings.TrimSpace(v[1 : len(v)-1])
	lo, hi, ok := strings.Cut(inner, " TO ")
	if !ok {
		return nil, queryErr("bad range %s: want [A TO B]", v)
	}
	lo, hi = unquote(strings.TrimSpace(lo)), unquote(strings.TrimSpace(hi))
	date := field == "metadata_modified" || field == "metadata_created"
	for _, b := range []struct {
		s   string
		dst *string
		t   *time.Time
	}{{lo, &r.lo, &r.loT}, {hi, &r.hi, &r.hiT}} {
		if b.s == "*" {
			continue
		}
		*b.dst = b.s
		if date {
			t, err := parseSolrDate(b.s, p.now)
			if err != nil {
				return nil, err
			}
			*b.t = t
		}
	}
	return r, nil
}

// parseSolrDate reads a date of a range: ISO 8601 in UTC (the "Z" and the
// fraction are optional, as CKAN's harvesters write it both ways; a date
// alone is its midnight UTC), or NOW with date math (NOW-1DAY, NOW/DAY,
// NOW-2HOURS/HOUR).
func parseSolrDate(s string, now time.Time) (time.Time, error) {
	if rest, ok := strings.CutPrefix(s, "NOW"); ok {
		return dateMath(now.UTC(), rest)
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, queryErr("invalid date %q", s)
}

var dateUnits = map[string]string{
	"YEAR": "YEAR", "YEARS": "YEAR", "MONTH": "MONTH", "MONTHS": "MONTH", "DAY": "DAY", "DAYS": "DAY", "DATE": "DAY",
	"HOUR": "HOUR", "HOURS": "HOUR", "MINUTE": "MINUTE", "MINUTES": "MINUTE", "SECOND": "SECOND", "SECONDS": "SECOND",
}

func dateMath(t time.Time, ops string) (time.Time, error) {
	for ops != "" {
		op := ops[0]
		ops = ops[1:]
		j := 0
		for j < len(ops) && ops[j] != '+' && ops[j] != '-' && ops[j] != '/' {
			j++
		}
		arg := ops[:j]
		ops = ops[j:]
		switch op {
		case '+', '-':
			k := 0
			for k < len(arg) && arg[k] >= '0' && arg[k] <= '9' {
				k++
			}
			n, err := strconv.Atoi(arg[:k])
			unit, ok := dateUnits[arg[k:]]
			if err != nil || !ok {
				return time.Time{}, queryErr("invalid date math %q", string(op)+arg)
			}
			if op == '-' {
				n = -n
			}
			switch unit {
			case "YEAR":
				t = t.AddDate(n, 0, 0)
			case "MONTH":
				t = t.AddDate(0, n, 0)
			case "DAY":
				t = t.AddDate(0, 0, n)
			case "HOUR":
				t = t.Add(time.Duration(n) * time.Hour)
			case "MINUTE":
				t = t.Add(time.Duration(n) * time.Minute)
			case "SECOND":
				t = t.Add(time.Duration(n) * time.Second)
			}
		case '/':
			unit, ok := dateUnits[arg]
			if !ok {
				return time.Time{}, queryErr("invalid date rounding %q", arg)
			}
			y, mo, d := t.Date()
			h, mi, s := t.Clock()
			switch unit {
			case "YEAR":
				t = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			case "MONTH":
				t = time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
			case "DAY":
				t = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
			case "HOUR":
				t = time.Date(y, mo, d, h, 0, 0, 0, time.UTC)
			case "MINUTE":
				t = time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
			case "SECOND":
				t = time.Date(y, mo, d, h, mi, s, 0, time.UTC)
			}
		default:
			return time.Time{}, queryErr("invalid date math %q", ops)
		}
	}
	return t, nil
}
