package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Figures of the demo province (so-tai-chinh/du-toan-ngan-sach-2026), in
// triệu đồng.
var (
	revenueLabels = []string{
		"Thu từ khu vực DNNN do trung ương quản lý",
		"Thu từ khu vực DNNN do địa phương quản lý",
		"Thu từ khu vực doanh nghiệp có vốn đầu tư nước ngoài",
		"Thu từ khu vực kinh tế ngoài quốc doanh",
		"Thuế thu nhập cá nhân",
		"Thuế bảo vệ môi trường",
		"Lệ phí trước bạ",
		"Thu phí, lệ phí",
		"Thuế sử dụng đất phi nông nghiệp",
		"Tiền cho thuê đất, thuê mặt nước",
		"Thu tiền sử dụng đất",
		"Thu cổ tức, lợi nhuận được chia và lợi nhuận sau thuế còn lại",
	}
	revenue2025 = []float64{372200, 92200, 2577400, 1552800, 458900, 554600, 382000, 240700, 18600, 411800, 2858000, 17900}
	revenue2026 = []float64{420000, 95000, 2650000, 1480000, 520000, 610000, 385000, 245000, 18000, 420000, 2800000, 18000}
	agencies    = []string{"Sở Tài nguyên và Môi trường", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "UBND huyện Cẩm Xuyên", "Thị trấn Cẩm Xuyên", "Xã Cẩm Quang"}
	months      = []string{"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12"}
)

func days(n int) []string {
	d := make([]string, n)
	for i := range d {
		d[i] = strconv.Itoa(i+1) + "/3"
	}
	return d
}

func many(n int) ([]string, []float64) {
	labels, values := make([]string, n), make([]float64, n)
	for i := range n {
		labels[i] = "Xã số " + strconv.Itoa(i+1)
		values[i] = float64((i*7919)%1000) * 1250.5
	}
	return labels, values
}

type golden struct {
	name string
	draw func(Spec) (Chart, error)
	spec Spec
	// omitted is how many labels the chart must leave out.
	omitted int
}

func goldens() []golden {
	manyLabels, manyValues := many(45)
	return []golden{
		{name: "bar-revenue", draw: Bar, spec: Spec{
			ID: "thu", Title: "Dự toán thu ngân sách nhà nước trên địa bàn năm 2026 theo khoản thu",
			Labels: revenueLabels, Series: []Series{{Name: "Dự toán năm 2026", Values: revenue2026}},
			Unit: "triệu đồng", TableID: "bang-thu",
		}},
		{name: "bar-two-series", draw: Bar, spec: Spec{
			ID: "so-sanh", Title: "Ước thực hiện 2025 và dự toán 2026",
			Labels: revenueLabels[:6], Series: []Series{{Name: "Ước thực hiện 2025", Values: revenue2025[:6]}, {Name: "Dự toán 2026", Values: revenue2026[:6]}},
			Unit: "triệu đồng",
		}},
		{name: "bar-two-series-en", draw: Bar, spec: Spec{
			ID: "so-sanh-en", Title: "Estimated 2025 and budgeted 2026 revenue",
			Labels: revenueLabels[:6], Series: []Series{{Name: "Ước thực hiện 2025", Values: revenue2025[:6]}, {Name: "Dự toán 2026", Values: revenue2026[:6]}},
			Unit: "triệu đồng", Lang: English,
		}},
		{name: "bar-four-series", draw: Bar, spec: Spec{
			ID: "bon", Title: "Chi thường xuyên theo cơ quan, 2023–2026",
			Labels: agencies[:4], Unit: "triệu đồng",
			Series: []Series{
				{Name: "2023", Values: []float64{41250.5, 18300, 22100, 96400}},
				{Name: "2024", Values: []float64{43800, 19050.25, 23900, 101250}},
				{Name: "2025", Values: []float64{45100, 20400, 24750, 108900}},
				{Name: "2026", Values: []float64{47300, 21000, 26100, 112000}},
			},
		}},
		{name: "bar-negative", draw: Bar, spec: Spec{
			ID: "chenh-lech", Title: "Chênh lệch thu, chi ngân sách xã năm 2024",
			Labels: agencies[3:], Unit: "triệu đồng",
			Series: []Series{{Name: "Chênh lệch", Values: []float64{1520.5, -2340.75, -310}}},
		}},
		{name: "bar-dong", draw: Bar, spec: Spec{
			ID: "boi-thuong", Title: "Tiền bồi thường, hỗ trợ theo hộ",
			Labels: []string{"Hộ ông Nguyễn Văn A", "Hộ bà Trần Thị B", "Hộ ông Lê Văn C"}, Unit: "đồng",
			Series: []Series{{Values: []float64{1_200_000_000, 350_000_000, 86_500_000}}},
		}},
		{name: "bar-percent", draw: Bar, spec: Spec{
			ID: "dung-han", Title: "Tỷ lệ hồ sơ giải quyết đúng hạn năm 2025",
			Labels: agencies, Percent: true,
			Series: []Series{{Values: []float64{98.57, 100, 92.3, 87.04, 76.5, 0}}},
		}},
		{name: "bar-percent-over", draw: Bar, spec: Spec{
			ID: "so-sanh-pt", Title: "Dự toán 2026 so với ước thực hiện 2025",
			Labels: revenueLabels[:5], Unit: "%",
			Series: []Series{{Values: []float64{112.8, 103, 102.8, 95.3, 113.3}}},
		}},
		{name: "bar-single", draw: Bar, spec: Spec{
			ID: "mot", Title: "Tổng chi ngân sách địa phương", Labels: []string{"Tỉnh Hà Tĩnh"}, Unit: "triệu đồng",
			Series: []Series{{Values: []float64{24_318_750.5}}},
		}},
		{name: "bar-equal", draw: Bar, spec: Spec{
			ID: "bang-nhau", Title: "Định mức phân bổ", Labels: agencies[:3], Unit: "triệu đồng",
			Series: []Series{{Values: []float64{500, 500, 500}}},
		}},
		{name: "bar-zero", draw: Bar, spec: Spec{
			ID: "khong", Title: "Số khiếu nại", Labels: agencies[:3], Unit: "đơn",
			Series: []Series{{Values: []float64{0, 0, 0}}},
		}},
		{name: "bar-tiny", draw: Bar, spec: Spec{
			ID: "nho", Title: "Hệ số điều chỉnh", Labels: agencies[:3], Decimals: 4,
			Series: []Series{{Values: []float64{0.0012, 0.0045, 0.0003}}},
		}},
		{name: "bar-huge", draw: Bar, spec: Spec{
			ID: "lon", Title: "Tổng thu ngân sách nhà nước", Labels: []string{"Cả nước", "Tỉnh Hà Tĩnh"}, Unit: "đồng",
			Series: []Series{{Values: []float64{999_999_999_999_999, 20_610_000_000_000}}},
		}},
		{name: "bar-hostile", draw: Bar, spec: Spec{
			ID: "x", Title: `<script>alert("x")</script> & 'Thu' "chi"`,
			Labels: []string{
				`<script>alert(1)</script>`,
				`Sở Tài chính & Kho bạc "Nhà nước" 'tỉnh'`,
				strings.Repeat("Ban quản lý dự án đầu tư xây dựng công trình giao thông và nông nghiệp ", 6),
				"Không_có_khoảng_trắng_nào_trong_tên_đơn_vị_này_cả_nên_phải_ngắt_giữa_chừng_rất_dài",
				"وزارة المالية",
				"משרד האוצר \u202Eabc",
				"財政局 🏛️ e\u0301",
				"ctrl\x00\x07\x1b[31m\tnext\nline \xff\xfe end\uFFFE",
			},
			Unit: `<b>triệu</b> & "đồng"`,
			Series: []Series{
				{Name: `<i>Dự toán</i> & "kế hoạch"`, Values: []float64{1, 2, 3, 4, 5, 6, 7, 8}},
				{Name: "Quyết toán ' ]]> -->", Values: []float64{8, 7, 6, 5, 4, 3, 2, 1}},
			},
		}},
		{name: "bar-omitted", draw: Bar, omitted: 15, spec: Spec{
			ID: "nhieu", Title: "Dự toán chi theo xã", Labels: manyLabels, Unit: "triệu đồng",
			Series: []Series{{Values: manyValues}},
		}},
		{name: "bar-standalone", draw: Bar, spec: Spec{
			Title: "Giá đất ở vị trí 1", Labels: []string{"Quốc lộ 1A: Giáp xã Cẩm Quang – Cầu Hội", "Quốc lộ 1A: Cầu Hội – Ngã tư Trung tâm thị trấn", "Trần Hưng Đạo: Quốc lộ 1A – Đường Hà Huy Tập"},
			Unit: "nghìn đồng/m²", Standalone: true,
			Series: []Series{{Values: []float64{11650, 13200, 11200}}},
		}},
		{name: "columns-monthly", draw: Columns, spec: Spec{
			ID: "thang", Title: "Số hồ sơ tiếp nhận theo tháng, năm 2025", Labels: months, Unit: "hồ sơ",
			Series: []Series{{Values: []float64{412, 380, 455, 498, 520, 476, 430, 445, 502, 533, 561, 610}}},
		}},
		{name: "columns-two-series", draw: Columns, spec: Spec{
			ID: "thang2", Title: "Thu ngân sách theo tháng", Labels: months, Unit: "tỷ đồng",
			Series: []Series{
				{Name: "2024", Values: []float64{1510, 1320, 1605, 1580, 1720, 1690, 1540, 1610, 1700, 1820, 1750, 2100}},
				{Name: "2025", Values: []float64{1620, 1400, 1710, 1650, 1800, 1760, 1630, 1690, 1810, 1900, 1880, 2250}},
			},
		}},
		{name: "columns-negative", draw: Columns, spec: Spec{
			ID: "can-doi", Title: "Cân đối thu chi theo quý", Labels: []string{"Quý I", "Quý II", "Quý III", "Quý IV"}, Unit: "tỷ đồng",
			Series: []Series{{Values: []float64{125.5, -48.25, 30, -210}}},
		}},
		{name: "columns-long-labels", draw: Columns, spec: Spec{
			ID: "co-quan", Title: "Hồ sơ trễ hạn theo cơ quan", Labels: agencies, Unit: "hồ sơ",
			Series: []Series{{Values: []float64{12, 3, 7, 25, 1, 0}}},
		}},
		{name: "columns-many", draw: Columns, omitted: 10, spec: Spec{
			ID: "ngay", Title: "Hồ sơ tiếp nhận theo ngày", Labels: days(40), Unit: "hồ sơ",
			Series: []Series{{Values: manyValues[:40]}},
		}},
		{name: "line-percent", draw: Line, spec: Spec{
			ID: "ty-le", Title: "Tỷ lệ hồ sơ đúng hạn theo tháng", Labels: months, Percent: true,
			Series: []Series{
				{Name: "Cấp tỉnh", Values: []float64{96.2, 97.1, 95.8, 98, 98.4, 97.9, 99.1, 98.7, 99.3, 99, 98.8, 99.5}},
				{Name: "Cấp huyện", Values: []float64{88.5, 90.2, 91, 89.7, 92.4, 93.1, 92.8, 94, 95.2, 94.6, 96.1, 96.8}},
				{Name: "Cấp xã", Values: []float64{80, 82.5, 85, 84.1, 86, 88.3, 87.5, 90, 91.2, 92, 91.7, 93.4}},
			},
		}},
		{name: "line-en", draw: Line, spec: Spec{
			ID: "line-en", Title: "Applications received per month", Labels: []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
			Unit: "hồ sơ", Lang: English,
			Series: []Series{{Name: "2025", Values: []float64{1412, 1380, 1455, 1498, 1520, 1476, 1430, 1445, 1502, 1533, 1561, 1610}}},
		}},
	}
}

func TestGolden(t *testing.T) {
	for _, g := range goldens() {
		t.Run(g.name, func(t *testing.T) {
			c, err := g.draw(g.spec)
			if err != nil {
				t.Fatalf("draw: %v", err)
			}
			if len(c.Omitted) != g.omitted || c.Shown+len(c.Omitted) != len(g.spec.Labels) {
				t.Errorf("Shown = %d, Omitted = %d labels, want %d of %d omitted", c.Shown, len(c.Omitted), g.omitted, len(g.spec.Labels))
			}
			again, err := g.draw(g.spec)
			if err != nil || !bytes.Equal(again.SVG, c.SVG) {
				t.Errorf("second rendering differs (err %v)", err)
			}
			path := filepath.Join("testdata", g.name+".svg")
			if *update {
				if err := os.WriteFile(path, c.SVG, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(c.SVG, want) {
				t.Errorf("%s differs from its golden file (run go test -update and review the diff)", g.name)
			}
		})
	}
}

// TestGoldenWellFormed decodes every golden file with encoding/xml in
// strict mode and checks the accessibility attributes of its root.
func TestGoldenWellFormed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.svg"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, data)
		})
	}
}

// checkSVG decodes data as XML and checks that it is one <svg> element with
// role="img", labelled by its <title> and described by its <desc>, and that
// no element from the labels (script, b, i) slipped through.
func checkSVG(t *testing.T, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	ids := map[string]string{} // id → element
	var root *xml.StartElement
	var texts map[string]string = map[string]string{}
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == nil {
				el := tok.Copy()
				root = &el
			}
			switch tok.Name.Local {
			case "script", "b", "i", "foreignObject", "style":
				t.Errorf("unexpected element <%s>", tok.Name.Local)
			}
			for _, a := range tok.Attr {
				if a.Name.Local == "id" {
					if _, dup := ids[a.Value]; dup {
						t.Errorf("duplicate id %q", a.Value)
					}
					ids[a.Value] = tok.Name.Local
				}
				if a.Name.Local == "style" || strings.HasPrefix(a.Name.Local, "on") {
					t.Errorf("attribute %s on <%s>: the portal's CSP forbids inline styles and scripts", a.Name.Local, tok.Name.Local)
				}
			}
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 2 && (stack[1] == "title" || stack[1] == "desc") {
				texts[stack[1]] += string(tok)
			}
		}
	}
	if root == nil || root.Name.Local != "svg" || root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is %v, want an svg element in the SVG namespace", root)
	}
	attr := map[string]string{}
	for _, a := range root.Attr {
		attr[a.Name.Local] = a.Value
	}
	if attr["role"] != "img" || attr["width"] != "100%" || !strings.HasPrefix(attr["viewBox"], "0 0 400 ") {
		t.Errorf("root attributes %v: want role=img, width=100%%, viewBox 400 wide", attr)
	}
	if ids[attr["aria-labelledby"]] != "title" || ids[attr["aria-describedby"]] != "desc" {
		t.Errorf("aria-labelledby=%q aria-describedby=%q do not point at the title and desc (ids %v)", attr["aria-labelledby"], attr["aria-describedby"], ids)
	}
	if texts["title"] == "" || texts["desc"] == "" {
		t.Errorf("empty title %q or desc %q", texts["title"], texts["desc"])
	}
}
