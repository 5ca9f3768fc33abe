package content

import (
	"strconv"
	"strings"
	"time"

	"github.com/congkhai/congkhai/tables"
)

type numStyle uint8

const (
	styleVN numStyle = iota // 1.234.567,5
	styleEN                 // 1234567.5
)

// value is the cell c of column col as a Value. The reader typed it by the
// column's detected type (detected); a type declared in index.md that reads
// values otherwise types it again from its text.
func value(col Column, detected tables.Type, style tables.NumberStyle, c tables.Cell) Value {
	v := Value{Raw: c.Raw, Num: c.Num, Time: c.Time, OK: c.OK}
	declared := col.Type
	switch {
	case declared == ColumnType(detected):
	case declared.Numeric() && tables.Type(detected).Numeric():
	default:
		v = typeText(declared, style, c.Raw)
	}
	return v
}

// typeText types a cell's text by a column type.
func typeText(typ ColumnType, style tables.NumberStyle, raw string) Value {
	v := Value{Raw: raw}
	s := strings.TrimSpace(raw)
	if isEmptyCell(s) {
		return v
	}
	switch {
	case typ.Numeric():
		st := styleVN
		if style == tables.StyleEN {
			st = styleEN
		}
		s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
		v.Num, v.OK = parseNumber(s, st)
	case typ == TypeDate:
		v.Time, v.OK = parseCellDate(s)
	default:
		v.OK = true
	}
	return v
}

func isEmptyCell(v string) bool { return v == "" || v == "-" || v == "–" || v == "—" }

// parseVN parses a number written the Vietnamese way: dots group thousands, a comma
// starts the fraction ("1.234.567,5", "1234567", "12,5"). A first group starting with
// 0 ("0.125") is not a thousands group.
func parseVN(s string) (v float64, frac, ok bool) {
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	ip, fp, hasFrac := strings.Cut(s, ",")
	if hasFrac && !allDigits(fp) {
		return 0, false, false
	}
	if strings.IndexByte(ip, '.') >= 0 {
		groups := strings.Split(ip, ".")
		g0 := groups[0]
		if len(g0) < 1 || len(g0) > 3 || g0[0] == '0' || !allDigits(g0) {
			return 0, false, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 || !allDigits(g) {
				return 0, false, false
			}
		}
		ip = strings.Join(groups, "")
	} else if !allDigits(ip) {
		return 0, false, false
	}
	num := sign + ip
	if hasFrac {
		num += "." + fp
	}
	v, err := strconv.ParseFloat(num, 64)
	return v, hasFrac, err == nil
}

// parseEN parses a plain number with an optional decimal point ("1234567.5").
func parseEN(s string) (v float64, frac, ok bool) {
	body := s
	if body != "" && (body[0] == '-' || body[0] == '+') {
		body = body[1:]
	}
	ip, fp, hasFrac := strings.Cut(body, ".")
	if !allDigits(ip) || hasFrac && !allDigits(fp) {
		return 0, false, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, hasFrac, err == nil
}

func allDigits(s string) bool {
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

// parseNumber parses v in the column's style, falling back to the other one.
func parseNumber(v string, style numStyle) (float64, bool) {
	first, second := parseVN, parseEN
	if style == styleEN {
		first, second = parseEN, parseVN
	}
	if n, _, ok := first(v); ok {
		return n, true
	}
	n, _, ok := second(v)
	return n, ok
}

// parseCellDate parses a date cell; a cheap shape check keeps text columns fast.
func parseCellDate(v string) (time.Time, bool) {
	if len(v) < 8 || len(v) > 35 || v[0] < '0' || v[0] > '9' || !strings.ContainsAny(v, "-/") {
		return time.Time{}, false
	}
	t, _, err := parseDate(v)
	return t, err == nil
}
