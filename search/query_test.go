package search

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

func TestRanking(t *testing.T) {
	ix := newFixtureIndex(t)
	tests := []struct {
		name    string
		req     Request
		first   string   // must be the first hit ("" to skip)
		top     []string // must all be in the top 3
		not     []string // must not be in the results at all
		exactly []string // if set, the result set (any order)
		before  [][2]string
	}{
		{name: "accented", req: Request{Query: "giá đất đường Trần Hưng Đạo"}, first: "gia-dat", not: []string{"row:gia-dat#2"}},
		{name: "unaccented", req: Request{Query: "gia dat duong tran hung dao"}, first: "gia-dat"},
		{name: "row", req: Request{Query: "duong tran hung dao"}, top: []string{"row:gia-dat#2", "gia-dat"}},
		{name: "mixed", req: Request{Query: "Giá đất duong tran hung dao"}, first: "gia-dat"},
		{name: "NFD input", req: Request{Query: norm.NFD.String("giá đất Trần Hưng Đạo")}, first: "gia-dat"},
		{name: "NFD document", req: Request{Query: "chợ Đồng Mỏ"}, first: "nfd"},
		{name: "NFD document unaccented", req: Request{Query: "cho dong mo"}, first: "nfd"},
		{name: "upper case", req: Request{Query: "ĐẤT TRỒNG LÚA"}, first: "dat-lua"},
		{name: "syllables must all match", req: Request{Query: "ngân sách"},
			top: []string{"du-toan", "quyet-toan"}, not: []string{"sach-giao-khoa", "hoc-bong"},
			before: [][2]string{{"du-toan", "kinh-te"}, {"quyet-toan", "kinh-te"}, {"du-toan", "ngan-hang"}}},
		{name: "syllables unaccented", req: Request{Query: "ngan sach"},
			top: []string{"du-toan", "quyet-toan"}, not: []string{"sach-giao-khoa", "hoc-bong"}},
		{name: "number as typed", req: Request{Query: "6733/UBND-KSTT"}, first: "cong-van-6733"},
		{name: "number lower case", req: Request{Query: "6733/ubnd-kstt"}, first: "cong-van-6733"},
		{name: "number as words", req: Request{Query: "6733 UBND KSTT"}, first: "cong-van-6733"},
		{name: "number with đ", req: Request{Query: "12/QĐ-UBND"}, first: "du-toan", before: [][2]string{{"du-toan", "quyet-toan"}}},
		{name: "number folded", req: Request{Query: "12/qd-ubnd"}, first: "du-toan"},
		{name: "exact accent first", req: Request{Query: "đất"},
			before: [][2]string{{"gia-dat", "khen-thuong"}, {"quy-hoach", "khen-thuong"}, {"gia-dat", "nong-thon-moi"}}},
		{name: "folded finds all spellings", req: Request{Query: "dat"}, top: nil,
			before: nil, not: []string{"sach-giao-khoa"}},
		{name: "name spelled without accents", req: Request{Query: "Nguyễn Văn Dat"}, first: "khen-thuong"},
		{name: "quoted phrase", req: Request{Query: `"sách giáo khoa"`}, exactly: []string{"sach-giao-khoa"}},
		{name: "quoted phrase unaccented", req: Request{Query: `"sach giao khoa"`}, exactly: []string{"sach-giao-khoa"}},
		// Bodies have no positions: phrases in them are checked on the text.
		{name: "phrase in a body only", req: Request{Query: `"hoàn cảnh khó khăn"`}, exactly: []string{"sach-giao-khoa"}},
		{name: "phrase in a body unaccented", req: Request{Query: `"hoan canh kho khan"`}, exactly: []string{"sach-giao-khoa"}},
		{name: "phrase in an NFD body", req: Request{Query: `"vốn đầu tư"`}, exactly: []string{"nfd"}},
		{name: "phrase words apart in a body", req: Request{Query: `"khó hoàn cảnh"`}, exactly: []string{}},
		{name: "phrase with a number", req: Request{Query: `"8 tỷ đồng"`}, exactly: []string{"quyet-toan"}},
		{name: "phrase and words", req: Request{Query: `"thương mại" ngân hàng`}, exactly: []string{"kinh-te"}},
		{name: "excluded phrase in a body", req: Request{Query: `tỷ đồng -"chi thường xuyên"`}, top: []string{"du-toan"}, not: []string{"quyet-toan"}},
		{name: "excluded phrase scattered stays", req: Request{Query: `tỷ đồng -"đồng tỷ"`}, top: []string{"du-toan", "quyet-toan"}},
		{name: "excluded phrase in a title", req: Request{Query: `học sinh -"cấp học bổng"`}, first: "sach-giao-khoa", not: []string{"hoc-bong"}},
		{name: "excluded phrase, other accents", req: Request{Query: `học sinh -"cắp học bổng"`}, top: []string{"sach-giao-khoa", "hoc-bong"}},
		{name: "excluded phrase unaccented", req: Request{Query: `học sinh -"cap hoc bong"`}, first: "sach-giao-khoa", not: []string{"hoc-bong"}},
		{name: "quoted phrase in a title", req: Request{Query: `"Cấp học bổng"`}, exactly: []string{"hoc-bong"}},
		{name: "unbalanced quote", req: Request{Query: `"sách giáo`}, exactly: []string{"sach-giao-khoa"}},
		{name: "exclusion", req: Request{Query: "ngân sách -quyết"}, first: "du-toan", not: []string{"quyet-toan"}},
		{name: "excluded accented spelling only", req: Request{Query: "xã -đất"}, top: []string{"nong-thon-moi"}, not: []string{"boi-thuong", "quy-hoach"}},
		{name: "excluded phrase", req: Request{Query: `ngân sách -"năm 2024"`}, first: "du-toan", not: []string{"quyet-toan"}},
		{name: "agency filter in query", req: Request{Query: "đất agency:so-tnmt"},
			exactly: []string{"gia-dat", "quy-hoach", "xss", "dataset-gia-dat", "ho-so"}},
		{name: "filters only", req: Request{Query: "category:ngan-sach year:2025"}, exactly: []string{"du-toan"}},
		{name: "URL filters OR within key", req: Request{Filters: map[string][]string{"category": {"ngan-sach", "boi-thuong"}, "year": {"2025"}}},
			exactly: []string{"du-toan", "boi-thuong"}},
		{name: "place filter", req: Request{Query: `ngân sách place:"Xã Tân Thịnh"`}, exactly: []string{"du-toan", "quyet-toan"}},
		{name: "place filter folded", req: Request{Query: `place:"xa tan thinh" kind:notice year:2024`}, exactly: []string{"quyet-toan"}},
		{name: "negated filter", req: Request{Query: `"ngân sách" -year:2024`}, exactly: []string{"du-toan"}},
		{name: "scattered syllables still match", req: Request{Query: "ngân sách -year:2024"}, exactly: []string{"du-toan", "ngan-hang", "kinh-te"}},
		{name: "kind filter", req: Request{Query: "trần hưng đạo kind:row"}, exactly: []string{"row:gia-dat#2"}},
		{name: "soft hyphen stripped", req: Request{Query: "tuyển dụng"}, first: "tuyen-dung"},
		{name: "slash in running text", req: Request{Query: "người km2"}, first: "dan-so"},
		{name: "signer", req: Request{Query: "Nguyễn Văn An"}, first: "cong-van-6733"},
		{name: "place label as text", req: Request{Query: "Tân Thịnh bồi thường"}, first: "boi-thuong"},
		{name: "long unaccented query", req: Request{Query: "phuong an boi thuong giai phong mat bang"}, first: "boi-thuong"},
		{name: "title beats body", req: Request{Query: "quy hoạch sử dụng đất"}, first: "quy-hoach"},
		{name: "phrase beats scattered", req: Request{Query: "học sinh"}, top: []string{"sach-giao-khoa", "hoc-bong"}},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			req.Size = 50
			res, err := ix.Search(ctx, req)
			if err != nil {
				t.Fatalf("Search(%q): %v", req.Query, err)
			}
			got := ids(res.Hits)
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("Search(%q) = %q, want %q first", req.Query, got, tt.first)
			}
			top := got[:min(3, len(got))]
			for _, id := range tt.top {
				if !slices.Contains(top, id) {
					t.Errorf("Search(%q) = %q, want %q in the top 3", req.Query, got, id)
				}
			}
			for _, id := range tt.not {
				if slices.Contains(got, id) {
					t.Errorf("Search(%q) = %q, want no %q", req.Query, got, id)
				}
			}
			if tt.exactly != nil {
				g, w := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(tt.exactly))
				if !slices.Equal(g, w) {
					t.Errorf("Search(%q) = %q, want exactly %q", req.Query, got, w)
				}
			}
			for _, pair := range tt.before {
				i, j := slices.Index(got, pair[0]), slices.Index(got, pair[1])
				if i < 0 || (j >= 0 && j < i) {
					t.Errorf("Search(%q) = %q, want %q before %q", req.Query, got, pair[0], pair[1])
				}
			}
			if int(res.Total) != len(got) {
				t.Errorf("Search(%q).Total = %d, want %d", req.Query, res.Total, len(got))
			}
		})
	}
}

func TestFoldedQueryFindsAllSpellings(t *testing.T) {
	ix := newFixtureIndex(t)
	res, err := ix.Search(context.Background(), Request{Query: "dat", Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(res.Hits)
	for _, id := range []string{"gia-dat", "khen-thuong", "nong-thon-moi", "luat-dat-dai"} {
		if !slices.Contains(got, id) {
			t.Errorf("Search(dat) = %q, want %q (đất, Dat, đạt all fold to dat)", got, id)
		}
	}
}

func TestCorrections(t *testing.T) {
	ix := newFixtureIndex(t)
	tests := []struct {
		query string
		want  string // one of the corrections
	}{
		// Typed without accents: corrected without accents.
		{"ngan sahc", "ngan sach"},
		{"quy hoahc", "quy hoach"},
		{"boi thuogn", "boi thuong"},
		{"tuyen dugn agency:so-nv", "tuyen dung agency:so-nv"},
		// Typed with accents: the index's accented spelling.
		{"ngân sáhc", "ngân sách"},
		{"Quy hoạhc", "quy hoạch"},
		{"bồi thuờgn", "bồi thường"},
		{"giá đất đuờgn", "giá đất đường"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Request{Query: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(res.Corrections, tt.want) {
				t.Errorf("Search(%q).Corrections = %q, want %q among them", tt.query, res.Corrections, tt.want)
			}
			for _, c := range res.Corrections {
				r2, err := ix.Search(context.Background(), Request{Query: c})
				if err != nil || r2.Total == 0 {
					t.Errorf("correction %q: total %v, err %v; want hits", c, r2, err)
				}
			}
			// The query as typed has no hit: the page shows the first
			// correction's, and says so.
			first, err := ix.Search(context.Background(), Request{Query: res.Corrections[0]})
			if err != nil {
				t.Fatal(err)
			}
			if res.Corrected != res.Corrections[0] || res.Total != first.Total || !slices.Equal(ids(res.Hits), ids(first.Hits)) {
				t.Errorf("Search(%q): corrected %q, total %d, hits %q; want %q, %d, %q",
					tt.query, res.Corrected, res.Total, ids(res.Hits), res.Corrections[0], first.Total, ids(first.Hits))
			}
			exact, err := ix.Search(context.Background(), Request{Query: tt.query, NoAdvice: true})
			if err != nil || exact.Total != 0 || exact.Corrected != "" {
				t.Errorf("Search(%q) NoAdvice: total %v, corrected %q, err %v; want none", tt.query, exact.Total, exact.Corrected, err)
			}
		})
	}
	// A number is kept as typed: a number near it is another amount or
	// another document.
	for _, q := range []string{"ngan sahc 2023", "ngân sáhc 2023", "quy hoahc 2031"} {
		res, err := ix.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Corrections {
			if !strings.Contains(c, q[len(q)-4:]) {
				t.Errorf("Search(%q).Corrections = %q: the number was changed", q, res.Corrections)
			}
		}
	}
	res, err := ix.Search(context.Background(), Request{Query: "ngân sách"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Corrections) != 0 {
		t.Errorf("Search(ngân sách).Corrections = %q, want none when there are hits", res.Corrections)
	}
}

// The corrections stop with the request's context.
func TestCorrectionsCancelled(t *testing.T) {
	ix := newFixtureIndex(t)
	p, err := ParseQuery("ngan sahc")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got, err := ix.corrections(ctx, p, Request{}); !errors.Is(err, context.Canceled) {
		t.Errorf("corrections with a cancelled context = %q, %v; want context.Canceled", got, err)
	}
}

func TestHighlight(t *testing.T) {
	ix := newFixtureIndex(t)
	ctx := context.Background()
	tests := []struct {
		query, id string
		snippet   []string // substrings of Hit.Snippet
		title     []string // substrings of Hit.TitleHTML
		notIn     []string // must not appear in Snippet
	}{
		{query: "dat", id: "gia-dat", snippet: []string{"<mark>đất</mark>"}, title: []string{"<mark>đất</mark>"}},
		{query: "gia dat tran hung dao", id: "gia-dat", snippet: []string{"<mark>Giá</mark> <mark>đất</mark>", "<mark>Trần</mark> <mark>Hưng</mark> <mark>Đạo</mark>"}},
		{query: "đất nông nghiệp", id: "xss", snippet: []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "<mark>đất</mark> <mark>nông</mark> <mark>nghiệp</mark>", "&amp; thuế"}, notIn: []string{"<script>"}},
		{query: "cho dong mo", id: "nfd", snippet: []string{"<mark>Chợ</mark> <mark>Đồng</mark> <mark>Mỏ</mark>"}},
		{query: "tuyen dung", id: "tuyen-dung", snippet: []string{"<mark>tuyển</mark> <mark>dụng</mark>"}, notIn: []string{"\u00ad"}},
		{query: "kind:row", id: "row:gia-dat#1", snippet: []string{"Đường Lê Lợi"}, notIn: []string{"<mark>"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, err := ix.Search(ctx, Request{Query: tt.query, Highlight: true, Size: 50})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.Index(ids(res.Hits), tt.id)
			if i < 0 {
				t.Fatalf("Search(%q) = %q, want %q", tt.query, ids(res.Hits), tt.id)
			}
			h := res.Hits[i]
			for _, s := range tt.snippet {
				if !strings.Contains(h.Snippet, s) {
					t.Errorf("Search(%q) snippet = %q, want it to contain %q", tt.query, h.Snippet, s)
				}
			}
			for _, s := range tt.title {
				if !strings.Contains(h.TitleHTML, s) {
					t.Errorf("Search(%q) title = %q, want it to contain %q", tt.query, h.TitleHTML, s)
				}
			}
			for _, s := range tt.notIn {
				if strings.Contains(h.Snippet, s) {
					t.Errorf("Search(%q) snippet = %q, want no %q", tt.query, h.Snippet, s)
				}
			}
		})
	}
	res, err := ix.Search(ctx, Request{Query: "dat"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hits[0].Snippet != "" {
		t.Errorf("Snippet without Highlight = %q, want empty", res.Hits[0].Snippet)
	}
}

func TestFacets(t *testing.T) {
	ix := newFixtureIndex(t)
	res, err := ix.Search(context.Background(), Request{Query: `"ngân sách"`, Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]FacetValue{
		"agency":   {{"ubnd-tan-thinh", 2}},
		"category": {{"ngan-sach", 2}},
		"year":     {{"2024", 1}, {"2025", 1}},
		"place":    {{"Xã Tân Thịnh", 2}},
		"kind":     {{"notice", 2}},
	}
	for k, w := range want {
		if g := res.Facets[k]; !slices.Equal(g, w) {
			t.Errorf("Facets[%q] = %v, want %v", k, g, w)
		}
	}
	res, err = ix.Search(context.Background(), Request{Query: "đất", Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	agencies := res.Facets["agency"]
	if len(agencies) == 0 || agencies[0].Value != "so-tnmt" {
		t.Fatalf("Facets[agency] = %v, want so-tnmt first", agencies)
	}
	sum := 0
	for i, v := range agencies {
		sum += v.Count
		if i > 0 && v.Count > agencies[i-1].Count {
			t.Errorf("Facets[agency] = %v, not sorted by count", agencies)
		}
	}
	if uint64(sum) != res.Total {
		t.Errorf("sum of agency counts = %d, want Total %d", sum, res.Total)
	}
	places := res.Facets["place"]
	if !slices.Contains(places, FacetValue{"Huyện Lạng Giang", 4}) {
		t.Errorf("Facets[place] = %v, want Huyện Lạng Giang: 4 (original label)", places)
	}
}

func TestSortByDateAndPaging(t *testing.T) {
	ix := newFixtureIndex(t)
	ctx := context.Background()
	all, err := ix.Search(ctx, Request{Query: "đất", Sort: "date", Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Hits) < 8 {
		t.Fatalf("Search(đất) gave %d hits, want ≥ 8", len(all.Hits))
	}
	for i := 1; i < len(all.Hits); i++ {
		if all.Hits[i].Published.After(all.Hits[i-1].Published) {
			t.Errorf("sort=date: %s (%v) after %s (%v)", all.Hits[i].ID, all.Hits[i].Published, all.Hits[i-1].ID, all.Hits[i-1].Published)
		}
	}
	var paged []string
	for from := 0; from < len(all.Hits); from += 3 {
		page, err := ix.Search(ctx, Request{Query: "đất", Sort: "date", From: from, Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != all.Total {
			t.Errorf("page from %d: Total = %d, want %d", from, page.Total, all.Total)
		}
		paged = append(paged, ids(page.Hits)...)
	}
	if !slices.Equal(paged, ids(all.Hits)) {
		t.Errorf("pages = %q, want %q", paged, ids(all.Hits))
	}
	// The undated document sorts last by date.
	res, err := ix.Search(ctx, Request{Query: "nội quy tiếp công dân", Sort: "date"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].ID != "undated" || !res.Hits[0].Published.IsZero() {
		t.Errorf("undated doc: %v %v", res, err)
	}
	// Stored fields come back.
	res, err = ix.Search(ctx, Request{Query: "trần hưng đạo kind:row"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("row search: %v %v", res, err)
	}
	h := res.Hits[0]
	if h.Parent != "dataset-gia-dat" || h.URL != "/so-tnmt/bang-gia-dat-2025#2" || h.Kind != "row" ||
		!slices.Equal(h.Places, []string{"Thị trấn Vôi"}) || h.Published != day(2025, 1, 1) || h.Agency != "so-tnmt" {
		t.Errorf("hit = %+v", h)
	}
}

func TestBadRequests(t *testing.T) {
	ix := newFixtureIndex(t)
	tests := []struct {
		name string
		req  Request
	}{
		{"unknown field", Request{Query: "foo:bar"}},
		{"year not a number", Request{Query: "đất year:abc"}},
		{"too long", Request{Query: strings.Repeat("đất ", 126)}},
		{"unknown URL filter", Request{Filters: map[string][]string{"color": {"red"}}}},
		{"bad URL year", Request{Filters: map[string][]string{"year": {"20x5"}}}},
		{"bad sort", Request{Query: "đất", Sort: "title"}},
		{"too deep", Request{Query: "đất", From: 9995, Size: 10}},
		{"negative from", Request{Query: "đất", From: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), tt.req)
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("Search(%+v) error = %v, want ErrBadQuery", tt.req, err)
			}
		})
	}
	res, err := ix.Search(context.Background(), Request{Query: "đất", Size: 1000})
	if err != nil || len(res.Hits) > MaxSize {
		t.Errorf("Size 1000: %d hits, %v; want clamped to %d", len(res.Hits), err, MaxSize)
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in   string
		want string // Parsed.String()
	}{
		{`ngân sách`, `ngân sách`},
		{`"ngân sách" xã`, `xã "ngân sách"`},
		{`"ngân   sách`, `"ngân sách"`},
		{`đất -đạt -"nông thôn"`, `đất -đạt -"nông thôn"`},
		{`agency:so-tnmt year:2025 place:"Xã Tân Thịnh" đất`, `đất agency:so-tnmt place:"Xã Tân Thịnh" year:2025`},
		{`KIND:row -year:2024`, `kind:row -year:2024`},
		{`6733/UBND-KSTT 12/QĐ-UBND`, `6733/UBND-KSTT 12/QĐ-UBND`},
		{`http://example.vn 10:30 a - b`, `http://example.vn 10:30 a - b`},
		{`note: x`, `note: x`},
		{norm.NFD.String("Đất"), "Đất"},
		{"sá\u00adch", "sách"},
	}
	for _, tt := range tests {
		p, err := ParseQuery(tt.in)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tt.in, err)
			continue
		}
		if got := p.String(); got != tt.want {
			t.Errorf("ParseQuery(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"foo:bar", "year:two", strings.Repeat("a", 501)} {
		if _, err := ParseQuery(bad); !errors.Is(err, ErrBadQuery) {
			t.Errorf("ParseQuery(%.20q) error = %v, want ErrBadQuery", bad, err)
		}
	}
}

func TestSuggest(t *testing.T) {
	ix := newFixtureIndex(t)
	tests := []struct {
		prefix string
		first  string // title of the first suggestion
	}{
		{"bảng giá", "Bảng giá đất giai đoạn 2025–2029"},
		{"bang gia dat d", "Bảng giá đất đường Trần Hưng Đạo"},
		{"gia dat", "Bảng giá đất giai đoạn 2025–2029"},
		{"tuyen", "Tuyên truyền Luật Đất đai 2024"},
		{"tuyen dung", "Thông báo tuyển dụng viên chức"},
		{"quy ho", "Quy hoạch sử dụng đất huyện Lạng Giang đến năm 2030"},
		{norm.NFD.String("Chợ Đồ"), norm.NFC.String("Kế hoạch xây dựng chợ Đồng Mỏ")},
	}
	for _, tt := range tests {
		got, err := ix.Suggest(context.Background(), tt.prefix, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].Title != clean(tt.first) {
			t.Errorf("Suggest(%q) = %v, want %q first", tt.prefix, got, clean(tt.first))
		}
	}
	got, err := ix.Suggest(context.Background(), "bang gia", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 2 || got[1].Kind == "" || got[1].URL == "" {
		t.Errorf("Suggest(bang gia) = %v, want ≥ 2 with kind and URL", got)
	}
	if got, _ := ix.Suggest(context.Background(), "  ", 10); len(got) != 0 {
		t.Errorf("Suggest(blank) = %v, want none", got)
	}
}

func TestSuggestKinds(t *testing.T) {
	ix, err := Open(t.TempDir(), Options{SuggestKinds: []string{"notice", "dataset"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Apply(context.Background(), fixture, nil); err != nil {
		t.Fatal(err)
	}
	got, err := ix.Suggest(context.Background(), "duong", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range got {
		if s.Kind == "row" {
			t.Errorf("Suggest(duong) = %v, want no rows", got)
		}
	}
	if len(got) == 0 {
		t.Errorf("Suggest(duong) = none, want notices")
	}
}

// TestContext: words of a document's context help it match, but never alone.
func TestContext(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := []Document{
		{ID: "r1", Kind: "row", Title: "Thị trấn Cẩm Xuyên – Trần Hưng Đạo – Chợ", Body: "Tên đường: Trần Hưng Đạo; Vị trí 1: 9500", Context: "Bảng giá đất ở huyện Cẩm Xuyên"},
		{ID: "r2", Kind: "row", Title: "Thị trấn Cẩm Xuyên – Lê Lợi", Body: "Tên đường: Lê Lợi; Vị trí 1: 7300", Context: "Bảng giá đất ở huyện Cẩm Xuyên"},
		{ID: "n1", Kind: "notice", Title: "Công bố bảng giá đất năm 2026", Body: "Bảng giá đất áp dụng từ ngày 01/01/2026."},
	}
	if err := ix.Apply(context.Background(), docs, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"gia dat tran hung dao", []string{"r1"}},
		{"giá đất Lê Lợi", []string{"r2"}},
		{"giá đất", []string{"n1"}},         // the context alone matches nothing
		{"bang gia dat", []string{"n1"}},    // nor does it for several words
		{"cam xuyen", []string{"r1", "r2"}}, // own text of both rows
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), Request{Query: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

// TestRoadCodes: route codes match however they are typed, and highlights
// still mark the original text.
func TestRoadCodes(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := []Document{
		{ID: "a", Kind: "notice", Title: "Thu hồi đất nâng cấp ĐT.550", Body: "Đường tỉnh ĐT.550 đoạn Cẩm Quan – Cẩm Thịnh."},
		{ID: "b", Kind: "notice", Title: "Mở rộng QL1A qua thị trấn", Body: "Quốc lộ 1A, km 512."},
		{ID: "c", Kind: "notice", Title: "Sửa chữa cầu", Body: "Cầu trên đường 550 người dân thường đi."},
	}
	if err := ix.Apply(context.Background(), docs, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q    string
		want string
	}{
		{"DT550", "a"}, {"ĐT.550", "a"}, {"dt 550", "a"}, {"ĐT550", "a"},
		{"QL1A", "b"}, {"ql 1a", "b"}, {"QL 1 A", "b"},
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), Request{Query: tt.q, Highlight: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != tt.want {
			t.Errorf("Search(%q): first hit %v, want %s", tt.q, res.Hits, tt.want)
			continue
		}
		if tt.want == "a" && !strings.Contains(res.Hits[0].TitleHTML, "<mark>ĐT</mark>") {
			t.Errorf("Search(%q): title %q does not mark ĐT", tt.q, res.Hits[0].TitleHTML)
		}
	}
}
