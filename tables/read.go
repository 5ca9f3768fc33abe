package tables

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/congkhai/congkhai/msg"
)

// Read reads every table of a file: the sheets of a workbook (XLSX, XLS, ODS) or the
// one table of a CSV file, whole, within opts.Limits. name is the file's name or
// path: its extension announces the format (the bytes are checked) and it names the
// file in errors.
//
// The error is an *Error when the file is refused; it wraps ErrLimit when a limit was
// exceeded, ErrUnreadable when the file is not a readable table. A panic inside a
// reader is recovered and reported as ErrUnreadable. It is ctx.Err() when ctx ends.
func Read(ctx context.Context, name string, r io.ReaderAt, size int64, opts Options) (wb *Workbook, err error) {
	lim := opts.Limits.withDefaults()
	defer func() {
		if p := recover(); p != nil {
			wb, err = nil, &Error{File: name, Msg: msg.New("the file could not be read (reader failure: %v); open it in Excel or LibreOffice and save it again as .xlsx", p), Err: ErrUnreadable}
		}
	}()
	if size > lim.MaxBytes {
		return nil, &Error{File: name, Msg: msg.New("the file has %d bytes (limit %d): split it into smaller files", size, lim.MaxBytes), Err: ErrLimit}
	}
	format, err := sniff(name, r, size)
	if err != nil {
		return nil, err
	}
	wb = &Workbook{Format: format}
	if format == CSV {
		t, err := readCSVTable(ctx, name, io.NewSectionReader(r, 0, size), opts)
		if err != nil {
			return nil, err
		}
		wb.Tables = []*Table{t}
		return wb, nil
	}
	st := &readState{lim: lim}
	var b book
	switch format {
	case XLSX:
		b, err = openXLSX(r, size, lim)
	case XLS:
		b, err = openXLS(r, size, lim)
	case ODS:
		b, err = openODS(r, size, st)
	}
	if err != nil {
		return nil, refusal(name, format, err)
	}
	infos := b.list()
	type pick struct {
		i    int
		name string
		decl Declared
	}
	var picks []pick
	skippedAt := map[string]int{} // sheet → position, to list skipped sheets in workbook order
	for i, in := range infos {
		skippedAt[in.name] = i
	}
	defer func() {
		if wb != nil {
			sort.SliceStable(wb.Skipped, func(i, j int) bool { return skippedAt[wb.Skipped[i].Sheet] < skippedAt[wb.Skipped[j].Sheet] })
		}
	}()
	if len(opts.Sheets) > 0 {
		for _, so := range opts.Sheets {
			i := findSheet(infos, so.Sheet)
			if i < 0 {
				var names []string
				for _, in := range infos {
					names = append(names, fmt.Sprintf("%q", in.name))
				}
				return nil, &Error{File: name, Msg: msg.New("no sheet %q; the workbook has %s", so.Sheet, strings.Join(names, ", ")), Err: ErrNoSheet}
			}
			n := so.Name
			if n == "" {
				n = strings.TrimSpace(infos[i].name)
			}
			picks = append(picks, pick{i, n, so.Declared})
		}
	} else {
		for i, in := range infos {
			switch {
			case in.notCells:
				wb.Skipped = append(wb.Skipped, Skipped{Sheet: in.name, Reason: "not a worksheet"})
			case in.hidden:
				wb.Skipped = append(wb.Skipped, Skipped{Sheet: in.name, Reason: "hidden"})
			case excluded(opts.Exclude, in.name):
				wb.Skipped = append(wb.Skipped, Skipped{Sheet: in.name, Reason: "excluded"})
			default:
				picks = append(picks, pick{i, strings.TrimSpace(in.name), opts.Declared})
			}
		}
	}
	for _, p := range picks {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sh, err := b.read(p.i, st)
		if err != nil {
			return nil, refusal(name, format, err)
		}
		if sh.notCells || sh.isEmpty() {
			reason := "empty"
			if sh.notCells {
				reason = "not a worksheet"
			}
			wb.Skipped = append(wb.Skipped, Skipped{Sheet: infos[p.i].name, Reason: reason})
			continue
		}
		t := buildTable(sh, p.decl, opts, lim)
		t.Name, t.Sheet = p.name, infos[p.i].name
		if len(t.Columns) == 0 || t.HeaderRows == 0 && t.Title == "" && len(t.Rows) <= 1 && len(p.decl.asked()) == 0 {
			// Nothing, or a stray value far from anything (a scratch sheet).
			wb.Skipped = append(wb.Skipped, Skipped{Sheet: infos[p.i].name, Reason: "empty"})
			continue
		}
		wb.Tables = append(wb.Tables, t)
	}
	return wb, nil
}

// ErrNoSheet is wrapped by the error of Read when Options.Sheets names a sheet the
// workbook does not have.
var ErrNoSheet = errors.New("tables: no such sheet")

func findSheet(infos []sheetInfo, name string) int {
	for i, in := range infos {
		if in.name == name {
			return i
		}
	}
	for i, in := range infos {
		if fold(strings.TrimSpace(in.name)) == fold(strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

func excluded(list []string, name string) bool {
	for _, e := range list {
		if e == name || fold(strings.TrimSpace(e)) == fold(strings.TrimSpace(name)) {
			return true
		}
	}
	return false
}

// refusal turns a reader's error into an *Error that names the file and says what
// to do.
func refusal(name string, f Format, err error) error {
	var le *limitError
	if errors.As(err, &le) {
		return &Error{File: name, Msg: msg.New("%v: the file is too large or malformed to publish; split it or save it again", le.msg), Err: ErrLimit}
	}
	var fe *formatError
	if errors.As(err, &fe) {
		m := fe.msg
		if s := m.String(); !strings.Contains(s, "save it") && !strings.Contains(s, "name it") {
			m = msg.New("%v; open it in Excel or LibreOffice and save it again as .xlsx (it was read as .%s)", m, f)
		}
		return &Error{File: name, Msg: m, Err: ErrUnreadable}
	}
	return &Error{File: name, Msg: msg.New("%v", err), Err: err}
}

var (
	magicZip = []byte("PK\x03\x04")
	magicCFB = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// sniff checks the first bytes against the format the name announces.
func sniff(name string, r io.ReaderAt, size int64) (Format, error) {
	f, ok := FormatOf(name)
	if !ok {
		return "", &Error{File: name, Msg: msg.New("not a table file: publish tables as .csv, .xlsx, .xls or .ods"), Err: ErrUnreadable}
	}
	head := make([]byte, 512)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	if n == 0 {
		return "", &Error{File: name, Msg: msg.New("the file is empty (0 bytes)"), Err: ErrUnreadable}
	}
	isZip, isCFB := bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, magicCFB)
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	switch f {
	case XLSX, ODS:
		if isZip {
			return f, nil
		}
		if isCFB {
			if f == XLSX {
				// An encrypted .xlsx is a compound file too; openXLS tells them apart.
				return XLS, nil
			}
			return XLS, nil
		}
	case XLS:
		if isCFB {
			return XLS, nil
		}
		if isZip {
			return XLSX, nil // an .xlsx named .xls: read it as what it is
		}
		if bytes.HasPrefix(bytes.ToLower(trimmed), []byte("<")) {
			return "", &Error{File: name, Msg: msg.New("an HTML or XML page named .xls (a web export), not an Excel workbook: open it in Excel or LibreOffice and save it as .xlsx"), Err: ErrUnreadable}
		}
		return "", &Error{File: name, Msg: msg.New("not an Excel 97–2003 workbook: open it in Excel or LibreOffice and save it as .xlsx"), Err: ErrUnreadable}
	case CSV:
		if isZip || isCFB {
			return "", &Error{File: name, Msg: msg.New("a spreadsheet named .csv: name it .xlsx or .xls, or save it as \"CSV UTF-8\""), Err: ErrUnreadable}
		}
		return CSV, nil
	}
	return "", &Error{File: name, Msg: msg.New("not a readable .%s file (no %s signature): save it again as .xlsx", f, f), Err: ErrUnreadable}
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// buildTable detects a sheet's layout and reads its rows.
func buildTable(sh *sheet, decl Declared, opts Options, lim Limits) *Table {
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	det := detect(sh, decl, lim, opts.KeepHidden)
	t := &Table{Layout: det.layout}
	l := &t.Layout
	var views []rowView
	var lines []int
	for r := det.dataRow; r < len(sh.rows); r++ {
		if !opts.KeepHidden && sh.hiddenRows[r] {
			continue
		}
		v, ok := viewOf(sh.rows[r], det.cols)
		if !ok {
			continue
		}
		views = append(views, v)
		lines = append(lines, r+1)
	}
	cls := analyzeBody(l, views[:min(len(views), lim.HeadRows)])
	typer := newColumnTyper(len(l.Columns), loc)
	type kept struct {
		v  rowView
		cl classified
		ln int
	}
	var rows []kept
	for i, v := range views {
		cl := cls.classify(v)
		if cl.skip {
			continue
		}
		if cl.note != "" {
			t.Notes = append(t.Notes, Note{Kind: cl.note, Line: lines[i], Text: cl.text})
			continue
		}
		typer.add(v, lines[i])
		rows = append(rows, kept{v, cl, lines[i]})
	}
	t.Problems = typer.apply(l, decl)
	if sh.vni > 0 {
		t.Problems = append(t.Problems, Problem{Msg: msg.New(
			"%d cell(s) are typed in a VNI font and stay unreadable: convert the workbook to Unicode (Unikey's converter, VNI Windows → Unicode) and save it again", sh.vni)})
	}
	t.Rows = make([]Row, len(rows))
	for i, k := range rows {
		t.Rows[i] = makeRow(k.v, k.cl, k.ln, l, sh.date1904, loc)
	}
	return t
}

func makeRow(v rowView, cl classified, line int, l *Layout, date1904 bool, loc *time.Location) Row {
	row := Row{Line: line, Role: cl.role, Level: cl.level, Marker: cl.marker, Label: cl.label, Bold: cl.bold, Cells: make([]Cell, len(l.Columns))}
	for i := range l.Columns {
		if i < len(v.cells) {
			row.Cells[i] = makeCell(v.cells[i], &l.Columns[i], date1904, loc)
		}
	}
	return row
}

// viewOf picks a row's cells in the layout's column order; ok is false for a row
// without values.
func viewOf(row []xcell, cols []int) (rowView, bool) {
	v := rowView{cells: make([]*xcell, len(cols))}
	any := false
	for i, c := range cols {
		if c < len(row) && !row[c].empty() {
			v.cells[i] = &row[c]
			any = true
		}
	}
	return v, any
}

// analyzeBody finds the marker and label columns and whether bold marks groups, from
// the first data rows, and returns the classifier for the table.
func analyzeBody(l *Layout, head []rowView) *classifier {
	l.MarkerColumn = -1
	n := len(l.Columns)
	type colStat struct{ filled, text, markers, num int }
	stats := make([]colStat, n)
	fills := make([]int, 0, len(head))
	for _, v := range head {
		filled := 0
		for i, x := range v.cells {
			if x == nil {
				continue
			}
			filled++
			s := &stats[i]
			s.filled++
			if isNumeric(x) {
				s.num++
				if tn, ok := x.textNum(); ok && tn.lead0 {
					continue
				}
			} else {
				s.text++
			}
			if k, _ := markerOf(cellText(x), 0); k != mkNone {
				s.markers++
			}
		}
		fills = append(fills, filled)
	}
	if n > 0 {
		h := fold(l.Columns[0].Name)
		empty := len(l.Columns[0].Path) == 0
		if stt[h] || empty && stats[0].filled >= 2 && stats[0].markers*10 >= stats[0].filled*6 {
			l.MarkerColumn = 0
		}
	}
	start := 0
	if l.MarkerColumn == 0 {
		start = 1
	}
	l.LabelColumns = nil
	for i := start; i < n; i++ {
		s := stats[i]
		if s.filled > 0 && s.text*2 >= s.filled {
			l.LabelColumns = append(l.LabelColumns, i)
			// A second label column: totals one column left of their parts.
			if i+1 < n {
				s2 := stats[i+1]
				if s2.filled > 0 && s2.text*2 >= s2.filled && (len(l.Columns[i].Path) == 0 || len(l.Columns[i+1].Path) == 0) {
					both := 0
					for _, v := range head {
						if v.cells[i] != nil && v.cells[i+1] != nil {
							both++
						}
					}
					if both*10 <= s.filled+s2.filled {
						l.LabelColumns = append(l.LabelColumns, i+1)
					}
				}
			}
			break
		}
		if s.filled > 0 {
			break // a numeric column first: no label column
		}
	}
	// Bold marks groups when some, not most, labelled rows are bold.
	bold, labelled := 0, 0
	for _, v := range head {
		for _, k := range l.LabelColumns {
			if x := v.cells[k]; x != nil {
				labelled++
				if x.bold {
					bold++
				}
				break
			}
		}
	}
	l.BoldRows = bold > 0 && bold*2 <= labelled
	if len(fills) > 0 {
		s := append([]int(nil), fills...)
		sort.Ints(s)
		l.SectionRows = s[len(s)/2] >= 3
	}
	c := newClassifier(l)
	l.Width = 0
	for _, col := range l.Columns {
		l.Width = max(l.Width, col.Index+1)
	}
	return c
}

// asked lists what the publisher declared about a table: a declared table is
// never skipped as a scratch sheet.
func (d Declared) asked() []string {
	var out []string
	if d.SkipRows != nil {
		out = append(out, "skip_rows")
	}
	if d.HeaderRows != nil {
		out = append(out, "header_rows")
	}
	return out
}
