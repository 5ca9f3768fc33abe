package content

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// maxRowProblems bounds the row problems reported per table.
const maxRowProblems = 20

type numStyle uint8

const (
	styleVN numStyle = iota // 1.234.567,5
	styleEN                 // 1234567.5
)

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
		ModTime: modTime.In(calendar.Location),
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

func pathBase(p string) string { return path.Base(p) }
func pathExt(p string) string  { return path.Ext(p) }
