package tables

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// budgetCSV is a commune budget with every part of the header band and outline: a
// title, the unit caption, a parent heading over empty cells, a column-number row,
// groups, subtotals, a total, notes and a signature. rows data rows follow the groups.
func budgetCSV(rows int) string {
	var b strings.Builder
	b.WriteString("BÁO CÁO THU CHI NGÂN SÁCH XÃ NĂM 2024,,,\n")
	b.WriteString("Đơn vị tính: nghìn đồng,,,\n")
	b.WriteString("STT,Nội dung,Quyết toán,\n")
	b.WriteString(",,Thu,Chi\n")
	b.WriteString("1,2,3,4\n")
	b.WriteString(",TỔNG SỐ,\"1.000.000\",\"900.000\"\n")
	for g := 0; g < 3; g++ {
		fmt.Fprintf(&b, "%s,Nhóm %d,\"%d.000\",\n", romans[g], g+1, 100+g)
		for i := 0; i < rows/3; i++ {
			fmt.Fprintf(&b, "%d,Khoản %d.%d,\"%d.%03d\",\"%d,5\"\n", i+1, g+1, i+1, 1+i%900, i%1000, i)
		}
		b.WriteString(",Cộng,,\"1.234\"\n")
	}
	b.WriteString("Ghi chú: số liệu đã được HĐND xã phê chuẩn.,,,\n")
	b.WriteString(",\"Tân Lập, ngày 20 tháng 3 năm 2025\",,\n")
	b.WriteString(",Người lập biểu,,CHỦ TỊCH\n")
	return b.String()
}

var romans = []string{"I", "II", "III", "IV", "V"}

func TestStreamLayout(t *testing.T) {
	s, err := NewStream(context.Background(), "x.csv", strings.NewReader(budgetCSV(30)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	for s.Next() {
		rows = append(rows, cloneRow(s.Row()))
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	l := s.Layout()
	if l.Title != "BÁO CÁO THU CHI NGÂN SÁCH XÃ NĂM 2024" || l.Unit != "nghìn đồng" || l.SkipRows != 2 || l.HeaderRows != 2 || l.NumberRow != 5 || l.DataLine != 6 {
		t.Errorf("layout = title %q unit %q skip %d header %d number row %d data line %d", l.Title, l.Unit, l.SkipRows, l.HeaderRows, l.NumberRow, l.DataLine)
	}
	var names, types []string
	for _, c := range l.Columns {
		names = append(names, c.Name)
		types = append(types, string(c.Type)+":"+c.Unit)
	}
	wantNames := []string{"STT", "Nội dung", "Quyết toán — Thu", "Quyết toán — Chi"}
	wantTypes := []string{"text:", "text:", "money:nghìn đồng", "money:nghìn đồng"}
	if !reflect.DeepEqual(names, wantNames) || !reflect.DeepEqual(types, wantTypes) {
		t.Errorf("columns = %q %q, want %q %q", names, types, wantNames, wantTypes)
	}
	if len(rows) != 1+3*(1+10+1) {
		t.Fatalf("%d rows, want %d", len(rows), 1+3*12)
	}
	check := []struct {
		i      int
		role   Role
		level  int
		marker string
		label  string
		num    float64
	}{
		{0, RoleTotal, 0, "", "TỔNG SỐ", 1000000},
		{1, RoleSubtotal, 1, "I", "Nhóm 1", 100000},
		{2, RoleData, 2, "1", "Khoản 1.1", 1000},
		{11, RoleData, 2, "10", "Khoản 1.10", 10009},
		{12, RoleSubtotal, 1, "", "Cộng", 0},
		{13, RoleSubtotal, 1, "II", "Nhóm 2", 101000},
	}
	for _, c := range check {
		r := rows[c.i]
		if r.Role != c.role || r.Level != c.level || r.Marker != c.marker || r.Label != c.label || r.Cells[2].Num != c.num {
			t.Errorf("row %d = %s L%d %q %q %v, want %s L%d %q %q %v", c.i, r.Role, r.Level, r.Marker, r.Label, r.Cells[2].Num, c.role, c.level, c.marker, c.label, c.num)
		}
	}
	if got := rows[2].Cells[3]; !got.OK || got.Num != 0.5 {
		t.Errorf("row 2 Chi = %+v, want 0.5", got)
	}
	notes := s.Notes()
	if len(notes) != 3 || notes[0].Kind != NoteFootnote || notes[1].Kind != NoteSignature || notes[2].Text != "Người lập biểu CHỦ TỊCH" {
		t.Errorf("notes = %+v", notes)
	}
}

func cloneRow(r Row) Row {
	r.Cells = append([]Cell(nil), r.Cells...)
	return r
}

// TestStreamResume reads a file once, keeping a checkpoint every 97 rows, then
// resumes at each checkpoint: the rows from there on are those of the first pass.
func TestStreamResume(t *testing.T) {
	data := budgetCSV(3000)
	s, err := NewStream(context.Background(), "x.csv", strings.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	var cps []Checkpoint
	for s.Next() {
		if len(rows)%97 == 0 {
			cps = append(cps, s.Checkpoint())
		}
		rows = append(rows, cloneRow(s.Row()))
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	l := s.Layout()
	for k, cp := range cps {
		if k%5 != 0 && k != len(cps)-1 {
			continue
		}
		r, err := Resume(context.Background(), "x.csv", strings.NewReader(data[cp.Offset:]), l, cp, Options{})
		if err != nil {
			t.Fatal(err)
		}
		i := cp.Row
		for r.Next() {
			if i >= len(rows) {
				t.Fatalf("resume at row %d: more rows than the first pass", cp.Row)
			}
			got, want := r.Row(), rows[i]
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("resume at row %d: row %d = %+v, want %+v", cp.Row, i, got, want)
			}
			i++
		}
		if r.Err() != nil || i != len(rows) {
			t.Fatalf("resume at row %d: ended at %d of %d (%v)", cp.Row, i, len(rows), r.Err())
		}
	}
	if _, err := Resume(context.Background(), "x.csv", strings.NewReader(""), l, Checkpoint{State: []byte{9}}, Options{}); !errors.Is(err, ErrUnreadable) {
		t.Errorf("Resume with a foreign state = %v, want ErrUnreadable", err)
	}
}

// TestStreamFinalTypes: a column whose first rows are integers and later ones
// decimals is decimal in the final layout, and Read types every row by it.
func TestStreamFinalTypes(t *testing.T) {
	var b strings.Builder
	b.WriteString("Tên,Giá trị\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "Dòng %d,%d\n", i, i)
	}
	b.WriteString("Cuối,\"12,5\"\n")
	data := b.String()
	s, err := NewStream(context.Background(), "x.csv", strings.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Layout().Columns[1].Type; got != Integer {
		t.Errorf("head type = %s, want integer", got)
	}
	for s.Next() {
	}
	if got := s.Layout().Columns[1].Type; got != Decimal {
		t.Errorf("final type = %s, want decimal", got)
	}
	wb, err := Read(context.Background(), "x.csv", strings.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows := wb.Tables[0].Rows
	if last := rows[len(rows)-1].Cells[1]; !last.OK || last.Num != 12.5 {
		t.Errorf("last cell = %+v, want 12.5", last)
	}
}

func TestNumberStyles(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		decl    NumberStyle
		want    []float64
		style   NumberStyle
		problem string
		guess   bool
	}{
		{"vietnamese", "Tên,Số\na,\"1.234.567,5\"\nb,\"911.100\"\n", "", []float64{1234567.5, 911100}, StyleVI, "", false},
		{"english separators", "Tên,Số\na,\"1,120,237,007\"\nb,\"911,100\"\n", "", []float64{1120237007, 911100}, StyleEN, "", false},
		{"english elsewhere in the file", "Tên,A,B\na,\"1,500.25\",\"911,100\"\nb,2,\"1,000\"\n", "", []float64{911100, 1000}, StyleEN, "", false},
		{"ambiguous", "Tên,Số\na,\"911,100\"\nb,\"1,000\"\n", "", []float64{911.1, 1}, StyleVI, "", true},
		{"declared", "Tên,Số\na,\"911,100\"\nb,\"1,000\"\n", StyleEN, []float64{911100, 1000}, StyleEN, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb, err := Read(context.Background(), "x.csv", strings.NewReader(tt.csv), int64(len(tt.csv)), Options{Declared: Declared{Numbers: tt.decl}})
			if err != nil {
				t.Fatal(err)
			}
			tb := wb.Tables[0]
			col := len(tb.Columns) - 1
			var got []float64
			for _, r := range tb.Rows {
				got = append(got, r.Cells[col].Num)
			}
			if !reflect.DeepEqual(got, tt.want) || tb.Columns[col].Style != tt.style {
				t.Errorf("values %v style %q, want %v %q", got, tb.Columns[col].Style, tt.want, tt.style)
			}
			msgs := fmt.Sprint(tb.Problems)
			if tt.problem != "" && !strings.Contains(msgs, tt.problem) || tt.problem == "" && len(tb.Problems) > 0 {
				t.Errorf("problems = %s, want %q", msgs, tt.problem)
			}
			guessed := false
			for _, g := range tb.Guesses {
				if g.Field == "numbers" {
					guessed = true
					// The guess says what was read, where, and which convention to write.
					if m := g.Message().String(); !strings.Contains(m, `"911,100" (column "Số", line 2)`) || !strings.Contains(m, "write 1.234.567,5") {
						t.Errorf("guess = %q", m)
					}
				}
			}
			if guessed != tt.guess {
				t.Errorf("numbers guessed = %v, want %v (%+v)", guessed, tt.guess, tb.Guesses)
			}
		})
	}
}

func TestDeclaredLayout(t *testing.T) {
	data := "Tiêu đề,,\nSTT,Tên,Giá\n1,a,100\n2,b,200\n"
	two, one, zero := 2, 1, 0
	tests := []struct {
		name   string
		decl   Declared
		cols   []string
		rows   int
		unit   string
		guess  string
		moneyC bool
	}{
		{"detected", Declared{}, []string{"STT", "Tên", "Giá"}, 2, "", "skip_rows", false},
		{"skip two, no header", Declared{SkipRows: &two, HeaderRows: &zero}, []string{"Cột 1", "Cột 2", "Cột 3"}, 2, "", "", false},
		{"no title", Declared{SkipRows: &zero}, []string{"Tiêu đề — STT", "Tiêu đề — Tên", "Tiêu đề — Giá"}, 2, "", "header_rows", false},
		{"no title, one header row", Declared{SkipRows: &zero, HeaderRows: &one}, []string{"Tiêu đề", "Cột 2", "Cột 3"}, 3, "", "", false},
		{"unit", Declared{Unit: "triệu đồng"}, []string{"STT", "Tên", "Giá"}, 2, "triệu đồng", "skip_rows", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb, err := Read(context.Background(), "x.csv", strings.NewReader(data), int64(len(data)), Options{Declared: tt.decl})
			if err != nil {
				t.Fatal(err)
			}
			tb := wb.Tables[0]
			var cols []string
			for _, c := range tb.Columns {
				cols = append(cols, c.Name)
			}
			if !reflect.DeepEqual(cols, tt.cols) || len(tb.Rows) != tt.rows || tb.Unit != tt.unit {
				t.Errorf("columns %q, %d rows, unit %q; want %q, %d, %q", cols, len(tb.Rows), tb.Unit, tt.cols, tt.rows, tt.unit)
			}
			var fields []string
			for _, g := range tb.Guesses {
				fields = append(fields, g.Field)
				if !strings.Contains(g.Message().String(), "declare "+g.Field+" in index.md") {
					t.Errorf("guess message %q does not say how to override", g.Message())
				}
			}
			if got := strings.Join(fields, ","); got != tt.guess {
				t.Errorf("guesses %q, want %q", got, tt.guess)
			}
			if tt.moneyC && tb.Columns[2].Type != Money {
				t.Errorf("Giá = %s, want money under a declared unit", tb.Columns[2].Type)
			}
		})
	}
}

func TestCSVDetails(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		comma rune
		cols  int
		rows  int
		code  bool
	}{
		{"semicolons and decimal commas", "Tên;Giá;Tỷ lệ\nHà Nội;1.234,5;2,5\nHuế;2.000,25;3,5\n", ';', 3, 2, false},
		{"tabs", "Tên\tGiá\nA\t1\nB\t2\n", '\t', 2, 2, false},
		{"bom and crlf", "\ufeffTên,Giá\r\nA,1\r\nB,2\r\n", ',', 2, 2, false},
		{"zero-padded codes", "Mã,Tên\n00004,Phường Trúc Bạch\n00013,Phường Quán Thánh\n", ',', 2, 2, true},
		{"trailing empty column", "A,B,\n1,x,\n2,y,\n", ',', 2, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb, err := Read(context.Background(), "x.csv", strings.NewReader(tt.data), int64(len(tt.data)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			tb := wb.Tables[0]
			if tb.Comma != tt.comma || len(tb.Columns) != tt.cols || len(tb.Rows) != tt.rows {
				t.Errorf("comma %q, %d columns, %d rows; want %q %d %d", tb.Comma, len(tb.Columns), len(tb.Rows), tt.comma, tt.cols, tt.rows)
			}
			if tt.code && (tb.Columns[0].Type != Code || tb.Rows[0].Cells[0].Raw != "00004") {
				t.Errorf("code column = %s %q, want code \"00004\"", tb.Columns[0].Type, tb.Rows[0].Cells[0].Raw)
			}
		})
	}
}

func TestCSVRefused(t *testing.T) {
	lim := Limits{MaxRecordBytes: 1 << 10, MaxColumns: 50}
	tests := []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"utf-16", append([]byte{0xFF, 0xFE}, []byte("a\x00,\x00b\x00")...), ErrUnreadable, "CSV UTF-8"},
		{"windows-1258", []byte("T\xean,Gi\xe1\n1,2\n"), ErrUnreadable, "not UTF-8"},
		{"unterminated quote", []byte("a,b\n1,\"" + strings.Repeat("x", 50000) + "\n2,3\n"), ErrLimit, "unterminated quote"},
		{"too many fields", []byte(strings.Repeat("x,", 100) + "x\n"), ErrLimit, "limit 50 columns"},
		{"empty", []byte("\n\n"), ErrUnreadable, "no rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(context.Background(), "bang.csv", bytes.NewReader(tt.data), int64(len(tt.data)), Options{Limits: lim})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "bang.csv: ") {
				t.Errorf("Read = %v, want %v saying %q and naming the file", err, tt.want, tt.msg)
			}
		})
	}
}

func TestStreamContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := NewStream(ctx, "x.csv", io.MultiReader(strings.NewReader(budgetCSV(3000)), strings.NewReader(budgetCSV(3000))), Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for s.Next() {
		n++
		if n == 500 {
			cancel()
		}
	}
	if !errors.Is(s.Err(), context.Canceled) || n > 2000 {
		t.Errorf("after cancel: %d rows, err %v; want context.Canceled soon", n, s.Err())
	}
}
