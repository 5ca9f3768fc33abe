package tables

import (
	"encoding/binary"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// markerKind is a kind of outline numbering. Its rank orders the kinds from the
// outermost to the innermost, as Vietnamese official forms nest them: A, I, 1, 1.1,
// a, -, +.
type markerKind uint8

const (
	mkNone    markerKind = iota
	mkUpper              // A, B, C
	mkRoman              // I, II, IV
	mkGroup              // an unnumbered group row (bold, a region, a section line)
	mkOfWhich            // "Trong đó:"
	mkArabic             // 1, 2, 3
	mkDotted             // 1.1
	mkDotted2            // 1.1.1
	mkLower              // a, b, c
	mkDash               // -
	mkPlus               // +
	mkStar               // *, •
)

// markerOf reads an outline marker written alone in a numbering cell ("I", "1.1",
// "a)", "-").
func markerOf(s string, lastUpper rune) (markerKind, string) {
	t := strings.TrimSpace(s)
	if t == "" || len(t) > 12 {
		return mkNone, ""
	}
	switch t {
	case "-", "–", "—":
		return mkDash, t
	case "+":
		return mkPlus, t
	case "*", "•", "·":
		return mkStar, t
	}
	core := strings.TrimRight(t, ".)")
	core = strings.TrimPrefix(core, "(")
	if core == "" {
		return mkNone, ""
	}
	if isDigits(core) {
		return mkArabic, core
	}
	if dots := dotted(core); dots > 0 {
		if dots >= 2 {
			return mkDotted2, core
		}
		return mkDotted, core
	}
	r, size := utf8.DecodeRuneInString(core)
	single := size == len(core)
	if single && (r >= 'A' && r <= 'Z' || r == 'Đ') {
		if isRoman(core) && !(lastUpper != 0 && r == lastUpper+1) {
			return mkRoman, core
		}
		return mkUpper, core
	}
	if isRoman(core) {
		return mkRoman, core
	}
	if single && (r >= 'a' && r <= 'z' || r == 'đ') {
		return mkLower, core
	}
	return mkNone, ""
}

// dotted counts the dots of "1.1" or "1.2.3" (groups of one to three digits, up to
// four groups); 0 when s is not such a number.
func dotted(s string) int {
	dots, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
			if digits > 3 {
				return 0
			}
		case c == '.':
			if digits == 0 {
				return 0
			}
			dots++
			digits = 0
		default:
			return 0
		}
	}
	if digits == 0 || dots > 3 {
		return 0
	}
	return dots
}

func isRoman(s string) bool {
	if s == "" || len(s) > 7 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("IVXLC", rune(s[i])) {
			return false
		}
	}
	return romanRe.MatchString(s)
}

var romanRe = regexp.MustCompile(`^C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$`)

// markerPrefix finds a marker written at the start of a label: "I. MIỀN NÚI PHÍA
// BẮC", "1.1 Thu nội địa", "a) Chi đầu tư", "- Chi thường xuyên".
func markerPrefix(label string, lastUpper rune) (markerKind, string) {
	if label == "" {
		return mkNone, ""
	}
	r, size := utf8.DecodeRuneInString(label)
	switch r {
	case '-', '–', '+', '•', '*':
		rest := strings.TrimLeft(label[size:], " ")
		if rest == "" || rest == label[size:] && r != '-' && r != '+' {
			// "-" glued to a word is a hyphen, not a dash marker ("-5").
			if rest == "" {
				return mkNone, ""
			}
		}
		if r2, _ := utf8.DecodeRuneInString(rest); unicode.IsDigit(r2) && rest == label[size:] {
			return mkNone, ""
		}
		return markerOf(string(r), lastUpper)
	}
	// A token of digits and dots, Roman numerals, or one letter, then ". ", ") ",
	// ".) " or (for dotted numbers) a space.
	end := 0
	for end < len(label) && end < 12 {
		c := label[end]
		if c == '.' || c == ')' || c == ' ' {
			break
		}
		if c >= 0x80 {
			_, sz := utf8.DecodeRuneInString(label[end:])
			end += sz
			continue
		}
		end++
	}
	// Dotted numbers run through their dots: "1.1 Thu", "1.2.3. Chi".
	tok := label[:end]
	rest := label[end:]
	if isDigits(tok) {
		for len(rest) > 1 && rest[0] == '.' && rest[1] >= '0' && rest[1] <= '9' {
			k := 1
			for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
				k++
			}
			tok += rest[:k]
			rest = rest[k:]
		}
	}
	if tok == "" || rest == "" {
		return mkNone, ""
	}
	sep := 0
	switch {
	case strings.HasPrefix(rest, ".) "):
		sep = 3
	case strings.HasPrefix(rest, ". "), strings.HasPrefix(rest, ") "):
		sep = 2
	case rest[0] == ' ' && dotted(tok) > 0:
		sep = 1
	default:
		return mkNone, ""
	}
	if strings.TrimSpace(rest[sep:]) == "" {
		return mkNone, ""
	}
	k, m := markerOf(tok, lastUpper)
	if k == mkArabic || k == mkDotted || k == mkDotted2 || k == mkRoman || k == mkUpper || k == mkLower {
		return k, m
	}
	return mkNone, ""
}

// Vocabularies, folded (lower case, no diacritics).
var (
	totalLabels = []string{
		"tong so", "tong cong", "tong", "toan quoc", "ca nuoc", "toan tinh", "toan thanh pho",
		"toan huyen", "toan xa", "tong chi", "tong thu", "whole country", "total", "grand total", "all",
	}
	subtotalLabels = []string{"cong", "subtotal", "sub-total", "sub total"}
	// regionNames are Vietnam's socio-economic regions, as totals of their provinces.
	regionNames = []string{
		"dong bang song hong", "trung du va mien nui phia bac", "mien nui phia bac", "bac trung bo va duyen hai mien trung",
		"bac trung bo", "duyen hai nam trung bo", "tay nguyen", "dong nam bo", "dong bang song cuu long",
		"mien bac", "mien trung", "mien nam", "trung du mien nui phia bac", "tay bac", "dong bac",
		"red river delta", "northern midlands and mountain areas", "northern midland and mountain areas",
		"north central and central coastal areas", "north central area and south central coastal area",
		"central highlands", "south east", "southeast", "mekong river delta", "mekong delta",
	}
	// notePrefixes start a footnote block; the words that are also common labels
	// ("Nguồn vốn", "Lưu ý khi …") count only with their colon.
	notePrefixes = []string{
		"ghi chu", "chu thich", "chu y:", "luu y:", "nguon:", "nguon so lieu", "so tien bang chu",
		"bang chu", "viet bang chu", "note:", "notes:", "source:", "(*)", "(**)", "*)",
	}
	signatureWords = []string{
		"nguoi lap bieu", "nguoi lap", "ke toan truong", "thu truong don vi", "thu truong",
		"kt. chu tich", "kt chu tich", "tm. uy ban nhan dan", "tm. ubnd", "tm ubnd", "kt. giam doc",
		"kt. truong phong", "tl. ", "tuq. ", "q. giam doc", "pho chu tich", "chu tich", "giam doc",
		"truong phong", "pho giam doc", "(ky, ho ten", "(ky ten", "(ky va ghi ro", "ky ten, dong dau",
		"(da ky)", "da ky", "nguoi duyet", "nguoi kiem tra", "xac nhan cua",
	}
	dateLineRe = regexp.MustCompile(`^[^,]{0,60},?\s*ngay\s.{0,12}thang\s.{0,12}nam\b`)
)

func hasPrefixWord(s, p string) bool {
	if !strings.HasPrefix(s, p) {
		return false
	}
	if len(s) == len(p) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[len(p):])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func isTotalLabel(f string) bool {
	f = strings.TrimSpace(strings.TrimLeft(f, "*-–. "))
	for _, p := range totalLabels {
		if hasPrefixWord(f, p) {
			if p == "tong" || p == "all" {
				// "Tổng" alone or "Tổng:" is a total; "Tổng sản phẩm" is not.
				rest := strings.TrimSpace(f[len(p):])
				if rest != "" && rest != ":" {
					continue
				}
			}
			if p == "tong chi" || p == "tong thu" {
				// "Tổng chi ngân sách" heads a budget form; alone it totals.
				rest := strings.TrimSpace(f[len(p):])
				if rest != "" && rest != ":" {
					continue
				}
			}
			return true
		}
	}
	return false
}

func isSubtotalLabel(f string) bool {
	f = strings.TrimSpace(f)
	for _, p := range subtotalLabels {
		if hasPrefixWord(f, p) {
			rest := strings.TrimSpace(f[len(p):])
			// "Cộng", "Cộng:", "Cộng I", "Cộng (1+2)", "Cộng nhóm A" — not "Cộng đồng".
			if rest == "" || strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "(") ||
				isRoman(strings.ToUpper(strings.Fields(rest)[0])) || strings.HasPrefix(rest, "nhom") || strings.HasPrefix(rest, "muc") {
				return true
			}
		}
	}
	return false
}

func isRegion(f string) bool {
	f = strings.TrimSpace(strings.TrimRight(f, ":"))
	if f == "" || len(f) > 60 {
		return false
	}
	for _, r := range regionNames {
		if f == r {
			return true
		}
	}
	for _, p := range []string{"vung ", "khu vuc "} {
		if rest, ok := strings.CutPrefix(f, p); ok {
			for _, r := range regionNames {
				if strings.HasPrefix(rest, r) {
					return true
				}
			}
		}
	}
	return false
}

func isNoteStart(f string) bool {
	for _, p := range notePrefixes {
		if hasPrefixWord(f, p) || strings.HasPrefix(f, p) && (strings.HasSuffix(p, ")") || strings.HasSuffix(p, ":")) {
			return true
		}
	}
	// "Số tiền thẩm định bằng chữ: …"
	return strings.Contains(f, "bang chu:") && len(f) > 20
}

func isSignature(f string) bool {
	if dateLineRe.MatchString(f) && len(f) < 120 {
		return true
	}
	for _, w := range signatureWords {
		if strings.HasPrefix(f, w) {
			return len(f) < 80
		}
	}
	return false
}

// footnoteRe: a numbered or starred footnote line ("(1) Số liệu …", "* Không bao gồm …").
var footnoteRe = regexp.MustCompile(`^(\(\d{1,2}\)|\(\*+\)|\*+|\d{1,2}/)\s*\S`)

// classifier gives each row of a table its role, level, marker and label, and takes
// footnotes and signatures out. It keeps a small state (the open outline levels)
// that a Checkpoint carries, so a stream can resume in the middle of a table.
type classifier struct {
	l         *Layout
	stack     []markerKind
	base      int // 1 once a total row came before any group: groups are then its children
	trailing  NoteKind
	lastUpper rune
	started   bool // a non-total row was seen
	group     int  // level of the last group or subtotal row, -1 before the first
}

func newClassifier(l *Layout) *classifier {
	return &classifier{l: l, group: -1}
}

// state encodes the classifier's position for a Checkpoint.
func (c *classifier) state() []byte {
	b := make([]byte, 0, 12+len(c.stack))
	b = append(b, 1, byte(c.base), byte(len(c.stack)))
	for _, k := range c.stack {
		b = append(b, byte(k))
	}
	var tr byte
	switch c.trailing {
	case NoteFootnote:
		tr = 1
	case NoteSignature:
		tr = 2
	}
	b = append(b, tr)
	b = binary.LittleEndian.AppendUint32(b, uint32(c.lastUpper))
	if c.started {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	return append(b, byte(c.group+1))
}

func (c *classifier) setState(b []byte) bool {
	if len(b) < 3 || b[0] != 1 {
		return false
	}
	c.base = int(b[1])
	n := int(b[2])
	if len(b) < 3+n+7 {
		return false
	}
	c.stack = c.stack[:0]
	for _, k := range b[3 : 3+n] {
		c.stack = append(c.stack, markerKind(k))
	}
	rest := b[3+n:]
	switch rest[0] {
	case 1:
		c.trailing = NoteFootnote
	case 2:
		c.trailing = NoteSignature
	default:
		c.trailing = ""
	}
	c.lastUpper = rune(binary.LittleEndian.Uint32(rest[1:]))
	c.started = rest[5] == 1
	c.group = int(rest[6]) - 1
	return true
}

// rowView is a row's cells in the order of the layout's columns.
type rowView struct {
	cells []*xcell // nil for empty, by column position
}

// classified is the outcome for one row.
type classified struct {
	skip   bool     // a header or column-number row repeated on a later page
	note   NoteKind // non-empty: the row is a note
	text   string   // the note's text
	role   Role
	level  int
	marker string
	label  string
	bold   bool
}

func cellText(x *xcell) string {
	if x == nil {
		return ""
	}
	switch x.kind {
	case kText, kErr:
		return x.text
	case kNum:
		return formatNumber(tidyFloat(x.num))
	case kBool:
		if x.num != 0 {
			return "TRUE"
		}
		return "FALSE"
	}
	return ""
}

// isNumeric reports a cell that holds a number (a spreadsheet number, or text that
// reads as one).
func isNumeric(x *xcell) bool {
	if x == nil {
		return false
	}
	switch x.kind {
	case kNum:
		return x.f == nil || x.f.class != fmtText
	case kText:
		_, ok := x.textNum()
		return ok
	}
	return false
}

func (c *classifier) classify(v rowView) classified {
	l := c.l
	var out classified
	inLabel := func(i int) bool {
		for _, k := range l.LabelColumns {
			if k == i {
				return true
			}
		}
		return false
	}
	// Numbers outside the marker and label columns, filled cells, texts.
	hasNums := false
	filled := 0
	for i, x := range v.cells {
		if x == nil || x.empty() {
			continue
		}
		filled++
		if hasNums || i == l.MarkerColumn || inLabel(i) {
			continue
		}
		if x.kind == kNum && (x.f == nil || x.f.class != fmtText) || x.kind == kText && isNumeric(x) && !isNullText(strings.TrimSpace(x.text)) {
			hasNums = true
		}
	}
	// The texts of the row, for notes: only rows without numbers need them.
	var texts []string
	if !hasNums {
		for _, x := range v.cells {
			if x == nil || x.empty() {
				continue
			}
			if t := squash(cellText(x)); t != "" {
				texts = append(texts, t)
			}
		}
	}
	if !hasNums && c.repeatsHeader(v) {
		out.skip = true
		return out
	}
	// Marker and label.
	var mk markerKind
	if l.MarkerColumn >= 0 && l.MarkerColumn < len(v.cells) && v.cells[l.MarkerColumn] != nil {
		mk, out.marker = markerOf(cellText(v.cells[l.MarkerColumn]), c.lastUpper)
	}
	labelCol := -1
	if mk == mkNone && l.MarkerColumn >= 0 && l.MarkerColumn < len(v.cells) {
		// Text in the numbering column that is no marker is the row's label
		// ("Tổng cộng" written from the first column).
		if x := v.cells[l.MarkerColumn]; x != nil && x.kind == kText && !isNumeric(x) {
			out.label, labelCol, out.bold = squash(x.text), l.MarkerColumn, x.bold
			out.marker = ""
		}
	}
	for _, k := range l.LabelColumns {
		if out.label != "" {
			break
		}
		if k < len(v.cells) && v.cells[k] != nil && !v.cells[k].empty() && v.cells[k].kind == kText {
			out.label, labelCol = squash(v.cells[k].text), k
			out.bold = v.cells[k].bold
			break
		}
	}
	if out.label == "" {
		for i, x := range v.cells {
			if i == l.MarkerColumn || x == nil || x.kind != kText || x.empty() || isNumeric(x) {
				continue
			}
			out.label, labelCol = squash(x.text), i
			out.bold = x.bold
			break
		}
	}
	if out.label == "" && len(texts) > 0 && !hasNums {
		out.label = texts[0]
	}
	if mk == mkNone && out.label != "" {
		mk, out.marker = markerPrefix(out.label, c.lastUpper)
	}
	if mk == mkUpper {
		r, _ := utf8.DecodeRuneInString(out.marker)
		c.lastUpper = r
	}
	f := fold(out.label)
	// Notes and signatures: rows without numbers.
	if !hasNums {
		first := ""
		if len(texts) > 0 {
			first = fold(texts[0])
		}
		sig := false
		for _, t := range texts {
			if isSignature(fold(t)) {
				sig = true
				break
			}
		}
		switch {
		case sig:
			out.note, c.trailing = NoteSignature, NoteSignature
		case isNoteStart(first):
			out.note, c.trailing = NoteFootnote, NoteFootnote
		case c.trailing != "" && len(texts) > 0 && filled <= 3:
			out.note = c.trailing
		case footnoteRe.MatchString(first) && len([]rune(first)) > 30 && filled <= 2:
			out.note, c.trailing = NoteFootnote, NoteFootnote
		}
		if out.note != "" {
			out.text = strings.Join(texts, " ")
			return out
		}
	} else {
		c.trailing = ""
	}
	// Roles and levels.
	labelOnly := filled <= 2 && (filled == 1 || mk != mkNone && out.marker != "" && l.MarkerColumn >= 0)
	// "TỔNG THU NSNN TRÊN ĐỊA BÀN" heading the rows of a form totals them.
	firstTotal := !c.started && hasNums && strings.HasPrefix(f, "tong ") && (out.bold || strings.ToUpper(out.label) == out.label)
	switch {
	case isTotalLabel(f) || firstTotal:
		out.role = RoleTotal
		out.level = 0
		if !c.started {
			c.base = 1
		}
		c.stack = c.stack[:0]
		return out
	case isSubtotalLabel(f):
		// "Cộng" sums the group above: it stands at that group's level.
		out.role = RoleSubtotal
		out.level = max(c.group, c.base)
		return out
	}
	c.started = true
	group := false
	switch {
	case mk == mkUpper || mk == mkRoman:
		group = true
	case strings.HasPrefix(f, "trong do"):
		if !hasNums {
			mk, group = mkOfWhich, true
		}
	case isRegion(f):
		group = true
		if mk == mkNone {
			mk = mkGroup
		}
	case l.BoldRows && out.bold && labelCol >= 0:
		group = true
		if mk == mkNone {
			mk = mkGroup
		}
	case !hasNums && labelOnly && l.SectionRows:
		group = true
		if mk == mkNone {
			mk = mkGroup
		}
	}
	if group {
		out.role = RoleGroup
		if hasNums {
			out.role = RoleSubtotal
		}
	} else {
		out.role = RoleData
	}
	if mk != mkNone {
		out.level = c.push(mk)
	} else {
		out.level = c.base + len(c.stack)
	}
	if group {
		c.group = out.level
	}
	return out
}

// push places a marker kind in the open outline and returns its level. A kind
// already open closes what is under it; a numbered kind closes the open numbered
// kinds nested deeper than it (A, I, 1, 1.1, a, -, +); an unnumbered group row opens
// under whatever is open, its position in the outline being its only rank.
func (c *classifier) push(k markerKind) int {
	for i, s := range c.stack {
		if s == k {
			c.stack = append(c.stack[:i], k)
			return c.base + i
		}
	}
	if k != mkGroup && k != mkOfWhich {
		for len(c.stack) > 0 {
			top := c.stack[len(c.stack)-1]
			if top == mkGroup || top == mkOfWhich || top < k {
				break
			}
			c.stack = c.stack[:len(c.stack)-1]
		}
	}
	if len(c.stack) >= 16 {
		c.stack = c.stack[:15]
	}
	c.stack = append(c.stack, k)
	return c.base + len(c.stack) - 1
}

// repeatsHeader reports a row that repeats the header or the column-number row, as
// printed sheets do at the top of each page, or a unit caption alone.
func (c *classifier) repeatsHeader(v rowView) bool {
	cells, heads, numbers := 0, 0, 0
	for i, x := range v.cells {
		if x == nil || x.empty() {
			continue
		}
		cells++
		t := squash(cellText(x))
		col := &c.l.Columns[i]
		if col.Number != "" && t == col.Number {
			numbers++
		}
		for _, p := range col.Path {
			if p == t {
				heads++
				break
			}
		}
		if cells == 1 {
			if _, ok := unitCaption(t); ok || t == c.l.Unit {
				heads++
			}
		}
	}
	if cells == 0 {
		return false
	}
	if cells == 1 && heads == 1 {
		t := squash(cellText(firstCell(v)))
		_, isCaption := unitCaption(t)
		return isCaption || t == c.l.Unit
	}
	return heads == cells || numbers == cells && cells >= 2
}

func firstCell(v rowView) *xcell {
	for _, x := range v.cells {
		if x != nil && !x.empty() {
			return x
		}
	}
	return nil
}
