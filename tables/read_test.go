package tables

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// workbook builds an .xlsx in memory with excelize.
func workbook(t *testing.T, build func(f *excelize.File) error, opts ...excelize.Options) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := build(f); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf, opts...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readBytes(name string, b []byte, opts Options) (*Workbook, error) {
	return Read(context.Background(), name, bytes.NewReader(b), int64(len(b)), opts)
}

func simpleSheet(f *excelize.File, name string, rows [][]any) error {
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	for i, r := range rows {
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(name, ref, &r); err != nil {
			return err
		}
	}
	return nil
}

func TestReadSheets(t *testing.T) {
	data := workbook(t, func(f *excelize.File) error {
		for _, s := range []string{"Quận 1", "Ẩn", "Trống", "Quận 3"} {
			rows := [][]any{{"STT", "Tên đường", "Giá"}, {1, "Lê Lợi", 500}, {2, "Hai Bà Trưng", 400}}
			if s == "Trống" {
				rows = nil
			}
			if err := simpleSheet(f, s, rows); err != nil {
				return err
			}
		}
		if err := f.DeleteSheet("Sheet1"); err != nil {
			return err
		}
		return f.SetSheetVisible("Ẩn", false)
	})
	tests := []struct {
		name    string
		opts    Options
		tables  []string
		skipped []string
		err     error
	}{
		{"all visible", Options{}, []string{"Quận 1", "Quận 3"}, []string{"Ẩn: hidden", "Trống: empty"}, nil},
		{"exclude", Options{Exclude: []string{"quận 3"}}, []string{"Quận 1"}, []string{"Ẩn: hidden", "Trống: empty", "Quận 3: excluded"}, nil},
		{"select, order, rename", Options{Sheets: []SheetOptions{{Sheet: "Quận 3", Name: "q3"}, {Sheet: "Ẩn"}}}, []string{"q3", "Ẩn"}, nil, nil},
		{"missing sheet", Options{Sheets: []SheetOptions{{Sheet: "Quận 9"}}}, nil, nil, ErrNoSheet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb, err := readBytes("gia.xlsx", data, tt.opts)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), `"Quận 1"`) {
					t.Errorf("Read = %v, want %v listing the sheets", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names, skipped []string
			for _, tb := range wb.Tables {
				names = append(names, tb.Name)
				if len(tb.Rows) != 2 || tb.Rows[0].Cells[2].Num != 500 {
					t.Errorf("table %q rows = %+v", tb.Name, tb.Rows)
				}
			}
			for _, s := range wb.Skipped {
				skipped = append(skipped, s.Sheet+": "+s.Reason)
			}
			if !reflect.DeepEqual(names, tt.tables) || !reflect.DeepEqual(skipped, tt.skipped) {
				t.Errorf("tables %q skipped %q, want %q %q", names, skipped, tt.tables, tt.skipped)
			}
		})
	}
}

// TestReadValues: XLSX numbers, dates, percents, codes and formula results are read as
// values, whatever the format shows.
func TestReadValues(t *testing.T) {
	data := workbook(t, func(f *excelize.File) error {
		s := "Sheet1"
		rows := [][]any{
			{"Mã", "Tên", "Số tiền", "Tỷ lệ", "Ngày", "Tổng"},
			{"00004", "Phường A", 911100, 0.125, time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), nil},
			{"00013", "Phường B", 4.55, 0.5, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), nil},
		}
		for i, r := range rows {
			ref, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(s, ref, &r); err != nil {
				return err
			}
		}
		money := `#,##0 "₫"`
		ms, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &money})
		ps, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
		ds, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		_ = f.SetCellStyle(s, "C2", "C3", ms)
		_ = f.SetCellStyle(s, "D2", "D3", ps)
		_ = f.SetCellStyle(s, "E2", "E3", ds)
		for _, r := range []string{"2", "3"} {
			_ = f.SetCellValue(s, "F"+r, 2)
			if err := f.SetCellFormula(s, "F"+r, "1+1"); err != nil {
				return err
			}
		}
		return nil
	})
	wb, err := readBytes("x.xlsx", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tb := wb.Tables[0]
	var types []Type
	for _, c := range tb.Columns {
		types = append(types, c.Type)
	}
	if want := []Type{Code, Text, Money, Percent, Date, Integer}; !reflect.DeepEqual(types, want) {
		t.Errorf("types = %v, want %v", types, want)
	}
	r := tb.Rows[0]
	if r.Cells[0].Raw != "00004" || r.Cells[2].Num != 911100 || r.Cells[2].Raw != "911100" || r.Cells[3].Num != 12.5 || r.Cells[3].Raw != "12.5%" ||
		r.Cells[4].Time.Format("2006-01-02") != "2025-01-15" || r.Cells[4].Raw != "2025-01-15" || r.Cells[5].Num != 2 {
		t.Errorf("row = %+v", r.Cells)
	}
	if c := tb.Rows[1].Cells[2]; c.Num != 4.55 || c.Raw != "4.55" {
		t.Errorf("4.55 read as %+v", c)
	}
}

// TestReadBoldAndHidden: bold rows mark groups when a minority of rows are bold;
// hidden rows and columns are left out and reported unless kept.
func TestReadBoldAndHidden(t *testing.T) {
	data := workbook(t, func(f *excelize.File) error {
		s := "Sheet1"
		rows := [][]any{
			{"Chỉ tiêu", "Năm 2024", "Nháp"},
			{"Nông nghiệp", 300, 1},
			{"Lúa", 200, 1},
			{"Ngô", 100, 1},
			{"Công nghiệp", 500, 1},
			{"Điện", 500, 1},
			{"Bí mật", 9, 1},
		}
		for i, r := range rows {
			ref, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(s, ref, &r); err != nil {
				return err
			}
		}
		bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		_ = f.SetCellStyle(s, "A2", "B2", bold)
		_ = f.SetCellStyle(s, "A5", "B5", bold)
		if err := f.SetColVisible(s, "C", false); err != nil {
			return err
		}
		return f.SetRowVisible(s, 7, false)
	})
	wb, err := readBytes("x.xlsx", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tb := wb.Tables[0]
	var got []string
	for _, r := range tb.Rows {
		got = append(got, string(r.Role)+":"+r.Label+":"+string(rune('0'+r.Level)))
	}
	want := []string{"subtotal:Nông nghiệp:0", "data:Lúa:1", "data:Ngô:1", "subtotal:Công nghiệp:0", "data:Điện:1"}
	if !reflect.DeepEqual(got, want) || len(tb.Columns) != 2 {
		t.Errorf("rows %q, %d columns; want %q, 2", got, len(tb.Columns), want)
	}
	if !strings.Contains(fmtGuesses(tb.Guesses), "hidden column(s) C left out") {
		t.Errorf("guesses %s do not report the hidden column", fmtGuesses(tb.Guesses))
	}
	wb, err = readBytes("x.xlsx", data, Options{KeepHidden: true})
	if err != nil {
		t.Fatal(err)
	}
	if tb := wb.Tables[0]; len(tb.Rows) != 6 || len(tb.Columns) != 3 {
		t.Errorf("KeepHidden: %d rows, %d columns; want 6, 3", len(tb.Rows), len(tb.Columns))
	}
}

func fmtGuesses(gs []Guess) string {
	var s []string
	for _, g := range gs {
		s = append(s, g.Message().String())
	}
	return strings.Join(s, "; ")
}

func TestReadSniff(t *testing.T) {
	xlsx := workbook(t, func(f *excelize.File) error {
		return simpleSheet(f, "Sheet2", [][]any{{"A", "B"}, {1, 2}})
	})
	locked := workbook(t, func(f *excelize.File) error {
		return f.SetCellValue("Sheet1", "A1", "x")
	}, excelize.Options{Password: "mật khẩu"})
	odsFile, err := os.ReadFile(filepath.Join("testdata", "forms", "bang-gia-dat-huyen-2025.ods"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		data   []byte
		format Format
		err    error
		msg    string
	}{
		{"x.xlsx", xlsx, XLSX, nil, ""},
		{"x.xls", xlsx, XLSX, nil, ""}, // an .xlsx named .xls is read as what it is
		{"x.xls", []byte("<html><table><tr><td>1</td></tr></table></html>"), "", ErrUnreadable, "web export"},
		{"x.csv", xlsx, "", ErrUnreadable, "a spreadsheet named .csv"},
		{"x.txt", []byte("a,b"), "", ErrUnreadable, "publish tables as"},
		{"x.xlsx", []byte{}, "", ErrUnreadable, "empty"},
		{"x.xlsx", []byte("PK\x03\x04 not a zip at all"), "", ErrUnreadable, "save it again as .xlsx"},
		{"x.xlsx", locked, "", ErrUnreadable, "password"},
		{"x.xlsx", odsFile, "", ErrUnreadable, "name it .ods"},
		{"x.ods", xlsx, "", ErrUnreadable, "name it .xlsx"},
		{"x.ods", odsFile, ODS, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.msg, func(t *testing.T) {
			wb, err := readBytes(tt.name, tt.data, Options{})
			if tt.err == nil {
				if err != nil || wb.Format != tt.format {
					t.Fatalf("Read = %v, %v; want format %s", wb, err, tt.format)
				}
				return
			}
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), tt.name+": ") {
				t.Errorf("Read = %v, want %v saying %q and naming the file", err, tt.err, tt.msg)
			}
		})
	}
}

// TestReadCorpusLimits: every file of testdata reads within the default limits and
// is refused, naming the limit, when the limits are small.
func TestReadCorpusLimits(t *testing.T) {
	corpus, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.*"))
	forms, _ := filepath.Glob(filepath.Join("testdata", "forms", "*.*"))
	files := append(corpus, forms...)
	for _, p := range files {

		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := readBytes(p, data, Options{}); err != nil {
			t.Errorf("Read(%s) = %v", p, err)
		}
		_, err = readBytes(p, data, Options{Limits: Limits{MaxCells: 10, MaxBytes: 1 << 30}})
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "10") {
			t.Errorf("Read(%s) with 10 cells = %v, want ErrLimit", p, err)
		}
	}
}
