package search

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// fixture is a small corpus written to exercise each trap of Vietnamese
// search: diacritics, đ, syllables as tokens, document numbers, NFD input,
// soft hyphens, names that fold to common words.
var fixture = []Document{
	{ID: "gia-dat", Kind: "notice", URL: "/so-tnmt/gia-dat", Title: "Bảng giá đất đường Trần Hưng Đạo",
		Body:   "Bảng giá đất ở tại đường Trần Hưng Đạo, thị trấn Vôi, huyện Lạng Giang áp dụng từ ngày 01/01/2025. Giá đất vị trí 1 là 12.000.000 đồng/m2.",
		Agency: "so-tnmt", Category: "gia-dat", Places: []string{"Huyện Lạng Giang", "Thị trấn Vôi"}, Published: day(2025, 1, 5), Signer: "Lê Văn Hùng"},
	{ID: "du-toan", Kind: "notice", URL: "/ubnd-tan-thinh/du-toan-2025", Title: "Công khai dự toán ngân sách xã Tân Thịnh năm 2025",
		Body:   "Dự toán ngân sách xã năm 2025 đã được Hội đồng nhân dân xã thông qua. Tổng thu ngân sách trên địa bàn là 12 tỷ đồng.",
		Number: "12/QĐ-UBND", Agency: "ubnd-tan-thinh", Category: "ngan-sach", Places: []string{"Xã Tân Thịnh"}, Published: day(2025, 1, 10), Tags: []string{"dự toán", "ngân sách"}},
	{ID: "quyet-toan", Kind: "notice", URL: "/ubnd-tan-thinh/quyet-toan-2024", Title: "Công khai quyết toán ngân sách xã năm 2024",
		Body:   "Quyết toán thu chi ngân sách xã năm 2024. Chi thường xuyên 8 tỷ đồng.",
		Number: "45/QĐ-UBND", Agency: "ubnd-tan-thinh", Category: "ngan-sach", Places: []string{"Xã Tân Thịnh"}, Published: day(2024, 12, 20)},
	{ID: "sach-giao-khoa", Kind: "notice", URL: "/phong-gd/sach-giao-khoa", Title: "Hỗ trợ sách giáo khoa cho học sinh",
		Body:   "Phòng Giáo dục cấp sách giáo khoa miễn phí cho học sinh có hoàn cảnh khó khăn trong năm học mới.",
		Agency: "phong-gd", Category: "thong-bao", Published: day(2025, 8, 15)},
	{ID: "cong-van-6733", Kind: "notice", URL: "/ubnd-tinh/cv-6733", Title: "Về việc rà soát thủ tục hành chính",
		Body:   "Ủy ban nhân dân tỉnh đề nghị các sở, ngành rà soát thủ tục hành chính thuộc phạm vi quản lý.",
		Number: "6733/UBND-KSTT", Agency: "ubnd-tinh", Category: "thong-bao", Published: day(2024, 11, 2), Signer: "Nguyễn Văn An"},
	{ID: "khen-thuong", Kind: "notice", URL: "/ubnd-tinh/khen-thuong", Title: "Danh sách khen thưởng cuối năm",
		Body:   "Ông Nguyễn Văn Dat và bà Trần Thị Lan được khen thưởng vì thành tích xuất sắc.",
		Agency: "ubnd-tinh", Category: "thong-bao", Published: day(2024, 12, 30)},
	{ID: "kinh-te", Kind: "notice", URL: "/so-kh/kinh-te", Title: "Báo cáo tình hình kinh tế quý III",
		Body:   "Tiền gửi tại các ngân hàng thương mại tăng 5%. Kèm theo là danh sách doanh nghiệp mới thành lập.",
		Agency: "so-kh", Category: "bao-cao", Published: day(2025, 10, 1)},
	{ID: "quy-hoach", Kind: "notice", URL: "/so-tnmt/quy-hoach", Title: "Quy hoạch sử dụng đất huyện Lạng Giang đến năm 2030",
		Body:   "Quy hoạch sử dụng đất xác định diện tích đất nông nghiệp, đất ở và đất phi nông nghiệp của huyện.",
		Agency: "so-tnmt", Category: "quy-hoach", Places: []string{"Huyện Lạng Giang"}, Published: day(2023, 6, 1)},
	{ID: "boi-thuong", Kind: "notice", URL: "/ubnd-tan-thinh/boi-thuong", Title: "Phương án bồi thường giải phóng mặt bằng đường tỉnh 295",
		Body:   "Phương án bồi thường, hỗ trợ và tái định cư khi Nhà nước thu hồi đất để thực hiện dự án.",
		Agency: "ubnd-tan-thinh", Category: "boi-thuong", Places: []string{"Xã Tân Thịnh", "Huyện Lạng Giang"}, Published: day(2025, 3, 3)},
	{ID: "xss", Kind: "qa", URL: "/hoi-dap/1", Title: "Hỏi về đất nông nghiệp",
		Body:   "Người dân hỏi <script>alert(1)</script> về thời hạn sử dụng đất nông nghiệp & thuế.",
		Agency: "so-tnmt", Category: "hoi-dap", Published: day(2025, 2, 1)},
	{ID: "nong-thon-moi", Kind: "notice", URL: "/ubnd-tan-thinh/ntm", Title: "Xã Tân Thịnh đạt chuẩn nông thôn mới",
		Body:   "Năm 2025 xã đạt chuẩn nông thôn mới sau năm năm phấn đấu.",
		Agency: "ubnd-tan-thinh", Category: "thong-bao", Places: []string{"Xã Tân Thịnh"}, Published: day(2025, 12, 1)},
	{ID: "tuyen-dung", Kind: "notice", URL: "/so-nv/tuyen-dung", Title: "Thông báo tuyển dụ\u00adng viên chức",
		Body:   "Sở Nội vụ thông báo tuyển dụ\u00adng viên chức năm 2025, hạn nộp hồ sơ 30/6/2025.",
		Agency: "so-nv", Category: "thong-bao", Published: day(2025, 5, 20)},
	{ID: "nfd", Kind: "notice", URL: "/so-ct/cho", Title: norm.NFD.String("Kế hoạch xây dựng chợ Đồng Mỏ"),
		Body:   norm.NFD.String("Chợ Đồng Mỏ được xây dựng lại với vốn đầu tư 20 tỷ đồng."),
		Agency: "so-ct", Category: "dau-tu", Places: []string{norm.NFD.String("Thị trấn Đồng Mỏ")}, Published: day(2024, 4, 4)},
	{ID: "dataset-gia-dat", Kind: "dataset", URL: "/so-tnmt/bang-gia-dat-2025", Title: "Bảng giá đất giai đoạn 2025–2029",
		Body:   "Bộ dữ liệu giá đất của tỉnh, mỗi dòng là một tuyến đường.",
		Agency: "so-tnmt", Category: "gia-dat", Published: day(2025, 1, 1)},
	{ID: "row:gia-dat#1", Kind: "row", URL: "/so-tnmt/bang-gia-dat-2025#1", Title: "Đường Lê Lợi – Thị trấn Vôi",
		Body: "Đường Lê Lợi; đoạn từ ngã tư đến cầu Vôi; vị trí 1: 9.500.000", Agency: "so-tnmt", Category: "gia-dat",
		Places: []string{"Thị trấn Vôi"}, Parent: "dataset-gia-dat", Published: day(2025, 1, 1)},
	{ID: "row:gia-dat#2", Kind: "row", URL: "/so-tnmt/bang-gia-dat-2025#2", Title: "Đường Trần Hưng Đạo – Thị trấn Vôi",
		Body: "Đường Trần Hưng Đạo; đoạn từ chợ đến bến xe; vị trí 1: 12.000.000", Agency: "so-tnmt", Category: "gia-dat",
		Places: []string{"Thị trấn Vôi"}, Parent: "dataset-gia-dat", Published: day(2025, 1, 1)},
	{ID: "luat-dat-dai", Kind: "notice", URL: "/ubnd-tinh/luat-dat-dai", Title: "Tuyên truyền Luật Đất đai 2024",
		Body:   "Luật Đất đai năm 2024 có hiệu lực từ ngày 01/8/2024, quy định về quyền của người sử dụng đất.",
		Agency: "ubnd-tinh", Category: "thong-bao", Published: day(2024, 8, 1)},
	{ID: "hoc-bong", Kind: "notice", URL: "/phong-gd/hoc-bong", Title: "Cấp học bổng cho học sinh nghèo",
		Body:   "Danh sách học sinh được nhận học bổng năm học 2025–2026.",
		Agency: "phong-gd", Category: "thong-bao", Published: day(2025, 9, 5)},
	{ID: "dat-lua", Kind: "notice", URL: "/so-nn/dat-lua", Title: "Chuyển đổi đất trồng lúa",
		Body:   "Hướng dẫn chuyển đổi cơ cấu cây trồng trên đất trồng lúa kém hiệu quả.",
		Agency: "so-nn", Category: "nong-nghiep", Places: []string{"Huyện Lạng Giang"}, Published: day(2025, 4, 12)},
	{ID: "ho-so", Kind: "qa", URL: "/hoi-dap/2", Title: "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất gồm những gì?",
		Body:   "Hồ sơ gồm đơn đề nghị, giấy tờ về quyền sử dụng đất và sơ đồ thửa đất.",
		Agency: "so-tnmt", Category: "hoi-dap", Published: day(2025, 6, 6)},
	{ID: "giao-thong", Kind: "notice", URL: "/so-gtvt/phan-luong", Title: "Phân luồng giao thông đường Hùng Vương",
		Body:   "Tạm thời phân luồng giao thông trên đường Hùng Vương để thi công.",
		Agency: "so-gtvt", Category: "thong-bao", Published: day(2025, 7, 7)},
	{ID: "dan-so", Kind: "dataset", URL: "/cuc-tk/dan-so", Title: "Dân số và mật độ dân số các xã",
		Body:   "Mật độ dân số 500 người/km2 ở xã Tân Thịnh; dân số trung bình năm 2024.",
		Agency: "cuc-tk", Category: "thong-ke", Places: []string{"Xã Tân Thịnh"}, Published: day(2024, 3, 1)},
	{ID: "dien", Kind: "notice", URL: "/dien-luc/cat-dien", Title: "Lịch tạm ngừng cung cấp điện",
		Body:   "Điện lực Lạng Giang thông báo tạm ngừng cung cấp điện để bảo dưỡng lưới điện.",
		Agency: "dien-luc", Category: "thong-bao", Places: []string{"Huyện Lạng Giang"}, Published: day(2025, 11, 11)},
	{ID: "y-te", Kind: "notice", URL: "/so-yt/tiem-chung", Title: "Tiêm chủng mở rộng đợt 2",
		Body:   "Trạm y tế xã tổ chức tiêm chủng cho trẻ em dưới 5 tuổi.",
		Agency: "so-yt", Category: "thong-bao", Published: day(2025, 2, 14)},
	{ID: "thue", Kind: "qa", URL: "/hoi-dap/3", Title: "Miễn thuế sử dụng đất nông nghiệp",
		Body:   "Hộ gia đình được miễn thuế sử dụng đất nông nghiệp trong hạn mức.",
		Agency: "cuc-thue", Category: "hoi-dap", Published: day(2023, 1, 15)},
	{ID: "moi-truong", Kind: "notice", URL: "/so-tnmt/rac-thai", Title: "Thu gom rác thải sinh hoạt",
		Body:   "Lịch thu gom rác thải sinh hoạt tại các thôn của xã Tân Thịnh.",
		Agency: "so-tnmt", Category: "moi-truong", Places: []string{"Xã Tân Thịnh"}, Published: day(2025, 3, 30)},
	{ID: "van-hoa", Kind: "notice", URL: "/so-vh/le-hoi", Title: "Lễ hội truyền thống đền Trần",
		Body:   "Lễ hội tưởng nhớ Hưng Đạo Đại vương Trần Quốc Tuấn.",
		Agency: "so-vh", Category: "van-hoa", Published: day(2025, 2, 20)},
	{ID: "dau-thau", Kind: "notice", URL: "/ubnd-tan-thinh/dau-thau", Title: "Kết quả đấu thầu xây trường mầm non",
		Body:   "Kết quả lựa chọn nhà thầu xây dựng trường mầm non xã Tân Thịnh, giá trúng thầu 4,5 tỷ đồng.",
		Number: "101/TB-UBND", Agency: "ubnd-tan-thinh", Category: "dau-thau", Places: []string{"Xã Tân Thịnh"}, Published: day(2025, 6, 30)},
	{ID: "undated", Kind: "notice", URL: "/so-nv/noi-quy", Title: "Nội quy tiếp công dân",
		Body: "Nội quy tiếp công dân tại trụ sở Sở Nội vụ.", Agency: "so-nv", Category: "thong-bao"},
	{ID: "ngan-hang", Kind: "notice", URL: "/so-kh/von-vay", Title: "Vốn vay ngân hàng chính sách xã hội",
		Body:   "Ngân hàng Chính sách xã hội cho vay hộ nghèo với lãi suất ưu đãi.",
		Agency: "so-kh", Category: "bao-cao", Published: day(2025, 5, 5)},
}

// newFixtureIndex opens a fresh index in a temporary folder holding the
// fixture corpus.
func newFixtureIndex(t testing.TB) *Index { return fixtureIndexWith(t, Options{}) }

// fixtureIndexWith is newFixtureIndex with options.
func fixtureIndexWith(t testing.TB, opts Options) *Index {
	t.Helper()
	ix := openTemp(t, opts)
	if err := ix.Apply(context.Background(), fixture, nil); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return ix
}

// openTemp opens an empty index in a temporary folder, closed when the test ends.
func openTemp(t testing.TB, opts Options) *Index {
	t.Helper()
	ix, err := Open(t.TempDir()+"/index", opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return ix
}

// lawTexts is the start (200 KB) of each law of the shared data, when it is
// there (../shared/data/vlc): real Vietnamese text for the tokenising tests.
func lawTexts() []string {
	files, _ := filepath.Glob("../../shared/data/vlc/*.txt")
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		out = append(out, string(b[:min(len(b), 200_000)]))
	}
	return out
}

// tokenizingTexts are the texts every tokenizing test runs on: the empty
// string, road names, road and route codes, document numbers, numbers with
// separators and units, and the fixture's titles and bodies.
func tokenizingTexts() []string {
	texts := []string{
		"",
		"Bảng giá đất đường Trần Hưng Đạo",
		"ĐT.550 DT550 QL1A QL 1A km12+500",
		"Số 6733/UBND-KSTT ngày 02/11/2024; 12/QĐ-UBND",
		"Giá 12.000.000 đồng/m2, 1,5 ha, 3a",
	}
	for _, d := range fixture {
		texts = append(texts, d.Title, d.Body)
	}
	return texts
}
