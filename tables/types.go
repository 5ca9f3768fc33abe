package tables

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/congkhai/congkhai/msg"
)

// evidence is what the values of one column say about its type.
type evidence struct {
	nonEmpty  int
	nums      int // spreadsheet numbers
	textNums  int // text that reads as a number
	ints      int // numbers without a fraction
	years     int // whole numbers from 1900 to 2100
	vi, en    int // text numbers that read only the Vietnamese or only the English way
	ambiguous int // text numbers that read differently each way ("911,100")
	ambSample string
	ambLine   int
	pct       int // percent formats or "%" signs
	money     int // currency formats or signs
	dates     int // date formats or text dates
	lead0     int // digit strings with a leading zero ("00004")
	zeroPad   int // numbers shown zero-padded
	codes     int // identifiers ("79/2024/QĐ-UBND", "B12")
	errs      int // error cells ("#REF!")
	errSample string
	errLine   int
	texts     int // everything else
	nulls     int // "-", "..", "x"
	places    int // most decimal places seen (text) or shown (format)
	// Ambiguous values ("950.000", "911,100"): how many have a fraction read
	// each way, and their most decimal places each way.
	ambFracVI, ambFracEN     int
	ambPlacesVI, ambPlacesEN int
	formats                  map[string]int
}

// codeRe: document numbers and codes, no spaces, with digits: "79/2024/QĐ-UBND",
// "QH-01", "B12.3".
var codeRe = regexp.MustCompile(`^[\p{L}\d]{0,12}\d[\p{L}\d]*([/.\-_][\p{L}\d]+){1,5}$|^[\p{Lu}]{1,4}\d{1,8}$`)

func (e *evidence) add(x *xcell, line int, loc *time.Location) {
	if x == nil || x.empty() {
		return
	}
	switch x.kind {
	case kErr:
		e.errs++
		if e.errSample == "" {
			e.errSample, e.errLine = x.text, line
		}
		return
	case kBool:
		e.nonEmpty++
		e.texts++
		return
	case kNum:
		e.nonEmpty++
		if x.f != nil {
			if e.formats == nil {
				e.formats = map[string]int{}
			}
			if len(e.formats) < 16 {
				e.formats[x.f.code]++
			}
			switch x.f.class {
			case fmtDate:
				e.dates++
				return
			case fmtTime:
				e.texts++
				return
			case fmtText:
				e.lead0++ // a number stored in a text-formatted cell: keep it as written
				e.nums++
				return
			case fmtPercent:
				e.pct++
			case fmtCurrency:
				e.money++
			}
			if x.f.zeroPad > 0 {
				e.zeroPad++
			}
			if x.f.decimals > e.places {
				e.places = x.f.decimals
			}
		}
		e.nums++
		if x.num == math.Trunc(x.num) {
			e.ints++
		}
		if isYear(x.num) {
			e.years++
		}
		return
	}
	t := strings.TrimSpace(x.text)
	if isNullText(t) {
		e.nulls++
		return
	}
	e.nonEmpty++
	if n, ok := x.textNum(); ok {
		e.textNums++
		if n.lead0 {
			e.lead0++
		}
		if n.pct {
			e.pct++
		}
		if n.money {
			e.money++
		}
		v, st, unamb := n.unambiguous()
		switch {
		case !unamb:
			// "950.000" and "911,100" read differently each way: whether they
			// are whole numbers, and their decimals, are known once the
			// column's style is (decide).
			e.ambiguous++
			if e.ambSample == "" {
				e.ambSample, e.ambLine = t, line
			}
			if n.vi != math.Trunc(n.vi) {
				e.ambFracVI++
			}
			if n.en != math.Trunc(n.en) {
				e.ambFracEN++
			}
			if i := strings.LastIndexAny(t, ".,"); i >= 0 {
				p := min(len(strings.TrimRight(t[i+1:], "% đ₫")), 6)
				if t[i] == ',' {
					e.ambPlacesVI = max(e.ambPlacesVI, p)
				} else {
					e.ambPlacesEN = max(e.ambPlacesEN, p)
				}
			}
			if isYear(n.vi) && n.digits == 4 {
				e.years++
			}
			return
		case st == StyleVI:
			e.vi++
		case st == StyleEN:
			e.en++
		}
		if v == math.Trunc(v) {
			e.ints++
		}
		if isYear(v) && n.digits == 4 {
			e.years++
		}
		if i := strings.LastIndexAny(t, ".,"); i >= 0 {
			if p := len(strings.TrimRight(t[i+1:], "% đ₫")); p < 3 {
				e.places = max(e.places, p)
			}
		}
		return
	}
	if _, ok := parseTextDate(t, loc); ok {
		e.dates++
		return
	}
	if len(t) <= 40 && strings.IndexByte(t, ' ') < 0 && strings.ContainsAny(t, "0123456789") && codeRe.MatchString(t) {
		e.codes++
		return
	}
	e.texts++
}

// codeHeading: columns whose heading says they hold codes.
var codeHeadingRe = regexp.MustCompile(`^(ma|ma so|ma so thue|ma dvhc|ma xa|ma huyen|ma tinh|so hieu|ky hieu|so ky hieu|code|id|so van ban|so quyet dinh|so hieu van ban|ma ho so|so cmnd|so cccd|so dien thoai|dien thoai|sdt)\b`)

var stt = map[string]bool{"stt": true, "tt": true, "so tt": true, "so thu tu": true, "thu tu": true, "no": true, "no.": true, "#": true, "s tt": true, "so tt.": true}

// quantityRe: headings of numeric columns that a money unit caption does not govern:
// quantities, areas, counts ("Số dự án", "Số lao động"; but "Số tiền", "Số thu" are
// amounts).
var quantityRe = regexp.MustCompile(`^(so luong|khoi luong|dien tich|dan so|ty le|ty trong|he so|chieu dai|chieu rong|do dai|so thua|to ban do|so to|so thu tu|stt|tt|so tt|quantity|area|number of)\b`)

func isQuantityHeading(parts []string) bool {
	for _, p := range parts {
		f := fold(p)
		if quantityRe.MatchString(f) {
			return true
		}
		if low := strings.ToLower(p); strings.HasPrefix(low, "số ") {
			w := strings.Fields(low)
			if len(w) > 1 {
				switch w[1] {
				case "tiền", "thu", "chi", "dư", "vốn", "kinh":
				default:
					return true
				}
			}
		}
	}
	return false
}

// decide turns the evidence into a type and a number style.
func (ev *evidence) decide(heading, unit string, isMarker bool) (Type, NumberStyle) {
	e := *ev // decided on a copy: the ambiguous values are counted in below
	fh := fold(heading)
	n := e.nonEmpty
	if n == 0 {
		return Text, StyleAuto
	}
	numeric := e.nums + e.textNums
	// A few words among many numbers ("Làm tròn", "x") do not make a column text: they
	// stay as written and read as not a number.
	if e.texts > 0 && (e.texts*50 <= numeric || e.texts <= 2 && e.texts*10 <= numeric) {
		n -= e.texts
	}
	st := StyleAuto
	switch {
	case e.vi > 0 && e.en == 0:
		st = StyleVI
	case e.en > 0 && e.vi == 0:
		st = StyleEN
	case e.en > 0 && e.vi > 0:
		if e.en > e.vi {
			st = StyleEN
		} else {
			st = StyleVI
		}
	}
	// The ambiguous values count as the column reads them (the Vietnamese way
	// unless it is written the English way).
	if e.ambiguous > 0 {
		frac, places := e.ambFracVI, e.ambPlacesVI
		if st == StyleEN {
			frac, places = e.ambFracEN, e.ambPlacesEN
		}
		e.ints += e.ambiguous - frac
		e.places = max(e.places, places)
	}
	switch {
	case e.dates == n:
		return Date, StyleAuto
	case numeric == n && (e.lead0 > 0 || e.zeroPad > 0):
		return Code, StyleAuto
	case numeric+e.codes == n && e.codes > 0:
		return Code, StyleAuto
	case numeric == n:
		if codeHeadingRe.MatchString(fh) && e.ints == n {
			return Code, StyleAuto
		}
		if isMarker {
			if e.ints == n {
				return Integer, st
			}
			return Text, StyleAuto
		}
		switch {
		case e.pct > 0 || unit == "%":
			return Percent, st
		case e.money > 0 || unit != "" && isMoneyUnit(unit):
			return Money, st
		case e.ints == n && e.places == 0:
			return Integer, st
		}
		return Decimal, st
	}
	return Text, StyleAuto
}

// columnTyper keeps the evidence of every column of a table.
type columnTyper struct {
	ev  []evidence
	loc *time.Location
}

func newColumnTyper(n int, loc *time.Location) *columnTyper {
	return &columnTyper{ev: make([]evidence, n), loc: loc}
}

func (t *columnTyper) add(v rowView, line int) {
	for i, x := range v.cells {
		if i < len(t.ev) {
			t.ev[i].add(x, line, t.loc)
		}
	}
}

// apply decides every column's type, unit and style, and reports the columns whose
// numbers could not be read one way for sure.
func (t *columnTyper) apply(l *Layout, decl Declared) []Problem {
	var probs []Problem
	// The file's style, from the columns that show one.
	vi, en := 0, 0
	for i, e := range t.ev {
		if i != l.MarkerColumn {
			vi += e.vi
			en += e.en
		}
	}
	fileStyle := decl.Numbers
	if fileStyle == StyleAuto {
		switch {
		case vi > 0 && en == 0:
			fileStyle = StyleVI
		case en > 0 && vi == 0:
			fileStyle = StyleEN
		}
	}
	fallback, ambiguous := false, msg.Text{}
	for i := range l.Columns {
		c := &l.Columns[i]
		e := &t.ev[i]
		own := ""
		for k := len(c.Path) - 1; k >= 0 && own == ""; k-- {
			own = headingUnit(c.Path[k])
		}
		governed := own == "" && l.Unit != "" && i != l.MarkerColumn && !isLabelColumn(l, i) &&
			!isQuantityHeading(c.Path) && !stt[fold(c.Name)] &&
			!(e.years > 0 && e.years == e.nums+e.textNums)
		unit := own
		if governed {
			unit = l.Unit
		}
		typ, st := e.decide(c.Name, unit, i == l.MarkerColumn)
		c.Type = typ
		if typ.Numeric() {
			c.Unit = unit
			if typ == Percent && c.Unit == "" {
				c.Unit = "%"
			}
			switch {
			case decl.Numbers != StyleAuto:
				st = decl.Numbers
			case st == StyleAuto && fileStyle != StyleAuto:
				st = fileStyle
			case st == StyleAuto && e.ambiguous > 0:
				// Read the Vietnamese way, the portal's: a guess to check (one per
				// table, below), not an error.
				st = StyleVI
				if !fallback {
					fallback = true
					ambiguous = msg.New("%q (column %q, line %d) reads as %s the Vietnamese way and %s the English way",
						e.ambSample, c.Name, e.ambLine, viText(e.ambSample), enText(e.ambSample))
				}
			case e.vi > 0 && e.en > 0:
				probs = append(probs, Problem{Column: c.Name, Msg: msg.New(
					"numbers are written both the Vietnamese way (%d) and the English way (%d); they were read the %v way: write them one way (1.234.567,5)",
					e.vi, e.en, styleName(st))})
			}
			if e.textNums > 0 {
				c.Style = st
			}
			if typ != Integer {
				c.Places = e.places
			} else {
				c.Places = 0
			}
		}
		if len(e.formats) > 0 {
			best, bn := "", 0
			for f, n := range e.formats {
				if n > bn || n == bn && f < best {
					best, bn = f, n
				}
			}
			c.Format = best
		}
		if e.errs > 0 {
			probs = append(probs, Problem{Line: e.errLine, Column: c.Name, Msg: msg.New(
				"%d cell(s) hold a spreadsheet error (%s): correct the formula and save the file again", e.errs, e.errSample)})
		}
	}
	if fallback && decl.Numbers == StyleAuto {
		l.Guesses = append(l.Guesses, Guess{Field: "numbers", Value: "vi", Confidence: 0.4,
			Reason: msg.New("%v, and nothing else in the file tells which; they were read the Vietnamese way (write 1.234.567,5, or numbers without thousands separators)", ambiguous)})
	}
	return probs
}

func isLabelColumn(l *Layout, i int) bool {
	for _, k := range l.LabelColumns {
		if k == i {
			return true
		}
	}
	return false
}

func styleName(st NumberStyle) msg.Text {
	if st == StyleEN {
		return msg.New("English")
	}
	return msg.New("Vietnamese")
}

func viText(s string) string {
	n, _ := parseTextNumber(s)
	return strconv.FormatFloat(n.vi, 'f', -1, 64)
}

func enText(s string) string {
	n, _ := parseTextNumber(s)
	return strconv.FormatFloat(n.en, 'f', -1, 64)
}

// makeCell types one cell by its column.
func makeCell(x *xcell, c *Column, date1904 bool, loc *time.Location) Cell {
	if x == nil || x.kind == kEmpty {
		return Cell{}
	}
	var out Cell
	switch x.kind {
	case kErr:
		return Cell{Raw: x.text}
	case kBool:
		out.Raw = cellText(x)
		out.OK = c.Type == Text
		return out
	case kNum:
		v := tidyFloat(x.num)
		isDate := x.f != nil && x.f.class == fmtDate
		isPct := x.f != nil && x.f.class == fmtPercent
		switch {
		case isDate:
			t, ok := excelTime(x.num, date1904, loc)
			if ok {
				out.Raw = t.Format("2006-01-02")
				if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 {
					out.Raw = t.Format("2006-01-02 15:04")
				}
				if c.Type == Date {
					out.Time, out.OK = t, true
				} else {
					out.OK = c.Type == Text
				}
				return out
			}
			out.Raw = formatNumber(v)
		case isPct:
			p := tidyFloat(x.num * 100)
			out.Raw = formatNumber(p) + "%"
			if c.Type.Numeric() {
				out.Num, out.OK = p, true
				if c.Type != Percent {
					out.Num = v
				}
			}
			return out
		case x.f != nil && x.f.zeroPad > 0 && v >= 0 && v == math.Trunc(v):
			out.Raw = fmt.Sprintf("%0*d", x.f.zeroPad, int64(v))
		default:
			out.Raw = formatNumber(v)
		}
		switch {
		case c.Type.Numeric():
			out.Num, out.OK = v, true
		case c.Type == Text || c.Type == Code:
			out.OK = true
		}
		return out
	}
	out.Raw = x.text
	t := strings.TrimSpace(x.text)
	if t == "" {
		return Cell{Raw: x.text}
	}
	switch {
	case c.Type.Numeric():
		if isNullText(t) {
			return out
		}
		n, ok := x.textNum()
		if !ok {
			return out
		}
		out.Num, out.OK = n.value(c.Style)
	case c.Type == Date:
		out.Time, out.OK = parseTextDate(t, loc)
	default:
		out.OK = true
	}
	return out
}
