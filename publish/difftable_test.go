package publish

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// tbl parses "a,b|1,2|3,4" into a table (header first).
func tbl(s string) Table {
	var t Table
	for i, line := range strings.Split(s, "|") {
		cells := strings.Split(line, ",")
		if i == 0 {
			t.Columns = cells
		} else {
			t.Rows = append(t.Rows, cells)
		}
	}
	return t
}

func keyed(s, key string) Table {
	t := tbl(s)
	t.Key = key
	return t
}

func TestDiffTable(t *testing.T) {
	const base = "ma,ten,gia|1,Đất ở,100|2,Đất nông nghiệp,50|3,Đất rừng,20|4,Đất sông,5"
	tests := []struct {
		name string
		a, b Table
		want TableDiff
	}{
		{"same", tbl(base), tbl(base), TableDiff{Unchanged: 4}},
		{"one cell", tbl(base), tbl("ma,ten,gia|1,Đất ở,100|2,Đất nông nghiệp,55|3,Đất rừng,20|4,Đất sông,5"),
			TableDiff{Unchanged: 3, Changed: []RowChange{{1, 1, []CellChange{{"gia", "50", "55"}}}}}},
		{"a row added in the middle", tbl(base), tbl("ma,ten,gia|1,Đất ở,100|2,Đất nông nghiệp,50|9,Đất mới,1|3,Đất rừng,20|4,Đất sông,5"),
			TableDiff{Unchanged: 4, Added: []int{2}}},
		{"a row removed", tbl(base), tbl("ma,ten,gia|1,Đất ở,100|3,Đất rừng,20|4,Đất sông,5"),
			TableDiff{Unchanged: 3, Removed: []int{1}}},
		{"a row added before a changed one", tbl(base), tbl("ma,ten,gia|1,Đất ở,100|9,Đất mới,1|2,Đất nông nghiệp,55|3,Đất rừng,20|4,Đất sông,5"),
			TableDiff{Unchanged: 3, Added: []int{1}, Changed: []RowChange{{1, 2, []CellChange{{"gia", "50", "55"}}}}}},
		{"a row replaced by another", tbl(base), tbl("ma,ten,gia|1,Đất ở,100|8,Mặt nước,9|3,Đất rừng,20|4,Đất sông,5"),
			TableDiff{Unchanged: 3, Added: []int{1}, Removed: []int{1}}},
		{"a column added", tbl(base), tbl("ma,ten,gia,don_vi|1,Đất ở,100,đ|2,Đất nông nghiệp,50,đ|3,Đất rừng,20,đ|4,Đất sông,5,đ"),
			TableDiff{Unchanged: 4, AddedColumns: []string{"don_vi"}}},
		{"a column removed and a cell changed", tbl(base), tbl("ma,gia|1,100|2,50|3,21|4,5"),
			TableDiff{Unchanged: 3, RemovedColumns: []string{"ten"}, Changed: []RowChange{{2, 2, []CellChange{{"gia", "20", "21"}}}}}},
		{"columns reordered", tbl(base), tbl("gia,ma,ten|100,1,Đất ở|50,2,Đất nông nghiệp|20,3,Đất rừng|5,4,Đất sông"),
			TableDiff{Unchanged: 4}},
		{"repeated column names", tbl("a,x,x|1,2,3"), tbl("a,x,x|1,2,4"),
			TableDiff{Changed: []RowChange{{0, 0, []CellChange{{"x", "3", "4"}}}}}},
		{"short rows have empty cells", tbl("a,b,c|1,2|3,4,5"), tbl("a,b,c|1,2,|3,4,6"),
			TableDiff{Unchanged: 1, Changed: []RowChange{{1, 1, []CellChange{{"c", "5", "6"}}}}}},
		{"by key: rows moved and changed", keyed(base, "ma"), keyed("ma,ten,gia|4,Đất sông,5|3,Đất rừng,25|1,Đất ở,100|5,Đất khác,1", "ma"),
			TableDiff{Key: "ma", Unchanged: 2, Added: []int{3}, Removed: []int{1}, Changed: []RowChange{{2, 1, []CellChange{{"gia", "20", "25"}}}}}},
		{"by key: every name changed", keyed(base, "ma"), keyed("ma,ten,gia|1,A,100|2,B,50|3,C,20|4,D,5", "ma"),
			TableDiff{Key: "ma", Changed: []RowChange{
				{0, 0, []CellChange{{"ten", "Đất ở", "A"}}}, {1, 1, []CellChange{{"ten", "Đất nông nghiệp", "B"}}},
				{2, 2, []CellChange{{"ten", "Đất rừng", "C"}}}, {3, 3, []CellChange{{"ten", "Đất sông", "D"}}}}}},
		{"a key with repeated values is not used", keyed(base, "ma"), keyed("ma,ten,gia|1,Đất ở,100|1,Đất nông nghiệp,50|3,Đất rừng,20|4,Đất sông,5", "ma"),
			TableDiff{Unchanged: 3, Changed: []RowChange{{1, 1, []CellChange{{"ma", "2", "1"}}}}}},
		{"a key missing from the old table is not used", tbl("ten,gia|A,1|B,2"), keyed("ma,ten,gia|1,A,1|2,B,3", "ma"),
			TableDiff{Unchanged: 1, AddedColumns: []string{"ma"}, Changed: []RowChange{{1, 1, []CellChange{{"gia", "2", "3"}}}}}},
		{"empty to rows", tbl("a,b"), tbl("a,b|1,2|3,4"), TableDiff{Added: []int{0, 1}}},
		{"rows to empty", tbl("a,b|1,2|3,4"), tbl("a,b"), TableDiff{Removed: []int{0, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DiffTable(tt.a, tt.b)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DiffTable =\n%+v\nwant\n%+v", got, tt.want)
			}
			if got.Empty() != reflect.DeepEqual(tt.want, TableDiff{Unchanged: tt.want.Unchanged}) {
				t.Errorf("Empty() = %v", got.Empty())
			}
		})
	}
}

// bigTable is a table of n rows and 8 columns like a land price list.
func bigTable(n int) Table {
	t := Table{Columns: []string{"ma", "tinh", "huyen", "xa", "duong", "vt1", "vt2", "vt3"}}
	for i := range n {
		t.Rows = append(t.Rows, []string{
			fmt.Sprint(100000 + i), "Hà Tĩnh", fmt.Sprintf("Huyện %d", i%13), fmt.Sprintf("Xã %d", i%97),
			fmt.Sprintf("Đường số %d đoạn %d", i%501, i), fmt.Sprint(1000 + i%7*100), fmt.Sprint(800 + i%5*100), fmt.Sprint(600 + i%3*100),
		})
	}
	return t
}

// editTable returns a copy of t with, every step rows, one price changed,
// one row removed and one row inserted.
func editTable(t Table, step int) Table {
	out := Table{Columns: t.Columns, Key: t.Key}
	for i, r := range t.Rows {
		switch {
		case i%step == 1:
			r = append([]string(nil), r...)
			r[5] = "9999"
		case i%step == 2:
			continue
		case i%step == 3:
			out.Rows = append(out.Rows, []string{fmt.Sprint(900000 + i), "Hà Tĩnh", "Huyện mới", "Xã mới", "Đường mới", "1", "2", "3"})
		}
		out.Rows = append(out.Rows, r)
	}
	return out
}

// TestDiffTableLarge: 50,000 rows with a change, a removal and an insertion
// every 100 rows are all found, by content and by key.
func TestDiffTableLarge(t *testing.T) {
	a := bigTable(50_000)
	b := editTable(a, 100)
	for _, key := range []string{"", "ma"} {
		a.Key, b.Key = key, key
		d := DiffTable(a, b)
		if d.Key != key || len(d.Changed) != 500 || len(d.Removed) != 500 || len(d.Added) != 500 || d.Unchanged != 49_000 {
			t.Errorf("key %q: %d changed, %d removed, %d added, %d unchanged; want 500, 500, 500, 49,000", key, len(d.Changed), len(d.Removed), len(d.Added), d.Unchanged)
		}
		for _, c := range d.Changed {
			if len(c.Cells) != 1 || c.Cells[0].Column != "vt1" || c.Cells[0].New != "9999" || c.A%100 != 1 {
				t.Fatalf("key %q: change %+v", key, c)
			}
		}
	}
}
