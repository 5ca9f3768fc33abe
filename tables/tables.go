package tables

import (
	"errors"
	"path"
	"strings"
	"time"

	"github.com/congkhai/congkhai/msg"
)

// Format is a table file format.
type Format string

// The formats read.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	XLS  Format = "xls" // Excel 97–2003 (BIFF8)
	ODS  Format = "ods" // OpenDocument spreadsheet
)

// FormatOf returns the format a file name's extension announces; ok is false for
// other extensions. Read checks the bytes as well.
func FormatOf(name string) (f Format, ok bool) {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return CSV, true
	case ".xlsx", ".xlsm":
		return XLSX, true
	case ".xls":
		return XLS, true
	case ".ods":
		return ODS, true
	}
	return "", false
}

// Type is the type of a column's values.
type Type string

// The column types.
const (
	Text    Type = "text"
	Integer Type = "integer"
	Decimal Type = "decimal"
	Money   Type = "money"   // an amount with a money unit (Column.Unit: "triệu đồng", "1.000 đồng/m2")
	Percent Type = "percent" // Cell.Num in percent points: 12.5 for 12,5 %
	Date    Type = "date"
	Code    Type = "code" // identifiers that look like numbers but are text: "00004", "79/2024/QĐ-UBND"
)

// Numeric reports whether cells of the type carry Cell.Num.
func (t Type) Numeric() bool {
	return t == Integer || t == Decimal || t == Money || t == Percent
}

// NumberStyle is how numbers are written in text cells and CSV fields.
type NumberStyle string

// The number styles. StyleAuto decides per column from the values that read only
// one way.
const (
	StyleAuto NumberStyle = ""
	StyleVI   NumberStyle = "vi" // 1.234.567,5
	StyleEN   NumberStyle = "en" // 1,234,567.5
)

// Role is what a row is in its table.
type Role string

// The row roles. Rows that are not RoleData are left out of sorting and of sums.
const (
	RoleData     Role = "data"
	RoleGroup    Role = "group"    // a heading for the rows under it, without numbers ("I. MIỀN NÚI PHÍA BẮC", "Trong đó:")
	RoleSubtotal Role = "subtotal" // a group row with numbers, or "Cộng"
	RoleTotal    Role = "total"    // "Tổng số", "Tổng cộng", "Toàn quốc"
)

// NoteKind tells footnotes from signature blocks.
type NoteKind string

// The note kinds.
const (
	NoteFootnote  NoteKind = "note"      // "Ghi chú: …", "(1) …", "* …", "Số tiền bằng chữ: …"
	NoteSignature NoteKind = "signature" // "Người lập biểu", "KT. CHỦ TỊCH", "…, ngày … tháng … năm …"
)

// Declared is what the publisher declares about a table when detection is wrong
// (index.md's skip_rows, header_rows, unit, numbers). A nil or empty field is
// detected.
type Declared struct {
	// SkipRows is the number of rows above the header band (titles, unit caption,
	// empty rows), counted from the first row of the sheet or file.
	SkipRows *int
	// HeaderRows is the number of header rows, the column-number row excluded; 0 means
	// the table has no header (columns are named "Cột 1", "Cột 2", …).
	HeaderRows *int
	// Unit is the unit of the numeric columns that have none in their heading.
	Unit string
	// Numbers is how numbers are written in text cells and CSV fields.
	Numbers NumberStyle
}

// SheetOptions selects one sheet of a workbook, names its table and declares its
// layout.
type SheetOptions struct {
	Sheet string // the sheet's name in the workbook
	Name  string // the table's name; the sheet name when empty
	Declared
}

// Options tell Read and NewStream what to read and how.
type Options struct {
	// Sheets, when not empty, lists the sheets to read, in order (hidden ones
	// included when named). When empty, every visible, non-empty sheet is read in
	// workbook order.
	Sheets []SheetOptions
	// Exclude names sheets to leave out when Sheets is empty.
	Exclude []string
	// Declared applies to a CSV file and to the sheets Sheets does not name.
	Declared Declared
	// Comma is the CSV separator; 0 detects ',', ';' or tab from the first lines.
	Comma rune
	// KeepHidden keeps hidden rows and columns of a sheet; by default they are left
	// out and reported as a guess.
	KeepHidden bool
	// Location is the time zone of dates; UTC when nil.
	Location *time.Location
	// Limits bound what a file may make the reader hold; zero fields take the
	// defaults of DefaultLimits.
	Limits Limits
}

// Limits bound the resources one file may take. A file beyond a limit is refused
// with an error wrapping ErrLimit.
type Limits struct {
	MaxBytes        int64 // size of a workbook file (200 MB)
	MaxUnzipped     int64 // XLSX/ODS: bytes inflated from the archive, all parts (512 MB)
	MaxPart         int64 // XLSX/ODS: bytes inflated from one part: a sheet, the shared strings (128 MB)
	MaxSheets       int   // sheets in a workbook (256)
	MaxColumns      int   // columns of one sheet or CSV record (1,000)
	MaxCells        int   // non-empty cells held from a workbook, all sheets, or from a CSV file Read whole (2,000,000)
	MaxStrings      int64 // bytes of text in a workbook: shared strings and cells (64 MB)
	MaxCellBytes    int   // bytes of one cell (64 KB; longer is refused)
	MaxMerges       int   // merged ranges of one sheet (100,000)
	MaxRecordBytes  int   // CSV: bytes of one record (1 MB)
	MaxRowsExpanded int   // ODS: rows one repeated row element may stand for when it holds values (100,000)
	HeadRows        int   // rows read to detect a layout (200)
}

// DefaultLimits returns the limits used for zero fields. They hold the largest
// workbooks agencies publish (a few hundred thousand cells) and keep a hostile file
// under about 200 MB of memory.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:        200 << 20,
		MaxUnzipped:     512 << 20,
		MaxPart:         128 << 20,
		MaxSheets:       256,
		MaxColumns:      1000,
		MaxCells:        2_000_000,
		MaxStrings:      64 << 20,
		MaxCellBytes:    64 << 10,
		MaxMerges:       100_000,
		MaxRecordBytes:  1 << 20,
		MaxRowsExpanded: 100_000,
		HeadRows:        200,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxUnzipped > 0 {
		d.MaxUnzipped = l.MaxUnzipped
	}
	if l.MaxPart > 0 {
		d.MaxPart = l.MaxPart
	}
	if l.MaxSheets > 0 {
		d.MaxSheets = l.MaxSheets
	}
	if l.MaxColumns > 0 {
		d.MaxColumns = l.MaxColumns
	}
	if l.MaxCells > 0 {
		d.MaxCells = l.MaxCells
	}
	if l.MaxStrings > 0 {
		d.MaxStrings = l.MaxStrings
	}
	if l.MaxCellBytes > 0 {
		d.MaxCellBytes = l.MaxCellBytes
	}
	if l.MaxMerges > 0 {
		d.MaxMerges = l.MaxMerges
	}
	if l.MaxRecordBytes > 0 {
		d.MaxRecordBytes = l.MaxRecordBytes
	}
	if l.MaxRowsExpanded > 0 {
		d.MaxRowsExpanded = l.MaxRowsExpanded
	}
	if l.HeadRows > 0 {
		d.HeadRows = l.HeadRows
	}
	return d
}

// Workbook is what Read found in a file: its tables and the sheets it left out.
type Workbook struct {
	Format  Format
	Tables  []*Table
	Skipped []Skipped
}

// Skipped is a sheet Read left out and why ("hidden", "empty", "excluded", "not a
// worksheet").
type Skipped struct {
	Sheet  string
	Reason string
}

// Table is one table: a sheet of a workbook, or a CSV file.
type Table struct {
	Name  string // the sheet name, or the name declared in Options.Sheets; "" for CSV
	Sheet string // the sheet's name in the workbook; "" for CSV
	Layout
	Rows     []Row // every row below the header but notes, in file order
	Notes    []Note
	Problems []Problem
}

// Layout is how a table is laid out: its title band, header and columns. A Stream's
// Layout is what Resume needs to read on from a Checkpoint; every field is exported
// so it can be stored (gob, JSON) with the checkpoints.
type Layout struct {
	Title      string // the title rows, joined by " — " ("BẢNG GIÁ ĐẤT Ở QUẬN 1 — (Ban hành theo …)")
	Unit       string // the unit caption ("1.000 đồng/m2"), declared or found; "" when none
	SkipRows   int    // rows above the header band (titles, unit caption, empty rows)
	HeaderRows int    // header rows, the column-number row excluded
	NumberRow  int    // line of the column-number row ("1 | 2 | 3=1+2") that was dropped; 0 when none
	DataLine   int    // line of the first row below the header
	Columns    []Column
	Guesses    []Guess
	// MarkerColumn is the index in Columns of the numbering column (STT), or -1.
	MarkerColumn int
	// LabelColumns are the indexes in Columns of the columns holding a row's label,
	// the first one first (two when totals are written one column left of their
	// parts).
	LabelColumns []int
	// BoldRows tells that bold marks group and total rows (a minority of rows are bold).
	BoldRows bool
	// SectionRows tells that a row holding only a label is a section heading (rows
	// usually fill three cells or more).
	SectionRows bool
	Comma       rune // CSV separator
	Width       int  // cells per record in the file (CSV), Columns' Index range
}

// Column is one column of a table.
type Column struct {
	Name   string   // the flattened heading ("Bổ sung từ NSTW cho NSĐP — Bổ sung có mục tiêu — Vốn ngoài nước"), or "Cột N"
	Path   []string // the heading's parts from the top header row down
	Number string   // the column's label in the column-number row ("3=1+2", "(5)"); "" when none
	Type   Type
	Unit   string      // from the heading ("(%)", "(ha)") or the unit caption it is governed by
	Format string      // the spreadsheet number format of its cells, as a hint ("#,##0.00")
	Places int         // decimal places the format shows; -1 when unknown
	Style  NumberStyle // how text numbers are written in it, when Type is numeric
	Index  int         // 0-based position in the sheet row or CSV record
}

// Row is a row of a table.
type Row struct {
	Line   int    // 1-based row number in the sheet, or line of the record's start in the CSV file
	Role   Role   // data, group, subtotal or total
	Level  int    // depth in the outline: 0 for totals and top groups, 1 under them, …
	Marker string // the outline numbering as written ("I", "1.1", "a", "-"); "" when none
	Label  string // the row's text: its first text cell, white space squashed
	Bold   bool   // its label is bold (workbooks)
	Cells  []Cell // one per Column
}

// Cell is a value of a row, typed by its column.
type Cell struct {
	// Raw is the value as text: a CSV field or text cell as written (NFC); a
	// spreadsheet number as its shortest exact form ("911100", "4.55"), a percent
	// as "12.5%", a date as "2006-01-02", an error as written ("#REF!").
	Raw  string
	Num  float64   // for numeric columns
	Time time.Time // for date columns
	OK   bool      // not empty, and read as the column's type
}

// Note is a footnote or signature line taken out of the data.
type Note struct {
	Kind NoteKind
	Line int
	Text string // the row's non-empty cells, joined by " "
}

// Guess is a layout decision made from the file rather than declared: the caller
// reports it once per table, with how to override it.
type Guess struct {
	Field      string   // the index.md key that overrides it: "skip_rows", "header_rows", "unit", "numbers", "keep_hidden"
	Value      string   // what was guessed ("2", "triệu đồng", "vi")
	Confidence float64  // 0–1: 0.9 and above is near certain, below 0.5 a fallback
	Reason     msg.Text // what it was guessed from
}

// Message is the guess as one sentence for a publisher.
func (g Guess) Message() msg.Text {
	return msg.New("guessed %s: %s (%v, confidence %.0f%%); declare %s in index.md to override",
		g.Field, g.Value, g.Reason, g.Confidence*100, g.Field)
}

// Problem is something wrong in the file's values: an ambiguous number, an error cell.
type Problem struct {
	Line   int    // 1-based; 0 when it concerns the whole table
	Column string // column name, "" when none
	Msg    msg.Text
}

// Text is the problem as one message, its line and column first.
func (p Problem) Text() msg.Text {
	t := p.Msg
	if p.Column != "" {
		t = msg.New("column %q: %v", p.Column, t)
	}
	if p.Line > 0 {
		t = msg.New("line %d: %v", p.Line, t)
	}
	return t
}

// String is the problem in English.
func (p Problem) String() string { return p.Text().String() }

// In is the problem in lang (msg.VI or msg.EN).
func (p Problem) In(lang string) string { return p.Text().In(lang) }

// ErrLimit is wrapped by the error of a file refused for exceeding a Limit.
var ErrLimit = errors.New("tables: file exceeds a limit")

// ErrUnreadable is wrapped by the error of a file that is not a readable table.
var ErrUnreadable = errors.New("tables: unreadable file")

// Error is a file refused. Its message names the file and says what to do.
type Error struct {
	File string
	Msg  msg.Text
	Err  error // ErrLimit, ErrUnreadable or a cause
}

// Error is the message in English.
func (e *Error) Error() string { return e.In(msg.EN) }

// In is the message in lang (msg.VI or msg.EN), after the file's name.
func (e *Error) In(lang string) string {
	if e.File == "" {
		return e.Msg.In(lang)
	}
	return e.File + ": " + e.Msg.In(lang)
}

func (e *Error) Unwrap() error { return e.Err }

// limitError is raised inside readers and turned into an *Error naming the file.
type limitError struct{ msg msg.Text }

func (e *limitError) Error() string { return e.msg.String() }

func errLimit(format string, a ...any) error { return &limitError{msg.New(format, a...)} }

// formatError is a file that does not follow its format.
type formatError struct{ msg msg.Text }

func (e *formatError) Error() string { return e.msg.String() }

func errFormat(format string, a ...any) error { return &formatError{msg.New(format, a...)} }
