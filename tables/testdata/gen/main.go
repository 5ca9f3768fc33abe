// Command gen writes the fixtures of testdata/forms: workbooks laid out like the
// official forms agencies publish (budget disclosure forms of Thông tư 343/2016/TT-BTC,
// final accounts by province, a commune budget, a district land price workbook, a
// compensation unit price table, administrative procedure statistics) and CSV files
// written the ways agencies export them. The figures are made up; the layouts follow
// the forms. Run from the repository root:
//
//	go run ./tables/testdata/gen -out tables/testdata/forms
//
// testdata/forms/README.md says how the .xls and .ods copies are made from them.
package main

import (
	"archive/zip"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

func main() {
	out := flag.String("out", "tables/testdata/forms", "output folder")
	hostile := flag.String("hostile", "", "also write the hostile workbooks of the limit tests to this folder")
	flag.Parse()
	if *hostile != "" {
		if err := writeHostile(*hostile); err != nil {
			log.Fatal(err)
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for name, gen := range map[string]func(*excelize.File) error{
		"bieu-48-du-toan-thu-nsnn-2025.xlsx":     budgetEstimate,
		"quyet-toan-bo-sung-63-tinh-2023.xlsx":   finalAccounts,
		"cong-khai-ngan-sach-xa-2025.xlsx":       communeBudget,
		"bang-gia-dat-huyen-2025.xlsx":           landPrices,
		"don-gia-boi-thuong-cay-trong-2025.xlsx": compensation,
		"thong-ke-ho-so-tthc-quy-1-2025.xlsx":    procedures,
	} {
		f := excelize.NewFile()
		if err := gen(f); err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		f.SetActiveSheet(0)
		if err := f.SaveAs(filepath.Join(*out, name)); err != nil {
			log.Fatal(err)
		}
	}
	for name, text := range map[string]string{
		"quyet-toan-63-tinh-dau-phay.csv": finalAccountsCSV(),
		"du-toan-xa-tieu-de-gop.csv":      communeBudgetCSV(),
	} {
		if err := os.WriteFile(filepath.Join(*out, name), []byte(text), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// rng is a fixed sequence of made-up figures.
type rng uint64

func (r *rng) next(lo, hi int) int {
	*r = *r*6364136223846793005 + 1442695040888963407
	return lo + int(uint64(*r)>>33)%(hi-lo+1)
}

// sheet helps write one sheet: cells by reference, styles by name.
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
		case strings.HasPrefix(part, "id="):
			var id int
			fmt.Sscanf(part, "id=%d", &id)
			st.NumFmt = id
		}
	}
	id, err := s.f.NewStyle(st)
	if err != nil && s.err == nil {
		s.err = err
	}
	s.styles[key] = id
	return id
}

// set writes a value with a style ("b", "fmt=#,##0", "b|fmt=0.0").
func (s *sheet) set(ref string, v any, style string) {
	if s.err != nil {
		return
	}
	if v != nil {
		s.err = s.f.SetCellValue(s.name, ref, v)
	}
	if style != "" && s.err == nil {
		id := s.style(style)
		s.err = s.f.SetCellStyle(s.name, ref, ref, id)
	}
}

func (s *sheet) merge(a, b string) {
	if s.err == nil {
		s.err = s.f.MergeCell(s.name, a, b)
	}
}

// row writes values from column A on row r.
func (s *sheet) row(r int, style string, vals ...any) {
	for i, v := range vals {
		if v == nil {
			continue
		}
		ref, _ := excelize.CoordinatesToCellName(i+1, r)
		st := style
		if _, isNum := v.(int); isNum && style != "" && !strings.Contains(style, "fmt=") {
			st = style + "|fmt=#,##0"
		} else if _, isF := v.(float64); isF && !strings.Contains(style, "fmt=") {
			st = strings.TrimPrefix(style+"|fmt=0.0", "|")
		} else if _, isNum := v.(int); isNum && style == "" {
			st = "fmt=#,##0"
		}
		s.set(ref, v, st)
	}
}

func cell(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col, row)
	return ref
}

// budgetEstimate is Biểu số 48/CK-NSNN of Thông tư 343/2016/TT-BTC: the province's
// state budget revenue estimate, as the People's Committee discloses it.
func budgetEstimate(f *excelize.File) error {
	s := newSheet(f, "Biểu 48", true)
	s.set("A1", "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "b")
	s.set("G1", "Biểu số 48/CK-NSNN", "b")
	s.set("A3", "DỰ TOÁN THU NGÂN SÁCH NHÀ NƯỚC NĂM 2025", "b|c")
	s.merge("A3", "H3")
	s.set("A4", "(Dự toán đã được Hội đồng nhân dân tỉnh quyết định)", "i|c")
	s.merge("A4", "H4")
	s.set("G5", "Đơn vị tính: Triệu đồng", "i")
	s.merge("G5", "H5")
	// Header: two rows, merged.
	s.set("A6", "STT", "b|c|border")
	s.merge("A6", "A7")
	s.set("B6", "Nội dung", "b|c|border")
	s.merge("B6", "B7")
	s.set("C6", "Ước thực hiện năm 2024", "b|c|border")
	s.merge("C6", "D6")
	s.set("E6", "Dự toán năm 2025", "b|c|border")
	s.merge("E6", "F6")
	s.set("G6", "So sánh (%)", "b|c|border")
	s.merge("G6", "H6")
	for i, h := range []string{"Tổng thu NSNN", "Thu NSĐP", "Tổng thu NSNN", "Thu NSĐP", "Tổng thu NSNN", "Thu NSĐP"} {
		s.set(cell(3+i, 7), h, "b|c|border")
	}
	for i, h := range []string{"A", "B", "1", "2", "3", "4", "5=3/1", "6=4/2"} {
		s.set(cell(1+i, 8), h, "i|c|border")
	}
	type line struct {
		stt, label string
		bold       bool
		v          [4]int
	}
	lines := []line{
		{"", "TỔNG THU NSNN TRÊN ĐỊA BÀN", true, [4]int{21_450_000, 15_230_000, 24_180_000, 16_905_000}},
		{"I", "Thu nội địa", true, [4]int{17_950_000, 15_230_000, 20_380_000, 16_905_000}},
		{"1", "Thu từ khu vực DNNN do trung ương quản lý", false, [4]int{911_100, 911_100, 980_000, 980_000}},
		{"", "- Thuế giá trị gia tăng", false, [4]int{520_000, 520_000, 560_000, 560_000}},
		{"", "- Thuế thu nhập doanh nghiệp", false, [4]int{391_100, 391_100, 420_000, 420_000}},
		{"2", "Thu từ khu vực DNNN do địa phương quản lý", false, [4]int{145_000, 145_000, 150_000, 150_000}},
		{"3", "Thu từ khu vực doanh nghiệp có vốn đầu tư nước ngoài", false, [4]int{4_200_000, 4_200_000, 4_800_000, 4_800_000}},
		{"4", "Thu từ khu vực kinh tế ngoài quốc doanh", false, [4]int{2_150_000, 2_150_000, 2_400_000, 2_400_000}},
		{"5", "Thu tiền sử dụng đất", false, [4]int{8_500_000, 6_800_000, 9_500_000, 7_600_000}},
		{"6", "Thu xổ số kiến thiết", false, [4]int{45_000, 45_000, 50_000, 50_000}},
		{"II", "Thu từ hoạt động xuất nhập khẩu", true, [4]int{3_500_000, 0, 3_800_000, 0}},
		{"1", "Thuế giá trị gia tăng thu từ hàng hóa nhập khẩu", false, [4]int{3_200_000, 0, 3_450_000, 0}},
		{"2", "Thuế xuất khẩu", false, [4]int{300_000, 0, 350_000, 0}},
	}
	for i, l := range lines {
		r := 9 + i
		st := "border"
		if l.bold {
			st = "b|border"
		}
		if l.stt != "" {
			s.set(cell(1, r), l.stt, st+"|c")
		}
		s.set(cell(2, r), l.label, st)
		for k, v := range l.v {
			if v == 0 {
				s.set(cell(3+k, r), "-", st+"|c")
				continue
			}
			s.set(cell(3+k, r), v, st+"|fmt=#,##0")
		}
		for k := 0; k < 2; k++ {
			if l.v[k] == 0 {
				continue
			}
			s.set(cell(7+k, r), float64(l.v[2+k])/float64(l.v[k])*100, st+"|fmt=0.0")
		}
	}
	r := 9 + len(lines) + 1
	s.set(cell(1, r), "Ghi chú: Thu NSĐP gồm các khoản thu ngân sách địa phương được hưởng theo phân cấp.", "i")
	s.set(cell(1, r+1), "(1) Số liệu ước thực hiện đến hết ngày 31/12/2024 theo báo cáo của Cục Thuế tỉnh.", "i")
	s.set(cell(6, r+3), "Bắc Giang, ngày 25 tháng 12 năm 2024", "i")
	s.set(cell(2, r+4), "Người lập biểu", "b")
	s.set(cell(4, r+4), "Kế toán trưởng", "b")
	s.set(cell(6, r+4), "TM. ỦY BAN NHÂN DÂN", "b")
	s.set(cell(6, r+5), "KT. CHỦ TỊCH", "b")
	s.set(cell(6, r+8), "Nguyễn Văn A", "b")
	return s.err
}

// regions are Vietnam's six socio-economic regions and their provinces (before the
// 2025 reform), the grouping of final accounts by province.
var regions = []struct {
	name      string
	provinces []string
}{
	{"TRUNG DU VÀ MIỀN NÚI PHÍA BẮC", []string{"Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La", "Yên Bái", "Hoà Bình", "Thái Nguyên", "Lạng Sơn", "Bắc Giang", "Phú Thọ"}},
	{"ĐỒNG BẰNG SÔNG HỒNG", []string{"Hà Nội", "Vĩnh Phúc", "Bắc Ninh", "Quảng Ninh", "Hải Dương", "Hải Phòng", "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình"}},
	{"BẮC TRUNG BỘ VÀ DUYÊN HẢI MIỀN TRUNG", []string{"Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Đà Nẵng", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận"}},
	{"TÂY NGUYÊN", []string{"Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng"}},
	{"ĐÔNG NAM BỘ", []string{"Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu", "TP. Hồ Chí Minh"}},
	{"ĐỒNG BẰNG SÔNG CỬU LONG", []string{"Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau"}},
}

var romans = []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII"}

// finalAccounts is the Ministry of Finance's final accounts of central transfers to
// the 63 provinces: a three-row header, regions as subtotals, notes below.
func finalAccounts(f *excelize.File) error {
	s := newSheet(f, "Phụ lục 01", true)
	s.set("A1", "BỘ TÀI CHÍNH", "b")
	s.set("H1", "Phụ lục số 01/CKTC-NSNN", "b")
	s.set("A2", "QUYẾT TOÁN CHI BỔ SUNG TỪ NGÂN SÁCH TRUNG ƯƠNG CHO NGÂN SÁCH TỪNG TỈNH NĂM 2023", "b|c")
	s.merge("A2", "H2")
	s.set("G3", "Đơn vị: Triệu đồng", "i")
	s.merge("G3", "H3")
	s.set("A4", "STT", "b|c|border")
	s.merge("A4", "A6")
	s.set("B4", "Tên tỉnh, thành phố", "b|c|border")
	s.merge("B4", "B6")
	s.set("C4", "Tổng số", "b|c|border")
	s.merge("C4", "C6")
	s.set("D4", "Bổ sung từ NSTW cho NSĐP", "b|c|border")
	s.merge("D4", "H4")
	s.set("D5", "Bổ sung cân đối", "b|c|border")
	s.merge("D5", "D6")
	s.set("E5", "Bổ sung có mục tiêu", "b|c|border")
	s.merge("E5", "G5")
	s.set("E6", "Tổng số", "b|c|border")
	s.set("F6", "Vốn ngoài nước", "b|c|border")
	s.set("G6", "Vốn trong nước", "b|c|border")
	s.set("H5", "Chi thực hiện chính sách tiền lương", "b|c|border")
	s.merge("H5", "H6")
	for i, h := range []string{"A", "B", "1=2+3+6", "2", "3=4+5", "4", "5", "6"} {
		s.set(cell(1+i, 7), h, "i|c|border")
	}
	r := 8
	totalRow := r
	s.row(r, "b|border", nil, "TỔNG SỐ")
	r++
	g := rng(7)
	var regionRows []int
	var total [6]int
	for ri, reg := range regions {
		regionRows = append(regionRows, r)
		s.set(cell(1, r), romans[ri], "b|c|border")
		s.set(cell(2, r), reg.name, "b|border")
		first := r + 1
		var sum [6]int
		for pi, p := range reg.provinces {
			rr := first + pi
			a, b, c, d := g.next(2_000_000, 9_000_000), g.next(100_000, 900_000), g.next(300_000, 2_500_000), g.next(0, 400_000)
			for k, v := range [6]int{a + b + c + d, a, b + c, b, c, d} {
				sum[k] += v
				total[k] += v
			}
			s.set(cell(1, rr), pi+1, "c|border")
			s.set(cell(2, rr), p, "border")
			s.set(cell(3, rr), a+b+c+d, "border|fmt=#,##0")
			s.set(cell(4, rr), a, "border|fmt=#,##0")
			s.set(cell(5, rr), b+c, "border|fmt=#,##0")
			s.set(cell(6, rr), b, "border|fmt=#,##0")
			s.set(cell(7, rr), c, "border|fmt=#,##0")
			if d == 0 {
				s.set(cell(8, rr), "-", "c|border")
			} else {
				s.set(cell(8, rr), d, "border|fmt=#,##0")
			}
		}
		last := first + len(reg.provinces) - 1
		for col := 3; col <= 8; col++ {
			// The value first: excelize keeps it as the formula's cached result.
			s.set(cell(col, r), sum[col-3], "b|border|fmt=#,##0")
			s.err = firstErr(s.err, f.SetCellFormula(s.name, cell(col, r), fmt.Sprintf("SUM(%s:%s)", cell(col, first), cell(col, last))))
		}
		r = last + 1
	}
	for col := 3; col <= 8; col++ {
		var refs []string
		for _, rr := range regionRows {
			refs = append(refs, cell(col, rr))
		}
		s.set(cell(col, totalRow), total[col-3], "b|border|fmt=#,##0")
		s.err = firstErr(s.err, f.SetCellFormula(s.name, cell(col, totalRow), strings.Join(refs, "+")))
	}
	s.set(cell(1, r+1), "Ghi chú: (1) Bao gồm số bổ sung có mục tiêu từ nguồn vốn vay ODA, vay ưu đãi của các nhà tài trợ nước ngoài.", "i")
	s.set(cell(1, r+2), "(2) Chi thực hiện chính sách tiền lương theo Nghị định số 24/2023/NĐ-CP.", "i")
	return s.err
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// communeBudget is a commune's budget disclosure (Thông tư 343/2016, commune forms):
// outline a), b), -, +, "Cộng" subtotals, a date of approval.
func communeBudget(f *excelize.File) error {
	s := newSheet(f, "Biểu số 117", true)
	s.set("A1", "UBND XÃ TÂN LẬP", "b")
	s.set("E1", "Biểu số 117/CK-NSNN", "b")
	s.set("A2", "CÔNG KHAI DỰ TOÁN CHI NGÂN SÁCH XÃ NĂM 2025", "b|c")
	s.merge("A2", "E2")
	s.set("A3", "(Kèm theo Quyết định số 12/QĐ-UBND ngày 05/01/2025 của UBND xã Tân Lập)", "i|c")
	s.merge("A3", "E3")
	s.set("A4", "ĐVT: 1.000 đồng", "i")
	s.merge("A4", "E4")
	for i, h := range []string{"STT", "Nội dung", "Dự toán năm 2025", "Ngày phê duyệt", "Mã nguồn"} {
		s.set(cell(1+i, 5), h, "b|c|border")
	}
	rows := []struct {
		stt, label string
		bold       bool
		v          int
		code       string
	}{
		{"A", "TỔNG CHI NGÂN SÁCH XÃ", true, 6_850_500, ""},
		{"I", "Chi đầu tư phát triển", true, 1_500_000, ""},
		{"1", "Xây dựng nhà văn hóa thôn Đông", false, 900_000, "01"},
		{"2", "Cứng hóa đường giao thông nội đồng", false, 600_000, "01"},
		{"II", "Chi thường xuyên", true, 5_350_500, ""},
		{"1", "Chi quản lý hành chính", false, 3_200_000, "02"},
		{"a)", "Chi thanh toán cá nhân", false, 2_400_000, "02"},
		{"", "- Lương và phụ cấp theo lương", false, 2_000_000, "02"},
		{"", "+ Cán bộ chuyên trách", false, 1_200_000, "02"},
		{"", "+ Công chức", false, 800_000, "02"},
		{"", "- Các khoản đóng góp", false, 400_000, "02"},
		{"b)", "Chi nghiệp vụ chuyên môn", false, 800_000, "02"},
		{"2", "Chi sự nghiệp văn hóa, thông tin", false, 250_500, "03"},
		{"3", "Chi đảm bảo xã hội", false, 1_900_000, "03"},
		{"", "Cộng", true, 5_350_500, ""},
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
		if l.code != "" {
			s.set(cell(4, r), excelizeDate(2025, 1, 5), st+"|id=14")
			s.set(cell(5, r), l.code, st+"|c|fmt=@")
		}
	}
	r := 6 + len(rows) + 1
	s.set(cell(1, r), "Số tiền bằng chữ: Sáu tỷ, tám trăm năm mươi triệu, năm trăm nghìn đồng.", "i")
	s.set(cell(4, r+2), "Tân Lập, ngày 05 tháng 01 năm 2025", "i")
	s.set(cell(4, r+3), "CHỦ TỊCH", "b")
	return s.err
}

// excelizeDate is a date: excelize writes it as a serial number with a date format.
func excelizeDate(y, m, d int) any {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}

// landPrices is a district land price workbook: one sheet per town, prices in the
// accounting format, a hidden calculation sheet and a hidden column.
func landPrices(f *excelize.File) error {
	towns := []struct {
		sheet, name string
		roads       []string
	}{
		{"TT Thắng", "THỊ TRẤN THẮNG", []string{"Đường Hoàng Hoa Thám", "Đường Nguyễn Văn Cừ", "Đường Tân An", "Đường 19/5"}},
		{"Xã Đông Lỗ", "XÃ ĐÔNG LỖ", []string{"Quốc lộ 37", "Đường tỉnh 296", "Đường liên xã"}},
		{"Xã Hoàng An", "XÃ HOÀNG AN", []string{"Đường tỉnh 288", "Đường trục thôn"}},
	}
	g := rng(11)
	acct := `fmt=_(* #,##0_);_(* \(#,##0\);_(* "-"??_);_(@_)`
	for ti, t := range towns {
		s := newSheet(f, t.sheet, ti == 0)
		s.set("A1", "ỦY BAN NHÂN DÂN", "b")
		s.set("A2", "HUYỆN HIỆP HÒA", "b")
		s.set("A3", "BẢNG GIÁ ĐẤT Ở TẠI "+t.name+" GIAI ĐOẠN 2025-2029", "b|c")
		s.merge("A3", "H3")
		s.set("A4", "(Kèm theo Quyết định số 72/2024/QĐ-UBND ngày 20/12/2024 của UBND tỉnh)", "i|c")
		s.merge("A4", "H4")
		s.set("F5", "Đơn vị: nghìn đồng/m²", "i")
		s.merge("F5", "H5")
		s.set("A6", "STT", "b|c|border")
		s.merge("A6", "A7")
		s.set("B6", "Tên đường, phố", "b|c|border")
		s.merge("B6", "B7")
		s.set("C6", "Đoạn đường", "b|c|border")
		s.merge("C6", "D6")
		s.set("C7", "Từ", "b|c|border")
		s.set("D7", "Đến", "b|c|border")
		s.set("E6", "Giá đất theo vị trí", "b|c|border")
		s.merge("E6", "H6")
		for i, h := range []string{"VT1", "VT2", "VT3", "VT4"} {
			s.set(cell(5+i, 7), h, "b|c|border")
		}
		s.set("I6", "Hệ số K", "b|c|border")
		s.merge("I6", "I7")
		r := 8
		for ri, road := range t.roads {
			segs := g.next(1, 3)
			for k := 0; k < segs; k++ {
				if k == 0 {
					s.set(cell(1, r), ri+1, "c|border")
					s.set(cell(2, r), road, "border")
				}
				from, to := "Đầu đường", "Cuối đường"
				if segs > 1 {
					from, to = fmt.Sprintf("Km %d+000", k*2), fmt.Sprintf("Km %d+000", k*2+2)
				}
				s.set(cell(3, r), from, "border")
				s.set(cell(4, r), to, "border")
				vt1 := g.next(40, 180) * 100
				for v := 0; v < 4; v++ {
					s.set(cell(5+v, r), vt1*(10-2*v)/10, "border|"+acct)
				}
				s.set(cell(9, r), 1.1, "border|fmt=0.00")
				r++
			}
		}
		if err := f.SetColVisible(s.name, "I", false); err != nil {
			return err
		}
		if s.err != nil {
			return s.err
		}
	}
	calc := newSheet(f, "Tính toán", false)
	calc.set("A1", "Hệ số điều chỉnh", "")
	calc.set("B1", 1.1, "")
	if calc.err != nil {
		return calc.err
	}
	return f.SetSheetVisible("Tính toán", false)
}

// compensation is a compensation unit price table for crops: lettered groups,
// a percent column in the percent format, document numbers, notes.
func compensation(f *excelize.File) error {
	s := newSheet(f, "Cây trồng", true)
	s.set("A1", "BẢNG ĐƠN GIÁ BỒI THƯỜNG CÂY TRỒNG, VẬT NUÔI KHI NHÀ NƯỚC THU HỒI ĐẤT", "b|c")
	s.merge("A1", "F1")
	s.set("A2", "(Ban hành kèm theo Quyết định số 1535/QĐ-UBND ngày 15/3/2025)", "i|c")
	s.merge("A2", "F2")
	for i, h := range []string{"STT", "Loại cây trồng", "Đơn vị tính", "Đơn giá bồi thường (đồng)", "Tỷ lệ hỗ trợ", "Căn cứ"} {
		s.set(cell(1+i, 4), h, "b|c|border")
	}
	for i, h := range []string{"(1)", "(2)", "(3)", "(4)", "(5)", "(6)"} {
		s.set(cell(1+i, 5), h, "i|c|border")
	}
	rows := []struct {
		stt, label, unit string
		bold             bool
		price            int
		pct              float64
		basis            string
	}{
		{"A", "CÂY ĂN QUẢ", "", true, 0, 0, ""},
		{"1", "Cây vải thiều", "", false, 0, 0, ""},
		{"a)", "Mới trồng đến dưới 1 năm", "cây", false, 85_000, 1, "12/2024/QĐ-UBND"},
		{"b)", "Từ 1 năm đến dưới 3 năm", "cây", false, 320_000, 1, "12/2024/QĐ-UBND"},
		{"c)", "Đang cho thu hoạch", "cây", false, 1_250_000, 0.7, "12/2024/QĐ-UBND"},
		{"2", "Cây nhãn", "", false, 0, 0, ""},
		{"a)", "Mới trồng đến dưới 1 năm", "cây", false, 75_000, 1, "12/2024/QĐ-UBND"},
		{"b)", "Đang cho thu hoạch", "cây", false, 980_000, 0.7, "12/2024/QĐ-UBND"},
		{"B", "CÂY LƯƠNG THỰC, CÂY HÀNG NĂM", "", true, 0, 0, ""},
		{"1", "Lúa", "m²", false, 9_500, 1, "05/2025/QĐ-UBND"},
		{"2", "Ngô", "m²", false, 7_200, 1, "05/2025/QĐ-UBND"},
		{"3", "Rau các loại", "m²", false, 12_000, 1, "05/2025/QĐ-UBND"},
	}
	for i, l := range rows {
		r := 6 + i
		st := "border"
		if l.bold {
			st = "b|border"
		}
		s.set(cell(1, r), l.stt, st+"|c")
		s.set(cell(2, r), l.label, st)
		if l.unit != "" {
			s.set(cell(3, r), l.unit, st+"|c")
			s.set(cell(4, r), l.price, st+"|fmt=#,##0")
			s.set(cell(5, r), l.pct, st+"|id=9")
			s.set(cell(6, r), l.basis, st)
		}
	}
	r := 6 + len(rows) + 1
	s.set(cell(1, r), "Ghi chú:", "b|i")
	s.set(cell(1, r+1), "- Cây trồng trên đất lấn chiếm sau ngày 01/7/2014 không được bồi thường.", "i")
	s.set(cell(1, r+2), "- Đơn giá chưa bao gồm thuế giá trị gia tăng.", "i")
	return s.err
}

// procedures is a statistics table of administrative procedure files by field: codes
// written with leading zeros, a three-group header, a date column, a total row.
func procedures(f *excelize.File) error {
	s := newSheet(f, "Quý I", true)
	s.set("A1", "TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH QUÝ I NĂM 2025", "b|c")
	s.merge("A1", "J1")
	s.set("A2", "(Số liệu từ Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh)", "i|c")
	s.merge("A2", "J2")
	s.set("A3", "STT", "b|c|border")
	s.merge("A3", "A4")
	s.set("B3", "Mã lĩnh vực", "b|c|border")
	s.merge("B3", "B4")
	s.set("C3", "Lĩnh vực", "b|c|border")
	s.merge("C3", "C4")
	s.set("D3", "Số hồ sơ tiếp nhận", "b|c|border")
	s.merge("D3", "F3")
	s.set("G3", "Số hồ sơ đã giải quyết", "b|c|border")
	s.merge("G3", "H3")
	s.set("I3", "Tỷ lệ đúng hạn (%)", "b|c|border")
	s.merge("I3", "I4")
	s.set("J3", "Ngày cập nhật", "b|c|border")
	s.merge("J3", "J4")
	for i, h := range []string{"Tổng số", "Trực tuyến", "Trực tiếp", "Đúng hạn", "Quá hạn"} {
		s.set(cell(4+i, 4), h, "b|c|border")
	}
	fields := []struct{ code, name string }{
		{"001", "Đất đai"}, {"002", "Xây dựng"}, {"003", "Hộ tịch"}, {"004", "Đăng ký kinh doanh"},
		{"005", "Lao động - Thương binh và Xã hội"}, {"006", "Giáo dục và Đào tạo"}, {"007", "Y tế"}, {"010", "Tài nguyên nước"},
	}
	g := rng(3)
	sum := [5]int{}
	for i, fl := range fields {
		r := 5 + i
		online := g.next(100, 3000)
		direct := g.next(50, 1500)
		late := g.next(0, 40)
		vals := [5]int{online + direct, online, direct, online + direct - late - 20, late}
		s.set(cell(1, r), i+1, "c|border")
		s.set(cell(2, r), fl.code, "c|border|fmt=@")
		s.set(cell(3, r), fl.name, "border")
		for k, v := range vals {
			s.set(cell(4+k, r), v, "border|fmt=#,##0")
			sum[k] += v
		}
		s.set(cell(9, r), float64(vals[3])/float64(vals[3]+vals[4])*100, "border|fmt=0.00")
		s.set(cell(10, r), excelizeDate(2025, 3, 31), "border|id=14")
	}
	r := 5 + len(fields)
	s.set(cell(1, r), "Tổng cộng", "b|border")
	s.merge(cell(1, r), cell(3, r))
	for k, v := range sum {
		s.set(cell(4+k, r), v, "b|border|fmt=#,##0")
	}
	s.set(cell(9, r), float64(sum[3])/float64(sum[3]+sum[4])*100, "b|border|fmt=0.00")
	s.set(cell(1, r+2), "Nguồn: Văn phòng UBND tỉnh, ngày 05/4/2025.", "i")
	return s.err
}

// finalAccountsCSV is the final accounts as a ministry's system exports them to CSV:
// English thousands separators in quoted fields, region rows, a parent heading
// followed by empty cells.
func finalAccountsCSV() string {
	var b strings.Builder
	b.WriteString("QUYẾT TOÁN CHI BỔ SUNG TỪ NGÂN SÁCH TRUNG ƯƠNG CHO NGÂN SÁCH TỪNG TỈNH NĂM 2023,,,,\n")
	b.WriteString(",,,,Đơn vị: Triệu đồng\n")
	b.WriteString("STT,Tên tỉnh,Tổng số,Bổ sung có mục tiêu,\n")
	b.WriteString(",,,Vốn ngoài nước,Vốn trong nước\n")
	g := rng(5)
	total := 0
	var body strings.Builder
	for ri, reg := range regions {
		sum := [3]int{}
		var prov strings.Builder
		for pi, p := range reg.provinces {
			a, c := g.next(100_000_000, 999_999_999), g.next(1_000_000, 99_999_999)
			sum[0] += a + c
			sum[1] += a
			sum[2] += c
			fmt.Fprintf(&prov, "%d,%s,\"%s\",\"%s\",\"%s\"\n", pi+1, p, en(a+c), en(a), en(c))
		}
		fmt.Fprintf(&body, "%s,%s,\"%s\",\"%s\",\"%s\"\n", romans[ri], reg.name, en(sum[0]), en(sum[1]), en(sum[2]))
		body.WriteString(prov.String())
		total += sum[0]
	}
	fmt.Fprintf(&b, ",TỔNG SỐ,\"%s\",,\n", en(total))
	b.WriteString(body.String())
	b.WriteString("Ghi chú: số liệu quyết toán đã được Quốc hội phê chuẩn.,,,,\n")
	return b.String()
}

// en writes n with English thousands separators: 1,120,237,007.
func en(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// communeBudgetCSV is a commune budget saved as CSV with semicolons and Vietnamese
// numbers: a title, the unit caption, a parent heading over empty cells, a total
// and a signature block.
func communeBudgetCSV() string {
	return strings.Join([]string{
		"CÔNG KHAI QUYẾT TOÁN THU, CHI NGÂN SÁCH XÃ TÂN LẬP NĂM 2024;;;",
		"Đơn vị tính: đồng;;;",
		"STT;Nội dung;Quyết toán năm 2024;",
		";;Thu;Chi",
		"1;2;3;4",
		"A;TỔNG SỐ;7.125.450.000;6.980.120.500",
		"I;Thu ngân sách xã được hưởng theo phân cấp;2.350.000.000;",
		"1;Thu phí, lệ phí;125.500.000;",
		"2;Thu từ quỹ đất công ích;1.224.500.000;",
		"3;Thu bổ sung từ ngân sách cấp trên;1.000.000.000;",
		"II;Chi thường xuyên;;6.980.120.500",
		"1;Chi quản lý hành chính;;3.450.000.000,5",
		"2;Chi sự nghiệp giáo dục;;1.230.120.000",
		"3;Chi đảm bảo xã hội;;2.300.000.000",
		"Cộng;;;6.980.120.500,5",
		";Tân Lập, ngày 20 tháng 3 năm 2025;;",
		";Người lập biểu;;CHỦ TỊCH UBND XÃ",
		"",
	}, "\r\n")
}

// writeHostile writes workbooks that inflate far beyond their size: a sheet of 200 MB
// and a shared-strings table of 100 MB, each a few hundred kilobytes compressed.
func writeHostile(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sheet := func(body func(w io.Writer) error) func(w io.Writer) error { return body }
	head := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	if err := hostileXLSX(filepath.Join(dir, "sheet-200mb.xlsx"), sheet(func(w io.Writer) error {
		if _, err := io.WriteString(w, head+`<row r="1"><c r="A1" t="inlineStr"><is><t>`); err != nil {
			return err
		}
		chunk := []byte(strings.Repeat(" ", 1<<20))
		for i := 0; i < 200; i++ {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, `</t></is></c></row></sheetData></worksheet>`)
		return err
	}), nil); err != nil {
		return err
	}
	return hostileXLSX(filepath.Join(dir, "sst-100mb.xlsx"), func(w io.Writer) error {
		_, err := io.WriteString(w, head+`<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`)
		return err
	}, func(w io.Writer) error {
		if _, err := io.WriteString(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`); err != nil {
			return err
		}
		// Strings just under the 64 KB cell limit: 1,600 of them make 100 MB.
		si := "<si><t>" + strings.Repeat("Ngân sách nhà nước ", 2600) + "</t></si>"
		for n := 0; n < 100<<20; n += len(si) {
			if _, err := io.WriteString(w, si); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, `</sst>`)
		return err
	})
}

func hostileXLSX(path string, sheet, sst func(w io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	z := zip.NewWriter(f)
	parts := []struct {
		name string
		body func(w io.Writer) error
	}{
		{"[Content_Types].xml", str(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)},
		{"_rels/.rels", str(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", str(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{"xl/_rels/workbook.xml.rels", str(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)},
		{"xl/worksheets/sheet1.xml", sheet},
		{"xl/sharedStrings.xml", sst},
	}
	for _, p := range parts {
		if p.body == nil {
			continue
		}
		w, err := z.Create(p.name)
		if err != nil {
			return err
		}
		if err := p.body(w); err != nil {
			return err
		}
	}
	return z.Close()
}

func str(s string) func(w io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}
