// Package tables reads the spreadsheets agencies publish — official budget forms,
// land price workbooks, statistics — as typed tables: every sheet of an XLSX, XLS
// (Excel 97–2003) or ODS workbook, or a CSV file, with its title, unit, flattened
// headings, typed columns, and rows that know whether they are data, a group, a
// subtotal or a total, at which outline level.
//
// # Reading
//
// Read reads a whole file (every table of a workbook, or a CSV file) within
// Options.Limits. NewStream reads a CSV file row by row with memory independent of its
// length: it detects the layout on the first Limits.HeadRows records and classifies
// the rows one by one. A caller that pages through a large CSV file reads it to the
// end once, keeps the final Stream.Layout and a Checkpoint every so many rows, and
// later calls Resume at a checkpoint: the rows from there are typed by the final
// layout and classified as in the first pass (a checkpoint carries the open outline
// levels).
//
// The readers are this package's own: XLSX through archive/zip and a small XML
// scanner (excelize's row iterator reads the 50,000 rows of BenchmarkExcelizeRows
// half as fast without styles, and its per-cell style lookups are slower still), XLS
// through a BIFF8 record reader on github.com/richardlehane/mscfb (of the pure-Go XLS
// readers, github.com/extrame/xls panics on three of the four real .xls files of
// testdata/corpus and turns formatted numbers into dates; github.com/shakinm/xlsReader
// leaves compressed strings undecoded and reads neither merges, hidden sheets nor
// fonts), ODS through archive/zip and encoding/xml. A panic in a reader is recovered
// and reported as ErrUnreadable.
//
// # What is read
//
// Cell values, not display text: numbers, dates and formula results (the cached
// value) as values; the number format is a hint for percent (12.5 for 12,5 %),
// currency, date, decimal places and zero-padded codes. Text in the legacy TCVN3
// fonts (.VnTime, .VnArial) is decoded to Unicode, also when a string mixes both;
// text in VNI fonts is left as stored and reported as a problem.
//
// Numbers written as text (CSV fields, text cells) are read both ways: the
// Vietnamese way (1.234.567,5) and the English way (1,234,567.5). A column takes the
// style its unambiguous values show ("12,5", "1.234.567", "1,120,237,007"); a column
// with only ambiguous values ("911,100", "1.234") takes the file's style, else the
// declared one, else the Vietnamese one, with a Problem saying which convention to
// write and a Guess "numbers". "-", "..", "x" are empty.
//
// Every sheet: each non-empty, visible worksheet is a table named by its sheet name,
// in workbook order. Hidden sheets, chart sheets and empty sheets are left out and
// listed in Workbook.Skipped. Options.Sheets selects, orders and renames sheets (a
// hidden one when named); Options.Exclude leaves some out. Hidden rows and columns are
// left out (reported as a Guess "keep_hidden") unless Options.KeepHidden.
//
// # The header band
//
// From the top of a sheet:
//
//   - Title rows: one text cell alone (a merged title, "(Ban hành theo Quyết định
//     …)"), or two far apart from the left edge ("BỘ TÀI CHÍNH … Biểu số 46/CK-NSNN"),
//     while a wider row follows. They make Layout.Title.
//   - The unit caption: a cell "Đơn vị tính: …", "ĐVT: …", "Đơn vị: …" anywhere in
//     the title band, or a unit word alone on a title row ("Tỷ đồng", "%", "Nghìn
//     người"). It becomes Layout.Unit and the unit of the numeric columns it governs:
//     those without a unit in their heading ("Diện tích (ha)", "… (%)") that are not
//     quantities or counts ("Số lượng", "Diện tích", "Số dự án", the STT column,
//     years). A money unit (đồng, USD) makes them money.
//   - The header: its first row, then up to five more rows while each cell of the
//     next row stands under a heading spanning several columns (merged, or followed
//     by empty cells in CSV: "Dự toán,,," over "Tổng số,NSTW,NSĐP"), with two children
//     or more, or continues in lower case a heading written word by word ("Sơ bộ" /
//     "quý III" / "năm 2024"). A row numbered in its first cell, a total, a note or
//     an empty row ends it. Each column's heading is flattened: parts over several
//     columns are joined by " — " ("Bổ sung từ NSTW cho NSĐP — Bổ sung có mục tiêu —
//     Vốn ngoài nước"), words continued in lower case by a space. Column.Path keeps
//     the parts. A column without heading is "Cột N".
//   - The column-number row below the header ("1 | 2 | 3=1+2", "A | B | 1 | 2",
//     "(1) … (5)", increasing numbers) is dropped; its labels are Column.Number.
//     The header and numbering rows repeated further down (a printed table's page
//     breaks) are dropped too.
//
// Every decision made from the file is a Guess with a confidence and a reason; a
// caller reports each once per table ("guessed header_rows: 2 …; declare
// header_rows in index.md to override"). Options.Declared and SheetOptions.Declared
// override skip_rows, header_rows, unit and numbers.
//
// # Rows
//
// Each row below the header gets a Role, a Level, a Marker and a Label:
//
//   - The marker is the outline numbering, in the numbering column (STT) or at the
//     start of the label: A, I, 1, 1.1, 1.1.1, a, -, +, * nest in that order, as in
//     the official forms. A row's level is its depth in the outline; a numbered kind
//     already open closes the deeper ones; an unnumbered group row (bold, a region, a
//     section line) opens under whatever is open; rows without marker stand under the
//     innermost open group.
//   - Totals: "Tổng số", "Tổng cộng", "Toàn quốc", "Cả nước", "Whole country", and a
//     first bold or capital "Tổng …" row with numbers; they are level 0, and groups
//     below a leading total are its children. "Cộng" rows are subtotals at the level
//     of the group they close.
//   - Groups: rows numbered A/B or I/II, region names ("Đồng bằng sông Hồng", "Red
//     River Delta"), "Trong đó:", bold rows (when a minority of rows are bold), a row
//     with nothing but its label in a table of wider rows. With numbers they are
//     subtotals, without numbers groups.
//   - The label is the row's text: its first text cell, from the label columns (two
//     when totals are written one column left of their parts).
//
// Footnotes ("Ghi chú", "Chú thích", "Nguồn:", "(1) …", "(*) …", "Số tiền bằng chữ")
// and signature blocks ("Người lập biểu", "KT. CHỦ TỊCH", "…, ngày … tháng … năm …")
// in rows without numbers leave the data and become Notes; the lines after them
// without numbers continue them.
//
// # Types
//
// Each column is typed from all its values (all rows of a workbook; the head of a
// CSV stream, then all rows once it ends): date when every value is a date (by format
// or as text, day first); code for zero-padded digits ("00004"), numbers shown
// zero-padded or in a text format, document numbers ("79/2024/QĐ-UBND"), or
// numbers under a heading "Mã …"; percent, money, integer or decimal for numbers (a
// few stray words among many numbers do not make a column text: they are kept and
// read as not a number); text otherwise. Error cells (#REF!) are empty values and a
// Problem.
//
// # Limits
//
// A file beyond a limit is refused with an *Error wrapping ErrLimit; a file that is
// not a readable table with one wrapping ErrUnreadable. Both name the file and say
// what to do. DefaultLimits hold the largest workbooks agencies publish and keep a
// hostile file under about 200 MB of memory: a zip bomb stops at the part or archive
// budget, a shared-strings table at 64 MB of text, a sheet at 1,000 columns and 2
// million cells, ODS repeated rows with values at 100,000, merges at 100,000 per
// sheet (overlapping ones dropped), a CSV record at 1 MB.
//
// # Messages
//
// An *Error's message, a Problem's and a Guess's reason are msg.Text: Error,
// String and Message read them in English, In (and msg.Text.In) in Vietnamese
// or English.
package tables
