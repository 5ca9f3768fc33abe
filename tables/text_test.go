package tables

import (
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseTextNumber(t *testing.T) {
	tests := []struct {
		in         string
		vi, en     float64
		viOK, enOK bool
		pct, lead0 bool
	}{
		{in: "1.234.567,5", vi: 1234567.5, viOK: true},
		{in: "1,120,237,007", en: 1120237007, enOK: true},
		{in: " 13,000,000.00 ", en: 13000000, enOK: true},
		{in: "911,100", vi: 911.1, en: 911100, viOK: true, enOK: true},
		{in: "1.234", vi: 1234, en: 1.234, viOK: true, enOK: true},
		{in: "12,5", vi: 12.5, viOK: true},
		{in: "12.5", en: 12.5, enOK: true},
		{in: "0,5", vi: 0.5, viOK: true},
		{in: "0.5", en: 0.5, enOK: true},
		{in: "1234", vi: 1234, en: 1234, viOK: true, enOK: true},
		{in: "-1.500", vi: -1500, en: -1.5, viOK: true, enOK: true},
		{in: "(1.500)", vi: -1500, en: -1.5, viOK: true, enOK: true},
		{in: "12,5%", vi: 12.5, viOK: true, pct: true},
		{in: "50.000 đ", vi: 50000, en: 50, viOK: true, enOK: true},
		{in: "1 234 567", vi: 1234567, en: 1234567, viOK: true, enOK: true},
		{in: "00004", vi: 4, en: 4, viOK: true, enOK: true, lead0: true},
		{in: "2004.0", en: 2004, enOK: true},
	}
	for _, tt := range tests {
		n, ok := parseTextNumber(tt.in)
		if !ok {
			t.Errorf("parseTextNumber(%q) not a number", tt.in)
			continue
		}
		if n.viOK != tt.viOK || n.enOK != tt.enOK || tt.viOK && n.vi != tt.vi || tt.enOK && n.en != tt.en || n.pct != tt.pct || n.lead0 != tt.lead0 {
			t.Errorf("parseTextNumber(%q) = %+v, want vi %v/%v en %v/%v pct %v lead0 %v", tt.in, n, tt.vi, tt.viOK, tt.en, tt.enOK, tt.pct, tt.lead0)
		}
	}
	for _, s := range []string{"", "abc", "1.23.4", "12,34,5", "Quận 1", "1/2/2025", "I", "3=1+2", "1..2", "--1"} {
		if n, ok := parseTextNumber(s); ok {
			t.Errorf("parseTextNumber(%q) = %+v, want not a number", s, n)
		}
	}
}

func TestParseTextDate(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"2025-01-15", "2025-01-15"},
		{"15/01/2025", "2025-01-15"},
		{"5/1/2025", "2025-01-05"},
		{"15-01-2025", "2025-01-15"},
		{"15.01.2025", "2025-01-15"},
		{"2025-01-15 08:30", "2025-01-15"},
		{"01/15/2025", ""},
		{"12,5", ""},
		{"Quý I/2025", ""},
	}
	for _, tt := range tests {
		d, ok := parseTextDate(tt.in, time.UTC)
		got := ""
		if ok {
			got = d.Format("2006-01-02")
		}
		if got != tt.want {
			t.Errorf("parseTextDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExcelTime(t *testing.T) {
	tests := []struct {
		serial float64
		d1904  bool
		want   string
	}{
		{1, false, "1900-01-01 00:00"},
		{59, false, "1900-02-28 00:00"},
		{61, false, "1900-03-01 00:00"},
		{45672, false, "2025-01-15 00:00"},
		{45672.5, false, "2025-01-15 12:00"},
		{0, true, "1904-01-01 00:00"},
	}
	for _, tt := range tests {
		d, ok := excelTime(tt.serial, tt.d1904, time.UTC)
		if got := d.Format("2006-01-02 15:04"); !ok || got != tt.want {
			t.Errorf("excelTime(%v, %v) = %q, %v, want %q", tt.serial, tt.d1904, got, ok, tt.want)
		}
	}
	if _, ok := excelTime(-1, false, time.UTC); ok {
		t.Error("excelTime(-1) ok, want not a date")
	}
}

func TestClassifyFormat(t *testing.T) {
	tests := []struct {
		code     string
		class    fmtClass
		decimals int
		zeroPad  int
	}{
		{"General", fmtGeneral, -1, 0},
		{"0", fmtNumber, 0, 0},
		{"#,##0", fmtNumber, 0, 0},
		{"#,##0.00", fmtNumber, 2, 0},
		{`_(* #,##0_);_(* \(#,##0\);_(* "-"??_);_(@_)`, fmtNumber, 0, 0},
		{`_-* #,##0\ _₫_-;\-* #,##0\ _₫_-;_-* "-"??\ _₫_-;_-@_-`, fmtNumber, 0, 0},
		{`#,##0 "₫"`, fmtCurrency, 0, 0},
		{`[$₫-42A]#,##0`, fmtCurrency, 0, 0},
		{`"$"#,##0.00_);("$"#,##0.00)`, fmtCurrency, 2, 0},
		{"0%", fmtPercent, 0, 0},
		{"0.00%", fmtPercent, 2, 0},
		{"dd/mm/yyyy", fmtDate, -1, 0},
		{"[$-42A]d mmmm yyyy", fmtDate, -1, 0},
		{"mm-dd-yy", fmtDate, -1, 0},
		{"h:mm", fmtTime, -1, 0},
		{"00000", fmtNumber, 0, 5},
		{"@", fmtText, -1, 0},
		{`0.0" ha"`, fmtNumber, 1, 0},
	}
	for _, tt := range tests {
		f := classifyFormat(tt.code)
		if f.class != tt.class || f.decimals != tt.decimals || f.zeroPad != tt.zeroPad {
			t.Errorf("classifyFormat(%q) = class %d decimals %d zeroPad %d, want %d %d %d", tt.code, f.class, f.decimals, f.zeroPad, tt.class, tt.decimals, tt.zeroPad)
		}
	}
}

func TestLegacyDecode(t *testing.T) {
	tests := []struct {
		font legacyFont
		in   string
		want string
	}{
		{legacyTCVN3, "T\xe6ng s\xb6n ph\xc8m trong n\xad\xedc", "Tổng sản phẩm trong nước"},
		{legacyTCVN3, "Th\xf9c hi\xd6n (T\xfb \xae\xe5ng)", "Thực hiện (Tỷ đồng)"},
		{legacyTCVN3, "\xa6\xedc t\xddnh", "Ước tính"},
		// Half typed in Unicode, half in TCVN3: only the legacy codes are decoded.
		{legacyTCVN3, "Năm 2006 so v\xedi n\xa8m 2005 (%)", "Năm 2006 so với năm 2005 (%)"},
		// Unicode text in a legacy font stays as it is.
		{legacyTCVN3, "Hà Nội có đường", "Hà Nội có đường"},
		{legacyTCVN3Upper, "b\xb6ng gi\xb8 \xae\xcat english", "BẢNG GIÁ ĐẤT ENGLISH"},
		{legacyNone, "T\xe6ng", "T\xe6ng"},
	}
	for _, tt := range tests {
		in := latin1(tt.in)
		want := tt.want
		if tt.font == legacyNone {
			want = in
		}
		if got := tt.font.decode(in); got != want {
			t.Errorf("decode(%q) = %q, want %q", in, got, want)
		}
	}
	for name, want := range map[string]legacyFont{".VnTime": legacyTCVN3, ".VnTimeH": legacyTCVN3Upper, ".VnArial": legacyTCVN3, "VNI-Times": legacyVNI, "Times New Roman": legacyNone, "Arial": legacyNone} {
		if got := legacyFontOf(name); got != want {
			t.Errorf("legacyFontOf(%q) = %d, want %d", name, got, want)
		}
	}
}

// latin1 turns a byte string written with \x escapes into the runes a BIFF8
// compressed string holds (U+0000–U+00FF), keeping runes beyond Latin-1.
func latin1(s string) string {
	var out []rune
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			r = rune(s[i])
		}
		out = append(out, r)
		i += size
	}
	return string(out)
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Đơn vị tính":    "don vi tinh",
		"TỔNG SỐ":        "tong so",
		"Ghi chú:":       "ghi chu:",
		"Người lập biểu": "nguoi lap bieu",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnitCaption(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Đơn vị tính: triệu đồng", "triệu đồng"},
		{"ĐVT: 1.000 đồng", "1.000 đồng"},
		{"(Đơn vị: nghìn đồng/m²)", "nghìn đồng/m²"},
		{"Đơn vị tính : Đồng", "Đồng"},
		{"Unit: Bill. dongs", "Bill. dongs"},
		{"Đơn vị tính", ""},
		{"Đơn vị hành chính từ ngày 01/7/2025", ""},
	}
	for _, tt := range tests {
		got, _ := unitCaption(tt.in)
		if got != tt.want {
			t.Errorf("unitCaption(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for s, want := range map[string]bool{"Tỷ đồng": true, "%": true, "Nghìn người": true, "1.000 đồng/m2": true, "Bill. dongs": true, "ĐIỂM ĐẦU": false, "Dự án": false, "Hà Nội": false} {
		if got := isUnitText(s); got != want {
			t.Errorf("isUnitText(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestMarkers(t *testing.T) {
	tests := []struct {
		in        string
		lastUpper rune
		kind      markerKind
		marker    string
	}{
		{"A", 0, mkUpper, "A"},
		{"B.", 'A', mkUpper, "B"},
		{"I", 0, mkRoman, "I"},
		{"I", 'H', mkUpper, "I"},
		{"IV", 0, mkRoman, "IV"},
		{"C", 'B', mkUpper, "C"},
		{"1", 0, mkArabic, "1"},
		{"12.", 0, mkArabic, "12"},
		{"1.1", 0, mkDotted, "1.1"},
		{"1.2.3", 0, mkDotted2, "1.2.3"},
		{"a)", 0, mkLower, "a"},
		{"(b)", 0, mkLower, "b"},
		{"-", 0, mkDash, "-"},
		{"+", 0, mkPlus, "+"},
		{"*", 0, mkStar, "*"},
		{"Tổng", 0, mkNone, ""},
		{"IIII", 0, mkNone, ""},
	}
	for _, tt := range tests {
		k, m := markerOf(tt.in, tt.lastUpper)
		if k != tt.kind || m != tt.marker {
			t.Errorf("markerOf(%q, %q) = %d %q, want %d %q", tt.in, tt.lastUpper, k, m, tt.kind, tt.marker)
		}
	}
	prefixes := []struct {
		in     string
		kind   markerKind
		marker string
	}{
		{"I. MIỀN NÚI PHÍA BẮC", mkRoman, "I"},
		{"1. Hà Nội", mkArabic, "1"},
		{"1.1 Thu nội địa", mkDotted, "1.1"},
		{"a) Chi đầu tư", mkLower, "a"},
		{"- Thuế giá trị gia tăng", mkDash, "-"},
		{"+ Công chức", mkPlus, "+"},
		{"A. TỔNG THU", mkUpper, "A"},
		{"Hà Nội", mkNone, ""},
		{"2024 năm", mkNone, ""},
	}
	for _, tt := range prefixes {
		k, m := markerPrefix(tt.in, 0)
		if k != tt.kind || m != tt.marker {
			t.Errorf("markerPrefix(%q) = %d %q, want %d %q", tt.in, k, m, tt.kind, tt.marker)
		}
	}
}

func TestLabels(t *testing.T) {
	for s, want := range map[string]bool{"tong so": true, "tong cong": true, "tong": true, "toan quoc": true, "whole country": true, "tong san pham": false, "tong thu nsnn": false, "cong dong": false} {
		if got := isTotalLabel(s); got != want {
			t.Errorf("isTotalLabel(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"cong": true, "cong:": true, "cong i": true, "cong (1+2)": true, "cong dong": false, "cong nghiep": false} {
		if got := isSubtotalLabel(s); got != want {
			t.Errorf("isSubtotalLabel(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"ghi chu: abc": true, "ghi chu": true, "nguon: gso": true, "nguon von dau tu": false, "so tien bang chu: mot ty": true, "so tien tham dinh bang chu: hai": true, "(*) so lieu so bo": true} {
		if got := isNoteStart(s); got != want {
			t.Errorf("isNoteStart(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"nguoi lap bieu": true, "kt. chu tich": true, "bac giang, ngay 25 thang 12 nam 2024": true, "chu tich ubnd xa": true, "chi thuong xuyen": false} {
		if got := isSignature(s); got != want {
			t.Errorf("isSignature(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"red river delta": true, "dong bang song hong": true, "tay nguyen": true, "ha noi": false} {
		if got := isRegion(s); got != want {
			t.Errorf("isRegion(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestTextNumCache: the cached reading of a text cell is the reading itself.
func TestTextNumCache(t *testing.T) {
	for _, s := range []string{"1.234", "911,100", "-1.500", "(2.000)", "12,5%", "1234", "00004", "1.234.567,5", "1,120,237,007", "0.5", "Hà Nội", "50.000 đ", "2024"} {
		want, wantOK := parseTextNumber(s)
		x := &xcell{kind: kText, text: s}
		for i := 0; i < 2; i++ {
			got, ok := x.textNum()
			if ok != wantOK || ok && (got.vi != want.vi || got.en != want.en || got.viOK != want.viOK || got.enOK != want.enOK || got.pct != want.pct || got.lead0 != want.lead0 || got.money != want.money) {
				t.Errorf("textNum(%q) pass %d = %+v %v, want %+v %v", s, i, got, ok, want, wantOK)
			}
		}
	}
}
