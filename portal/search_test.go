package portal

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/search"
)

func openDemo(t testing.TB) *Portal {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := Open(context.Background(), Config{Content: demo.FS(), Log: log, IndexDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := p.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.IndexStatus(); st.Err != "" || st.Docs == 0 {
		t.Fatalf("index status %+v", st)
	}
	return p
}

// match tells whether a hit is the expected one: an exact document ID
// ("n:ubnd-tinh/cong-van-6733-ubnd-kstt"), or "row~TEXT" for a table row whose
// title contains TEXT, or "kind~KIND".
func match(h search.Hit, want string) bool {
	if rest, ok := strings.CutPrefix(want, "row~"); ok {
		return h.Kind == "row" && strings.Contains(h.Title, rest)
	}
	if rest, ok := strings.CutPrefix(want, "kind~"); ok {
		return h.Kind == rest
	}
	return h.ID == want
}

// TestRanking is the table of queries citizens type, with what must come in the
// top 3 and what must not match at all, against the demo province.
func TestRanking(t *testing.T) {
	p := openDemo(t)
	const (
		cv6733      = "n:ubnd-tinh/cong-van-6733-ubnd-kstt"
		giaDat      = "d:so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen"
		bangGia2026 = "n:so-tai-nguyen-moi-truong/cong-bo-bang-gia-dat-2026"
		duThaoGia   = "n:so-tai-nguyen-moi-truong/du-thao-sua-doi-bang-gia-dat-2027"
		paCamQuan   = "n:ubnd-huyen-cam-xuyen/phuong-an-boi-thuong-cao-toc-cam-quan-dot-3"
		niemYet     = "n:ubnd-xa-cam-quan/niem-yet-du-thao-phuong-an-boi-thuong-cao-toc"
		duToanXa    = "n:ubnd-xa-cam-quan/cong-khai-du-toan-ngan-sach-xa-2026"
		quyetToanXa = "n:ubnd-xa-cam-quan/cong-khai-quyet-toan-ngan-sach-xa-2025"
		duToanTinh  = "n:so-tai-chinh/cong-khai-du-toan-ngan-sach-2026"
		dsDuToan    = "d:so-tai-chinh/du-toan-ngan-sach-2026"
		donGia      = "d:ubnd-tinh/don-gia-boi-thuong-tai-san"
		qdDonGia    = "n:ubnd-tinh/qd-don-gia-boi-thuong-cay-trong-vat-kien-truc"
		khsdd       = "d:ubnd-huyen-cam-xuyen/ke-hoach-su-dung-dat-2026"
		tuyenDung   = "n:so-noi-vu/thong-bao-tuyen-dung-cong-chuc-2026"
		tet         = "n:ubnd-tinh/thong-bao-nghi-tet-nguyen-dan-2026"
		chungThuc   = "n:ubnd-xa-cam-quan/thu-tuc-chung-thuc-ban-sao-tu-ban-chinh"
		gcnLanDau   = "n:so-tai-nguyen-moi-truong/thu-tuc-dang-ky-cap-giay-chung-nhan-lan-dau"
		thuHoiDT550 = "n:ubnd-huyen-cam-xuyen/thong-bao-thu-hoi-dat-nang-cap-dt550"
		chiSoCCHC   = "n:so-noi-vu/ket-qua-chi-so-cai-cach-hanh-chinh-2025"
		lichTiep    = "n:ubnd-tinh/lich-tiep-cong-dan-2026"
	)
	nfd := func(s string) string { return norm.NFD.String(s) }
	tests := []struct {
		q       string
		filters map[string][]string
		top3    []string // each must be among the first three hits
		never   []string // none may appear anywhere in the results
	}{
		// Land prices: rows of the table, typed with and without accents.
		{q: "gia dat duong tran hung dao", top3: []string{"row~Trần Hưng Đạo"}},
		{q: "giá đất đường Trần Hưng Đạo", top3: []string{"row~Trần Hưng Đạo"}},
		{q: "tran hung dao", top3: []string{"row~Trần Hưng Đạo"}},
		{q: "TRẦN HƯNG ĐẠO", top3: []string{"row~Trần Hưng Đạo"}},
		{q: nfd("Trần Hưng Đạo"), top3: []string{"row~Trần Hưng Đạo"}},
		{q: "Tran Hung Dao Cam Xuyen", top3: []string{"row~Trần Hưng Đạo"}},
		{q: "bang gia dat cam xuyen", top3: []string{giaDat}},
		{q: "bảng giá đất 2026", top3: []string{bangGia2026}},
		{q: "quoc lo 1a", top3: []string{"row~Quốc lộ 1A"}},
		{q: "dự thảo bảng giá đất 2027", top3: []string{duThaoGia}},
		// Budgets: the commune's disclosures first when the query names the commune.
		{q: "ngân sách 2026 xã", top3: []string{duToanXa}},
		{q: "ngan sach xa cam quan", top3: []string{duToanXa, quyetToanXa}},
		{q: "du toan ngan sach 2026", top3: []string{dsDuToan}},
		{q: "công khai dự toán ngân sách địa phương 2026", top3: []string{duToanTinh}},
		{q: "quyết toán ngân sách xã Cẩm Quan", top3: []string{quyetToanXa}},
		{q: "dự toán thu chi ngân sách", filters: map[string][]string{"kind": {"dataset"}}, top3: []string{dsDuToan}},
		{q: "thu noi dia", top3: []string{"row~Thu nội địa"}},
		{q: "Thu từ khu vực DNNN do trung ương quản lý", top3: []string{"row~Thu từ khu vực DNNN"}},
		// Compensation: plans, the unit price table and its rows.
		{q: "boi thuong cao toc cam quan", top3: []string{paCamQuan, niemYet}},
		{q: "phương án bồi thường Cẩm Quan đợt 3", top3: []string{paCamQuan}},
		{q: "đơn giá bồi thường cây trồng", top3: []string{qdDonGia, donGia}},
		{q: "buoi phuc trach", top3: []string{"row~Bưởi Phúc Trạch"}},
		{q: "bưởi phúc trạch", top3: []string{"row~Bưởi Phúc Trạch"}},
		{q: "thu hoi dat DT.550", top3: []string{thuHoiDT550}},
		{q: "thu hoi dat DT550", top3: []string{thuHoiDT550}},
		{q: "ĐT.550", top3: []string{thuHoiDT550}},
		// Land-use plan.
		{q: "ke hoach su dung dat 2026 cam xuyen", top3: []string{khsdd}},
		{q: "dat cong trinh giao thong", top3: []string{"row~Đất công trình giao thông"}},
		// Document numbers, as typed.
		{q: "6733/UBND-KSTT", top3: []string{cv6733}},
		{q: "6733/ubnd-kstt", top3: []string{cv6733}},
		{q: "6733 UBND KSTT", top3: []string{cv6733}},
		{q: "6733", top3: []string{cv6733}},
		{q: "14/2025/QĐ-UBND", top3: []string{qdDonGia}},
		{q: "14/2025/qd-ubnd", top3: []string{qdDonGia}},
		// The instruction on administrative reform, by its content.
		{q: "xin lỗi hồ sơ quá hạn", top3: []string{cv6733}},
		{q: "09/2019/QĐ-UBND", top3: []string{cv6733}},
		{q: "chi so cai cach hanh chinh 2025", top3: []string{chiSoCCHC}},
		// Procedures and notices.
		{q: "chứng thực bản sao", top3: []string{chungThuc}},
		{q: "cap giay chung nhan lan dau", top3: []string{gcnLanDau}},
		{q: "tuyen dung cong chuc", top3: []string{tuyenDung}},
		{q: "nghỉ tết nguyên đán", top3: []string{tet}},
		{q: "lich tiep cong dan", top3: []string{lichTiep}},
		// Mixed case and partial accents.
		{q: "Ngân Sach Xa Cẩm Quan", top3: []string{duToanXa}},
		{q: "boi thuong, ho tro, tai dinh cu", top3: []string{"n:ubnd-tinh/quy-dinh-boi-thuong-ho-tro-tai-dinh-cu"}},
		// Phrases, exclusions and filters.
		{q: `"tái định cư" cẩm quan`, top3: []string{"n:ubnd-huyen-cam-xuyen/ket-qua-boc-tham-tai-dinh-cu-cam-quan"}},
		{q: "bồi thường cao tốc -\"Cẩm Quan\"", top3: []string{"n:ubnd-huyen-cam-xuyen/phuong-an-boi-thuong-cao-toc-cam-thinh-dot-2"}, never: []string{paCamQuan, niemYet}},
		{q: "ngân sách", filters: map[string][]string{"agency": {"ubnd-xa-cam-quan"}}, top3: []string{duToanXa}, never: []string{duToanTinh}},
		{q: "ngân sách category:ngan-sach agency:so-tai-chinh", never: []string{duToanXa}},
		{q: "giá đất", filters: map[string][]string{"kind": {"notice"}}, never: []string{"kind~row", "kind~dataset"}},
		// Syllables are not words: "sách" alone must not drag in the budget.
		{q: "sach giao khoa", never: []string{duToanTinh, dsDuToan}},
	}
	if len(tests) < 40 {
		t.Fatalf("the ranking table has %d queries, want at least 40", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := p.Search(context.Background(), search.Request{Query: tt.q, Filters: tt.filters, Size: 100})
			if err != nil {
				t.Fatalf("Search(%q): %v", tt.q, err)
			}
			top := res.Hits[:min(3, len(res.Hits))]
			for _, want := range tt.top3 {
				found := false
				for _, h := range top {
					found = found || match(h, want)
				}
				if !found {
					t.Errorf("Search(%q): %s not in the top 3; got %s", tt.q, want, describe(top))
				}
			}
			for _, bad := range tt.never {
				for _, h := range res.Hits {
					if match(h, bad) {
						t.Errorf("Search(%q): %s must not match (got %s)", tt.q, bad, h.ID)
					}
				}
			}
		})
	}
}

func describe(hs []search.Hit) string {
	var s []string
	for _, h := range hs {
		s = append(s, h.ID+" «"+h.Title+"»")
	}
	return strings.Join(s, ", ")
}
