package content

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/congkhai/congkhai/calendar"

	"github.com/xuri/excelize/v2"
)

// tableFS is a one-table dataset.
func tableFS(name, data string) fstest.MapFS {
	files := map[string]string{
		"site.yaml":        "title: T\n",
		"so/_agency.md":    "---\nname: Sở\n---\n",
		"so/bang/index.md": "---\ntitle: Bảng\ncategory: gia-dat\npublished: 2025-01-01\n---\n",
		"so/bang/" + name:  data,
	}
	return mapFS(files)
}

func loadTable(t testing.TB, fsys fstest.MapFS) (*Table, []Problem) {
	t.Helper()
	s, ps := Load(context.Background(), fsys, nil)
	d, ok := s.Dataset("so/bang")
	if !ok || len(d.Tables) != 1 {
		t.Fatalf("dataset so/bang not loaded with one table; problems:\n%s", problemsString(ps))
	}
	return d.Tables[0], ps
}

func rawCells(r Row) []string {
	var out []string
	for _, c := range r.Cells {
		out = append(out, c.Raw)
	}
	return out
}

func TestCSVBOMSemicolonMultiline(t *testing.T) {
	data := "\ufeffMã;Tên đường;Giá\r\n1;\"Đường A; đoạn 1\";1.200.000,5\r\n2;\"Đường\r\nB\";950.000\r\n3;Ngo\u0302 C;-\r\n"
	tb, ps := loadTable(t, tableFS("gia.csv", data))
	if len(ps) != 0 {
		t.Errorf("problems:\n%s", problemsString(ps))
	}
	if tb.Comma != ';' || tb.RowCount != 3 {
		t.Errorf("Comma = %q, RowCount = %d, want ';', 3", tb.Comma, tb.RowCount)
	}
	if tb.Columns[0].Name != "Mã" || tb.Columns[2].Type != TypeDecimal {
		t.Errorf("Columns = %+v", tb.Columns)
	}
	rows, err := tb.Rows(context.Background(), RowQuery{SortBy: -1})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"1", "Đường A; đoạn 1", "1.200.000,5"}, {"2", "Đường\nB", "950.000"}, {"3", "Ngô C", "-"}}
	for i, r := range rows {
		if fmt.Sprint(rawCells(r)) != fmt.Sprint(want[i]) {
			t.Errorf("row %d = %q, want %q", i, rawCells(r), want[i])
		}
	}
	if rows[0].Cells[2].Num != 1200000.5 || !rows[0].Cells[2].OK || rows[2].Cells[2].OK {
		t.Errorf("typed cells = %+v, %+v", rows[0].Cells[2], rows[2].Cells[2])
	}
	if rows[1].Line != 3 || rows[2].Line != 5 {
		t.Errorf("lines = %d, %d, want 3, 5", rows[1].Line, rows[2].Line)
	}
}

func TestXLSX(t *testing.T) {
	x := excelize.NewFile()
	sh := x.GetSheetName(0)
	data := [][]any{
		{"STT", "Tên", "Giá", "Ngày"},
		{1, "Đường A", 1200000, "2025-01-15"},
		{2, "Đường B", 950000.5, "16/01/2025"},
		{},
		{3, "Đường C", 2500000, "2025-01-17"},
	}
	for i, row := range data {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sh, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tb, ps := loadTable(t, tableFS("gia.xlsx", buf.String()))
	if len(ps) != 0 {
		t.Errorf("problems:\n%s", problemsString(ps))
	}
	if tb.Format != "xlsx" || tb.RowCount != 3 {
		t.Fatalf("table = %+v", tb)
	}
	wantTypes := []ColumnType{TypeInteger, TypeText, TypeDecimal, TypeDate}
	for i, c := range tb.Columns {
		if c.Type != wantTypes[i] {
			t.Errorf("column %q type = %s, want %s", c.Name, c.Type, wantTypes[i])
		}
	}
	rows, err := tb.Rows(context.Background(), RowQuery{SortBy: 2, Desc: true, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Cells[1].Raw != "Đường C" || rows[0].Line != 5 || rows[1].Cells[1].Raw != "Đường A" {
		t.Errorf("rows = %+v", rows)
	}
	var n int
	if err := tb.Each(context.Background(), func(r Row) error { n++; return nil }); err != nil || n != 3 {
		t.Errorf("Each = %v, %d rows, want 3", err, n)
	}
}

func TestInferTypes(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   ColumnType
		nums   []float64 // parsed values, when numeric
	}{
		{"plain integers", []string{"1", "22", "-3"}, TypeInteger, []float64{1, 22, -3}},
		{"vietnamese thousands", []string{"1.234.567", "950.000", "12"}, TypeInteger, []float64{1234567, 950000, 12}},
		{"ambiguous 1.234 is thousands", []string{"1.234", "5.678"}, TypeInteger, []float64{1234, 5678}},
		{"vietnamese decimal", []string{"1.234.567,5", "12,25", "3"}, TypeDecimal, []float64{1234567.5, 12.25, 3}},
		{"plain decimal", []string{"1234567.5", "0.125", "3"}, TypeDecimal, []float64{1234567.5, 0.125, 3}},
		{"1.5 is a decimal point", []string{"1.5", "1.234"}, TypeDecimal, []float64{1.5, 1.234}},
		{"leading zero group", []string{"0.125"}, TypeDecimal, []float64{0.125}},
		{"dates", []string{"2025-01-15", "16/01/2025", "2025-01-17 08:30"}, TypeDate, nil},
		{"mixed is text", []string{"1", "hai"}, TypeText, nil},
		{"an empty row is no row, a dash an empty cell", []string{"", "-", "7"}, TypeInteger, []float64{0, 7}},
		{"all empty", []string{"", ""}, TypeText, nil},
		{"codes", []string{"12/QĐ-UBND", "13/QĐ-UBND"}, TypeCode, nil},
		{"zero-padded codes", []string{"00004", "00012"}, TypeCode, nil},
		{"english thousands", []string{"1,120,237,007", "911,100"}, TypeInteger, []float64{1120237007, 911100}},
		{"percent", []string{"12,5%", "100%"}, TypePercent, []float64{12.5, 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Quoted: CSV skips empty lines, and "1,5" holds a comma.
			data := "v\n\"" + strings.Join(tt.values, "\"\n\"") + "\"\n"
			tb, _ := loadTable(t, tableFS("t.csv", data))
			if got := tb.Columns[0].Type; got != tt.want {
				t.Errorf("type of %q = %s, want %s", tt.values, got, tt.want)
			}
			if tt.nums == nil {
				return
			}
			rows, err := tb.Rows(context.Background(), RowQuery{SortBy: -1})
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range rows {
				if r.Cells[0].Num != tt.nums[i] {
					t.Errorf("value %q = %v, want %v", r.Cells[0].Raw, r.Cells[0].Num, tt.nums[i])
				}
			}
		})
	}
}

// bigCSV generates n rows: id, a name, a price that is not in id order, a date.
func bigCSV(n int) string {
	var b strings.Builder
	b.WriteString("id,ten,gia,ngay\n")
	for i := 1; i <= n; i++ {
		price := (i * 7919) % n
		day := time.Date(2020, 1, 1, 0, 0, 0, 0, calendar.Location).AddDate(0, 0, (i*31)%1000)
		if i%1000 == 0 {
			fmt.Fprintf(&b, "%d,\"Đường %d\nnhiều dòng\",,%s\n", i, i, day.Format("02/01/2006"))
			continue
		}
		fmt.Fprintf(&b, "%d,Đường %d,%d,%s\n", i, i, price, day.Format("2006-01-02"))
	}
	return b.String()
}

func TestDeepAndSortedPaging(t *testing.T) {
	const n = 20000
	data := bigCSV(n)
	tb, ps := loadTable(t, tableFS("lon.csv", data))
	if len(ps) != 0 {
		t.Fatalf("problems:\n%s", problemsString(ps))
	}
	if tb.RowCount != n {
		t.Fatalf("RowCount = %d, want %d", tb.RowCount, n)
	}
	ctx := context.Background()
	// Reference: every row in file order, from Each.
	var all []Row
	if err := tb.Each(ctx, func(r Row) error { all = append(all, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != n {
		t.Fatalf("Each gave %d rows", len(all))
	}
	for _, off := range []int{0, 511, 512, 513, 10000, 15350, 19990, 19999, 20000} {
		rows, err := tb.Rows(ctx, RowQuery{Offset: off, Limit: 20, SortBy: -1})
		if err != nil {
			t.Fatal(err)
		}
		want := all[off:min(off+20, n)]
		if len(rows) != len(want) {
			t.Fatalf("Rows(offset %d) gave %d rows, want %d", off, len(rows), len(want))
		}
		for i := range rows {
			if rows[i].N != want[i].N || rows[i].Line != want[i].Line || rows[i].Cells[0].Raw != want[i].Cells[0].Raw {
				t.Errorf("Rows(offset %d)[%d] = N %d line %d id %s, want N %d line %d id %s", off, i, rows[i].N, rows[i].Line, rows[i].Cells[0].Raw, want[i].N, want[i].Line, want[i].Cells[0].Raw)
			}
		}
	}
	// Sorted by price, both directions, against a sort of all rows.
	for _, desc := range []bool{false, true} {
		ref := append([]Row(nil), all...)
		sort.SliceStable(ref, func(i, j int) bool {
			a, b := ref[i].Cells[2], ref[j].Cells[2]
			if a.OK != b.OK {
				return a.OK
			}
			if desc {
				return a.Num > b.Num
			}
			return a.Num < b.Num
		})
		for _, off := range []int{0, 700, 12345, 19970} {
			rows, err := tb.Rows(ctx, RowQuery{Offset: off, Limit: 30, SortBy: 2, Desc: desc})
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range rows {
				w := ref[off+i]
				if r.Cells[2].Num != w.Cells[2].Num || r.Cells[2].OK != w.Cells[2].OK {
					t.Errorf("sorted desc=%v offset %d [%d]: price %v (ok %v), want %v (ok %v)", desc, off, i, r.Cells[2].Num, r.Cells[2].OK, w.Cells[2].Num, w.Cells[2].OK)
				}
				if r.Cells[0].Raw != all[r.N-1].Cells[0].Raw {
					t.Errorf("row N %d has id %s, want %s", r.N, r.Cells[0].Raw, all[r.N-1].Cells[0].Raw)
				}
			}
		}
	}
	// Sorted by date and by text.
	rows, err := tb.Rows(ctx, RowQuery{Limit: 5, SortBy: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].Cells[3].Time.Before(rows[i-1].Cells[3].Time) {
			t.Errorf("date order broken at %d: %v after %v", i, rows[i].Cells[3].Time, rows[i-1].Cells[3].Time)
		}
	}
	if _, err := tb.Rows(ctx, RowQuery{Limit: 5, SortBy: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Rows(ctx, RowQuery{SortBy: 9}); err == nil {
		t.Errorf("Rows(SortBy 9) = nil error, want one")
	}
}

func TestTextSortVietnamese(t *testing.T) {
	tb, _ := loadTable(t, tableFS("t.csv", "ten\nĐông\nDung\nÂn\nAn\nBình\n\nanh\n"))
	rows, err := tb.Rows(context.Background(), RowQuery{SortBy: 0})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Cells[0].Raw)
	}
	want := "[An anh Ân Bình Dung Đông]"
	if fmt.Sprint(got) != want {
		t.Errorf("sorted names = %v, want %s", got, want)
	}
}

func TestStale(t *testing.T) {
	fsys := tableFS("t.csv", "a\n1\n2\n")
	tb, _ := loadTable(t, fsys)
	fsys["so/bang/t.csv"] = &fstest.MapFile{Data: []byte("a\n1\n2\n3\n"), ModTime: testTime.Add(time.Second)}
	ctx := context.Background()
	if _, err := tb.Rows(ctx, RowQuery{SortBy: -1}); !errors.Is(err, ErrStale) {
		t.Errorf("Rows after change: err = %v, want ErrStale", err)
	}
	if err := tb.Each(ctx, func(Row) error { return nil }); !errors.Is(err, ErrStale) {
		t.Errorf("Each after change: err = %v, want ErrStale", err)
	}
	if _, err := tb.Open(); !errors.Is(err, ErrStale) {
		t.Errorf("Open after change: err = %v, want ErrStale", err)
	}
	delete(fsys, "so/bang/t.csv")
	if _, err := tb.Open(); !errors.Is(err, ErrStale) {
		t.Errorf("Open after delete: err = %v, want ErrStale", err)
	}
}

func TestOpenAndEachStop(t *testing.T) {
	data := "a\n1\n2\n3\n"
	tb, _ := loadTable(t, tableFS("t.csv", data))
	rc, err := tb.Open()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != data {
		t.Errorf("Open read %q, want %q", b, data)
	}
	stop := errors.New("stop")
	n := 0
	err = tb.Each(context.Background(), func(Row) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("Each = %v after %d rows, want stop after 1", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tb.Rows(ctx, RowQuery{SortBy: 0}); !errors.Is(err, context.Canceled) {
		t.Errorf("Rows with a cancelled ctx = %v, want context.Canceled", err)
	}
}

// noSeekFS hides io.Seeker from the files of a MapFS.
type noSeekFS struct{ fstest.MapFS }

type noSeekFile struct{ f fs.File }

func (f noSeekFile) Stat() (fs.FileInfo, error) { return f.f.Stat() }
func (f noSeekFile) Read(b []byte) (int, error) { return f.f.Read(b) }
func (f noSeekFile) Close() error               { return f.f.Close() }

func (n noSeekFS) Open(name string) (fs.File, error) {
	f, err := n.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, _ := f.Stat(); st != nil && st.IsDir() {
		return f, nil
	}
	return noSeekFile{f}, nil
}

func TestPagingWithoutSeeker(t *testing.T) {
	fsys := tableFS("t.csv", bigCSV(3000))
	s, _ := Load(context.Background(), noSeekFS{fsys}, nil)
	d, _ := s.Dataset("so/bang")
	rows, err := d.Tables[0].Rows(context.Background(), RowQuery{Offset: 2500, Limit: 3, SortBy: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].N != 2501 || rows[0].Cells[0].Raw != "2501" {
		t.Errorf("rows = %+v", rows)
	}
}

func TestMainTitle(t *testing.T) {
	tests := []struct{ band, want string }{
		{"ỦY BAN NHÂN DÂN TỈNH BẮC GIANG Biểu số 48/CK-NSNN — DỰ TOÁN THU NGÂN SÁCH NHÀ NƯỚC NĂM 2025 — (Dự toán đã được Hội đồng nhân dân tỉnh quyết định)", "DỰ TOÁN THU NGÂN SÁCH NHÀ NƯỚC NĂM 2025"},
		{"Phụ lục 2 — BẢNG 8 — BẢNG GIÁ ĐẤT Ở QUẬN 1 — (Ban hành theo Quyết định số 79/2024/QĐ-UBND)", "BẢNG GIÁ ĐẤT Ở QUẬN 1"},
		{"UBND XÃ CẨM QUAN Biểu số 117/CK-NSNN — CÔNG KHAI DỰ TOÁN CHI NGÂN SÁCH XÃ NĂM 2026 — (Kèm theo Quyết định số 05/QĐ-UBND)", "CÔNG KHAI DỰ TOÁN CHI NGÂN SÁCH XÃ NĂM 2026"},
		{"1. Tổng sản phẩm trong nước theo giá hiện hành", "1. Tổng sản phẩm trong nước theo giá hiện hành"},
		{"(Kèm theo Quyết định số 12)", "(Kèm theo Quyết định số 12)"},
	}
	for _, tt := range tests {
		if got := mainTitle(tt.band); got != tt.want {
			t.Errorf("mainTitle(%q) = %q, want %q", tt.band, got, tt.want)
		}
	}
}
