// Command workbooks writes the demo's workbooks: the files agencies of Hà Tĩnh
// would publish as they are, in the official layouts (figures made up, place
// names real). Run from the repository root:
//
//	go run ./demo/_tools/workbooks
//
// The .xls copy is LibreOffice's conversion of the .xlsx it writes (soffice
// --headless --convert-to xls, from Debian's libreoffice-calc-nogui), the .ods
// copy likewise: agencies send all three.
package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

const site = "demo/site"

func main() {
	tmp, err := os.MkdirTemp("", "demo-workbooks-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	jobs := []struct {
		gen     func(*excelize.File) error
		dir     string
		name    string
		convert string // "" keeps the .xlsx; "xls" or "ods" converts it
	}{
		{budgetForms, "so-tai-chinh/cong-khai-du-toan-2026-bieu-mau", "Biểu mẫu công khai dự toán NSĐP năm 2026", ""},
		{landPrices, "ubnd-huyen-cam-xuyen/bang-gia-dat-cac-thi-tran-2026", "Bảng giá đất ở các thị trấn năm 2026 (QĐ UBND tỉnh)", "xls"},
		{communeBudget, "ubnd-xa-cam-quan/du-toan-chi-ngan-sach-xa-2026", "Du toan chi NS xa Cam Quan 2026", "ods"},
	}
	for _, j := range jobs {
		f := excelize.NewFile()
		if err := j.gen(f); err != nil {
			log.Fatalf("%s: %v", j.name, err)
		}
		f.SetActiveSheet(0)
		dir := filepath.Join(site, j.dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		if j.convert == "" {
			if err := f.SaveAs(filepath.Join(dir, j.name+".xlsx")); err != nil {
				log.Fatal(err)
			}
			continue
		}
		src := filepath.Join(tmp, j.name+".xlsx")
		if err := f.SaveAs(src); err != nil {
			log.Fatal(err)
		}
		cmd := exec.Command("soffice", "--headless", "--convert-to", j.convert, "--outdir", dir, src)
		if out, err := cmd.CombinedOutput(); err != nil {
			log.Fatalf("soffice: %v\n%s", err, out)
		}
	}
}

// sheet writes one sheet: cells by reference, styles by name.
type sheet struct {
	f      *excelize.File
	name   string
	styles map[string]int
	err    error
}

func newSheet(f *excelize.File, name string, first bool) *sheet {
	s := &sheet{f: f, name: name, styles: map[string]int{}}
	if first {
		s.err = f.SetSheetName("Sheet1", name)
	} else {
		_, s.err = f.NewSheet(name)
	}
	return s
}

// style: "b" bold, "i" italic, "c" centred, "border", "fmt=<code>".
func (s *sheet) style(key string) int {
	if id, ok := s.styles[key]; ok {
		return id
	}
	st := &excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 12}}
	for _, part := range strings.Split(key, "|") {
		switch {
		case part == "b":
			st.Font.Bold = true
		case part == "i":
			st.Font.Italic = true
		case part == "c":
			st.Alignment = &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
		case part == "border":
			st.Border = []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}}
		case strings.HasPrefix(part, "fmt="):
			code := strings.TrimPrefix(part, "fmt=")
			st.CustomNumFmt = &code
		}
	}
	id, err := s.f.NewStyle(st)
	if err != nil && s.err == nil {
		s.err = err
	}
	s.styles[key] = id
	return id
}

func (s *sheet) set(ref string, v any, style string) {
	if s.err != nil {
		return
	}
	if v != nil {
		s.err = s.f.SetCellValue(s.name, ref, v)
	}
	if style != "" && s.err == nil {
		s.err = s.f.SetCellStyle(s.name, ref, ref, s.style(style))
	}
}

func (s *sheet) merge(a, b string) {
	if s.err == nil {
		s.err = s.f.MergeCell(s.name, a, b)
	}
}

func cell(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col, row)
	return ref
}

// item is a line of a budget form: its number, label, whether it is bold, and
// its amounts (0 for a nil cell, written "-").
type item struct {
	stt, label string
	bold       bool
	v          []int
}

// form writes a budget disclosure form of Thông tư 343/2016/TT-BTC on a sheet:
// the agency and form number, the title, the unit caption, a two-row merged
// header, the column-number row, the items, notes and the signature block.
func form(s *sheet, number, title string, groups [][2]any, numbers []string, items []item, notes []string) {
	width := 2
	for _, g := range groups {
		width += len(g[1].([]string))
	}
	last := cell(width, 1)[:1]
	s.set("A1", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "b")
	s.set(cell(width-1, 1), "Biểu số "+number+"/CK-NSNN", "b")
	s.set("A3", title, "b|c")
	s.merge("A3", last+"3")
	s.set("A4", "(Dự toán đã được Hội đồng nhân dân tỉnh quyết định tại Nghị quyết số 118/NQ-HĐND ngày 10/12/2025)", "i|c")
	s.merge("A4", last+"4")
	s.set(cell(width-1, 5), "Đơn vị tính: Triệu đồng", "i")
	s.merge(cell(width-1, 5), cell(width, 5))
	s.set("A6", "STT", "b|c|border")
	s.merge("A6", "A7")
	s.set("B6", "Nội dung", "b|c|border")
	s.merge("B6", "B7")
	col := 3
	for _, g := range groups {
		kids := g[1].([]string)
		s.set(cell(col, 6), g[0], "b|c|border")
		if len(kids) > 1 {
			s.merge(cell(col, 6), cell(col+len(kids)-1, 6))
			for k, h := range kids {
				s.set(cell(col+k, 7), h, "b|c|border")
			}
		} else {
			s.merge(cell(col, 6), cell(col, 7))
		}
		col += len(kids)
	}
	for i, h := range numbers {
		s.set(cell(1+i, 8), h, "i|c|border")
	}
	for i, it := range items {
		r := 9 + i
		st := "border"
		if it.bold {
			st = "b|border"
		}
		if it.stt != "" {
			s.set(cell(1, r), it.stt, st+"|c")
		}
		s.set(cell(2, r), it.label, st)
		for k, v := range it.v {
			if v == 0 {
				s.set(cell(3+k, r), "-", st+"|c")
				continue
			}
			s.set(cell(3+k, r), v, st+"|fmt=#,##0")
		}
	}
	r := 9 + len(items) + 1
	for i, n := range notes {
		s.set(cell(1, r+i), n, "i")
	}
	r += len(notes) + 1
	s.set(cell(width-2, r), "Hà Tĩnh, ngày 18 tháng 12 năm 2025", "i")
	s.set(cell(2, r+1), "Người lập biểu", "b")
	s.set(cell(width-2, r+1), "TM. ỦY BAN NHÂN DÂN", "b")
	s.set(cell(width-2, r+2), "KT. CHỦ TỊCH", "b")
	s.set(cell(width-2, r+3), "PHÓ CHỦ TỊCH", "b")
	s.set(cell(width-2, r+6), "Trần Văn Minh (tên minh họa)", "b")
}

// budgetForms is the province's disclosure of its 2026 estimate: Biểu số 48
// (revenue) and 49 (spending) of Thông tư 343/2016/TT-BTC, one sheet each.
func budgetForms(f *excelize.File) error {
	s := newSheet(f, "Biểu 48", true)
	form(s, "48", "DỰ TOÁN THU NGÂN SÁCH NHÀ NƯỚC NĂM 2026",
		[][2]any{{"Ước thực hiện năm 2025", []string{"Tổng thu NSNN", "Thu NSĐP"}}, {"Dự toán năm 2026", []string{"Tổng thu NSNN", "Thu NSĐP"}}},
		[]string{"A", "B", "1", "2", "3", "4"},
		[]item{
			{"", "TỔNG THU NSNN TRÊN ĐỊA BÀN", true, []int{19_353_200, 16_080_600, 20_610_000, 17_550_000}},
			{"I", "Thu nội địa", true, []int{9_985_300, 9_420_100, 10_110_000, 9_640_000}},
			{"1", "Thu từ khu vực DNNN do trung ương quản lý", false, []int{372_200, 372_200, 420_000, 420_000}},
			{"2", "Thu từ khu vực DNNN do địa phương quản lý", false, []int{92_200, 92_200, 95_000, 95_000}},
			{"3", "Thu từ khu vực doanh nghiệp có vốn đầu tư nước ngoài", false, []int{2_577_400, 2_577_400, 2_650_000, 2_650_000}},
			{"", "- Thuế giá trị gia tăng", false, []int{1_850_000, 1_850_000, 1_900_000, 1_900_000}},
			{"", "- Thuế thu nhập doanh nghiệp", false, []int{727_400, 727_400, 750_000, 750_000}},
			{"4", "Thu từ khu vực kinh tế ngoài quốc doanh", false, []int{1_552_800, 1_552_800, 1_480_000, 1_480_000}},
			{"5", "Thuế thu nhập cá nhân", false, []int{458_900, 458_900, 520_000, 520_000}},
			{"6", "Thu tiền sử dụng đất", false, []int{3_250_000, 2_925_000, 3_300_000, 2_970_000}},
			{"7", "Thu xổ số kiến thiết", false, []int{55_000, 55_000, 60_000, 60_000}},
			{"II", "Thu từ hoạt động xuất nhập khẩu", true, []int{9_367_900, 0, 10_500_000, 0}},
			{"1", "Thuế giá trị gia tăng thu từ hàng hóa nhập khẩu", false, []int{9_120_000, 0, 10_230_000, 0}},
			{"2", "Thuế xuất khẩu, thuế nhập khẩu", false, []int{247_900, 0, 270_000, 0}},
		},
		[]string{"Ghi chú: Thu NSĐP gồm các khoản thu ngân sách địa phương được hưởng theo phân cấp.", "(1) Số ước thực hiện năm 2025 theo báo cáo của Cục Thuế tỉnh đến hết tháng 11/2025."})
	if s.err != nil {
		return s.err
	}
	s = newSheet(f, "Biểu 49", false)
	form(s, "49", "DỰ TOÁN CHI NGÂN SÁCH ĐỊA PHƯƠNG NĂM 2026",
		[][2]any{{"Dự toán năm 2025", []string{"Dự toán năm 2025"}}, {"Dự toán năm 2026", []string{"Tổng số", "Ngân sách cấp tỉnh", "Ngân sách huyện, xã"}}},
		[]string{"A", "B", "1", "2=3+4", "3", "4"},
		[]item{
			{"", "TỔNG CHI NSĐP", true, []int{16_950_000, 17_676_000, 9_540_000, 8_136_000}},
			{"A", "CHI CÂN ĐỐI NSĐP", true, []int{14_820_000, 15_476_000, 7_640_000, 7_836_000}},
			{"I", "Chi đầu tư phát triển", true, []int{4_250_000, 4_480_000, 3_200_000, 1_280_000}},
			{"1", "Chi đầu tư cho các dự án", false, []int{4_200_000, 4_430_000, 3_160_000, 1_270_000}},
			{"2", "Chi đầu tư và hỗ trợ doanh nghiệp", false, []int{50_000, 50_000, 40_000, 10_000}},
			{"II", "Chi thường xuyên", true, []int{10_150_000, 10_560_000, 4_120_000, 6_440_000}},
			{"1", "Chi giáo dục - đào tạo và dạy nghề", false, []int{4_120_000, 4_300_000, 980_000, 3_320_000}},
			{"2", "Chi khoa học và công nghệ", false, []int{58_000, 62_000, 62_000, 0}},
			{"3", "Chi y tế, dân số và gia đình", false, []int{1_210_000, 1_260_000, 890_000, 370_000}},
			{"III", "Dự phòng ngân sách", true, []int{420_000, 436_000, 320_000, 116_000}},
			{"B", "CHI CÁC CHƯƠNG TRÌNH MỤC TIÊU", true, []int{2_130_000, 2_200_000, 1_900_000, 300_000}},
			{"1", "Chương trình mục tiêu quốc gia xây dựng nông thôn mới", false, []int{980_000, 1_000_000, 700_000, 300_000}},
			{"2", "Chương trình mục tiêu quốc gia giảm nghèo bền vững", false, []int{1_150_000, 1_200_000, 1_200_000, 0}},
		},
		[]string{"Ghi chú: Ngân sách huyện, xã gồm ngân sách cấp huyện và ngân sách cấp xã."})
	return s.err
}

// landPrices is the district's land price workbook: one sheet per town, the
// layout of the provincial decision's appendix, prices in the accounting format,
// and a hidden working sheet.
func landPrices(f *excelize.File) error {
	towns := []struct {
		sheet, name string
		roads       [][3]any // road, from, to
		vt1         []int
	}{
		{"TT Cẩm Xuyên", "THỊ TRẤN CẨM XUYÊN", [][3]any{
			{"Quốc lộ 1A", "Giáp xã Cẩm Quang", "Cầu Hội"}, {"Quốc lộ 1A", "Cầu Hội", "Ngã tư trung tâm thị trấn"},
			{"Đường Hà Huy Tập", "Trọn đường", ""}, {"Đường Trần Hưng Đạo", "Quốc lộ 1A", "Chợ Cẩm Xuyên"},
			{"Đường Nguyễn Du", "Trọn đường", ""}, {"Đường Phan Đình Phùng", "Trọn đường", ""}},
			[]int{11_650, 13_200, 9_800, 10_400, 7_600, 6_900}},
		{"TT Thiên Cầm", "THỊ TRẤN THIÊN CẦM", [][3]any{
			{"Đường Tỉnh lộ 4", "Giáp xã Cẩm Nhượng", "Bãi tắm Thiên Cầm"}, {"Đường ven biển", "Trọn đường", ""},
			{"Đường Cẩm Nhượng - Thiên Cầm", "Trọn đường", ""}, {"Đường nội thị số 3", "Trọn đường", ""}},
			[]int{8_400, 9_600, 6_200, 4_800}},
	}
	acct := `fmt=_(* #,##0_);_(* \(#,##0\);_(* "-"??_);_(@_)`
	for ti, t := range towns {
		s := newSheet(f, t.sheet, ti == 0)
		s.set("A1", "Phụ lục 02", "b")
		s.set("A2", "BẢNG GIÁ ĐẤT Ở TẠI "+t.name+", HUYỆN CẨM XUYÊN", "b|c")
		s.merge("A2", "H2")
		s.set("A3", "(Kèm theo Quyết định số 64/2025/QĐ-UBND ngày 26/12/2025 của UBND tỉnh Hà Tĩnh)", "i|c")
		s.merge("A3", "H3")
		s.set("F4", "Đơn vị tính: nghìn đồng/m²", "i")
		s.merge("F4", "H4")
		s.set("A5", "STT", "b|c|border")
		s.merge("A5", "A6")
		s.set("B5", "Tên đường, tuyến đường", "b|c|border")
		s.merge("B5", "B6")
		s.set("C5", "Đoạn đường", "b|c|border")
		s.merge("C5", "D5")
		s.set("C6", "Từ", "b|c|border")
		s.set("D6", "Đến", "b|c|border")
		s.set("E5", "Giá đất theo vị trí", "b|c|border")
		s.merge("E5", "H5")
		for i, h := range []string{"VT1", "VT2", "VT3", "VT4"} {
			s.set(cell(5+i, 6), h, "b|c|border")
		}
		for i := 1; i <= 8; i++ {
			s.set(cell(i, 7), fmt.Sprintf("(%d)", i), "i|c|border")
		}
		for ri, road := range t.roads {
			r := 8 + ri
			s.set(cell(1, r), ri+1, "c|border")
			for k, v := range road {
				if v != "" {
					s.set(cell(2+k, r), v, "border")
				}
			}
			vt1 := t.vt1[ri]
			for v, share := range []int{100, 55, 35, 25} {
				s.set(cell(5+v, r), vt1*share/100, "border|"+acct)
			}
		}
		if s.err != nil {
			return s.err
		}
	}
	w := newSheet(f, "Nhap", false)
	w.set("A1", "Hệ số điều chỉnh giá đất (K)", "")
	w.set("B1", 1.05, "")
	if w.err != nil {
		return w.err
	}
	return f.SetSheetVisible("Nhap", false)
}

// communeBudget is Xã Cẩm Quan's disclosure of its 2026 spending estimate (Biểu
// số 117 of Thông tư 343/2016/TT-BTC): thousands of đồng, the outline A, I, 1,
// a), -, +, a "Cộng" line, the amount in words and the signature.
func communeBudget(f *excelize.File) error {
	s := newSheet(f, "Biểu số 117", true)
	s.set("A1", "UBND XÃ CẨM QUAN", "b")
	s.set("D1", "Biểu số 117/CK-NSNN", "b")
	s.set("A2", "CÔNG KHAI DỰ TOÁN CHI NGÂN SÁCH XÃ NĂM 2026", "b|c")
	s.merge("A2", "D2")
	s.set("A3", "(Kèm theo Quyết định số 05/QĐ-UBND ngày 06/01/2026 của UBND xã Cẩm Quan)", "i|c")
	s.merge("A3", "D3")
	s.set("A4", "ĐVT: 1.000 đồng", "i")
	s.merge("A4", "D4")
	for i, h := range []string{"STT", "Nội dung", "Dự toán năm 2026", "So với dự toán năm 2025 (%)"} {
		s.set(cell(1+i, 5), h, "b|c|border")
	}
	rows := []struct {
		stt, label string
		bold       bool
		v          int
		pct        float64
	}{
		{"A", "TỔNG CHI NGÂN SÁCH XÃ", true, 7_245_600, 105.2},
		{"I", "Chi đầu tư phát triển", true, 1_650_000, 110.0},
		{"1", "Cứng hóa đường giao thông thôn Quan Trung", false, 950_000, 0},
		{"2", "Nâng cấp nhà văn hóa thôn Quan Nam", false, 700_000, 0},
		{"II", "Chi thường xuyên", true, 5_445_600, 103.9},
		{"1", "Chi quản lý hành chính", false, 3_350_000, 102.1},
		{"a)", "Chi thanh toán cá nhân", false, 2_520_000, 101.6},
		{"", "- Lương và phụ cấp theo lương", false, 2_100_000, 0},
		{"", "+ Cán bộ chuyên trách", false, 1_260_000, 0},
		{"", "+ Công chức", false, 840_000, 0},
		{"", "- Các khoản đóng góp", false, 420_000, 0},
		{"b)", "Chi nghiệp vụ chuyên môn", false, 830_000, 103.8},
		{"2", "Chi sự nghiệp văn hóa, thông tin", false, 265_600, 106.0},
		{"3", "Chi đảm bảo xã hội", false, 1_830_000, 107.0},
		{"", "Cộng", true, 5_445_600, 0},
		{"III", "Dự phòng ngân sách", true, 150_000, 100.0},
	}
	for i, l := range rows {
		r := 6 + i
		st := "border"
		if l.bold {
			st = "b|border"
		}
		if l.stt != "" {
			s.set(cell(1, r), l.stt, st+"|c")
		}
		s.set(cell(2, r), l.label, st)
		s.set(cell(3, r), l.v, st+"|fmt=#,##0")
		if l.pct > 0 {
			s.set(cell(4, r), l.pct, st+"|fmt=0.0")
		}
	}
	r := 6 + len(rows) + 1
	s.set(cell(1, r), "Số tiền bằng chữ: Bảy tỷ, hai trăm bốn mươi lăm triệu, sáu trăm nghìn đồng.", "i")
	s.set(cell(3, r+2), "Cẩm Quan, ngày 06 tháng 01 năm 2026", "i")
	s.set(cell(3, r+3), "CHỦ TỊCH", "b")
	s.set(cell(3, r+6), "Lê Văn Hòa (tên minh họa)", "b")
	return s.err
}
