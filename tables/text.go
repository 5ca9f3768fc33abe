package tables

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// clean returns s in NFC without soft hyphens and with other control characters than
// tab and line breaks removed: the text every reader hands on.
func clean(s string) string {
	ascii, controls := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
		} else if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			controls = true
		}
	}
	if ascii && !controls {
		return s
	}
	if !ascii && !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if controls || !ascii && (strings.Contains(s, "\u00ad") || strings.Contains(s, "\ufeff") || strings.Contains(s, "\u200b")) {
		s = strings.Map(func(r rune) rune {
			switch {
			case r == '\u00ad' || r == '\ufeff' || r == '\u200b':
				return -1
			case r == '\t' || r == '\n' || r == '\r':
				return r
			case r < 0x20 || r == 0x7f:
				return -1
			}
			return r
		}, s)
	}
	if ascii || norm.NFC.IsNormalString(s) {
		return s
	}
	return norm.NFC.String(s)
}

// squash trims s and turns every run of white space (line breaks included) into one
// space: the form of headings, labels and notes.
func squash(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\n\r\t\u00a0  ") && !strings.Contains(s, "  ") {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' }

// fold lower-cases s and removes Vietnamese diacritics ("Đơn vị tính" → "don vi tinh")
// for matching captions, labels and headings against the vocabularies below.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] >= 'A' && s[i] <= 'Z' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			b = append(b, byte(r))
		case r >= foldLo && r < foldLo+rune(len(foldTable)) && foldTable[r-foldLo] != 0:
			b = append(b, foldTable[r-foldLo])
		case r == '\u00a0':
			b = append(b, ' ')
		case unicode.Is(unicode.Mn, r):
		default:
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
	}
	return string(b)
}

// foldTable maps the Latin letters with diacritics from U+00C0 to U+1EFF to their
// lower-case base letter (0 for other runes); built once from their decompositions.
const foldLo = 0x00C0

var foldTable = func() []byte {
	t := make([]byte, 0x1F00-foldLo)
	for r := rune(foldLo); r < 0x1F00; r++ {
		if r == 'đ' || r == 'Đ' {
			t[r-foldLo] = 'd'
			continue
		}
		d := norm.NFD.String(string(r))
		if c := d[0]; len(d) > 1 && c < utf8.RuneSelf && (c|0x20) >= 'a' && (c|0x20) <= 'z' {
			t[r-foldLo] = c | 0x20
		}
	}
	return t
}()

// isNullText reports the marks agencies write for "no value": a dash, two or three
// dots (PX-Web), an x (not applicable).
func isNullText(s string) bool {
	switch s {
	case "", "-", "–", "—", "_", "..", "...", "…", "x", "X", "-/-":
		return true
	}
	return false
}

// textNumber is what a cell's text says as a number, read both ways: Vietnamese
// (dots group thousands, a comma starts the fraction) and English (commas group
// thousands, a point starts the fraction).
type textNumber struct {
	vi, en     float64
	viOK, enOK bool
	pct        bool // ends with %
	money      bool // carries a currency sign or word
	lead0      bool // a leading zero before other digits ("00004"): a code, not a number
	digits     int  // digits in the integer part
}

// unambiguous reports the value when both readings agree or only one applies.
func (n textNumber) unambiguous() (float64, NumberStyle, bool) {
	switch {
	case n.viOK && n.enOK && n.vi == n.en:
		return n.vi, StyleAuto, true
	case n.viOK && !n.enOK:
		return n.vi, StyleVI, true
	case n.enOK && !n.viOK:
		return n.en, StyleEN, true
	}
	return 0, StyleAuto, false
}

// value reads the number in style st, falling back to the other reading.
func (n textNumber) value(st NumberStyle) (float64, bool) {
	if st == StyleEN {
		if n.enOK {
			return n.en, true
		}
		return n.vi, n.viOK
	}
	if n.viOK {
		return n.vi, true
	}
	return n.en, n.enOK
}

// parseTextNumber reads a number written in a text cell or a CSV field: an optional
// sign or accounting parentheses, digits grouped either way, an optional percent
// sign or currency ("1.234.567,5", "1,120,237,007", " 13,000,000.00 ", "(1.500)",
// "12,5%", "50.000 đ"). Spaces inside groups ("1 234 567") are accepted.
func parseTextNumber(s string) (textNumber, bool) {
	var n textNumber
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return n, false
	}
	// Plain digits, the common case.
	if isDigits(s) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) {
			return n, false
		}
		n.vi, n.en, n.viOK, n.enOK, n.digits = v, v, true, true, len(s)
		n.lead0 = len(s) > 1 && s[0] == '0'
		return n, true
	}
	// Cheap rejection: a number starts with a digit, a sign, a parenthesis, a point
	// or a currency sign.
	switch c := s[0]; {
	case c >= '0' && c <= '9', c == '-', c == '+', c == '(', c == '.', c == ',', c == '$':
	default:
		if !strings.HasPrefix(s, "−") && !strings.HasPrefix(s, "₫") {
			return n, false
		}
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	if strings.HasSuffix(s, "%") {
		n.pct, s = true, strings.TrimSpace(strings.TrimSuffix(s, "%"))
	}
	if s == "" {
		return n, false
	}
	if last := s[len(s)-1]; last >= '0' && last <= '9' {
		goto sign // no currency after the digits
	}
	for _, cur := range currencyMarks {
		if strings.HasSuffix(s, cur) {
			n.money, s = true, strings.TrimSpace(strings.TrimSuffix(s, cur))
			break
		}
		if strings.HasPrefix(s, cur) {
			n.money, s = true, strings.TrimSpace(strings.TrimPrefix(s, cur))
			break
		}
	}
sign:
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = !neg, s[1:]
	case strings.HasPrefix(s, "−"):
		neg, s = !neg, s[len("−"):]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, " \u00a0  ") {
		// "1 234 567": spaces group thousands.
		parts := strings.FieldsFunc(s, isSpace)
		for i, p := range parts {
			if i > 0 && (len(p) < 3 || !isDigits(p[:3])) {
				return n, false
			}
		}
		s = strings.Join(parts, "")
	}
	if s == "" {
		return n, false
	}
	n.vi, n.viOK = readGrouped(s, '.', ',')
	n.en, n.enOK = readGrouped(s, ',', '.')
	if !n.viOK && !n.enOK {
		return n, false
	}
	ip := s
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		ip = s[:i]
	}
	n.digits = len(ip)
	n.lead0 = len(ip) > 1 && ip[0] == '0' && !strings.ContainsAny(s, ".,")
	if neg {
		n.vi, n.en = -n.vi, -n.en
	}
	return n, true
}

var currencyMarks = []string{"₫", "VNĐ", "VND", "vnđ", "vnd", "đồng", "đ", "USD", "$"}

// readGrouped reads digits where group separates thousands and dec starts the
// fraction. A separator alone is ambiguous by nature and read both ways by the caller:
// "1.234" is 1234 with group '.', 1.234 with dec '.'.
func readGrouped(s string, group, dec byte) (float64, bool) {
	ip, fp := s, ""
	if i := strings.IndexByte(s, dec); i >= 0 {
		ip, fp = s[:i], s[i+1:]
		if !isDigits(fp) {
			return 0, false
		}
	}
	if ip == "" {
		if fp == "" {
			return 0, false
		}
		ip = "0"
	}
	var buf [80]byte
	num := buf[:0]
	if strings.IndexByte(ip, group) >= 0 {
		// A first group of one to three digits not starting with 0, then groups of
		// exactly three.
		seg, first := 0, true
		for i := 0; i <= len(ip); i++ {
			if i == len(ip) || ip[i] == group {
				if first && (seg < 1 || seg > 3 || ip[0] == '0') || !first && seg != 3 {
					return 0, false
				}
				first, seg = false, 0
				continue
			}
			if c := ip[i]; c < '0' || c > '9' {
				return 0, false
			}
			num = append(num, ip[i])
			seg++
		}
	} else if !isDigits(ip) {
		return 0, false
	} else {
		num = append(num, ip...)
	}
	if fp != "" {
		num = append(num, '.')
		num = append(num, fp...)
	}
	v, err := strconv.ParseFloat(string(num), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isYear reports a whole number that reads as a year in a heading (1900–2100).
func isYear(v float64) bool { return v == math.Trunc(v) && v >= 1900 && v <= 2100 }

var dateLayouts = []string{
	"2006-01-02", "02/01/2006", "2/1/2006", "02-01-2006", "2-1-2006", "02.01.2006",
	"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "02/01/2006 15:04",
	"2/1/2006 15:04", "02/01/2006 15:04:05", time.RFC3339,
}

// parseTextDate reads a date written as text, day first ("15/01/2025") or ISO
// ("2025-01-15"), in loc.
func parseTextDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 8 || len(s) > 25 || s[0] < '0' || s[0] > '9' || !strings.ContainsAny(s, "-/.") {
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// formatNumber writes v the shortest way that reads back exactly ("911100", "4.55").
func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// tidyFloat rounds away the binary noise of a value stored at full precision
// (4.4800000000000004 → 4.48): 15 significant digits, as spreadsheets show them.
func tidyFloat(v float64) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) || v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return v
	}
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], v, 'e', -1, 64)
	if i := bytes.IndexByte(b, 'e'); i <= 16 { // at most 15 significant digits and a point
		return v
	}
	t, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if err != nil {
		return v
	}
	return t
}

// excelTime turns a spreadsheet serial date into a time in loc (the 1900 system counts
// the fictitious 29 February 1900; the 1904 system starts on 1 January 1904).
func excelTime(serial float64, date1904 bool, loc *time.Location) (time.Time, bool) {
	if math.IsNaN(serial) || serial < 0 || serial > 2958465 { // 9999-12-31
		return time.Time{}, false
	}
	days := math.Floor(serial)
	secs := math.Round((serial - days) * 86400)
	var base time.Time
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, loc)
	} else {
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, loc)
		if days < 61 {
			days++ // before the fictitious 1900-02-29
		}
	}
	return base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}
