package dossier

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/msg"
	"github.com/congkhai/congkhai/tables"
)

// Problem is something wrong in an export, or in what a publisher declared,
// for `congkhai check` and the log. Guess marks what is read as shown but
// worth checking (a column left out); it does not fail check.
type Problem struct {
	Path  string // slash path in the content folder
	Line  int    // 1-based; 0 when it concerns the whole file
	Msg   msg.Text
	Guess bool
	// Personal marks a column refused because its heading names personal
	// data: the export holds it, though nothing of it is read.
	Personal bool
}

// String formats p as "path:line: message", the message in English.
func (p Problem) String() string { return p.In(msg.EN) }

// In formats p as "path:line: message", the message in lang (msg.VI or msg.EN).
func (p Problem) In(lang string) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Msg.In(lang))
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Msg.In(lang))
}

// maxRowProblems bounds the row problems reported per file; the rest are
// counted in one last problem.
const maxRowProblems = 30

// ImportOptions say how to read an export.
type ImportOptions struct {
	// Agency is the slug of the agency whose dataset holds the export: the
	// dossiers are its own unless a column names another (FieldAgency).
	Agency string
	// Agencies resolves the values of an agency column (a slug, a name or a
	// short name) to a slug; nil accepts none.
	Agencies func(value string) (slug string, ok bool)
	// Fields maps fields (as named in this package: "code", "received", …) to
	// the heading of the column that holds them, for exports whose headings
	// the reader does not know (index.md's fields:).
	Fields map[string]string
	// Drop lists headings left out on purpose (index.md's drop:): personal
	// columns named there are dropped without a problem.
	Drop []string
	// Workdays counts the working days of a term (term_days without a due date).
	Workdays *Workdays
	// Limits bound what a workbook may make the reader hold; zero fields take
	// tables' defaults, but a workbook may hold 8 million cells.
	Limits tables.Limits
}

// rowSource yields the tables of an export, one at a time: a CSV stream, or
// each sheet of a workbook.
type rowSource struct {
	name   string
	layout *tables.Layout
	next   func() (tables.Row, bool)
	err    func() error
	probs  func() []tables.Problem
}

// openExport reads the tables of an export file: a CSV file as a stream,
// every sheet of a workbook.
func openExport(ctx context.Context, name string, r io.ReaderAt, size int64, lim tables.Limits, decl tables.Declared) ([]rowSource, error) {
	format, ok := tables.FormatOf(name)
	if !ok {
		return nil, msg.Errorf("%s: not a .csv, .xlsx, .xls or .ods file", path.Base(name))
	}
	opts := tables.Options{Location: calendar.Location, Limits: lim, Declared: decl}
	if format == tables.CSV {
		// The table reader finds the header; the rows are read as plain
		// records: an export's rows are all data, and the reader's typing and
		// classification of every row (notes, groups, signatures) would take
		// four times as long.
		st, err := tables.NewStream(ctx, name, io.NewSectionReader(r, 0, size), opts)
		if err != nil {
			return nil, err
		}
		return []rowSource{csvRows(name, r, size, st.Layout())}, nil
	}
	if opts.Limits.MaxCells == 0 {
		opts.Limits.MaxCells = 8_000_000
	}
	wb, err := tables.Read(ctx, name, r, size, opts)
	if err != nil {
		return nil, err
	}
	var out []rowSource
	for _, t := range wb.Tables {
		i := 0
		out = append(out, rowSource{name: t.Name, layout: &t.Layout,
			next: func() (tables.Row, bool) {
				if i >= len(t.Rows) {
					return tables.Row{}, false
				}
				i++
				return t.Rows[i-1], true
			},
			err: func() error { return nil }, probs: func() []tables.Problem { return t.Problems }})
	}
	return out, nil
}

// mappedExport is an export's tables with their columns mapped.
type mappedExport struct {
	srcs []rowSource
	maps []columnMap
	ps   []Problem // the mapping's problems
}

// openMapped opens an export and maps its columns. The table reader guesses
// a header of several rows when the first rows look alike (a short export
// whose data rows it takes for headings); one-stop exports have one header
// row, so when a table's header was guessed taller than a row, the file is
// read again with a header of one row, and that reading is kept unless it
// maps fewer fields.
func openMapped(ctx context.Context, name string, r io.ReaderAt, size int64, opts ImportOptions, allowed []Field, ok func(columnMap) bool) (*mappedExport, error) {
	var best *mappedExport
	bestScore := -1
	one := 1
	for attempt, decl := range []tables.Declared{{}, {HeaderRows: &one}} {
		srcs, err := openExport(ctx, name, r, size, opts.Limits, decl)
		if err != nil {
			if best != nil {
				break
			}
			return nil, err
		}
		me := &mappedExport{srcs: srcs}
		ps := &rowProblems{file: name}
		score, tall := 0, false
		for _, src := range srcs {
			m := mapColumns(src.layout, allowed, opts.Fields, opts.Drop, ps)
			me.maps = append(me.maps, m)
			if ok(m) {
				score += 1000
			}
			score += len(m.col)
			tall = tall || src.layout.HeaderRows > 1
		}
		me.ps = ps.list
		if score >= bestScore {
			best, bestScore = me, score
		}
		if attempt == 0 && !tall && score >= 1000*len(srcs) {
			break
		}
	}
	return best, nil
}

// csvRows reads the records of a CSV export below its header as rows of
// text cells, one per column of the layout.
func csvRows(name string, r io.ReaderAt, size int64, l *tables.Layout) rowSource {
	br := bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 256<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = l.Comma
	if cr.Comma == 0 {
		cr.Comma = ','
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = true
	var rerr error
	var probs []tables.Problem
	cells := make([]tables.Cell, len(l.Columns))
	next := func() (tables.Row, bool) {
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return tables.Row{}, false
			}
			line, _ := cr.FieldPos(0)
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if len(probs) < maxRowProblems {
					probs = append(probs, tables.Problem{Line: pe.StartLine, Msg: msg.New("CSV: %v: put quotes around fields with separators or line breaks", tables.CSVMessage(pe.Err))})
				}
				continue
			}
			if err != nil {
				rerr = err
				return tables.Row{}, false
			}
			if line < l.DataLine || line == l.NumberRow {
				continue
			}
			for i, c := range l.Columns {
				v := ""
				if c.Index < len(rec) {
					v = strings.TrimSpace(rec[c.Index])
					if !utf8.ValidString(v) {
						v = strings.ToValidUTF8(v, "\ufffd")
					}
				}
				cells[i] = tables.Cell{Raw: v}
			}
			return tables.Row{Line: line, Role: tables.RoleData, Cells: cells}, true
		}
	}
	return rowSource{name: path.Base(name), layout: l, next: next,
		err:   func() error { return rerr },
		probs: func() []tables.Problem { return probs }}
}

// columnMap maps the columns of a table to fields.
type columnMap struct {
	col     map[Field]int // field → index in the row's cells
	heading map[Field]string
}

func (m columnMap) has(f Field) bool { _, ok := m.col[f]; return ok }

func (m columnMap) cell(row tables.Row, f Field) (tables.Cell, bool) {
	i, ok := m.col[f]
	if !ok || i >= len(row.Cells) {
		return tables.Cell{}, false
	}
	return row.Cells[i], true
}

func (m columnMap) text(row tables.Row, f Field) string {
	c, ok := m.cell(row, f)
	if !ok {
		return ""
	}
	return squash(c.Raw)
}

// squash trims s and turns its runs of white space into single spaces.
func squash(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\t' || c == '\n' || c == '\r' || c >= 0x80 && unicode.IsSpace(rune(c)) || c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ') {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) && !strings.ContainsRune(s, '\u00a0') {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// mapColumns matches a table's headings to the allowed fields, refusing the
// personal ones. It reports to problem what a publisher should know.
func mapColumns(l *tables.Layout, allowed []Field, declared map[string]string, drop []string, ps *rowProblems) columnMap {
	problem := ps.add
	m := columnMap{col: map[Field]int{}, heading: map[Field]string{}}
	want := map[string]Field{} // folded declared heading → field
	for f, h := range declared {
		want[fold(h)] = Field(f)
	}
	dropped := map[string]bool{}
	for _, d := range drop {
		dropped[fold(d)] = true
	}
	line := l.DataLine - 1
	if line < 1 {
		line = 1
	}
	var ignored []string
	for i, c := range l.Columns {
		f := fold(c.Name)
		if f == "" || f == "stt" || f == "tt" || f == "so tt" || f == "so thu tu" || strings.HasPrefix(f, "cot ") {
			continue
		}
		if dropped[f] {
			continue
		}
		field, declaredHere := want[f]
		if what, ok := personal(f); ok && !declaredHere {
			problem(line, false, "column %q holds %s (personal data): it is not read and never published; remove it from the export, or list it under drop: in index.md", c.Name, what)
			ps.list[len(ps.list)-1].Personal = true
			continue
		}
		if !declaredHere {
			field = matchHeading(f, allowed)
		}
		if field == "" {
			ignored = append(ignored, c.Name)
			continue
		}
		if prev, dup := m.heading[field]; dup {
			problem(line, false, "columns %q and %q both hold the %s; the first is read (name one under fields: in index.md)", prev, c.Name, field)
			continue
		}
		m.col[field] = i
		m.heading[field] = c.Name
	}
	if len(ignored) > 0 {
		problem(line, true, "columns not read: %s", quoteList(ignored))
	}
	return m
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

// checkDeclared reports declared fields the kind does not know.
func checkDeclared(declared map[string]string, allowed []Field, problem func(line int, guess bool, format string, args ...any)) {
	var bad []string
	for f := range declared {
		ok := false
		for _, a := range allowed {
			ok = ok || string(a) == f
		}
		if !ok {
			bad = append(bad, f)
		}
	}
	sort.Strings(bad)
	for _, f := range bad {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		problem(0, false, "fields: %q is not a field of this kind of export (%s)", f, strings.Join(names, ", "))
	}
}

// rowProblems collects a file's problems, the row ones bounded.
type rowProblems struct {
	file  string
	list  []Problem
	rows  int // row problems reported
	extra int // row problems beyond maxRowProblems
}

func (p *rowProblems) add(line int, guess bool, format string, args ...any) {
	p.list = append(p.list, Problem{Path: p.file, Line: line, Msg: msg.New(format, args...), Guess: guess})
}

func (p *rowProblems) row(line int, format string, args ...any) {
	if p.rows >= maxRowProblems {
		p.extra++
		return
	}
	p.rows++
	p.add(line, false, format, args...)
}

func (p *rowProblems) done() []Problem {
	if p.extra > 0 {
		p.add(0, false, "%d more rows have problems (the first %d are listed)", p.extra, maxRowProblems)
	}
	return p.list
}

// Import reads the dossiers of an export: a CSV file, or every sheet of an
// XLSX, XLS or ODS workbook that has a code column. Rows without a code, a
// received date or a due date (or term), or whose dates do not read, are left
// out and reported by line; personal-data columns are never read and reported
// unless index.md drops them. The error is the file's when it cannot be read
// at all (tables' errors) or ctx's.
func Import(ctx context.Context, name string, r io.ReaderAt, size int64, opts ImportOptions) (*Batch, error) {
	needed := func(m columnMap) bool {
		return m.has(FieldCode) && m.has(FieldReceived) && (m.has(FieldDue) || m.has(FieldTermDays))
	}
	me, err := openMapped(ctx, name, r, size, opts, dossierFields, needed)
	if err != nil {
		return nil, err
	}
	b := &Batch{File: name}
	ps := &rowProblems{file: name, list: me.ps}
	checkDeclared(opts.Fields, dossierFields, ps.add)
	agencyID := b.strs.id(opts.Agency)
	seen := map[string]int{} // normalised code → index in recs
	dups := 0
	badValues := map[Field]map[string]bool{}
	unknown := func(f Field, v string) bool {
		if badValues[f] == nil {
			badValues[f] = map[string]bool{}
		}
		if badValues[f][v] {
			return false
		}
		badValues[f][v] = true
		return len(badValues[f]) <= 10
	}
	read := 0
	// Statuses, channels and yes/no are a handful of values written a
	// million times: each is read once.
	statuses, channels, tris := map[string]Status{}, map[string]Channel{}, map[string]Tri{}
	srcs := me.srcs
	for si, src := range srcs {
		m := me.maps[si]
		if !needed(m) {
			var miss []string
			for _, f := range []Field{FieldCode, FieldReceived, FieldDue} {
				if !m.has(f) && !(f == FieldDue && m.has(FieldTermDays)) {
					miss = append(miss, string(f))
				}
			}
			m := msg.New("no column for %s: name it under fields: in index.md (fields: {code: Số biên nhận, received: Ngày nhận, due: Ngày hẹn trả})", strings.Join(miss, ", "))
			if len(srcs) > 1 {
				m = msg.New("sheet %q: %v", src.name, m)
			}
			ps.add(0, len(srcs) > 1, "%v", m)
			continue
		}
		for {
			if read%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			row, ok := src.next()
			if !ok {
				break
			}
			code := NormalizeCode(m.text(row, FieldCode))
			if row.Role != tables.RoleData && code == "" || m.text(row, FieldCode) == "" && m.text(row, FieldReceived) == "" {
				continue // a total, section, empty or footer row of a printed report
			}
			read++
			b.Rows++
			if code == "" {
				if raw := m.text(row, FieldCode); raw != "" {
					ps.row(row.Line, "the code %q is not a code (at most 64 characters, no control characters): the row is left out", raw)
				} else {
					ps.row(row.Line, "no code (column %q): the row is left out", m.heading[FieldCode])
				}
				continue
			}
			rc := rec{agency: agencyID, line: int32(row.Line)}
			date := func(f Field, required bool) (Day, bool) {
				c, ok := m.cell(row, f)
				if !ok || strings.TrimSpace(c.Raw) == "" {
					if required {
						ps.row(row.Line, "no %v (column %q): the row is left out", fieldLabel(f), m.heading[f])
						return 0, false
					}
					return 0, true
				}
				d, ok := cellDay(c)
				if !ok {
					ps.row(row.Line, "column %q: %q is not a date (write 15/03/2026 or 2026-03-15): the row is left out", m.heading[f], c.Raw)
					return 0, false
				}
				return d, true
			}
			var ok1, ok2, ok3, ok4, ok5 bool
			rc.received, ok1 = date(FieldReceived, true)
			rc.due, ok2 = date(FieldDue, !m.has(FieldTermDays))
			rc.finished, ok3 = date(FieldFinished, false)
			rc.apology, ok4 = dateOrText(m, row, FieldApology)
			rc.new, ok5 = date(FieldNewDue, false)
			if !ok1 || !ok2 || !ok3 || !ok5 {
				continue
			}
			if !ok4 {
				ps.row(row.Line, "column %q: %q holds no date of the apology: read as no apology", m.heading[FieldApology], m.text(row, FieldApology))
			}
			if rc.due == 0 {
				n, ok := termDays(m, row)
				if !ok || opts.Workdays == nil {
					ps.row(row.Line, "no due date and no term in working days (column %q): the row is left out", m.heading[FieldTermDays])
					continue
				}
				rc.due = opts.Workdays.Add(rc.received, n)
			}
			if rc.due < rc.received {
				ps.row(row.Line, "due date %s is before the received date %s: the row is left out", rc.due.VN(), rc.received.VN())
				continue
			}
			if rc.finished != 0 && rc.finished < rc.received {
				ps.row(row.Line, "result date %s is before the received date %s: the row is left out", rc.finished.VN(), rc.received.VN())
				continue
			}
			if s := m.text(row, FieldAgency); s != "" {
				slug, ok := "", false
				if opts.Agencies != nil {
					slug, ok = opts.Agencies(s)
				}
				if ok {
					rc.agency = b.strs.id(slug)
				} else if unknown(FieldAgency, s) {
					ps.add(row.Line, false, "column %q: %q is not an agency of the portal (write its folder name or its name): counted as %s's", m.heading[FieldAgency], s, opts.Agency)
				}
			}
			rc.channel = memo(channels, m.text(row, FieldChannel), parseChannel)
			if v := m.text(row, FieldChannel); v != "" && rc.channel == ChannelUnknown && unknown(FieldChannel, v) {
				ps.add(row.Line, false, "column %q: %q is not a channel (trực tiếp, trực tuyến, bưu chính)", m.heading[FieldChannel], v)
			}
			status := m.text(row, FieldStatus)
			rc.status = memo(statuses, status, parseStatus)
			if status != "" && rc.status == 0 && unknown(FieldStatus, status) {
				ps.add(row.Line, false, "column %q: %q is not a status the reader knows (đang giải quyết, đã giải quyết, trả lại, rút hồ sơ, tạm dừng): read from the result date", m.heading[FieldStatus], status)
			}
			switch {
			case rc.status == 0 && rc.finished != 0:
				rc.status = StatusFinished
			case rc.status == 0:
				rc.status = StatusPending
			case (rc.status == StatusFinished || rc.status == StatusReturned) && rc.finished == 0:
				ps.row(row.Line, "status %q but no result date (column %q): read as pending", status, m.heading[FieldFinished])
				rc.status = StatusPending
			case rc.status == StatusPending && rc.finished != 0:
				rc.status = StatusFinished
			}
			rc.proc = b.strs.id(m.text(row, FieldProcedure))
			rc.procCode = b.strs.id(m.text(row, FieldProcedureCode))
			rc.field = b.strs.id(m.text(row, FieldField))
			reason, red := redact(m.text(row, FieldReason))
			letter, red2 := redact(m.text(row, FieldLetter))
			if red || red2 {
				ps.row(row.Line, "a phone number, identity number or e-mail address in the explanation or the apology's reference was replaced by \"…\"")
			}
			rc.reason = b.strs.id(reason)
			rc.letter = b.strs.id(letter)
			if rc.letter == 0 && rc.apology != 0 {
				if t := m.text(row, FieldApology); t != "" {
					if hasLetters(t) {
						l, _ := redact(t)
						rc.letter = b.strs.id(l)
					}
				}
			}
			rc.digitized = memo(tris, m.text(row, FieldDigitized), parseTri)
			rc.eResult = memo(tris, m.text(row, FieldEResult), parseTri)
			if len(code) > math.MaxUint16 {
				continue
			}
			rc.codeOff, rc.codeLen = uint32(len(b.codes)), uint16(len(code))
			if i, dup := seen[code+"\x00"+b.strs.get(rc.agency)]; dup {
				dups++
				rc.codeOff, rc.codeLen = b.recs[i].codeOff, b.recs[i].codeLen
				b.recs[i] = rc
				continue
			}
			b.codes = append(b.codes, code...)
			seen[code+"\x00"+b.strs.get(rc.agency)] = len(b.recs)
			b.recs = append(b.recs, rc)
		}
		if err := src.err(); err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil, err
			}
			ps.add(0, false, "the file stops being readable: %v (the rows before are read)", err)
		}
		for _, tp := range src.probs() {
			if tp.Line > 0 {
				ps.row(tp.Line, "%s", tp.Msg)
			}
		}
	}
	if dups > 0 {
		ps.add(0, false, "%d codes appear more than once: the last row of each is read", dups)
	}
	b.strs.index = nil // only lookups from here
	b.Problems = ps.done()
	return b, nil
}

func fieldLabel(f Field) msg.Text {
	switch f {
	case FieldReceived:
		return msg.New("received date")
	case FieldDue:
		return msg.New("due date")
	}
	return msg.New("%s", f)
}

// cellDay reads a date from a cell: a date cell's value, a spreadsheet serial
// number, or text in the forms one-stop software writes ("15/03/2026",
// "15/03/2026 08:30", "2026-03-15", "08:30 15/03/2026").
func cellDay(c tables.Cell) (Day, bool) {
	if c.OK && !c.Time.IsZero() {
		return DayOf(c.Time), true
	}
	raw := strings.TrimSpace(c.Raw)
	if raw == "" {
		return 0, false
	}
	if n, err := strconv.ParseFloat(raw, 64); err == nil && !strings.ContainsAny(raw, "/-") {
		// A spreadsheet date serial (days from 1899-12-30) from 2000 to 2099.
		if n >= 36526 && n < 73051 {
			return Day(int32(n)) - 25569, true
		}
		return 0, false
	}
	if y, mo, d, ok := findDate(raw); ok {
		if y < 100 {
			y += 2000
		}
		if mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1990 || y > 2100 {
			return 0, false
		}
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d {
			return 0, false // 31/04
		}
		return dayOfDate(y, time.Month(mo), d), true
	}
	return 0, false
}

// findDate finds the first date in text: d/m/yyyy (with /, - or .; or a
// year of two digits) or yyyy-mm-dd, alone or with a time or words around it.
// It reads digits, not a regular expression: an import reads a million.
func findDate(s string) (y, m, d int, ok bool) {
	// numbers are the runs of digits of s with what separates them.
	type num struct {
		v, n  int  // value, digits
		start int  // index in s
		sep   byte // the byte after it (0 at the end)
	}
	var nums [8]num
	k := 0
	for i := 0; i < len(s) && k < len(nums); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j, v := i, 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' && j-i < 9 {
			v = v*10 + int(s[j]-'0')
			j++
		}
		var sep byte
		if j < len(s) {
			sep = s[j]
		}
		nums[k] = num{v, j - i, i, sep}
		k++
		i = j
	}
	for i := 0; i+2 < k; i++ {
		a, b, c := nums[i], nums[i+1], nums[i+2]
		adjacent := a.start+a.n+1 == b.start && b.start+b.n+1 == c.start
		if !adjacent || a.sep != b.sep || (a.sep != '/' && a.sep != '-' && a.sep != '.') {
			continue
		}
		switch {
		case a.n <= 2 && b.n <= 2 && (c.n == 4 || c.n == 2):
			return c.v, b.v, a.v, true
		case a.n == 4 && a.sep == '-' && b.n <= 2 && c.n <= 2:
			return a.v, b.v, c.v, true
		}
	}
	return 0, 0, 0, false
}

// dateOrText reads the apology column: a date, or text holding one ("Đã
// gửi ngày 12/03/2026, phiếu số 15/PXL"). ok is false when the column has
// text but no date.
func dateOrText(m columnMap, row tables.Row, f Field) (Day, bool) {
	c, ok := m.cell(row, f)
	if !ok || strings.TrimSpace(c.Raw) == "" {
		return 0, true
	}
	if d, ok := cellDay(c); ok {
		return d, true
	}
	if t := parseTri(c.Raw); t == No {
		return 0, true
	}
	return 0, false
}

func termDays(m columnMap, row tables.Row) (int, bool) {
	c, ok := m.cell(row, FieldTermDays)
	if !ok {
		return 0, false
	}
	if c.OK && c.Num > 0 && c.Num < 1000 && c.Num == math.Trunc(c.Num) {
		return int(c.Num), true
	}
	f := strings.Fields(fold(c.Raw))
	if len(f) > 0 {
		if n, err := strconv.Atoi(f[0]); err == nil && n >= 0 && n < 1000 {
			return n, true
		}
	}
	return 0, false
}

func parseChannel(s string) Channel {
	f := " " + fold(s) + " "
	switch {
	case f == "  ":
		return ChannelUnknown
	case strings.Contains(f, " truc tuyen ") || strings.Contains(f, " online ") || strings.Contains(f, " dich vu cong ") ||
		strings.Contains(f, " dvc ") || strings.Contains(f, " qua mang ") || strings.Contains(f, " dien tu "):
		return ChannelOnline
	case strings.Contains(f, " buu chinh ") || strings.Contains(f, " buu dien ") || strings.Contains(f, " bccl ") || strings.Contains(f, " qua buu "):
		return ChannelPost
	case strings.Contains(f, " truc tiep ") || strings.Contains(f, " tai quay ") || strings.Contains(f, " mot cua ") || strings.Contains(f, " tai bo phan "):
		return ChannelDirect
	}
	return ChannelUnknown
}

func parseStatus(s string) Status {
	f := " " + fold(s) + " "
	has := func(xs ...string) bool {
		for _, x := range xs {
			if strings.Contains(f, " "+x+" ") {
				return true
			}
		}
		return false
	}
	switch {
	case f == "  ":
		return 0
	case has("rut", "rut ho so", "huy", "da huy"):
		return StatusWithdrawn
	case has("tra lai", "tu choi", "khong giai quyet", "khong du dieu kien", "khong chap thuan"):
		return StatusReturned
	case has("tam dung", "cho bo sung", "yeu cau bo sung", "bo sung", "nghia vu tai chinh", "cho nop"):
		return StatusSuspended
	case has("dang giai quyet", "dang xu ly", "cho xu ly", "chua giai quyet", "chua tra", "trong han", "qua han", "dang thu ly", "moi tiep nhan"):
		return StatusPending
	case has("da giai quyet", "da tra", "hoan thanh", "da xu ly", "co ket qua", "da co ket qua", "tra ket qua", "da tra ket qua", "ket thuc", "xong"):
		return StatusFinished
	}
	return 0
}

func parseTri(s string) Tri {
	switch fold(s) {
	case "":
		return Unknown
	case "co", "x", "da", "yes", "y", "1", "true", "da so hoa", "co so hoa", "dien tu":
		return Yes
	case "khong", "chua", "no", "n", "0", "false", "chua so hoa", "giay":
		return No
	}
	return Unknown
}

// redactRE finds what a free text must not publish: phone numbers (9 to 11
// digits, spaces and dots allowed between groups), identity numbers (9 or
// 12 digits) and e-mail addresses.
var redactRE = regexp.MustCompile(`[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:\+84|\b0)\d(?:[ .]?\d){7,9}\b|\b\d{9}\b|\b\d{12}\b`)

// redact replaces phone numbers, identity numbers and e-mail addresses in s
// by "…"; changed reports whether it did.
func redact(s string) (string, bool) {
	if s == "" || !strings.ContainsAny(s, "0123456789@") {
		return s, false
	}
	out := redactRE.ReplaceAllString(s, "…")
	return out, out != s
}

// hasLetters reports whether s holds a letter: text, not only a date.
func hasLetters(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// memo returns parse(s), remembered in m.
func memo[T any](m map[string]T, s string, parse func(string) T) T {
	if v, ok := m[s]; ok {
		return v
	}
	v := parse(s)
	if len(m) < 1000 {
		m[s] = v
	}
	return v
}
