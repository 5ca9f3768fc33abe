package content_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/demo"
)

// The demo's workbooks are published as their agencies made them: every
// visible sheet a table, named and titled, typed, with roles, levels, units and
// notes; a hidden sheet reported as a guess to check. The same after a restart
// from the content cache.
func TestDemoWorkbooks(t *testing.T) {
	ctx := context.Background()
	site, problems := content.Load(ctx, demo.FS(), nil)
	for _, p := range problems {
		if !p.Guess {
			t.Errorf("problem: %v", p)
		}
	}
	var cache bytes.Buffer
	if err := content.WriteCache(&cache, site, "demo"); err != nil {
		t.Fatal(err)
	}
	cached, err := content.ReadCache(bytes.NewReader(cache.Bytes()), "demo")
	if err != nil {
		t.Fatal(err)
	}
	restarted, _ := content.LoadCached(ctx, demo.FS(), func() *content.Site { return cached })
	tests := []struct {
		dataset, table, title, format, sheet, unit string
		rows                                       int
		first                                      string // role, level, label of the first row
		notes                                      int
	}{
		{"so-tai-chinh/cong-khai-du-toan-2026-bieu-mau", "bieu-48", "Biểu số 48 – Dự toán thu ngân sách nhà nước năm 2026", "xlsx", "Biểu 48", "Triệu đồng", 14, "total 0 TỔNG THU NSNN TRÊN ĐỊA BÀN", 7},
		{"so-tai-chinh/cong-khai-du-toan-2026-bieu-mau", "bieu-49", "Biểu số 49 – Dự toán chi ngân sách địa phương năm 2026", "xlsx", "Biểu 49", "Triệu đồng", 13, "total 0 TỔNG CHI NSĐP", 6},
		{"ubnd-huyen-cam-xuyen/bang-gia-dat-cac-thi-tran-2026", "tt-cam-xuyen", "TT Cẩm Xuyên", "xls", "TT Cẩm Xuyên", "nghìn đồng/m²", 6, "data 0 Quốc lộ 1A", 0},
		{"ubnd-huyen-cam-xuyen/bang-gia-dat-cac-thi-tran-2026", "tt-thien-cam", "TT Thiên Cầm", "xls", "TT Thiên Cầm", "nghìn đồng/m²", 4, "data 0 Đường Tỉnh lộ 4", 0},
		{"ubnd-xa-cam-quan/du-toan-chi-ngan-sach-xa-2026", "du-toan-chi-ns-xa-cam-quan-2026", "CÔNG KHAI DỰ TOÁN CHI NGÂN SÁCH XÃ NĂM 2026", "ods", "Biểu số 117", "1.000 đồng", 16, "total 0 TỔNG CHI NGÂN SÁCH XÃ", 4},
	}
	for _, s := range []*content.Site{site, restarted} {
		for _, tt := range tests {
			d, ok := s.Dataset(tt.dataset)
			if !ok {
				t.Fatalf("dataset %s not loaded", tt.dataset)
			}
			var tb *content.Table
			for _, x := range d.Tables {
				if x.Name == tt.table {
					tb = x
				}
			}
			if tb == nil {
				t.Errorf("%s: no table %s", tt.dataset, tt.table)
				continue
			}
			if tb.Title != tt.title || tb.Format != tt.format || tb.Sheet != tt.sheet || tb.Unit != tt.unit || tb.RowCount != tt.rows || len(tb.Notes) != tt.notes {
				t.Errorf("%s: title %q format %s sheet %q unit %q rows %d notes %d; want %q %s %q %q %d %d",
					tt.table, tb.Title, tb.Format, tb.Sheet, tb.Unit, tb.RowCount, len(tb.Notes), tt.title, tt.format, tt.sheet, tt.unit, tt.rows, tt.notes)
			}
			rows, err := tb.Rows(ctx, content.RowQuery{Limit: 1, SortBy: -1})
			if err != nil || len(rows) != 1 {
				t.Fatalf("%s rows: %v", tt.table, err)
			}
			r := rows[0]
			if got := string(r.Role) + " " + string(rune('0'+r.Level)) + " " + r.Label; got != tt.first {
				t.Errorf("%s first row = %q, want %q", tt.table, got, tt.first)
			}
			for i, c := range tb.Columns {
				if c.Type.Numeric() && strings.Contains(c.Name, "Dự toán") && !r.Cells[i].OK {
					t.Errorf("%s column %q: %q is not a number", tt.table, c.Name, r.Cells[i].Raw)
				}
			}
		}
	}
	hidden := false
	for _, p := range problems {
		hidden = hidden || p.Guess && strings.Contains(p.Msg.String(), `sheet "Nhap" is not published: hidden`)
	}
	if !hidden {
		t.Error("the hidden sheet is not reported")
	}
}
