package tables

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/congkhai/congkhai/msg"
)

// detection is the outcome of layout detection on the head of a sheet, in the
// sheet's coordinates (0-based rows and columns).
type detection struct {
	layout    Layout
	dataRow   int   // first row below the header band (and the column-number row)
	cols      []int // sheet column of each layout column
	unitCells map[[2]int]bool
}

// headView is the part of a sheet detection looks at.
type headView struct {
	sh      *sheet
	mi      *mergeIndex
	rows    int // rows examined
	keep    bool
	numbers map[int]string // labels of the column-number row by column
}

func (h *headView) hiddenRow(r int) bool { return !h.keep && h.sh.hiddenRows[r] }
func (h *headView) hiddenCol(c int) bool { return !h.keep && h.sh.hiddenCols[c] }

// cell returns the non-empty cell at (r, c), or nil.
func (h *headView) cell(r, c int) *xcell {
	x := h.sh.cell(r, c)
	if x == nil || x.empty() || h.hiddenCol(c) {
		return nil
	}
	return x
}

// rowFeat describes one row for detection.
type rowFeat struct {
	n           int // distinct non-empty cells
	first, last int
	nums, years int // numeric cells; those reading as years 1900–2100
	texts       []int
}

func (h *headView) feat(r int, skip map[[2]int]bool) rowFeat {
	f := rowFeat{first: -1, last: -1}
	if r >= len(h.sh.rows) || h.hiddenRow(r) {
		return f
	}
	for c := range h.sh.rows[r] {
		x := h.cell(r, c)
		if x == nil || skip[[2]int{r, c}] {
			continue
		}
		f.n++
		if f.first < 0 {
			f.first = c
		}
		f.last = c
		if isNumeric(x) {
			v := x.num
			if x.kind == kText {
				n, _ := x.textNum()
				v, _ = n.value(StyleVI)
				v = math.Abs(v) // "(2019)" in a heading is a year, not minus 2019
			}
			if isYear(v) && (x.f == nil || x.f.class != fmtDate) {
				f.years++
			} else {
				f.nums++
			}
		} else {
			f.texts = append(f.texts, c)
		}
	}
	return f
}

// Unit captions: "Đơn vị tính: triệu đồng", "ĐVT: 1.000 đồng", "(Đơn vị: nghìn đồng/m²)".
var unitCaptionRe = regexp.MustCompile(`^\(?\s*(?:don vi tinh|don vi|dvt|d\.v\.t|dv tinh|unit)\s*[:：]\s*(.+?)\s*\)?\s*$`)

// unitCaption returns the unit a caption cell names, as written.
func unitCaption(s string) (string, bool) {
	s = squash(s)
	m := unitCaptionRe.FindStringSubmatchIndex(fold(s))
	if m == nil {
		return "", false
	}
	// The folded text keeps the rune count but not the byte offsets: cut the original
	// after the colon instead.
	i := strings.IndexAny(s, ":：")
	if i < 0 {
		return "", false
	}
	u := strings.TrimSpace(s[i+1:])
	u = strings.TrimSpace(strings.TrimSuffix(u, ")"))
	if u == "" || utf8.RuneCountInString(u) > 40 {
		return "", false
	}
	return u, true
}

// unitWords are the units a heading or a lone caption may name, folded.
var unitWords = []string{
	"dong", "d", "trieu dong", "ty dong", "nghin dong", "ngan dong", "1.000 dong", "1000 dong", "trieu", "ty",
	"usd", "vnd", "1.000 usd", "nghin usd", "trieu usd", "%", "ha", "nghin ha", "m2", "m²", "km", "km2", "tan",
	"nghin tan", "kg", "tan/ha", "ta/ha", "nguoi", "nghin nguoi", "ho", "luot", "luot nguoi", "nghin luot",
	"chiec", "cai", "con", "nghin con", "m3", "trieu m3", "lit", "kwh", "trieu kwh", "tan km", "nghin tan.km",
	"bill. dongs", "mill. dongs", "dongs", "persons", "thous. persons", "thous. ha", "tons", "thous. tons", "percent",
	"nghin dong/m2", "dong/m2", "1.000 dong/m2", "1000 dong/m2", "nghin dong/m²", "dong/m²", "1.000 dong/m²",
	"trieu dong/m2", "trieu dong/ha", "dong/kg", "dong/lit", "ty dong, %",
}

// isUnitText reports a short text that names a unit ("Tỷ đồng", "%", "nghìn đồng/m²").
func isUnitText(s string) bool {
	f := strings.TrimSpace(strings.Trim(fold(squash(s)), "()"))
	if f == "" || len(f) > 30 {
		return false
	}
	for _, u := range unitWords {
		if f == u {
			return true
		}
	}
	// "1.000 đồng/m2", "đồng/m2 đất", "nghìn đồng/người/tháng"
	if strings.Contains(f, "dong/") || strings.HasSuffix(f, " dong") && len(strings.Fields(f)) <= 3 {
		return true
	}
	return false
}

func isMoneyUnit(u string) bool {
	f := fold(u)
	for _, w := range []string{"dong", "vnd", "usd", "$", "₫", "dongs"} {
		if strings.Contains(f, w) {
			return true
		}
	}
	f = strings.TrimSpace(f)
	return f == "d" || strings.HasSuffix(f, " d") || strings.HasPrefix(f, "d/") || f == "trieu" || f == "ty"
}

// headingUnitRe finds a unit in parentheses at the end of a heading: "Diện tích (ha)".
var headingUnitRe = regexp.MustCompile(`\(([^()]{1,30})\)\s*$`)

func headingUnit(h string) string {
	m := headingUnitRe.FindStringSubmatch(h)
	if m == nil {
		if i := strings.LastIndex(h, " - "); i >= 0 && isUnitText(h[i+3:]) {
			return strings.TrimSpace(h[i+3:])
		}
		return ""
	}
	u := strings.TrimSpace(m[1])
	if u == "%" || isUnitText(u) {
		return u
	}
	if c, ok := unitCaption(u); ok {
		return c
	}
	return ""
}

// numberingToken reports a cell of a column-number row: "1", "(5)", "A", "3=1+2",
// "(4)=(2)+(3)".
func numberingToken(x *xcell) (n int, isNum, ok bool) {
	if x.kind == kNum {
		v := x.num
		if v >= 0 && v < 1000 && v == float64(int(v)) {
			return int(v), true, true
		}
		return 0, false, false
	}
	if x.kind != kText {
		return 0, false, false
	}
	t := strings.TrimSpace(x.text)
	if t == "" || len(t) > 24 {
		return 0, false, false
	}
	core := strings.ReplaceAll(t, " ", "")
	lead := strings.TrimLeft(core, "(")
	digits := 0
	for digits < len(lead) && lead[digits] >= '0' && lead[digits] <= '9' {
		digits++
	}
	rest := strings.TrimPrefix(lead[digits:], ")")
	if digits > 0 && digits <= 3 {
		if rest == "" {
			n, _ = strconv.Atoi(lead[:digits])
			return n, true, true
		}
		if rest[0] == '=' && strings.Trim(rest[1:], "0123456789()+-x*/.:") == "" {
			n, _ = strconv.Atoi(lead[:digits])
			return n, true, true
		}
		return 0, false, false
	}
	letters := strings.Trim(core, "()")
	if len(letters) >= 1 && len(letters) <= 2 && strings.Trim(letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
		return 0, false, true
	}
	return 0, false, false
}

// numberingRow reports a column-number row and each cell's label by column.
func (h *headView) numberingRow(r int, width int) (map[int]string, bool) {
	if r >= len(h.sh.rows) || h.hiddenRow(r) {
		return nil, false
	}
	labels := map[int]string{}
	last, nums, letters := -1, 0, 0
	for c := range h.sh.rows[r] {
		x := h.cell(r, c)
		if x == nil {
			continue
		}
		n, isNum, ok := numberingToken(x)
		if !ok {
			return nil, false
		}
		// Columns are numbered in steps: "1 | 2 | 3=1+2", "(1) … (5)", letters
		// first ("A | B | 1 | 2"). A data row ("1 | A | 100") is not.
		if isNum {
			if n <= last || last >= 0 && n-last > 2 || last < 0 && n > 10 {
				return nil, false
			}
			last = n
			nums++
		} else {
			l := strings.Trim(strings.ReplaceAll(squash(cellText(x)), " ", ""), "()")
			if nums > 0 || len(l) != 1 || l[0] != byte('A'+letters) {
				return nil, false
			}
			letters++
		}
		labels[c] = squash(cellText(x))
	}
	// "1 | 2", "A | B | 1", not "A | 1" (a data row).
	if nums < 1 || nums < 2 && letters < 2 || len(labels)*2 < width {
		return nil, false
	}
	return labels, true
}

// span is a heading cell and the columns it stands over.
type span struct {
	r, c0, c1 int
	text      string
}

// headingCell returns the heading part at (r, c): the cell itself, or the merged
// range covering it when the range starts on row r. Cells covered by a range that
// starts on an earlier row give nothing (a vertical merge continues its heading).
func (h *headView) headingCell(r, c int, synth map[[2]int]span) (span, bool) {
	if m, ok := h.mi.at(r, c); ok {
		if m.r0 != r {
			return span{}, false
		}
		x := h.cell(m.r0, m.c0)
		if x == nil {
			return span{}, false
		}
		return span{r: r, c0: m.c0, c1: m.c1, text: squash(cellText(x))}, true
	}
	if s, ok := synth[[2]int{r, c}]; ok {
		return s, true
	}
	x := h.cell(r, c)
	if x == nil {
		return span{}, false
	}
	return span{r: r, c0: c, c1: c, text: squash(cellText(x))}, true
}

// synthSpans finds, on header row r, headings followed by empty cells that stand
// over the next row's headings (CSV files and sheets whose headings are not merged):
// "Dự toán,,," over "Tổng số,NSTW,NSĐP".
func (h *headView) synthSpans(r, lastCol int, synth map[[2]int]span) {
	if r+1 >= len(h.sh.rows) {
		return
	}
	for c := 0; c <= lastCol; c++ {
		x := h.cell(r, c)
		if x == nil {
			continue
		}
		if _, merged := h.mi.at(r, c); merged {
			continue
		}
		e := c
		for e+1 <= lastCol && h.cell(r, e+1) == nil {
			if _, merged := h.mi.at(r, e+1); merged {
				break
			}
			e++
		}
		if e == c {
			continue
		}
		children, beyond := 0, false
		for k := c; k <= e; k++ {
			if h.cell(r+1, k) != nil {
				children++
				if k > c {
					beyond = true
				}
			}
		}
		if children >= 2 && beyond {
			// Stop the span at the last child: trailing empty columns belong to nobody.
			last := e
			for last > c && h.cell(r+1, last) == nil {
				last--
			}
			s := span{r: r, c0: c, c1: last, text: squash(cellText(x))}
			for k := c; k <= last; k++ {
				synth[[2]int{r, k}] = s
			}
		}
	}
}

// parentOver returns the nearest heading above (r, c) within the header band.
func (h *headView) parentOver(r, c, top int, synth map[[2]int]span) (span, bool) {
	for k := r - 1; k >= top; k-- {
		if m, ok := h.mi.at(k, c); ok {
			if x := h.cell(m.r0, m.c0); x != nil {
				return span{r: m.r0, c0: m.c0, c1: m.c1, text: squash(cellText(x))}, true
			}
			continue
		}
		if s, ok := synth[[2]int{k, c}]; ok {
			return s, true
		}
		if x := h.cell(k, c); x != nil {
			return span{r: k, c0: c, c1: c, text: squash(cellText(x))}, true
		}
	}
	return span{}, false
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r) || unicode.IsDigit(r) || r == '(' || r == '%'
}

// continuation reports whether row j continues the header band h..j-1, and how:
// "merged" when its cells stand under headings spanning several columns,
// "split" when it continues headings written word by word over rows.
func (h *headView) continuation(j, top, lastCol int, synth map[[2]int]span, lastUpper rune, inSplit bool) (string, bool) {
	f := h.feat(j, nil)
	if f.n == 0 || f.nums > 0 {
		return "", false
	}
	for c := f.first; c <= f.last; c++ {
		x := h.cell(j, c)
		if x == nil {
			continue
		}
		// A row whose label column says total, note or signature, or that is numbered in
		// its first cell ("A", "I", "1"), is no heading.
		if c != f.first || c > 1 {
			continue
		}
		t := squash(cellText(x))
		ft := fold(t)
		if isTotalLabel(ft) || isNoteStart(ft) || isSignature(ft) {
			return "", false
		}
		if k, _ := markerOf(t, lastUpper); k != mkNone && !(x.kind == kNum && isYear(x.num)) {
			return "", false
		}
	}
	// Each cell stands under a heading spanning several columns (a group heading
	// with two children or more on this row, or a merged phrase continued by a cell
	// merged the same way), or continues a heading written word by word over rows
	// ("Sơ bộ" / "quý III" / "năm" / "2024"): most of those words start in lower case.
	h.synthSpans(j-1, lastCol, synth)
	children := map[[3]int]int{}
	var words []string
	phrases := 0 // merged cells continuing a merged heading of the same width
	for c := f.first; c <= f.last; c++ {
		x := h.cell(j, c)
		if x == nil {
			continue
		}
		p, ok := h.parentOver(j, c, top, synth)
		if !ok {
			return "", false
		}
		t := squash(cellText(x))
		if p.c1 > p.c0 {
			if m, merged := h.mi.at(j, c); merged && m.c0 == p.c0 && m.c1 == p.c1 && startsLower(t) {
				words = append(words, t)
				phrases++
				continue
			}
			children[[3]int{p.r, p.c0, p.c1}]++
			continue
		}
		if utf8.RuneCountInString(t) > 40 {
			return "", false
		}
		words = append(words, t)
	}
	lower := 0
	for _, w := range words {
		if startsLower(w) {
			lower++
		}
	}
	if len(words) > 0 {
		if lower*2 < len(words) || lower == 0 {
			return "", false
		}
		if f.n < 2 && !inSplit && phrases == 0 {
			return "", false
		}
		return "split", true
	}
	for _, n := range children {
		if n < 2 {
			return "", false
		}
	}
	return "merged", true
}

// maxHeaderRows bounds a detected header: official forms use up to four rows, GSO
// tables write headings word by word over five.
const maxHeaderRows = 6

// detect finds the layout of a sheet from its first rows.
func detect(sh *sheet, decl Declared, lim Limits, keepHidden bool) *detection {
	rows := min(len(sh.rows), lim.HeadRows)
	h := &headView{sh: sh, rows: rows, keep: keepHidden}
	h.mi = newMergeIndex(sh.merges, rows+8)
	det := &detection{unitCells: map[[2]int]bool{}}
	l := &det.layout
	l.MarkerColumn = -1

	// maxN: the most cells a row of the head fills; tables of one or two columns
	// have no room for title rows beside their header.
	maxN, lastCol := 0, -1
	for r := 0; r < rows; r++ {
		f := h.feat(r, nil)
		maxN = max(maxN, f.n)
		if f.n >= 2 {
			lastCol = max(lastCol, f.last)
		}
	}
	if lastCol < 0 {
		for r := 0; r < rows; r++ {
			lastCol = max(lastCol, h.feat(r, nil).last)
		}
	}

	// The title band: titles, the unit caption, empty rows.
	var titles []string
	var guesses []Guess
	unit, unitHow, unitAlone := strings.TrimSpace(decl.Unit), msg.Text{}, false
	r := 0
	for r < rows {
		if decl.SkipRows != nil && r >= *decl.SkipRows {
			break
		}
		for c := range rowCells(sh, r) {
			x := h.cell(r, c)
			if x == nil || x.kind != kText {
				continue
			}
			if u, ok := unitCaption(x.text); ok {
				det.unitCells[[2]int{r, c}] = true
				if unit == "" {
					unit, unitHow = u, msg.New("caption %q on row %d", squash(x.text), r+1)
				}
			}
		}
		f := h.feat(r, det.unitCells)
		if f.n == 0 {
			r++
			continue
		}
		if decl.SkipRows != nil {
			titles = append(titles, h.rowText(r, det.unitCells))
			r++
			continue
		}
		if f.n == 1 && maxN >= 2 && f.nums == 0 && f.years == 0 {
			x := h.cell(r, f.first)
			t := squash(cellText(x))
			if isUnitText(t) {
				det.unitCells[[2]int{r, f.first}] = true
				if unit == "" {
					unit, unitHow, unitAlone = t, msg.New("%q alone on row %d", t, r+1), true
				}
				r++
				continue
			}
			if h.laterWider(r, rows) {
				titles = append(titles, t)
				r++
				continue
			}
		}
		// Two cells far apart, the first at the left edge: "BỘ TÀI CHÍNH … Biểu số 46/CK-NSNN".
		if f.n == 2 && len(f.texts) == 2 && maxN >= 4 && f.first <= 1 && f.texts[1]-f.texts[0] >= 2 && h.laterWider(r, rows) &&
			(h.titleWords(r) || !h.headsNext(r, lastCol)) {
			titles = append(titles, h.rowText(r, det.unitCells))
			r++
			continue
		}
		break
	}
	top := r
	l.SkipRows = top
	l.Title = strings.Join(titles, " — ")
	if decl.SkipRows == nil && top > 0 && len(titles) > 0 {
		guesses = append(guesses, Guess{Field: "skip_rows", Value: strconv.Itoa(top), Confidence: 0.8,
			Reason: msg.New("%d title row(s) above the header: %q", len(titles), shorten(l.Title, 60))})
	}

	// The header band.
	synth := map[[2]int]span{}
	hr, mode := 0, ""
	if decl.HeaderRows != nil {
		hr = max(*decl.HeaderRows, 0)
		for k := top; k < top+hr-1 && k < rows; k++ {
			h.synthSpans(k, lastCol, synth)
		}
	} else if top < rows {
		f := h.feat(top, det.unitCells)
		if _, isNum := h.numberingRow(top, maxN); f.nums > 0 && !isNum {
			hr, mode = 0, "numbers"
		} else {
			hr = 1
			for j := top + 1; hr < maxHeaderRows && j < rows; j++ {
				if h.feat(j, nil).n == 0 {
					break
				}
				if _, ok := h.numberingRow(j, maxN); ok {
					break
				}
				m, ok := h.continuation(j, top, lastCol, synth, 0, mode == "split")
				if !ok {
					break
				}
				hr++
				if mode != "split" {
					mode = m
				}
			}
		}
	}
	l.HeaderRows = hr
	next := top + hr
	probe := next
	for probe < rows && h.feat(probe, nil).n == 0 {
		probe++
	}
	if nums, ok := h.numberingRow(probe, maxN); ok && probe < rows && hr > 0 {
		l.NumberRow = probe + 1
		h.numbers = nums
		next = probe + 1
	}
	for next < rows && h.feat(next, nil).n == 0 {
		next++
	}
	det.dataRow = next
	l.DataLine = next + 1

	var numbered msg.Text // "" or how the header's numbering row was left out
	if l.NumberRow > 0 {
		numbered = msg.New("; row %d numbers the columns and was left out", l.NumberRow)
	}
	switch {
	case decl.HeaderRows != nil:
	case mode == "numbers":
		guesses = append(guesses, Guess{Field: "header_rows", Value: "0", Confidence: 0.4,
			Reason: msg.New("row %d holds numbers: no header found", top+1)})
	case hr > 1 && mode == "merged":
		guesses = append(guesses, Guess{Field: "header_rows", Value: strconv.Itoa(hr), Confidence: 0.9,
			Reason: msg.New("rows %d–%d, headings spanning columns%v", top+1, top+hr, numbered)})
	case hr > 1:
		guesses = append(guesses, Guess{Field: "header_rows", Value: strconv.Itoa(hr), Confidence: 0.6,
			Reason: msg.New("rows %d–%d, headings written over several rows%v", top+1, top+hr, numbered)})
	case !numbered.IsZero():
		guesses = append(guesses, Guess{Field: "header_rows", Value: strconv.Itoa(hr), Confidence: 0.9,
			Reason: msg.New("row %d%v", top+1, numbered)})
	}

	// Columns: every visible column with a value, and the columns a heading stands over
	// that no column with values shares (an empty column still has its heading).
	hasData := map[int]bool{}
	for k := det.dataRow; k < len(sh.rows); k++ {
		if h.hiddenRow(k) {
			continue
		}
		for c := range sh.rows[k] {
			if h.cell(k, c) != nil {
				hasData[c] = true
			}
		}
	}
	headed := map[int]bool{}
	for k := top; k < top+hr && k < rows; k++ {
		for c := 0; c <= lastCol+1 && c < len(rowCells(sh, k)); c++ {
			if sp, ok := h.headingCell(k, c, synth); ok && sp.text != "" {
				for cc := sp.c0; cc <= sp.c1; cc++ {
					headed[cc] = true
				}
			}
		}
	}
	names := map[string]bool{}
	for c := range hasData {
		if !h.hiddenCol(c) {
			names[h.headingOf(c, top, hr, synth)] = true
		}
	}
	var cand []int
	for c := range headed {
		if !hasData[c] {
			cand = append(cand, c)
		}
	}
	sort.Ints(cand)
	used := map[int]bool{}
	for c := range hasData {
		used[c] = true
	}
	for _, c := range cand {
		n := h.headingOf(c, top, hr, synth)
		if !names[n] {
			names[n] = true
			used[c] = true
		}
	}
	for c := range used {
		if h.hiddenCol(c) {
			delete(used, c)
		}
	}
	for c := range used {
		det.cols = append(det.cols, c)
	}
	sort.Ints(det.cols)
	if n := len(sh.hiddenCols); n > 0 && !keepHidden {
		var names []string
		for c := range sh.hiddenCols {
			if c <= lastCol+1 && c < 16384 && h.hasValues(c) {
				names = append(names, colName(c))
			}
		}
		if len(names) > 0 {
			sort.Slice(names, func(i, j int) bool {
				if len(names[i]) != len(names[j]) {
					return len(names[i]) < len(names[j])
				}
				return names[i] < names[j]
			})
			guesses = append(guesses, Guess{Field: "keep_hidden", Value: "false", Confidence: 0.9,
				Reason: msg.New("hidden column(s) %s left out", strings.Join(names, ", "))})
		}
	}
	for i, c := range det.cols {
		col := Column{Index: c, Places: -1}
		var parts []string
		var spans []span
		var b strings.Builder
		for k := top; k < top+hr && k < rows; k++ {
			sp, ok := h.headingCell(k, c, synth)
			if !ok || sp.text == "" {
				continue
			}
			if n := len(parts); n > 0 {
				if parts[n-1] == sp.text {
					continue
				}
				// A heading over several columns is a group: " — " before its parts.
				// A single column's heading continued in lower case is one phrase
				// written over several rows ("Sơ bộ" / "quý III" / "năm 2024").
				if up := spans[n-1]; (up.c1 == up.c0 || up.c0 == sp.c0 && up.c1 == sp.c1) && startsLower(sp.text) {
					b.WriteString(" ")
				} else {
					b.WriteString(" — ")
				}
			}
			parts = append(parts, sp.text)
			spans = append(spans, sp)
			b.WriteString(sp.text)
		}
		col.Path = parts
		col.Name = b.String()
		if col.Name == "" {
			col.Name = "Cột " + strconv.Itoa(i+1)
		}
		if h.numbers != nil {
			col.Number = h.numbers[c]
		}
		l.Columns = append(l.Columns, col)
	}
	l.Unit = unit
	if unit != "" && decl.Unit == "" {
		guesses = append(guesses, Guess{Field: "unit", Value: unit, Confidence: 0.9, Reason: unitHow})
		if unitAlone {
			guesses[len(guesses)-1].Confidence = 0.6
		}
	}
	l.Guesses = guesses
	return det
}

// titleWords reports a row written like the heading lines of an official form: an
// agency or form number ("BỘ TÀI CHÍNH", "Biểu số 46/CK-NSNN", "Phụ lục 2") or
// capitals only.
func (h *headView) titleWords(r int) bool {
	for c := range rowCells(h.sh, r) {
		x := h.cell(r, c)
		if x == nil {
			continue
		}
		t := squash(cellText(x))
		f := fold(t)
		for _, p := range []string{"bieu so", "bieu mau", "mau so", "mau bieu", "phu luc", "bo ", "so ", "uy ban", "ubnd", "cong hoa", "doc lap", "tong cuc", "cuc ", "hoi dong", "don vi:", "chuong:", "ma chuong", "tinh ", "thanh pho ", "huyen ", "xa "} {
			if strings.HasPrefix(f, p) {
				return true
			}
		}
		if strings.ToUpper(t) == t && strings.ToLower(t) != t {
			return true
		}
	}
	return false
}

// headsNext reports whether the next row stands under row r's cells as children
// under group headings.
func (h *headView) headsNext(r, lastCol int) bool {
	synth := map[[2]int]span{}
	m, ok := h.continuation(r+1, r, lastCol, synth, 0, false)
	return ok && m == "merged"
}

// headingOf is column c's heading parts joined, to compare columns.
func (h *headView) headingOf(c, top, hr int, synth map[[2]int]span) string {
	var parts []string
	for k := top; k < top+hr && k < h.rows; k++ {
		if sp, ok := h.headingCell(k, c, synth); ok && sp.text != "" {
			parts = append(parts, sp.text)
		}
	}
	return strings.Join(parts, "\x00")
}

func (h *headView) hasValues(c int) bool {
	for r := range h.sh.rows {
		if x := h.sh.cell(r, c); x != nil && !x.empty() {
			return true
		}
	}
	return false
}

// laterWider reports whether a row below r within the head fills two cells or more:
// a title stands above a table.
func (h *headView) laterWider(r, rows int) bool {
	for k := r + 1; k < rows && k < r+30; k++ {
		if h.feat(k, nil).n >= 2 {
			return true
		}
	}
	return false
}

func (h *headView) rowText(r int, skip map[[2]int]bool) string {
	var parts []string
	for c := range rowCells(h.sh, r) {
		if x := h.cell(r, c); x != nil && !skip[[2]int{r, c}] {
			parts = append(parts, squash(cellText(x)))
		}
	}
	return strings.Join(parts, " ")
}

func rowCells(sh *sheet, r int) []xcell {
	if r < 0 || r >= len(sh.rows) {
		return nil
	}
	return sh.rows[r]
}

// colName is a spreadsheet column name: 0 → "A", 27 → "AB".
func colName(c int) string {
	s := ""
	for c >= 0 {
		s = string(rune('A'+c%26)) + s
		c = c/26 - 1
	}
	return s
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
