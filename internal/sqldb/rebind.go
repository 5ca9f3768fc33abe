package sqldb

import (
	"strconv"
	"strings"
)

// Rebind numbers the ? placeholders of query as $1, $2, ... and leaves alone
// every ? that is not one: inside string literals ('…', a quote doubled inside,
// E'…' with backslash escapes), quoted identifiers ("…"), dollar-quoted
// strings ($$…$$, $tag$…$tag$), line comments (-- …) and block comments
// (/* … */, nested as PostgreSQL nests them). PostgreSQL's own ?-operators
// (jsonb ?, ?|, ?&) cannot be written in these queries.
func Rebind(query string) string {
	if strings.IndexByte(query, '?') < 0 {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); {
		c := query[i]
		end := i + 1
		switch {
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i++
			continue
		case c == '\'':
			backslash := i > 0 && (query[i-1] == 'E' || query[i-1] == 'e') && (i < 2 || !isIdentByte(query[i-2]))
			end = quotedEnd(query, i, '\'', backslash)
		case c == '"':
			end = quotedEnd(query, i, '"', false)
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end = len(query)
			if j := strings.IndexByte(query[i:], '\n'); j >= 0 {
				end = i + j + 1
			}
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			end = blockCommentEnd(query, i)
		case c == '$' && (i == 0 || !isIdentByte(query[i-1])):
			if tag, ok := dollarTag(query[i:]); ok {
				end = len(query)
				if j := strings.Index(query[i+len(tag):], tag); j >= 0 {
					end = i + len(tag) + j + len(tag)
				}
			}
		}
		b.WriteString(query[i:end])
		i = end
	}
	return b.String()
}

// quotedEnd returns the index just past the quoted text starting at query[i]
// == quote, where a doubled quote stands for itself and, with backslash, a
// backslash escapes the next byte. An unclosed quote runs to the end.
func quotedEnd(query string, i int, quote byte, backslash bool) int {
	for j := i + 1; j < len(query); j++ {
		switch query[j] {
		case '\\':
			if backslash {
				j++
			}
		case quote:
			if j+1 < len(query) && query[j+1] == quote {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(query)
}

// blockCommentEnd returns the index just past the block comment starting at
// query[i:], counting nested comments.
func blockCommentEnd(query string, i int) int {
	depth := 0
	for j := i; j+1 < len(query); j++ {
		switch query[j : j+2] {
		case "/*":
			depth++
			j++
		case "*/":
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(query)
}

// dollarTag returns the opening tag ("$$", "$body$") of a dollar-quoted
// string at the start of s; ok is false for anything else (a $1 parameter).
func dollarTag(s string) (tag string, ok bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		case c >= '0' && c <= '9' && j > 1:
		default:
			return "", false
		}
	}
	return "", false
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
