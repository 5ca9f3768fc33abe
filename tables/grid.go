package tables

import (
	"sort"
	"strings"
)

// cellKind is what a spreadsheet cell holds.
type cellKind uint8

const (
	kEmpty cellKind = iota
	kText
	kNum
	kBool
	kErr
)

// xcell is a cell as a reader found it: a value, its number format and whether its
// font is bold.
type xcell struct {
	kind cellKind
	bold bool
	// parsed caches what a text cell reads as: 0 not yet read, parsedNot,
	// parsedSame (num holds the value, both styles agree) or parsedAmbiguous (one
	// separator followed by three digits: one style reads num, the other num/1000),
	// with the flags in tflags.
	parsed uint8
	tflags uint8
	text   string // kText: the text (clean); kErr: the error ("#REF!")
	num    float64
	f      *numFormat // nil: General
}

const (
	parsedNot = 1 + iota
	parsedSame
	parsedAmbiguous // "1.234", "911,100": num holds the reading without the separator
)

const (
	tfPct = 1 << iota
	tfMoney
	tfLead0
	tfYearDigits // four digits before any separator
	tfDot        // the ambiguous separator is a point
)

// textNum reads a text cell as a number, once.
func (x *xcell) textNum() (textNumber, bool) {
	switch x.parsed {
	case parsedNot:
		return textNumber{}, false
	case parsedSame, parsedAmbiguous:
		n := textNumber{vi: x.num, en: x.num, viOK: true, enOK: true, pct: x.tflags&tfPct != 0, money: x.tflags&tfMoney != 0, lead0: x.tflags&tfLead0 != 0}
		if x.tflags&tfYearDigits != 0 {
			n.digits = 4
		}
		if x.parsed == parsedAmbiguous {
			if x.tflags&tfDot != 0 {
				n.en = x.num / 1000
			} else {
				n.vi = x.num / 1000
			}
		}
		return n, true
	}
	t := strings.TrimSpace(x.text)
	if t == "" || t[0] > '9' && t[0] != '(' && t[0] != '$' && !strings.HasPrefix(t, "−") && !strings.HasPrefix(t, "₫") {
		x.parsed = parsedNot
		return textNumber{}, false
	}
	n, ok := parseTextNumber(t)
	if !ok {
		x.parsed = parsedNot
		return n, false
	}
	x.tflags = 0
	if n.pct {
		x.tflags |= tfPct
	}
	if n.money {
		x.tflags |= tfMoney
	}
	if n.lead0 {
		x.tflags |= tfLead0
	}
	if n.digits == 4 {
		x.tflags |= tfYearDigits
	}
	switch {
	case n.viOK && n.enOK && n.vi == n.en, !n.viOK || !n.enOK:
		// One reading, or both the same: a cell of a column typed otherwise reads it
		// in its style, falling back to the other; keep the reading that exists.
		if n.viOK && n.enOK {
			x.parsed, x.num = parsedSame, n.vi
		}
	case strings.IndexByte(t, '.') >= 0:
		// Both readings and different: one separator followed by three digits.
		x.parsed, x.num = parsedAmbiguous, n.vi
		x.tflags |= tfDot
	default:
		x.parsed, x.num = parsedAmbiguous, n.en
	}
	return n, ok
}

func (c *xcell) empty() bool {
	return c.kind == kEmpty || c.kind == kText && isBlank(c.text)
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case c < 0x80:
			return false
		default:
			for _, r := range s[i:] {
				if !isSpace(r) {
					return false
				}
			}
			return true
		}
	}
	return true
}

// rect is a merged range, 0-based and inclusive.
type rect struct{ r0, c0, r1, c1 int }

// sheet is one worksheet as read, before its layout is detected.
type sheet struct {
	name       string
	hidden     bool // hidden or very hidden
	notCells   bool // a chart sheet or macro sheet
	rows       [][]xcell
	merges     []rect
	hiddenRows map[int]bool
	hiddenCols map[int]bool
	date1904   bool
	vni        int // text cells in a VNI font, left as stored
}

func (s *sheet) cell(r, c int) *xcell {
	if r < 0 || r >= len(s.rows) || c < 0 || c >= len(s.rows[r]) {
		return nil
	}
	return &s.rows[r][c]
}

// set stores a cell, growing the grid.
func (s *sheet) set(r, c int, x xcell) {
	for len(s.rows) <= r {
		s.rows = append(s.rows, nil)
	}
	row := s.rows[r]
	if c >= len(row) {
		if c < cap(row) {
			row = row[:c+1]
		} else {
			n := make([]xcell, c+1, max(c+1, 2*len(row)))
			copy(n, row)
			row = n
		}
	}
	row[c] = x
	s.rows[r] = row
}

func (s *sheet) isEmpty() bool {
	for _, row := range s.rows {
		for i := range row {
			if !row[i].empty() {
				return false
			}
		}
	}
	return true
}

// mergeIndex answers, for a cell, the merged range covering it.
type mergeIndex struct {
	byRow map[int][]rect // ranges by each row they cover (only ranges of a few rows are indexed per row)
}

func newMergeIndex(ms []rect, maxRow int) *mergeIndex {
	mi := &mergeIndex{byRow: map[int][]rect{}}
	for _, m := range ms {
		for r := m.r0; r <= m.r1 && r <= maxRow; r++ {
			mi.byRow[r] = append(mi.byRow[r], m)
		}
	}
	for _, l := range mi.byRow {
		sort.Slice(l, func(i, j int) bool { return l[i].c0 < l[j].c0 })
	}
	return mi
}

// at returns the range covering (r, c).
func (mi *mergeIndex) at(r, c int) (rect, bool) {
	if mi == nil {
		return rect{}, false
	}
	for _, m := range mi.byRow[r] {
		if m.c0 > c {
			break
		}
		if c <= m.c1 {
			return m, true
		}
	}
	return rect{}, false
}

// normalizeMerges drops ranges of one cell and ranges that overlap an earlier one
// (Excel never writes them; a crafted file may), bounded by the limit.
func normalizeMerges(ms []rect, limit int) ([]rect, error) {
	if len(ms) > limit {
		return nil, errLimit("%d merged ranges in one sheet (limit %d)", len(ms), limit)
	}
	out := ms[:0]
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].r0 != ms[j].r0 {
			return ms[i].r0 < ms[j].r0
		}
		return ms[i].c0 < ms[j].c0
	})
	// Overlap check by row sweep: ranges are few per row in real files.
	type span struct{ c0, c1, r1 int }
	var open []span
	lastRow := -1
	for _, m := range ms {
		if m.r0 > m.r1 || m.c0 > m.c1 || m.r0 < 0 || m.c0 < 0 {
			continue
		}
		if m.r0 == m.r1 && m.c0 == m.c1 {
			continue
		}
		if m.r0 != lastRow {
			keep := open[:0]
			for _, o := range open {
				if o.r1 >= m.r0 {
					keep = append(keep, o)
				}
			}
			open, lastRow = keep, m.r0
		}
		overlap := false
		for _, o := range open {
			if m.c0 <= o.c1 && o.c0 <= m.c1 {
				overlap = true
				break
			}
		}
		if overlap {
			continue
		}
		if len(open) > 4096 {
			continue
		}
		open = append(open, span{m.c0, m.c1, m.r1})
		out = append(out, m)
	}
	return out, nil
}
