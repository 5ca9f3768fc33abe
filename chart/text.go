package chart

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTextRunes bounds every text taken from a spec: labels come from
// agencies' files and a chart draws at most a few lines of each.
const maxTextRunes = 300

// clean makes s safe to place in XML and to measure: invalid UTF-8 becomes
// U+FFFD; control characters and line breaks become spaces; characters XML
// 1.0 forbids (U+FFFE, U+FFFF) and bidirectional embeddings, overrides and
// isolates (U+202A–U+202E, U+2066–U+2069) are dropped, so that a label
// cannot reorder the number printed after it in a tooltip; runs of spaces
// are collapsed and the text trimmed and cut to maxTextRunes runes.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	n, space := 0, false
	for _, r := range s {
		switch {
		case r == 0xFFFE || r == 0xFFFF, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			continue
		case unicode.IsControl(r), unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if n >= maxTextRunes {
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// escape writes s for XML text and attribute values (s is already clean).
func escape(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// asciiWidth holds advance widths of printable ASCII in thousandths of an
// em, measured in chromium on DejaVu Sans (what system-ui resolves to on
// Debian), the widest of the usual system fonts: text estimated with it
// fits in Segoe UI, Roboto or San Francisco too. Where kerning made a pair
// narrower the wider figure is kept.
var asciiWidth = [95]uint16{
	318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, // space – /
	636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, // 0 – ?
	1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, // @ – O
	603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, // P – _
	500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, // ` – o
	635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, // p – ~
}

// vietBase lists, for U+1EA0–U+1EF9 (the Vietnamese letters with two
// marks), the base letter of each pair (upper case, lower case).
const vietBase = "AAAAAAAAAAAAEEEEEEEEIIOOOOOOOOOOOOUUUUUUUYYYY"

// runeWidth estimates the advance of r in ems.
func runeWidth(r rune) float64 {
	switch {
	case r >= ' ' && r <= '~':
		return float64(asciiWidth[r-' ']) / 1000
	case r >= 0x1EA0 && r <= 0x1EF9:
		i := (r - 0x1EA0) / 2
		base := rune(vietBase[i])
		if (r-0x1EA0)%2 == 1 {
			base = unicode.ToLower(base)
		}
		w := runeWidth(base)
		// Ơ and Ư carry a horn that widens them (ớ…ợ, ứ…ự).
		if (r >= 0x1EDA && r <= 0x1EE3) || (r >= 0x1EE8 && r <= 0x1EF1) {
			w += 0.13
		}
		return w
	case r == 'Ơ' || r == 'Ư':
		return 0.92
	case r == 'Đ':
		return 0.78
	case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), r == 0x200B, r == 0x200C, r == 0x200D, r == 0xFEFF:
		return 0
	case isWide(r):
		return 1
	case r >= 0x1F000:
		return 1.25 // emoji and pictographs
	case unicode.IsUpper(r):
		return 0.8
	case unicode.IsLetter(r), unicode.IsDigit(r):
		return 0.66
	}
	return 0.7
}

// isWide reports whether r is an East Asian wide character.
func isWide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0xFF01 && r <= 0xFF60) || (r >= 0x3000 && r <= 0x303F)
}

// textWidth estimates the width of s at font size size (bold text is about
// a tenth wider).
func textWidth(s string, size float64, bold bool) float64 {
	var w float64
	for _, r := range s {
		w += runeWidth(r)
	}
	if bold {
		w *= 1.1
	}
	return w * size
}

// wrap breaks s into at most maxLines lines no wider than width at the given
// size, at spaces where it can and inside a word too long for a line. Text
// that does not fit ends its last line with "…"; cut reports that.
func wrap(s string, width, size float64, bold bool, maxLines int) (lines []string, cut bool) {
	words := strings.Fields(s)
	var line string
	for len(words) > 0 {
		w := words[0]
		try := w
		if line != "" {
			try = line + " " + w
		}
		if textWidth(try, size, bold) <= width {
			line = try
			words = words[1:]
			continue
		}
		if line == "" { // one word wider than a line: break it
			head := fitPrefix(w, width, size, bold)
			line, words[0] = head, w[len(head):]
			if words[0] == "" {
				words = words[1:]
			}
		}
		lines = append(lines, line)
		line = ""
		if len(lines) == maxLines {
			if len(words) == 0 {
				return lines, false
			}
			rest := lines[maxLines-1] + " " + strings.Join(words, " ")
			lines[maxLines-1] = ellipsis(rest, width, size, bold)
			return lines, true
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines, false
}

// fitPrefix returns the longest prefix of w (at least one rune) no wider
// than width.
func fitPrefix(w string, width, size float64, bold bool) string {
	end, used := 0, 0.0
	for i, r := range w {
		rw := runeWidth(r) * size
		if bold {
			rw *= 1.1
		}
		if i > 0 && used+rw > width {
			break
		}
		used += rw
		end = i + utf8.RuneLen(r)
	}
	return w[:end]
}

// ellipsis cuts s so that s + "…" fits in width, at a space when one is
// close to the end.
func ellipsis(s string, width, size float64, bold bool) string {
	const dots = "…"
	head := fitPrefix(s, width-textWidth(dots, size, bold), size, bold)
	if len(head) == len(s) && textWidth(s+dots, size, bold) <= width {
		head = s
	}
	if i := strings.LastIndexByte(head, ' '); i > len(head)*2/3 {
		head = head[:i]
	}
	return strings.TrimRight(head, " ,;:-–") + dots
}
