package search

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parsed is a query string taken apart by ParseQuery. All text is NFC.
type Parsed struct {
	Terms    []string // words that must match (as typed, accents kept)
	Phrases  []string // quoted phrases that must match
	Excluded []string // -words and -"phrases" that must not match
	// Filters are agency:x, category:x, year:2025, place:"Xã A", kind:x;
	// NotFilters the same preceded by "-".
	Filters, NotFilters map[string][]string

	th     *Thesaurus // the synonyms its words match (Index.Search sets it)
	strict bool       // words typed with accents match only with them (accents.go)
	loose  bool       // thesaurus terms match whatever the accents typed (Thesaurus.units)
}

// IsEmpty reports whether the query has neither text nor filters.
func (p Parsed) IsEmpty() bool {
	return len(p.Terms) == 0 && len(p.Phrases) == 0 && len(p.Excluded) == 0 &&
		len(p.Filters) == 0 && len(p.NotFilters) == 0
}

// String writes the query back in the syntax ParseQuery reads.
func (p Parsed) String() string {
	var parts []string
	parts = append(parts, p.Terms...)
	for _, ph := range p.Phrases {
		parts = append(parts, strconv.Quote(ph))
	}
	for _, ex := range p.Excluded {
		if strings.ContainsRune(ex, ' ') {
			ex = strconv.Quote(ex)
		}
		parts = append(parts, "-"+ex)
	}
	writeFilters := func(m map[string][]string, neg string) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			for _, v := range m[k] {
				if strings.ContainsAny(v, " \"") {
					v = strconv.Quote(v)
				}
				parts = append(parts, neg+k+":"+v)
			}
		}
	}
	writeFilters(p.Filters, "")
	writeFilters(p.NotFilters, "-")
	return strings.Join(parts, " ")
}

func badQuery(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBadQuery}, args...)...)
}

// ParseQuery takes a user's query apart: words, "quoted phrases" (an
// unbalanced quote is closed at the end), -word and -"phrase" exclusions,
// and filters name:value or name:"value with spaces" for the names agency,
// category, year, place and kind.
//
// Errors wrap ErrBadQuery: a query longer than MaxQueryLen runes, an unknown
// filter name (a word of ASCII letters before a colon, e.g. "foo:bar"), or
// a year that is not a number.
func ParseQuery(s string) (Parsed, error) {
	s = clean(s)
	var p Parsed
	if n := utf8.RuneCountInString(s); n > MaxQueryLen {
		return p, badQuery("query too long (%d characters, at most %d)", n, MaxQueryLen)
	}
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		neg := false
		if r == '-' && i+1 < len(s) {
			if r2, _ := utf8.DecodeRuneInString(s[i+1:]); !unicode.IsSpace(r2) && r2 != '-' {
				neg = true
				i++
			}
		}
		if s[i] == '"' {
			text, next := readQuoted(s, i)
			i = next
			if text = strings.Join(strings.Fields(text), " "); text != "" {
				if neg {
					p.Excluded = append(p.Excluded, text)
				} else {
					p.Phrases = append(p.Phrases, text)
				}
			}
			continue
		}
		start := i
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) || r == '"' {
				break
			}
			i += n
		}
		word := s[start:i]
		name, value, isField := strings.Cut(word, ":")
		if isField && isFieldName(name) && !strings.HasPrefix(value, "//") {
			if value == "" && i < len(s) && s[i] == '"' {
				value, i = readQuoted(s, i)
				value = strings.Join(strings.Fields(value), " ")
			}
			if value != "" {
				if err := p.addFilter(strings.ToLower(name), value, neg); err != nil {
					return Parsed{}, err
				}
				continue
			}
		}
		if neg {
			p.Excluded = append(p.Excluded, word)
		} else {
			p.Terms = append(p.Terms, word)
		}
	}
	return p, nil
}

// readQuoted reads from the quote at s[i] to the closing quote or the end.
func readQuoted(s string, i int) (text string, next int) {
	end := strings.IndexByte(s[i+1:], '"')
	if end < 0 {
		return s[i+1:], len(s)
	}
	return s[i+1 : i+1+end], i + 2 + end
}

func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func (p *Parsed) addFilter(name, value string, neg bool) error {
	if err := checkFilter(name, value); err != nil {
		return err
	}
	m := &p.Filters
	if neg {
		m = &p.NotFilters
	}
	if *m == nil {
		*m = make(map[string][]string)
	}
	(*m)[name] = append((*m)[name], value)
	return nil
}

func checkFilter(name, value string) error {
	if _, ok := filterFields[name]; !ok {
		return badQuery("unknown filter %q (known: agency, category, year, place, kind)", name)
	}
	if name == FilterYear {
		if y, err := strconv.Atoi(value); err != nil || y < 1 || y > 9999 {
			return badQuery("year %q is not a year", value)
		}
	}
	return nil
}
