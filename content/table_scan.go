package content

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/msg"
	"github.com/congkhai/congkhai/tables"
)

// guessConfidence is the confidence below which a layout guess is reported: the
// reader was not sure, and the publisher should check the table or declare it.
const guessConfidence = 0.9

// declaredColumns maps headings to the columns declared in index.md.
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

// isTableFile reports whether a file of a dataset's folder is read as tables.
func isTableFile(name string) bool {
	_, ok := tables.FormatOf(name)
	return ok
}

// scanFile reads the table file f of a dataset into its tables: one for a CSV
// file, one per published sheet of a workbook, named, titled and typed, with their
// problems and guesses. A non-nil error means the file cannot be used at all; its
// message says why and what to do.
func scanFile(ctx context.Context, fsys fs.FS, f *File, fd fileDecls, cols declaredColumns) ([]*Table, []Problem, error) {
	if f.Size == 0 {
		return nil, nil, errors.New("the file is empty (0 bytes)")
	}
	format, _ := tables.FormatOf(f.Path)
	sig := cols.signature() + "\n" + fd.signature()
	var ts []*Table
	var ps []Problem
	var err error
	if format == tables.CSV {
		var t *Table
		t, ps, err = scanCSV(ctx, fsys, f, fd, cols)
		if t != nil {
			ts = []*Table{t}
		}
	} else {
		ts, ps, err = scanBook(ctx, fsys, f, fd, cols)
	}
	if err != nil {
		return nil, nil, tableError(err)
	}
	if len(ts) == 0 {
		ps = append(ps, Problem{Path: f.Path, Msg: msg.New("no sheet of the workbook holds a table to publish")})
	}
	nameTables(ts, f, fd)
	for _, t := range ts {
		t.src.scan = &tableScan{problems: ps, declSig: sig}
		t.src.cache = &sortCache{perms: map[permKey]*permEntry{}}
	}
	return ts, ps, nil
}

// tableError is the reader's error as a publisher reads it: *tables.Error
// names the file already, and the loader adds it again.
func tableError(err error) error {
	var te *tables.Error
	if errors.As(err, &te) {
		return msg.Errorf("%v", te.Msg)
	}
	return err
}

// scanCSV reads a CSV file to its end once: the layout, a checkpoint every
// checkpointEvery rows, the row count, notes, problems and the check of the
// declared column types.
func scanCSV(ctx context.Context, fsys fs.FS, f *File, fd fileDecls, cols declaredColumns) (*Table, []Problem, error) {
	fh, err := fsys.Open(f.Path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	h := sha256.New()
	opts := fd.readOptions(nil)
	opts.Location = calendar.Location
	s, err := tables.NewStream(ctx, f.Path, io.TeeReader(fh, h), opts)
	if err != nil {
		return nil, nil, err
	}
	cs := &csvSource{}
	var check *typeCheck
	n, structured := 0, false
	for s.Next() {
		if n%checkpointEvery == 0 {
			cs.Checkpoints = append(cs.Checkpoints, s.Checkpoint())
			if check == nil {
				check = newTypeCheck(s.Layout().Columns, cols)
			}
		}
		r := s.Row()
		structured = structured || r.Role != tables.RoleData || r.Level > 0
		check.row(r)
		n++
	}
	if err := s.Err(); err != nil {
		return nil, nil, err
	}
	// The hash covers the whole file, also what the reader did not need.
	if _, err := io.Copy(h, fh); err != nil {
		return nil, nil, err
	}
	cs.Layout = *s.Layout()
	t := newTable(f, "csv", "", &cs.Layout, cols)
	t.Hash = hexSum(h)
	t.RowCount, t.Structured, t.Comma = n, structured, cs.Layout.Comma
	t.Notes = notesOf(s.Notes())
	t.src = tableSource{fsys: fsys, csv: cs}
	ps := tableProblems(f.Path, "", s.Problems())
	ps = append(ps, guessProblems(f.Path, "", cs.Layout.Guesses)...)
	ps = append(ps, check.problems(f.Path, "")...)
	t.Guesses = guessMessages(cs.Layout.Guesses)
	return t, ps, nil
}

// scanBook reads every published sheet of a workbook, and keeps their rows.
func scanBook(ctx context.Context, fsys fs.FS, f *File, fd fileDecls, cols declaredColumns) ([]*Table, []Problem, error) {
	ra, closeFile, err := openReaderAt(fsys, f)
	if err != nil {
		return nil, nil, err
	}
	defer closeFile()
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(ra, 0, f.Size)); err != nil {
		return nil, nil, err
	}
	opts := fd.readOptions(nil)
	opts.Location = calendar.Location
	wb, err := tables.Read(ctx, f.Path, ra, f.Size, opts)
	if err == nil && fd.perSheetLayout() && (fd.file == nil || len(fd.file.Sheets) == 0) {
		// Sheets declared one by one: the reader takes a sheet's own layout for
		// the sheets it is told to read by name, so it reads them all again,
		// named in the order of the first read.
		var visible []string
		for _, t := range wb.Tables {
			visible = append(visible, t.Sheet)
		}
		opts = fd.readOptions(visible)
		opts.Location = calendar.Location
		wb, err = tables.Read(ctx, f.Path, ra, f.Size, opts)
	}
	if err != nil {
		return nil, nil, err
	}
	format := strings.TrimPrefix(strings.ToLower(path.Ext(f.Path)), ".")
	if format == "xlsm" {
		format = "xlsx"
	}
	sum := hexSum(h)
	var ts []*Table
	var ps []Problem
	for _, sk := range wb.Skipped {
		m := msg.New("sheet %q is not published: %v", sk.Sheet, skipReason(sk.Reason))
		if sk.Reason == "hidden" {
			m = msg.New("%v (to publish it, list it in index.md: tables: - file: %q, sheets: [...])", m, path.Base(f.Path))
		}
		ps = append(ps, Problem{Path: f.Path, Msg: m, Guess: sk.Reason == "hidden"})
	}
	for _, bt := range wb.Tables {
		t := newTable(f, format, bt.Sheet, &bt.Layout, cols)
		t.Hash = sum
		t.Notes = notesOf(bt.Notes)
		t.Guesses = guessMessages(bt.Guesses)
		check := newTypeCheck(bt.Columns, cols)
		rows := &bookRows{}
		for i, r := range bt.Rows {
			t.Structured = t.Structured || r.Role != tables.RoleData || r.Level > 0
			check.row(r)
			row := Row{N: i + 1, Line: r.Line, Role: RowRole(r.Role), Level: r.Level, Label: r.Label, Cells: make([]Value, len(t.Columns))}
			for k := range row.Cells {
				if k < len(r.Cells) {
					row.Cells[k] = value(t.Columns[k], bt.Columns[k].Type, bt.Columns[k].Style, r.Cells[k])
				}
			}
			if err := rows.add(row); err != nil {
				return nil, nil, err
			}
		}
		t.RowCount = len(bt.Rows)
		t.src = tableSource{fsys: fsys, book: rows}
		ps = append(ps, tableProblems(f.Path, bt.Sheet, bt.Problems)...)
		ps = append(ps, guessProblems(f.Path, bt.Sheet, bt.Guesses)...)
		ps = append(ps, check.problems(f.Path, bt.Sheet)...)
		ts = append(ts, t)
	}
	return ts, ps, nil
}

// openReaderAt opens a workbook for reading at offsets: the file itself when it
// can, else its bytes, read within the reader's size limit.
func openReaderAt(fsys fs.FS, f *File) (io.ReaderAt, func(), error) {
	if lim := tables.DefaultLimits().MaxBytes; f.Size > lim {
		return nil, nil, msg.Errorf("the workbook is %d MB, more than %d MB: split it, or publish its tables as CSV", f.Size>>20, lim>>20)
	}
	fh, err := fsys.Open(f.Path)
	if err != nil {
		return nil, nil, err
	}
	if ra, ok := fh.(io.ReaderAt); ok {
		return ra, func() { fh.Close() }, nil
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, f.Size+1))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(b)) != f.Size {
		return nil, nil, fmt.Errorf("content: table %s: %w", f.Path, ErrStale)
	}
	return bytes.NewReader(b), func() {}, nil
}

// newTable makes a table of a file from its layout: columns with their
// detected types, titles and units, overridden by the columns declared in
// index.md (matched by heading).
func newTable(f *File, format, sheet string, l *tables.Layout, cols declaredColumns) *Table {
	t := &Table{
		File: f.Path, Sheet: sheet, Format: format, Size: f.Size, ModTime: f.ModTime.In(calendar.Location),
		Unit: l.Unit, ID: f.Path, Title: l.Title, // the title rows; nameTables decides
	}
	if sheet != "" {
		t.ID = f.Path + "#" + sheet
	}
	t.LabelColumn, t.MarkerColumn = -1, l.MarkerColumn
	if len(l.LabelColumns) > 0 {
		t.LabelColumn = l.LabelColumns[0]
	}
	t.Columns = make([]Column, len(l.Columns))
	for i, c := range l.Columns {
		col := Column{Name: c.Name, Title: c.Name, Number: c.Number, Type: ColumnType(c.Type), Unit: c.Unit, Places: -1}
		if c.Format != "" {
			// A spreadsheet's number format shows a fixed number of decimals;
			// text shows each value's own.
			col.Places = c.Places
		}
		if len(c.Path) > 1 {
			col.Path = append([]string(nil), c.Path...)
		}
		if d, ok := cols[c.Name]; ok {
			if d.Type != "" {
				col.Type = d.Type
			}
			if d.Title != "" {
				col.Title = d.Title
			}
			if d.Unit != "" {
				col.Unit = d.Unit
			}
			col.Description = d.Description
		}
		t.Columns[i] = col
	}
	return t
}

// nameTables gives the tables of one file their names and titles: declared,
// else from the file name (and the sheet's, when the file has several tables)
// and the file's title rows.
func nameTables(ts []*Table, f *File, fd fileDecls) {
	base := strings.TrimSuffix(path.Base(f.Path), path.Ext(f.Path))
	slug := Slugify(base)
	if slug == "" {
		slug = "bang"
	}
	for _, t := range ts {
		var d *TableDecl
		if t.Sheet != "" {
			d = fd.sheets[t.Sheet]
		}
		if d == nil && len(ts) == 1 {
			d = fd.file
		}
		t.Name = slug
		if len(ts) > 1 {
			if s := Slugify(t.Sheet); s != "" {
				t.Name = slug + "-" + s
			}
		}
		layoutTitle := t.Title
		switch {
		case d != nil && d.Title != "":
			t.Title = d.Title
		case len(ts) > 1:
			t.Title = t.Sheet
		case mainTitle(layoutTitle) != "":
			t.Title = mainTitle(layoutTitle)
		case t.Sheet != "" && !genericSheet(t.Sheet):
			t.Title = t.Sheet
		default:
			t.Title = base
		}
		if d != nil {
			if d.Name != "" {
				t.Name = d.Name
			}
			t.Chart = d.Chart
		}
	}
}

// mainTitle picks the title line of a table's title band (its rows joined by
// " — "): not the issuing agency and form number ("ỦY BAN NHÂN DÂN TỈNH …
// Biểu số 48/CK-NSNN", "Phụ lục 02") nor the decision it belongs to
// ("(Kèm theo Quyết định …)"), but the line saying what the table is
// ("DỰ TOÁN THU NGÂN SÁCH NHÀ NƯỚC NĂM 2026", "BẢNG GIÁ ĐẤT Ở QUẬN 1").
func mainTitle(band string) string {
	var best string
	for _, part := range strings.Split(band, " — ") {
		part = strings.TrimSpace(part)
		f := Fold(strings.ToLower(part))
		switch {
		case part == "", strings.HasPrefix(part, "("),
			strings.Contains(f, "bieu so"), strings.Contains(f, "mau so"), strings.HasPrefix(f, "phu luc"),
			strings.HasPrefix(f, "uy ban nhan dan"), strings.HasPrefix(f, "ubnd"), strings.HasPrefix(f, "bo "),
			strings.HasPrefix(f, "so "), strings.HasPrefix(f, "cuc "), strings.HasPrefix(f, "tong cuc"),
			strings.HasPrefix(f, "hoi dong nhan dan"), len(strings.Fields(part)) < 3:
			continue
		}
		if best == "" {
			best = part
		}
	}
	if best == "" {
		return strings.TrimSpace(band)
	}
	return best
}

// genericSheet reports a sheet name that says nothing ("Sheet1", "Trang tính1").
func genericSheet(s string) bool {
	f := Fold(strings.ToLower(strings.TrimSpace(s)))
	f = strings.TrimRight(f, "0123456789 ()")
	switch f {
	case "sheet", "trang tinh", "bang tinh", "sheet1":
		return true
	}
	return false
}

func notesOf(ns []tables.Note) []Note {
	var out []Note
	for _, n := range ns {
		out = append(out, Note{Signature: n.Kind == tables.NoteSignature, Line: n.Line, Text: n.Text})
	}
	return out
}

// skipReason is why the table reader left a sheet out (tables.Skipped.Reason),
// for a publisher.
func skipReason(r string) msg.Text {
	switch r {
	case "hidden":
		return msg.New("hidden")
	case "empty":
		return msg.New("empty")
	case "not a worksheet":
		return msg.New("not a worksheet")
	case "excluded":
		return msg.New("excluded")
	}
	return msg.New("%s", r)
}

// inSheet is t about a sheet of a workbook: t itself when sheet is "".
func inSheet(sheet string, t msg.Text) msg.Text {
	if sheet == "" {
		return t
	}
	return msg.New("sheet %q: %v", sheet, t)
}

func tableProblems(file, sheet string, in []tables.Problem) []Problem {
	var out []Problem
	for _, p := range in {
		m := p.Msg
		if p.Column != "" {
			m = msg.New("column %q: %v", p.Column, m)
		}
		out = append(out, Problem{Path: file, Line: p.Line, Msg: inSheet(sheet, m)})
	}
	return out
}

// guessProblems reports the guesses the reader was not sure of, once per table.
func guessProblems(file, sheet string, gs []tables.Guess) []Problem {
	var out []Problem
	for _, g := range gs {
		if g.Confidence < guessConfidence {
			out = append(out, Problem{Path: file, Msg: inSheet(sheet, g.Message()), Guess: true})
		}
	}
	return out
}

func guessMessages(gs []tables.Guess) []msg.Text {
	var out []msg.Text
	for _, g := range gs {
		out = append(out, g.Message())
	}
	return out
}

// typeCheck counts, per column declared in index.md with a type, the values that
// do not read as that type, to report them once per column.
type typeCheck struct {
	cols  []tables.Column
	decl  []ColumnType // by column; "" when not declared or declared as detected
	bad   []int
	first []msg.Text // the first bad value of each column, with its line
}

func newTypeCheck(cols []tables.Column, decl declaredColumns) *typeCheck {
	c := &typeCheck{cols: cols, decl: make([]ColumnType, len(cols)), bad: make([]int, len(cols)), first: make([]msg.Text, len(cols))}
	for i, col := range cols {
		if d, ok := decl[col.Name]; ok && d.Type != "" && d.Type != TypeText && d.Type != TypeCode && d.Type != ColumnType(col.Type) {
			c.decl[i] = d.Type
		}
	}
	return c
}

func (c *typeCheck) row(r tables.Row) {
	if c == nil {
		return
	}
	for i, typ := range c.decl {
		if typ == "" || i >= len(r.Cells) {
			continue
		}
		cell := r.Cells[i]
		if typ.Numeric() && c.cols[i].Type.Numeric() {
			continue
		}
		if strings.TrimSpace(cell.Raw) == "" || isEmptyCell(strings.TrimSpace(cell.Raw)) {
			continue
		}
		if v := typeText(typ, c.cols[i].Style, cell.Raw); !v.OK {
			if c.bad[i] == 0 {
				c.first[i] = msg.New("line %d: %q", r.Line, cell.Raw)
			}
			c.bad[i]++
		}
	}
}

func (c *typeCheck) problems(file, sheet string) []Problem {
	if c == nil {
		return nil
	}
	var out []Problem
	for i, typ := range c.decl {
		if c.bad[i] == 0 {
			continue
		}
		what, hint := msg.New("a number"), msg.New("write numbers as 1.234.567,5, or declare numbers: en in the table's entry (tables:) if the file writes 1,234,567.5")
		if typ == TypeDate {
			what, hint = msg.New("a date"), msg.New("write dates as 15/01/2025 or 2025-01-15")
		}
		count := msg.New("1 value is not %v", what)
		if c.bad[i] > 1 {
			count = msg.New("%d values are not %v", c.bad[i], what)
		}
		out = append(out, Problem{Path: file, Msg: inSheet(sheet, msg.New("column %q is declared %s: %v (first at %v): %v",
			c.cols[i].Name, typ, count, c.first[i], hint))})
	}
	return out
}
