package server

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/congkhai/congkhai/demo"
)

// The demo's budget forms workbook (Biểu 48, 49 of Thông tư 343/2016/TT-BTC), as
// its agency publishes it: the page shows the form as a reader knows it.
func TestWorkbookPageGolden(t *testing.T) {
	s := newTestServer(t, demo.FS())
	for _, tt := range []struct{ name, url string }{
		{"budget-form", "/so-tai-chinh/cong-khai-du-toan-2026-bieu-mau?bang=bieu-49"},
		{"budget-form-sorted", "/so-tai-chinh/cong-khai-du-toan-2026-bieu-mau?bang=bieu-49&sx=3&giam=1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, request{url: tt.url})
			if rec.Code != 200 {
				t.Fatalf("GET %s = %d", tt.url, rec.Code)
			}
			got := regexp.MustCompile(`\.[0-9a-f]{10}\.(css|js|svg)`).ReplaceAllString(rec.Body.String(), ".FINGERPRINT.$1")
			// The golden files pin the table and its chart, not the site's frame.
			start, end := strings.Index(got, `<section id="bang"`), strings.Index(got, "</section>")
			if start < 0 || end < start {
				t.Fatalf("no table section in\n%s", got)
			}
			got = got[start:end] + "</section>\n"
			golden := filepath.Join("testdata", "golden", tt.name+".html")
			if *update {
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./server -update)", err)
			}
			if got != string(want) {
				t.Errorf("GET %s differs from %s (run go test ./server -update and review the diff)\n%s", tt.url, golden, firstDiff(got, string(want)))
			}
		})
	}
}

// The budget form sorted by the 2026 estimate, descending: the total stays
// first, groups A, I, II, III, B keep their places, and the items of each group
// are ordered among themselves.
func TestWorkbookSortKeepsGroups(t *testing.T) {
	s := newTestServer(t, demo.FS())
	body := do(t, s, request{url: "/so-tai-chinh/cong-khai-du-toan-2026-bieu-mau?bang=bieu-49&sx=3&giam=1"}).Body.String()
	var labels []string
	for _, m := range regexp.MustCompile(`<th scope="row" class="row-label">([^<]+)</th>`).FindAllStringSubmatch(body, -1) {
		labels = append(labels, m[1])
	}
	want := []string{
		"TỔNG CHI NSĐP", "CHI CÂN ĐỐI NSĐP",
		"Chi đầu tư phát triển", "Chi đầu tư cho các dự án", "Chi đầu tư và hỗ trợ doanh nghiệp",
		"Chi thường xuyên", "Chi giáo dục - đào tạo và dạy nghề", "Chi y tế, dân số và gia đình", "Chi khoa học và công nghệ",
		"Dự phòng ngân sách",
		"CHI CÁC CHƯƠNG TRÌNH MỤC TIÊU", "Chương trình mục tiêu quốc gia giảm nghèo bền vững", "Chương trình mục tiêu quốc gia xây dựng nông thôn mới",
	}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("sorted rows:\n got %q\nwant %q", labels, want)
	}
}

// Downloads of a workbook's table: the cleaned table, columns in order, plain
// numbers, the rows' roles and levels; the unit caption, header band, column
// numbers and notes left out.
func TestWorkbookDownloads(t *testing.T) {
	s := newTestServer(t, demo.FS())
	base := "/tai-ve/so-tai-chinh/cong-khai-du-toan-2026-bieu-mau/bieu-48"
	rec := do(t, s, request{url: base + ".csv"})
	recs, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || rec.Code != 200 {
		t.Fatalf("CSV: %d %v\n%s", rec.Code, err, rec.Body.String())
	}
	wantHeader := []string{"STT", "Nội dung", "Ước thực hiện năm 2025 — Tổng thu NSNN", "Ước thực hiện năm 2025 — Thu NSĐP",
		"Dự toán năm 2026 — Tổng thu NSNN", "Dự toán năm 2026 — Thu NSĐP", "_role", "_level"}
	if strings.Join(recs[0], "|") != strings.Join(wantHeader, "|") {
		t.Errorf("CSV header = %q, want %q", recs[0], wantHeader)
	}
	if got := strings.Join(recs[1], "|"); got != "|TỔNG THU NSNN TRÊN ĐỊA BÀN|19353200|16080600|20610000|17550000|total|0" {
		t.Errorf("CSV first row = %q", got)
	}
	if len(recs) != 15 || strings.Contains(rec.Body.String(), "Ghi chú") || strings.Contains(rec.Body.String(), "Đơn vị tính") {
		t.Errorf("CSV has %d records (want header + 14), or notes and captions:\n%s", len(recs), rec.Body.String())
	}
	rec = do(t, s, request{url: base + ".json"})
	var rows []json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &rows); err != nil || len(rows) != 14 {
		t.Fatalf("JSON: %v, %d rows\n%s", err, len(rows), rec.Body.String())
	}
	first := string(rows[0])
	if want := `{"STT":null,"Nội dung":"TỔNG THU NSNN TRÊN ĐỊA BÀN","Ước thực hiện năm 2025 — Tổng thu NSNN":19353200,"Ước thực hiện năm 2025 — Thu NSĐP":16080600,"Dự toán năm 2026 — Tổng thu NSNN":20610000,"Dự toán năm 2026 — Thu NSĐP":17550000,"_role":"total","_level":0}`; first != want {
		t.Errorf("JSON first row\n got %s\nwant %s", first, want)
	}
	if !strings.Contains(string(rows[12]), `"Dự toán năm 2026 — Thu NSĐP":null`) {
		t.Errorf("a '-' cell is not null: %s", rows[12])
	}
	rec = do(t, s, request{url: base + ".svg"})
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "<?xml") || !strings.Contains(rec.Body.String(), `role="img"`) {
		t.Errorf("SVG download: %d\n%.200s", rec.Code, rec.Body.String())
	}
	for _, p := range []string{base + ".xlsx", "/tai-ve/so-tai-chinh/cong-khai-du-toan-2026-bieu-mau/khong-co.csv"} {
		if rec := do(t, s, request{url: p}); rec.Code != 404 {
			t.Errorf("GET %s = %d, want 404", p, rec.Code)
		}
	}
	// The original workbook, under its own name.
	rec = do(t, s, request{url: filePath("so-tai-chinh/cong-khai-du-toan-2026-bieu-mau/Biểu mẫu công khai dự toán NSĐP năm 2026.xlsx")})
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "PK") {
		t.Errorf("original workbook: %d", rec.Code)
	}
}

// A table's chart follows index.md: off, on for a category that has none by
// default, or drawing the columns it names.
func TestChartDeclared(t *testing.T) {
	csv := "Tên,Dự toán,Thực hiện\nXã A,\"1.200\",\"1.100\"\nXã B,\"900\",\"950\"\n"
	site := func(category, tables string) fstest.MapFS {
		return fstest.MapFS{
			"site.yaml":              {Data: []byte("title: Thử\n")},
			"ubnd-xa/_agency.md":     {Data: []byte("---\nname: UBND xã Thử\nkind: commune\n---\n")},
			"ubnd-xa/ds/index.md":    {Data: []byte("---\ntitle: Số liệu\ncategory: " + category + "\npublished: 2026-01-01\ncolumns:\n  - name: Dự toán\n    type: money\n  - name: Thực hiện\n    type: money\n" + tables + "---\n")},
			"ubnd-xa/ds/Số liệu.csv": {Data: []byte(csv)},
		}
	}
	tests := []struct {
		name, category, tables string
		chart                  bool
		series                 []string
	}{
		{"budget by default", "ngan-sach", "", true, []string{"Dự toán", "Thực hiện"}},
		{"off", "ngan-sach", "tables:\n  - file: Số liệu.csv\n    chart: false\n", false, nil},
		{"a notice's data has none by default", "thong-bao", "", false, nil},
		{"declared on", "thong-bao", "tables:\n  - file: Số liệu.csv\n    chart: true\n", true, []string{"Dự toán", "Thực hiện"}},
		{"declared columns", "thong-bao", "tables:\n  - file: Số liệu.csv\n    chart:\n      label: Tên\n      columns: [Thực hiện]\n", true, []string{"Thực hiện"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, site(tt.category, tt.tables))
			body := do(t, s, request{url: "/ubnd-xa/ds"}).Body.String()
			if got := strings.Contains(body, `<svg`); got != tt.chart {
				t.Fatalf("chart shown = %v, want %v", got, tt.chart)
			}
			if !tt.chart {
				return
			}
			svg := body[strings.Index(body, "<svg"):strings.Index(body, "</svg>")]
			// Xã A: Dự toán 1.200, Thực hiện 1.100.
			for name, value := range map[string]string{"Dự toán": ">1.200</text>", "Thực hiện": ">1.100</text>"} {
				if got, want := strings.Contains(svg, value), slices.Contains(tt.series, name); got != want {
					t.Errorf("series %q drawn = %v, want %v", name, got, want)
				}
			}
		})
	}
}
