package search

import (
	"unicode/utf8"

	"github.com/blevesearch/segment"
)

// Word segmentation (Unicode's word boundaries, UAX #29) is most of the cost
// of tokenising titles and snippets at query time. Vietnamese text written
// in Latin letters, ASCII digits and common punctuation needs only a few of
// its rules, and eachWord applies those itself; any other character sends
// the whole text through the segment package, so the words are always the
// ones bleve's unicode tokenizer finds (TestWordsMatchSegmenter compares
// them on real text and on random strings of the characters that matter).

// Character classes of the fast path.
const (
	wOther  uint8 = iota // breaks on both sides, never part of a word
	wLetter              // ALetter
	wDigit               // Numeric
	wMidL                // MidLetter: joins two letters (':')
	wMidNL               // MidNumLet: joins two letters or two digits ('.', '\'', '’')
	wMidN                // MidNum: joins two digits (',', ';')
	wSlow                // anything else: use the segment package
)

// asciiClass is the class of each ASCII byte.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			t[c] = wLetter
		case '0' <= c && c <= '9':
			t[c] = wDigit
		case c == ':':
			t[c] = wMidL
		case c == '.', c == '\'':
			t[c] = wMidNL
		case c == ',', c == ';':
			t[c] = wMidN
		case c == ' ', c == '\t', c == '\n', c == '\r', c == '!', c == '"', c == '#', c == '$', c == '%', c == '&',
			c == '(', c == ')', c == '*', c == '+', c == '-', c == '/', c == '<',
			c == '=', c == '>', c == '?', c == '@', c == '[', c == '\\', c == ']',
			c == '^', c == '`', c == '{', c == '|', c == '}', c == '~':
			t[c] = wOther
		default: // other control characters, '_' (ExtendNumLet)
			t[c] = wSlow
		}
	}
	return t
}()

// runeClass is the class of a rune outside ASCII.
func runeClass(r rune) uint8 {
	switch {
	case r >= 0xC0 && r <= 0x24F && r != 0xD7 && r != 0xF7, // Latin-1 letters, Latin Extended-A and -B
		r >= 0x1E00 && r <= 0x1EFF: // Latin Extended Additional (Vietnamese)
		return wLetter
	case r == 0x2018, r == 0x2019: // ‘ ’
		return wMidNL
	case r == 0x2013, r == 0x2014, r == 0x201C, r == 0x201D, r == 0x2026: // – — “ ” …
		return wOther
	}
	return wSlow
}

// eachWord calls fn with the byte offsets of each word of text: each segment
// of segment.NewWordSegmenterDirect whose type is not segment.None.
func eachWord(text []byte, fn func(start, end int)) {
	if !fastWords(text, fn) {
		slowWords(text, fn)
	}
}

func slowWords(text []byte, fn func(start, end int)) {
	seg := segment.NewWordSegmenterDirect(text)
	start := 0
	for seg.Segment() {
		end := start + len(seg.Bytes())
		if seg.Type() != segment.None {
			fn(start, end)
		}
		start = end
	}
}

// fastWords finds the words of text when every character is of a class it
// knows, and reports false, having called fn for nothing, otherwise.
func fastWords(text []byte, fn func(start, end int)) bool {
	// First pass: only check, so that fn never sees a partial result.
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if asciiClass[c] == wSlow {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(text[i:])
		if runeClass(r) == wSlow { // utf8.RuneError included
			return false
		}
		i += n
	}
	class := func(i int) (uint8, int) {
		c := text[i]
		if c < utf8.RuneSelf {
			return asciiClass[c], 1
		}
		r, n := utf8.DecodeRune(text[i:])
		return runeClass(r), n
	}
	start := -1 // of the word being read
	var last uint8
	for i := 0; i < len(text); {
		k, n := class(i)
		switch k {
		case wLetter, wDigit:
			if start < 0 {
				start = i
			}
			last = k
			i += n
			continue
		case wMidL, wMidNL, wMidN:
			// Inside a word when between two letters (MidLetter, MidNumLet)
			// or two digits (MidNum, MidNumLet).
			if start >= 0 && i+n < len(text) {
				next, _ := class(i + n)
				joins := last == wLetter && next == wLetter && k != wMidN ||
					last == wDigit && next == wDigit && k != wMidL
				if joins {
					i += n
					continue
				}
			}
		}
		if start >= 0 {
			fn(start, i)
			start = -1
		}
		i += n
	}
	if start >= 0 {
		fn(start, len(text))
	}
	return true
}
