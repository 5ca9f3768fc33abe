package tables

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zipFile writes an archive from parts; a part's content is written by its function
// so that large parts are streamed into the compressor.
func zipFile(t *testing.T, parts map[string]func(w io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	names := []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "mimetype", "content.xml"}
	for _, n := range names {
		fn, ok := parts[n]
		if !ok {
			continue
		}
		w, err := z.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := fn(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func text(s string) func(w io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// minimalXLSX is a one-sheet workbook whose sheet and shared strings are given.
func minimalXLSX(t *testing.T, sheet, sst func(w io.Writer) error) []byte {
	parts := map[string]func(io.Writer) error{
		"[Content_Types].xml":        text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`),
		"_rels/.rels":                text(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		"xl/workbook.xml":            text(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": text(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`),
		"xl/worksheets/sheet1.xml":   sheet,
	}
	if sst != nil {
		parts["xl/sharedStrings.xml"] = sst
	}
	return zipFile(t, parts)
}

const sheetHead = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`

func TestHostileXLSX(t *testing.T) {
	tests := []struct {
		name string
		data func(t *testing.T) []byte
		lim  Limits
		err  error
		msg  string
	}{
		{"zip bomb: a sheet inflating to 200 MB", fromFile("sheet-200mb.xlsx"), Limits{}, ErrLimit, "inflates to 209715373 bytes (limit 134217728)"},
		{"zip bomb: parts beyond the archive budget", func(t *testing.T) []byte {
			return minimalXLSX(t, func(w io.Writer) error {
				_, err := io.WriteString(w, sheetHead+strings.Repeat(`<row><c><v>1</v></c></row>`, 200_000)+`</sheetData></worksheet>`)
				return err
			}, nil)
		}, Limits{MaxUnzipped: 1 << 20}, ErrLimit, "zip bomb"},
		{"100 MB of shared strings", fromFile("sst-100mb.xlsx"), Limits{}, ErrLimit, "more than 67108864 bytes of text"},
		{"a value in column 16384", func(t *testing.T) []byte {
			return minimalXLSX(t, text(sheetHead+`<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row></sheetData></worksheet>`), nil)
		}, Limits{}, ErrLimit, "column 16384 (limit 1000 columns)"},
		{"too many cells", func(t *testing.T) []byte {
			return minimalXLSX(t, text(sheetHead+strings.Repeat(`<row><c><v>1</v></c><c><v>2</v></c></row>`, 600)+`</sheetData></worksheet>`), nil)
		}, Limits{MaxCells: 1000}, ErrLimit, "more than 1000 non-empty cells"},
		{"a shared string index beyond the table", func(t *testing.T) []byte {
			return minimalXLSX(t, text(sheetHead+`<row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>`), text(`<sst><si><t>a</t></si></sst>`))
		}, Limits{}, ErrUnreadable, "shared string"},
		{"broken XML", func(t *testing.T) []byte {
			return minimalXLSX(t, text(sheetHead+`<row r="1"><c r="A1"><v>1&bogus;</v></c></row>`), nil)
		}, Limits{}, ErrUnreadable, "broken XML"},
		{"a bad cell reference", func(t *testing.T) []byte {
			return minimalXLSX(t, text(sheetHead+`<row r="1"><c r="1A"><v>1</v></c></row></sheetData></worksheet>`), nil)
		}, Limits{}, ErrUnreadable, "bad cell reference"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data(t)
			_, err := readBytes("bomb.xlsx", data, Options{Limits: tt.lim})
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "bomb.xlsx: ") {
				t.Errorf("Read = %v, want %v saying %q", err, tt.err, tt.msg)
			}
		})
	}
}

// TestOverlappingMerges: overlapping, cyclic-looking and sheet-sized merges are
// read without hanging: the first range of an overlap is kept, the others dropped.
// fromFile reads a hostile workbook of testdata/hostile (written by testdata/gen).
func fromFile(name string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "hostile", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

func TestMillionColumnsCSV(t *testing.T) {
	data := strings.Repeat("1,", 1_000_000) + "1\n"
	_, err := readBytes("rong.csv", []byte(data), Options{})
	if !errors.Is(err, ErrLimit) || !strings.HasPrefix(err.Error(), "rong.csv: ") {
		t.Errorf("Read = %v, want ErrLimit", err)
	}
}

func TestOverlappingMerges(t *testing.T) {
	merges := `<mergeCells count="5"><mergeCell ref="A1:C1"/><mergeCell ref="B1:D2"/><mergeCell ref="C1:A1"/><mergeCell ref="A1:XFD1048576"/><mergeCell ref="E5:E5"/></mergeCells>`
	data := minimalXLSX(t, text(sheetHead+`<row r="1"><c r="A1" t="inlineStr"><is><t>Tiêu đề</t></is></c></row>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Tên</t></is></c><c r="B2" t="inlineStr"><is><t>Giá</t></is></c></row>`+
		`<row r="3"><c r="A3" t="inlineStr"><is><t>Đất ở</t></is></c><c r="B3"><v>100</v></c></row>`+
		`</sheetData>`+merges+`</worksheet>`), nil)
	wb, err := readBytes("merges.xlsx", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tb := wb.Tables[0]; len(tb.Rows) != 1 || tb.Rows[0].Cells[len(tb.Columns)-1].Num != 100 {
		t.Errorf("rows = %+v", tb.Rows)
	}
	got, err := normalizeMerges([]rect{{0, 0, 0, 2}, {0, 1, 1, 3}, {0, 0, 0, 0}, {5, 5, 4, 4}, {2, 0, 3, 1}}, 100)
	if err != nil || len(got) != 2 || got[0] != (rect{0, 0, 0, 2}) || got[1] != (rect{2, 0, 3, 1}) {
		t.Errorf("normalizeMerges = %v, %v", got, err)
	}
	if _, err := normalizeMerges(make([]rect, 101), 100); err == nil {
		t.Error("101 merges within a limit of 100")
	}
}

func odsFile(t *testing.T, body string) []byte {
	return zipFile(t, map[string]func(io.Writer) error{
		"mimetype": text("application/vnd.oasis.opendocument.spreadsheet"),
		"content.xml": text(`<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>` +
			body + `</office:spreadsheet></office:body></office:document-content>`),
	})
}

func TestHostileODS(t *testing.T) {
	header := `<table:table-row><table:table-cell office:value-type="string"><text:p>Tên</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Giá</text:p></table:table-cell></table:table-row>`
	tests := []struct {
		name string
		body string
		rows int
		err  error
		msg  string
	}{
		{"empty rows and columns repeated a million times", `<table:table table:name="A">` + header +
			`<table:table-row><table:table-cell office:value-type="string"><text:p>Đất</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="5"/><table:table-cell table:number-columns-repeated="16382"/></table:table-row>` +
			`<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>`, 1, nil, ""},
		{"a row with values repeated a million times", `<table:table table:name="A">` + header +
			`<table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>`, 0, ErrLimit, "repeats a row with values 1048576 times"},
		{"a value repeated over a million columns", `<table:table table:name="A">` + header +
			`<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000000"/></table:table-row></table:table>`, 0, ErrLimit, "limit 1000 columns"},
		{"a table left open", `<table:table table:name="A">` + header, 0, ErrUnreadable, "ends inside table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb, err := readBytes("x.ods", odsFile(t, tt.body), Options{})
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("Read = %v, want %v saying %q", err, tt.err, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(wb.Tables) != 1 || len(wb.Tables[0].Rows) != tt.rows {
				t.Errorf("tables %+v, want one of %d rows", wb.Tables, tt.rows)
			}
		})
	}
}

// biff builds a Workbook stream from records.
func biff(recs ...[]byte) []byte {
	var b []byte
	for _, r := range recs {
		b = append(b, r...)
	}
	return b
}

func rec(typ int, body ...byte) []byte {
	r := binary.LittleEndian.AppendUint16(nil, uint16(typ))
	r = binary.LittleEndian.AppendUint16(r, uint16(len(body)))
	return append(r, body...)
}

func u16(v int) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(v)) }
func u32(v int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// TestMalformedBIFF feeds hand-made Workbook streams to the BIFF8 reader: wrong
// offsets, lying counts and truncated records are errors or partial sheets, never a
// panic or a hang.
func TestMalformedBIFF(t *testing.T) {
	bof := rec(recBOF, cat(u16(0x0600), u16(5), make([]byte, 12))...)
	sheetBOF := rec(recBOF, cat(u16(0x0600), u16(0x10), make([]byte, 12))...)
	eof := rec(recEOF)
	bound := func(pos int) []byte { return rec(recBoundSheet, cat(u32(pos), []byte{0, 0, 1, 0}, []byte("S"))...) }
	label := func(r, c, isst int) []byte { return rec(recLabelSST, cat(u16(r), u16(c), u16(0), u32(isst))...) }
	tests := []struct {
		name   string
		stream func() []byte
		cells  int
		err    string
	}{
		{"no BOF", func() []byte { return biff(eof) }, 0, "does not start with a BOF"},
		{"BIFF5", func() []byte { return biff(rec(recBOF, cat(u16(0x0500), u16(5))...), eof) }, 0, "is not Excel 97–2003"},
		{"globals without EOF", func() []byte { return biff(bof) }, 0, "end before their EOF"},
		{"encrypted", func() []byte { return biff(bof, rec(recFilePass, 1, 0), eof) }, 0, "password"},
		{"sheet offset beyond the stream", func() []byte { return biff(bof, bound(1<<30), eof) }, 0, "does not start where"},
		{"SST announcing 2^31 strings", func() []byte {
			head := cat(bof, rec(recSST, cat(u32(1<<31), u32(1<<31-1), u16(1), []byte{0}, []byte("x"))...))
			body := cat(sheetBOF, label(0, 0, 0), label(0, 1, 5), eof)
			return biff(head, bound(len(head)+len(bound(0))+len(eof)), eof, body)
		}, 1, ""},
		{"string longer than its record", func() []byte {
			head := cat(bof, rec(recSST, cat(u32(1), u32(1), u16(5000), []byte{1}, []byte("ab"))...))
			return biff(head, eof)
		}, 0, "truncated"},
		{"merged cells count beyond the record, a short NUMBER", func() []byte {
			head := bof
			body := cat(sheetBOF, rec(recMerged, cat(u16(60000), u16(0), u16(1), u16(0), u16(1))...),
				rec(recMulRK, cat(u16(0), u16(0), u16(0), u32(2<<2|2), u16(0))...),
				rec(recNumber, cat(u16(1), u16(0), u16(0))...), eof)
			return biff(head, bound(len(head)+len(bound(0))+len(eof)), eof, body)
		}, 1, ""},
		{"a truncated sheet", func() []byte {
			head := bof
			body := cat(sheetBOF, rec(recRK, cat(u16(0), u16(0), u16(0), u32(3<<2|2))...), []byte{0x03, 0x02, 0xFF})
			return biff(head, bound(len(head)+len(bound(0))+len(eof)), eof, body)
		}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &xlsBook{data: tt.stream(), fmts: map[int]*numFormat{}, cache: formatCache{}}
			err := b.globals(DefaultLimits())
			if err == nil && len(b.sheets) > 0 {
				var sh *sheet
				sh, err = b.read(0, &readState{lim: DefaultLimits()})
				if err == nil {
					n := 0
					for _, r := range sh.rows {
						for i := range r {
							if !r[i].empty() {
								n++
							}
						}
					}
					if n != tt.cells {
						t.Errorf("%d cells, want %d", n, tt.cells)
					}
				}
			}
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

// TestCorruptFiles cuts and scrambles the real files: each read ends in an error
// naming the file or in tables, never in a panic (Read recovers reader panics) or a
// hang.
func TestCorruptFiles(t *testing.T) {
	files := []string{
		"forms/bieu-48-du-toan-thu-nsnn-2025.xls", "forms/bang-gia-dat-huyen-2025.ods",
		"forms/bieu-48-du-toan-thu-nsnn-2025.xlsx", "corpus/lao-cai-stc-ket-qua-tham-dinh-gia-kl98-2016.xls",
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		for _, cut := range []int{len(data) / 3, len(data) / 2, len(data) - 100} {
			if _, err := readBytes(name, data[:cut], Options{}); err != nil && !strings.HasPrefix(err.Error(), name+": ") {
				t.Errorf("%s cut at %d: %v does not name the file", f, cut, err)
			}
		}
		for seed := 0; seed < 40; seed++ {
			b := append([]byte(nil), data...)
			for k := 0; k < 8; k++ {
				i := (seed*7919 + k*104729) % len(b)
				b[i] ^= byte(seed*31 + k + 1)
			}
			if _, err := readBytes(name, b, Options{}); err != nil && !strings.HasPrefix(err.Error(), name+": ") {
				t.Errorf("%s scrambled (%d): %v does not name the file", f, seed, err)
			}
		}
	}
}

// panicReader panics when read past its first bytes, like a reader that breaks on a
// malformed file.
type panicReader struct{ b []byte }

func (p panicReader) ReadAt(b []byte, off int64) (int, error) {
	if off > 600 {
		panic(fmt.Sprintf("reader failure at %d", off))
	}
	return bytes.NewReader(p.b).ReadAt(b, off)
}

func TestReadRecoversPanic(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "forms", "bieu-48-du-toan-thu-nsnn-2025.xls"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Read(context.Background(), "bieu-48.xls", panicReader{data}, int64(len(data)), Options{})
	if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), "save it again as .xlsx") || !strings.HasPrefix(err.Error(), "bieu-48.xls: ") {
		t.Errorf("Read = %v, want ErrUnreadable naming the file", err)
	}
}
