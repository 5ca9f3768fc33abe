package content

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// ErrStale is returned (wrapped) by the methods of Table when the file changed on
// disk after Load scanned it: its size or modification time differ. The caller should
// wait for the next Load.
var ErrStale = errors.New("content: table file changed since it was loaded")

// RowQuery selects a page of rows.
type RowQuery struct {
	Offset int  // rows to skip (in the chosen order)
	Limit  int  // rows to return; <= 0 means 50
	SortBy int  // column index to sort by; -1 for file order
	Desc   bool // descending order (empty cells stay last either way)
}

// checkpointEvery is the number of CSV rows between two recorded byte offsets.
const checkpointEvery = 512

// maxSortCache bounds the sort orders kept per table.
const maxSortCache = 4

// maxRowProblems bounds the row problems reported per table.
const maxRowProblems = 20

type numStyle uint8

const (
	styleVN numStyle = iota // 1.234.567,5
	styleEN                 // 1234567.5
)

// tableSource is what a Table needs to read its file again.
type tableSource struct {
	fsys  fs.FS
	scan  *tableScan
	cache *sortCache
}

type tableScan struct {
	dataStart   int64 // CSV: byte offset of the first data row
	checkpoints []checkpoint
	styles      []numStyle
	problems    []Problem
	declSig     string // declared columns the scan validated against
}

// checkpoint is where CSV data row `row` (0-based) starts: its byte offset and line.
type checkpoint struct {
	off  int64
	line int
	row  int
}

type sortCache struct {
	mu    sync.Mutex
	perms map[int]*permEntry
	order []int    // column indexes, oldest first
	pos   []rowPos // CSV only, once a sort has read every row
}

// rowPos is where a CSV row starts, recorded by the first sort so that sorted pages
// read each of their rows directly.
type rowPos struct {
	off  int64
	line int32
}

func (c *sortCache) positions() []rowPos {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pos
}

func (c *sortCache) setPositions(p []rowPos) {
	c.mu.Lock()
	c.pos = p
	c.mu.Unlock()
}

type permEntry struct {
	done   chan struct{}
	perm   []int32 // row indexes in ascending order, empty cells last
	nValid int     // rows with a value, at the start of perm
	err    error
}

// declaredColumns maps header names to the columns declared in index.md.
type declaredColumns map[string]Column

func (d declaredColumns) signature() string {
	if len(d) == 0 {
		return ""
	}
	names := make([]string, 0, len(d))
	for n := range d {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		c := d[n]
		fmt.Fprintf(&b, "%q|%q|%q|%q|%q\n", n, c.Title, c.Type, c.Unit, c.Description)
	}
	return b.String()
}

// scanTable reads the table file once: it hashes it, reads the header, counts rows,
// infers column types, validates declared ones and records CSV checkpoints. A non-nil
// error means the table cannot be used at all (unreadable, empty, not UTF-8, no
// header); row problems are in the table's scan.
func scanTable(ctx context.Context, fsys fs.FS, p string, size int64, modTime time.Time, decl declaredColumns) (*Table, error) {
	name := strings.TrimSuffix(pathBase(p), pathExt(p))
	t := &Table{
		Name:    name,
		File:    p,
		Format:  strings.TrimPrefix(strings.ToLower(pathExt(p)), "."),
		Size:    size,
		ModTime: modTime.In(Location),
	}
	if size == 0 {
		return nil, errors.New("the file is empty (0 bytes)")
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	sc := &tableScan{declSig: decl.signature()}
	st := newScanState(decl)
	switch t.Format {
	case "csv":
		err = scanCSV(ctx, io.TeeReader(f, h), t, sc, st)
	case "xlsx":
		err = scanXLSX(ctx, io.TeeReader(f, h), t, sc, st)
	default:
		err = fmt.Errorf("unsupported table format %q", t.Format)
	}
	if err != nil {
		return nil, err
	}
	// Drain what the parser did not read (trailing bytes) so the hash covers the file.
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	t.Hash = hex.EncodeToString(h.Sum(nil))
	st.finish(t, sc)
	t.src = tableSource{fsys: fsys, scan: sc, cache: &sortCache{perms: map[int]*permEntry{}}}
	return t, nil
}

// scanState accumulates type evidence per column during a scan.
type scanState struct {
	decl     declaredColumns
	header   []string
	stats    []colStat
	declared []ColumnType // "" when not declared
	problems []Problem
	dropped  int // row problems beyond maxRowProblems
	file     string
}

type colStat struct {
	nonEmpty       int
	vn, en, date   bool
	vnFrac, enFrac bool
}

func newScanState(decl declaredColumns) *scanState { return &scanState{decl: decl} }

func (s *scanState) setHeader(file string, h []string) {
	s.file = file
	s.header = make([]string, len(h))
	s.stats = make([]colStat, len(h))
	s.declared = make([]ColumnType, len(h))
	for i, v := range h {
		s.header[i] = strings.TrimSpace(cleanString(v))
		s.stats[i] = colStat{vn: true, en: true, date: true}
		if c, ok := s.decl[s.header[i]]; ok {
			s.declared[i] = c.Type
		}
	}
}

func (s *scanState) problem(line int, msg string) {
	if len(s.problems) >= maxRowProblems {
		s.dropped++
		return
	}
	s.problems = append(s.problems, Problem{Path: s.file, Line: line, Msg: msg})
}

// row records the evidence of one data row.
func (s *scanState) row(line int, cells []string, strictCount bool) {
	n := len(s.header)
	if len(cells) != n {
		extra := false
		for _, c := range cells[min(n, len(cells)):] {
			if strings.TrimSpace(c) != "" {
				extra = true
			}
		}
		if strictCount || extra {
			s.problem(line, fmt.Sprintf("%d cells, header has %d", len(cells), n))
		}
	}
	for i := 0; i < n && i < len(cells); i++ {
		v := strings.TrimSpace(cells[i])
		if isEmptyCell(v) {
			continue
		}
		st := &s.stats[i]
		st.nonEmpty++
		if st.vn {
			if _, frac, ok := parseVN(v); ok {
				st.vnFrac = st.vnFrac || frac
			} else {
				st.vn = false
			}
		}
		if st.en {
			if _, frac, ok := parseEN(v); ok {
				st.enFrac = st.enFrac || frac
			} else {
				st.en = false
			}
		}
		if st.date || s.declared[i] == TypeDate {
			if _, ok := parseCellDate(v); !ok {
				st.date = false
			}
		}
		switch s.declared[i] {
		case TypeInteger:
			if _, ok := parseNumber(v, styleVN); !ok {
				s.problem(line, fmt.Sprintf("column %q: %q is not a number", s.header[i], v))
			} else if !isIntegerText(v) {
				s.problem(line, fmt.Sprintf("column %q: %q is not an integer", s.header[i], v))
			}
		case TypeDecimal, TypeMoney:
			if _, ok := parseNumber(v, styleVN); !ok {
				s.problem(line, fmt.Sprintf("column %q: %q is not a number", s.header[i], v))
			}
		case TypeDate:
			if _, ok := parseCellDate(v); !ok {
				s.problem(line, fmt.Sprintf("column %q: %q is not a date (write 2025-01-15 or 15/01/2025)", s.header[i], v))
			}
		}
	}
}

// isIntegerText reports whether a cell that parses as a number has no fraction in
// either style ("1.234" counts as an integer: thousands).
func isIntegerText(v string) bool {
	if _, frac, ok := parseVN(v); ok {
		return !frac
	}
	_, frac, ok := parseEN(v)
	return ok && !frac
}

func (s *scanState) finish(t *Table, sc *tableScan) {
	t.Columns = make([]Column, len(s.header))
	sc.styles = make([]numStyle, len(s.header))
	for i, name := range s.header {
		st := s.stats[i]
		c := Column{Name: name, Title: name, Type: TypeText}
		if c.Title == "" {
			c.Title = "Cột " + strconv.Itoa(i+1)
		}
		switch {
		case st.nonEmpty == 0:
		case st.vn:
			c.Type = TypeInteger
			if st.vnFrac {
				c.Type = TypeDecimal
			}
		case st.en:
			c.Type, sc.styles[i] = TypeInteger, styleEN
			if st.enFrac {
				c.Type = TypeDecimal
			}
		case st.date:
			c.Type = TypeDate
		}
		if !st.vn && st.en {
			sc.styles[i] = styleEN
		}
		if d, ok := s.decl[name]; ok {
			c.Type = d.Type
			if d.Title != "" {
				c.Title = d.Title
			}
			c.Unit, c.Description = d.Unit, d.Description
		}
		t.Columns[i] = c
	}
	if s.dropped > 0 {
		s.problems = append(s.problems, Problem{Path: s.file, Msg: fmt.Sprintf("%d more rows with problems not listed", s.dropped)})
	}
	sc.problems = s.problems
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

// value types one raw cell by its column.
func (t *Table) value(i int, raw string) Value {
	v := Value{Raw: raw}
	s := strings.TrimSpace(raw)
	if isEmptyCell(s) || i >= len(t.Columns) {
		return v
	}
	switch t.Columns[i].Type {
	case TypeInteger, TypeDecimal, TypeMoney:
		style := styleVN
		if t.src.scan != nil && i < len(t.src.scan.styles) {
			style = t.src.scan.styles[i]
		}
		v.Num, v.OK = parseNumber(s, style)
	case TypeDate:
		v.Time, v.OK = parseCellDate(s)
	default:
		v.OK = true
	}
	return v
}

func (t *Table) makeRow(n, line int, cells []string) Row {
	r := Row{N: n, Line: line, Cells: make([]Value, len(t.Columns))}
	for i := range r.Cells {
		raw := ""
		if i < len(cells) {
			raw = cleanString(cells[i])
		}
		r.Cells[i] = t.value(i, raw)
	}
	return r
}

// CSV.

// newCSVReader returns a reader that strips a BOM and reports how many bytes it
// skipped.
func skipBOM(br *bufio.Reader) int64 {
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(3)
		return 3
	}
	return 0
}

// detectComma picks ';' when the header line has more semicolons than commas outside
// quotes, else ','.
func detectComma(head []byte) rune {
	commas, semis, inQuote := 0, 0, false
	for _, c := range head {
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			goto done
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
done:
	if semis > commas {
		return ';'
	}
	return ','
}

func newCSV(r io.Reader, comma rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr
}

// readCSV reads one record; a parse error is returned with the record (possibly
// partial) and the line where the record starts (relative to the reader).
func readCSV(cr *csv.Reader) (rec []string, line int, err error) {
	rec, err = cr.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return rec, pe.StartLine, err
	}
	if err != nil {
		return nil, 0, err
	}
	line, _ = cr.FieldPos(0)
	return rec, line, nil
}

func csvErrMsg(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("CSV: %v (line %d, column %d); put quotes around fields that contain quotes, separators or line breaks and double the quotes inside", pe.Err, pe.Line, pe.Column)
	}
	return err.Error()
}

func scanCSV(ctx context.Context, r io.Reader, t *Table, sc *tableScan, st *scanState) error {
	br := bufio.NewReaderSize(r, 64<<10)
	base := skipBOM(br)
	head, _ := br.Peek(64 << 10)
	t.Comma = detectComma(head)
	cr := newCSV(br, t.Comma)
	hdr, _, err := readCSV(cr)
	if err == io.EOF {
		return errors.New("no header row")
	}
	if err != nil {
		return errors.New(csvErrMsg(err))
	}
	if l := invalidUTF8Fields(hdr); l {
		return errors.New("not UTF-8 text (line 1): save the file as \"CSV UTF-8\"")
	}
	st.setHeader(t.File, hdr)
	sc.dataStart = base + cr.InputOffset()
	n := 0
	for {
		off := base + cr.InputOffset()
		rec, line, err := readCSV(cr)
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return err
		}
		if n%checkpointEvery == 0 {
			if n%(checkpointEvery*64) == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			sc.checkpoints = append(sc.checkpoints, checkpoint{off: off, line: line, row: n})
		}
		if invalidUTF8Fields(rec) {
			return fmt.Errorf("not UTF-8 text (line %d): save the file as \"CSV UTF-8\"", line)
		}
		if err != nil {
			st.problem(line, csvErrMsg(err))
		}
		st.row(line, rec, true)
		n++
	}
	t.RowCount = n
	return nil
}

func invalidUTF8Fields(rec []string) bool {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return true
		}
	}
	return false
}

// XLSX.

func openXLSX(r io.Reader) (*excelize.File, *excelize.Rows, error) {
	x, err := excelize.OpenReader(r, excelize.Options{ShortDatePattern: "yyyy-mm-dd"})
	if err != nil {
		return nil, nil, fmt.Errorf("not a readable .xlsx file: %v", err)
	}
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		_ = x.Close()
		return nil, nil, errors.New("the workbook has no sheet")
	}
	rows, err := x.Rows(sheets[0])
	if err != nil {
		_ = x.Close()
		return nil, nil, fmt.Errorf("sheet %q: %v", sheets[0], err)
	}
	return x, rows, nil
}

func emptyRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func scanXLSX(ctx context.Context, r io.Reader, t *Table, _ *tableScan, st *scanState) error {
	x, rows, err := openXLSX(r)
	if err != nil {
		return err
	}
	defer x.Close()
	defer rows.Close()
	line, n, header := 0, 0, false
	for rows.Next() {
		line++
		cells, err := rows.Columns()
		if err != nil {
			return fmt.Errorf("row %d: %v", line, err)
		}
		if emptyRow(cells) {
			continue
		}
		if !header {
			st.setHeader(t.File, cells)
			header = true
			continue
		}
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		st.row(line, cells, false)
		n++
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("row %d: %v", line, err)
	}
	if !header {
		return errors.New("no header row: the first sheet is empty")
	}
	t.RowCount = n
	return nil
}

// Reading.

// open opens the table file and checks that it is the file Load scanned.
func (t *Table) open() (fs.File, error) {
	if t.src.fsys == nil || t.src.scan == nil {
		return nil, fmt.Errorf("content: table %s was not loaded", t.File)
	}
	f, err := t.src.fsys.Open(t.File)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("content: open table %s: %w", t.File, ErrStale)
		}
		return nil, fmt.Errorf("content: open table %s: %w", t.File, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("content: stat table %s: %w", t.File, err)
	}
	if info.Size() != t.Size || !info.ModTime().Equal(t.ModTime) {
		f.Close()
		return nil, fmt.Errorf("content: table %s: %w", t.File, ErrStale)
	}
	return f, nil
}

// Open returns the original bytes of the table file, for download. The error wraps
// ErrStale when the file changed since Load, or is the error of opening it.
func (t *Table) Open() (io.ReadCloser, error) {
	f, err := t.open()
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Each calls fn with every row in file order. It stops at the first error of fn and
// returns it unwrapped; it returns ctx.Err() if ctx ends, an error wrapping ErrStale
// if the file changed since Load, or a read error.
func (t *Table) Each(ctx context.Context, fn func(Row) error) error {
	return t.read(ctx, nil, func(idx, line int, _ int64, cells []string) error {
		return fn(t.makeRow(idx+1, line, cells))
	})
}

// Rows returns a page of rows: q.Limit rows (50 when <= 0) after q.Offset, in file
// order or sorted by column q.SortBy (numbers numerically, dates by time, text in
// Vietnamese order; empty and unparseable cells last). A page past the end is empty,
// not an error. Sorting the first time computes and caches the order of the rows, not
// the rows. The error wraps ErrStale if the file changed since Load; it is ctx.Err()
// if ctx ends, or a read error. SortBy out of range is an error.
func (t *Table) Rows(ctx context.Context, q RowQuery) ([]Row, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	if q.Offset >= t.RowCount {
		return []Row{}, nil
	}
	end := min(q.Offset+q.Limit, t.RowCount)
	var want []int
	if q.SortBy < 0 {
		if !q.Desc {
			want = make([]int, 0, end-q.Offset)
			for i := q.Offset; i < end; i++ {
				want = append(want, i)
			}
		} else {
			for i := q.Offset; i < end; i++ {
				want = append(want, t.RowCount-1-i)
			}
		}
	} else {
		if q.SortBy >= len(t.Columns) {
			return nil, fmt.Errorf("content: table %s: no column %d", t.File, q.SortBy)
		}
		pe, err := t.sortOrder(ctx, q.SortBy)
		if err != nil {
			return nil, err
		}
		for i := q.Offset; i < end; i++ {
			want = append(want, permAt(pe, i, q.Desc))
		}
	}
	sorted := append([]int(nil), want...)
	sort.Ints(sorted)
	got := make(map[int]Row, len(want))
	err := t.read(ctx, sorted, func(idx, line int, _ int64, cells []string) error {
		got[idx] = t.makeRow(idx+1, line, cells)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, len(want))
	for _, i := range want {
		if r, ok := got[i]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// permAt is the row index at position i of the order, ascending or descending; empty
// cells come last in both.
func permAt(pe *permEntry, i int, desc bool) int {
	if !desc || i >= pe.nValid {
		return int(pe.perm[i])
	}
	return int(pe.perm[pe.nValid-1-i])
}

// read calls fn for the rows at the ascending indexes in want (every row when want
// is nil), reading as little of the file as it can.
func (t *Table) read(ctx context.Context, want []int, fn func(idx, line int, off int64, cells []string) error) error {
	if want != nil && len(want) == 0 {
		return nil
	}
	if t.Format == "xlsx" {
		return t.readXLSX(ctx, want, fn)
	}
	return t.readCSV(ctx, want, fn)
}

type csvCursor struct {
	cr       *csv.Reader
	base     int64 // file offset the reader started at
	next     int   // index of the next row the reader returns
	lineBase int   // add to reader lines; set from the first row read
	known    bool  // lineBase is set
	line0    int   // file line of row `next` when the reader started
}

func (t *Table) readCSV(ctx context.Context, want []int, fn func(idx, line int, off int64, cells []string) error) error {
	f, err := t.open()
	if err != nil {
		return err
	}
	defer func() { f.Close() }()
	sc := t.src.scan
	pos := t.src.cache.positions()
	var cur csvCursor
	// start positions the reader at byte off, where row `row` starts on file line `line`.
	start := func(off int64, row, line, bufSize int) error {
		if s, ok := f.(io.Seeker); ok {
			if _, err := s.Seek(off, io.SeekStart); err != nil {
				return fmt.Errorf("content: read table %s: %w", t.File, err)
			}
		} else {
			// Not seekable: reopen and skip.
			f2, err := t.open()
			if err != nil {
				return err
			}
			f.Close()
			f = f2
			if _, err := io.CopyN(io.Discard, f2, off); err != nil {
				return fmt.Errorf("content: read table %s: %w", t.File, err)
			}
		}
		cur = csvCursor{cr: newCSV(bufio.NewReaderSize(f, bufSize), t.Comma), base: off, next: row, line0: line}
		return nil
	}
	seek := func(target int) error {
		if pos != nil && target < len(pos) {
			// Exact position known from a sort pass: read from the row itself.
			return start(pos[target].off, target, int(pos[target].line), 4<<10)
		}
		cpi := min(target/checkpointEvery, len(sc.checkpoints)-1)
		if cpi < 0 {
			return io.EOF
		}
		cp := sc.checkpoints[cpi]
		return start(cp.off, cp.row, cp.line, 32<<10)
	}
	emit := func(target int, all bool) error {
		for cur.next <= target || all {
			off := cur.base + cur.cr.InputOffset()
			rec, line, err := readCSV(cur.cr)
			if err == io.EOF {
				if all {
					return nil
				}
				return fmt.Errorf("content: table %s: row %d: %w", t.File, target+1, ErrStale)
			}
			var pe *csv.ParseError
			if err != nil && !errors.As(err, &pe) {
				return fmt.Errorf("content: read table %s: %w", t.File, err)
			}
			if !cur.known {
				cur.lineBase, cur.known = cur.line0-line, true
			}
			idx := cur.next
			cur.next++
			if idx%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if all || idx == target {
				if err := fn(idx, line+cur.lineBase, off, rec); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if want == nil {
		if len(sc.checkpoints) == 0 {
			return nil
		}
		if err := seek(0); err != nil {
			return err
		}
		return emit(0, true)
	}
	for _, target := range want {
		if target < 0 || target >= t.RowCount {
			continue
		}
		// Seek when the target is behind us, or ahead beyond what reading on costs.
		if cur.cr == nil || target < cur.next ||
			(pos != nil && target > cur.next+8) ||
			(pos == nil && target/checkpointEvery > cur.next/checkpointEvery) {
			if err := seek(target); err != nil {
				return err
			}
		}
		if err := emit(target, false); err != nil {
			return err
		}
	}
	return nil
}

func (t *Table) readXLSX(ctx context.Context, want []int, fn func(idx, line int, off int64, cells []string) error) error {
	f, err := t.open()
	if err != nil {
		return err
	}
	defer f.Close()
	x, rows, err := openXLSX(f)
	if err != nil {
		return fmt.Errorf("content: read table %s: %w", t.File, err)
	}
	defer x.Close()
	defer rows.Close()
	line, idx, header, wi := 0, 0, false, 0
	for rows.Next() {
		line++
		if want != nil && wi >= len(want) {
			return nil
		}
		cells, err := rows.Columns()
		if err != nil {
			return fmt.Errorf("content: read table %s: row %d: %w", t.File, line, err)
		}
		if emptyRow(cells) {
			continue
		}
		if !header {
			header = true
			continue
		}
		if idx%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if want == nil {
			if err := fn(idx, line, -1, cells); err != nil {
				return err
			}
		} else {
			for wi < len(want) && want[wi] < idx {
				wi++
			}
			if wi < len(want) && want[wi] == idx {
				if err := fn(idx, line, -1, cells); err != nil {
					return err
				}
				wi++
			}
		}
		idx++
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("content: read table %s: %w", t.File, err)
	}
	return nil
}

// Sorting.

// sortOrder returns the cached order of rows by column col, computing it once;
// concurrent callers wait for the first.
func (t *Table) sortOrder(ctx context.Context, col int) (*permEntry, error) {
	c := t.src.cache
	c.mu.Lock()
	pe, ok := c.perms[col]
	if !ok {
		pe = &permEntry{done: make(chan struct{})}
		c.perms[col] = pe
		c.order = append(c.order, col)
		for len(c.order) > maxSortCache {
			delete(c.perms, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	if ok {
		select {
		case <-pe.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if pe.err != nil {
			return nil, pe.err
		}
		return pe, nil
	}
	pe.perm, pe.nValid, pe.err = t.buildOrder(ctx, col)
	if pe.err != nil {
		c.mu.Lock()
		if c.perms[col] == pe {
			delete(c.perms, col)
			for i, o := range c.order {
				if o == col {
					c.order = append(c.order[:i], c.order[i+1:]...)
					break
				}
			}
		}
		c.mu.Unlock()
	}
	close(pe.done)
	if pe.err != nil {
		return nil, pe.err
	}
	return pe, nil
}

func (t *Table) buildOrder(ctx context.Context, col int) ([]int32, int, error) {
	typ := t.Columns[col].Type
	n := t.RowCount
	valid := make([]bool, n)
	var nums []float64
	var keys [][]byte
	var cbuf collate.Buffer
	var coll *collate.Collator
	switch typ {
	case TypeInteger, TypeDecimal, TypeMoney, TypeDate:
		nums = make([]float64, n)
	default:
		keys = make([][]byte, n)
		coll = collate.New(language.Vietnamese)
	}
	var pos []rowPos
	if t.Format == "csv" && t.src.cache.positions() == nil {
		pos = make([]rowPos, n)
	}
	err := t.read(ctx, nil, func(idx, line int, off int64, cells []string) error {
		if idx < len(pos) {
			pos[idx] = rowPos{off: off, line: int32(line)}
		}
		if idx >= n || col >= len(cells) {
			return nil
		}
		v := t.value(col, cleanString(cells[col]))
		if !v.OK || strings.TrimSpace(v.Raw) == "" {
			return nil
		}
		valid[idx] = true
		switch {
		case keys != nil:
			keys[idx] = coll.KeyFromString(&cbuf, strings.TrimSpace(v.Raw))
		case typ == TypeDate:
			nums[idx] = float64(v.Time.Unix())
		default:
			nums[idx] = v.Num
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if pos != nil {
		t.src.cache.setPositions(pos)
	}
	perm := make([]int32, 0, n)
	var invalid []int32
	for i := 0; i < n; i++ {
		if valid[i] {
			perm = append(perm, int32(i))
		} else {
			invalid = append(invalid, int32(i))
		}
	}
	nValid := len(perm)
	sort.SliceStable(perm, func(a, b int) bool {
		i, j := perm[a], perm[b]
		if keys != nil {
			return bytes.Compare(keys[i], keys[j]) < 0
		}
		x, y := nums[i], nums[j]
		if math.IsNaN(x) || math.IsNaN(y) {
			return !math.IsNaN(x) && math.IsNaN(y)
		}
		return x < y
	})
	return append(perm, invalid...), nValid, nil
}

// hashFile returns the hex sha256 of a file.
func hashFile(fsys fs.FS, p string) (string, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hexSum(h), nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
