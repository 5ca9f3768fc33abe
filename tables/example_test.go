package tables_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/congkhai/congkhai/tables"
)

func ExampleRead() {
	csv := "CÂN ĐỐI NGÂN SÁCH XÃ NĂM 2024,,\n" +
		"Đơn vị tính: nghìn đồng,,\n" +
		"STT,Nội dung,Quyết toán\n" +
		"A,B,1\n" +
		",TỔNG THU,\"1.250.000\"\n" +
		"I,Thu cân đối,\"1.000.000\"\n" +
		"1,Thu phí,\"125.500\"\n" +
		"2,Thu khác,\"874.500\"\n" +
		"II,Thu bổ sung,\"250.000\"\n" +
		"Ghi chú: số liệu đã được HĐND xã phê chuẩn.,,\n"
	wb, err := tables.Read(context.Background(), "ngan-sach.csv", strings.NewReader(csv), int64(len(csv)), tables.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	t := wb.Tables[0]
	fmt.Printf("%s (%s)\n", t.Title, t.Unit)
	for _, c := range t.Columns {
		fmt.Printf("%s: %s\n", c.Name, strings.TrimSpace(string(c.Type)+" "+c.Unit))
	}
	for _, r := range t.Rows {
		fmt.Printf("%-8s level %d %-3s %-12s %.0f\n", r.Role, r.Level, r.Marker, r.Label, r.Cells[2].Num)
	}
	for _, n := range t.Notes {
		fmt.Println(n.Kind, n.Text)
	}
	for _, g := range t.Guesses {
		fmt.Println(g.Message())
	}
	// Output:
	// CÂN ĐỐI NGÂN SÁCH XÃ NĂM 2024 (nghìn đồng)
	// STT: text
	// Nội dung: text
	// Quyết toán: money nghìn đồng
	// total    level 0     TỔNG THU     1250000
	// subtotal level 1 I   Thu cân đối  1000000
	// data     level 2 1   Thu phí      125500
	// data     level 2 2   Thu khác     874500
	// subtotal level 1 II  Thu bổ sung  250000
	// note Ghi chú: số liệu đã được HĐND xã phê chuẩn.
	// guessed skip_rows: 2 (1 title row(s) above the header: "CÂN ĐỐI NGÂN SÁCH XÃ NĂM 2024", confidence 80%); declare skip_rows in index.md to override
	// guessed header_rows: 1 (row 3; row 4 numbers the columns and was left out, confidence 90%); declare header_rows in index.md to override
	// guessed unit: nghìn đồng (caption "Đơn vị tính: nghìn đồng" on row 2, confidence 90%); declare unit in index.md to override
}
