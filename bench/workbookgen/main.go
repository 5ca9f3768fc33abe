// Command workbookgen writes the content folders of bench/workbook.sh: a site
// whose one dataset holds a workbook of 5 sheets of 10,000 rows laid out like a
// land price table (title, unit caption, a two-row merged header, STT, names, a
// code, four prices in the accounting format, a percent), and the same site
// with the same 50,000 rows as five CSV files written the Vietnamese way.
//
//	go run ./bench/workbookgen -out DIR   # writes DIR/xlsx and DIR/csv
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

const (
	sheets       = 5
	rowsPerSheet = 10_000
)

func main() {
	out := flag.String("out", "", "output folder")
	flag.Parse()
	if *out == "" {
		log.Fatal("-out is required")
	}
	for _, kind := range []string{"xlsx", "csv"} {
		dir := filepath.Join(*out, kind, "so-tai-nguyen-moi-truong", "bang-gia-dat-50000")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		write(filepath.Join(*out, kind, "site.yaml"), "title: Cổng công khai (đo hiệu năng)\n")
		write(filepath.Join(*out, kind, "so-tai-nguyen-moi-truong", "_agency.md"), "---\nname: Sở Tài nguyên và Môi trường\nkind: department\n---\n")
		write(filepath.Join(dir, "index.md"), "---\ntitle: Bảng giá đất 5 xã (50.000 đoạn đường)\ncategory: gia-dat\npublished: 2026-01-01\n---\nBảng đo hiệu năng.\n")
	}
	if err := writeWorkbook(filepath.Join(*out, "xlsx", "so-tai-nguyen-moi-truong", "bang-gia-dat-50000", "Bảng giá đất 5 xã.xlsx")); err != nil {
		log.Fatal(err)
	}
	for s := 0; s < sheets; s++ {
		var b strings.Builder
		b.WriteString("BẢNG GIÁ ĐẤT Ở XÃ " + fmt.Sprint(s+1) + ",,,,,,,,\n,,,,,Đơn vị tính: nghìn đồng/m²,,,\nSTT,Tên đường,Mã,Giá đất theo vị trí,,,,Tỷ lệ,Ghi chú\n,,,VT1,VT2,VT3,VT4,,\n")
		for r := 0; r < rowsPerSheet; r++ {
			v := price(s, r)
			fmt.Fprintf(&b, "%d,Đường số %d phường %d,%05d,\"%s\",\"%s\",\"%s\",\"%s\",\"%d%%\",Trọn đường\n",
				r+1, r+1, s+1, r%99999, vi(v), vi(v*8/10), vi(v*6/10), vi(v*4/10), r%100)
		}
		write(filepath.Join(*out, "csv", "so-tai-nguyen-moi-truong", "bang-gia-dat-50000", fmt.Sprintf("Xã %d.csv", s+1)), b.String())
	}
}

func price(s, r int) int { return 1000 + (r*7919+s*104729)%90000 }

func write(p, s string) {
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		log.Fatal(err)
	}
}

func writeWorkbook(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	acct := `_(* #,##0_);_(* \(#,##0\);_(* "-"??_);_(@_)`
	priceStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &acct})
	if err != nil {
		return err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		return err
	}
	for s := 0; s < sheets; s++ {
		name := fmt.Sprintf("Xã %d", s+1)
		if s == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		_ = sw.SetRow("A1", []any{"BẢNG GIÁ ĐẤT Ở " + strings.ToUpper(name)})
		_ = sw.SetRow("F2", []any{"Đơn vị tính: nghìn đồng/m²"})
		_ = sw.SetRow("A3", []any{"STT", "Tên đường", "Mã", "Giá đất theo vị trí", nil, nil, nil, "Tỷ lệ", "Ghi chú"})
		_ = sw.SetRow("A4", []any{nil, nil, nil, "VT1", "VT2", "VT3", "VT4"})
		_ = sw.MergeCell("D3", "G3")
		for r := 0; r < rowsPerSheet; r++ {
			v := price(s, r)
			row := []any{
				r + 1, fmt.Sprintf("Đường số %d phường %d", r+1, s+1), fmt.Sprintf("%05d", r%99999),
				excelize.Cell{Value: v, StyleID: priceStyle}, excelize.Cell{Value: v * 8 / 10, StyleID: priceStyle},
				excelize.Cell{Value: v * 6 / 10, StyleID: priceStyle}, excelize.Cell{Value: v * 4 / 10, StyleID: priceStyle},
				excelize.Cell{Value: float64(r%100) / 100, StyleID: pct}, "Trọn đường",
			}
			ref, _ := excelize.CoordinatesToCellName(1, r+5)
			if err := sw.SetRow(ref, row); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}

// vi writes n with Vietnamese thousands separators.
func vi(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	return string(out)
}
