package search

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// unitsOf shows the units of query: "as typed{alt|alt}" each.
func unitsOf(th *Thesaurus, query string) []string {
	p, err := ParseQuery(query)
	if err != nil {
		panic(err)
	}
	p.th = th
	var out []string
	for _, u := range p.wordUnits() {
		s := u.text()
		if len(u.alts) > 0 {
			var alts []string
			for _, a := range u.alts {
				alts = append(alts, strings.Join(a.toks, " "))
			}
			s += "{" + strings.Join(alts, "|") + "}"
		}
		out = append(out, s)
	}
	return out
}

func TestThesaurusUnits(t *testing.T) {
	th := NewThesaurus([]Entry{
		{Terms: []string{"đền bù", "bồi thường"}},
		{Terms: []string{"sổ đỏ", "giấy chứng nhận quyền sử dụng đất"}},
		{Terms: []string{"QSDĐ", "quyền sử dụng đất"}},
		{Terms: []string{"BT-HT-TĐC", "bồi thường, hỗ trợ, tái định cư"}},
		{Terms: []string{"Cẩm Quan", "Cẩm Xuyên"}, OneWay: true},
		{Terms: []string{"cấp sổ", "cấp giấy chứng nhận"}},
		{Terms: []string{"làm sổ", "cấp giấy chứng nhận"}},
	})
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"đền bù cao tốc", []string{"đền bù{bồi thường}", "cao", "tốc"}},
		{"den bu cao toc", []string{"den bu{bồi thường}", "cao", "toc"}},
		{"bồi thường", []string{"bồi thường{đền bù}"}},
		{"sổ đỏ", []string{"sổ đỏ{giấy chứng nhận quyền sử dụng đất}"}},
		{"so do", []string{"so do{giấy chứng nhận quyền sử dụng đất}"}},
		{"sơ đồ", []string{"sơ", "đồ"}}, // typed with other accents: not "sổ đỏ"
		{"QSDĐ", []string{"qsdđ{quyền sử dụng đất}"}},
		{"qsdd", []string{"qsdd{quyền sử dụng đất}"}},
		{"cấp quyền sử dụng đất", []string{"cấp", "quyền sử dụng đất{qsdđ}"}},
		{"BT-HT-TĐC", []string{"bt ht tđc{bồi thường hỗ trợ tái định cư}"}},
		{"xã Cẩm Quan", []string{"xã", "cẩm quan{cẩm xuyên}"}},
		{"Cẩm Xuyên", []string{"cẩm", "xuyên"}}, // one way
		{"12/QĐ-UBND đền bù", []string{"12", "qđ", "ubnd", "đền bù{bồi thường}"}},
		{"hoà bình", []string{"hoà{hòa}", "bình"}},
		{"ủy ban", []string{"ủy{uỷ}", "ban"}},
		{"quyết", []string{"quyết"}},
		// Overlapping terms make one unit: "cấp sổ" and "sổ đỏ".
		{"cấp sổ đỏ lần đầu", []string{"cấp sổ đỏ{cấp giấy chứng nhận quyền sử dụng đất|cấp giấy chứng nhận đỏ}", "lần", "đầu"}},
		{"làm sổ đỏ", []string{"làm sổ đỏ{cấp giấy chứng nhận quyền sử dụng đất|làm giấy chứng nhận quyền sử dụng đất|cấp giấy chứng nhận đỏ}"}},
		{"cấp sổ", []string{"cấp sổ{cấp giấy chứng nhận}"}},
	} {
		if got := unitsOf(th, tt.query); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("units(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
	if got := unitsOf(NoThesaurus, "đền bù 4500"); !reflect.DeepEqual(got, []string{"đền", "bù", "4500{4.500|4,500}"}) {
		t.Errorf("NoThesaurus: %q", got)
	}
}

func TestNumbersAsTyped(t *testing.T) {
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"4500", []string{"4500{4.500|4,500}"}},
		{"4.500", []string{"4.500{4500|4,500}"}},
		{"4,500", []string{"4,500{4500|4.500}"}},
		{"4 500", []string{"4 500{4500|4.500|4,500}"}},
		{"1824866", []string{"1824866{1.824.866|1,824,866}"}},
		{"1.824.866", []string{"1.824.866{1824866|1,824,866}"}},
		{"1 824 866 đồng", []string{"1 824 866{1824866|1.824.866|1,824,866}", "đồng"}},
		{"4,5", []string{"4,5{4.5}"}},
		{"12.75", []string{"12.75{12,75}"}},
		{"1.824.866,5", []string{"1.824.866,5{1824866,5|1824866.5|1,824,866.5}"}},
		{"500", []string{"500"}},
		{"0239", []string{"0239"}},
		{"01.07.2025", []string{"01.07.2025"}},
		{"năm 2025 có 5 100 hộ", []string{"năm", "2025{2.025|2,025}", "có", "5 100{5100|5.100|5,100}", "hộ"}},
	} {
		if got := unitsOf(NoThesaurus, tt.query); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("units(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestParseThesaurus(t *testing.T) {
	got, err := ParseThesaurus("# c\n\nđền bù = bồi thường ; thông dụng\nCẩm Quan > Cẩm Xuyên\n", "site.yaml")
	want := []Entry{
		{Terms: []string{"đền bù", "bồi thường"}, Source: "thông dụng"},
		{Terms: []string{"Cẩm Quan", "Cẩm Xuyên"}, OneWay: true, Source: "site.yaml"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseThesaurus = %+v, %v; want %+v", got, err, want)
	}
	for _, bad := range []string{"một từ", "a = b > c"} {
		if _, err := ParseThesaurus(bad, ""); err == nil {
			t.Errorf("ParseThesaurus(%q): no error", bad)
		}
	}
}

// TestDefaultThesaurus: the built-in list has at least 200 entries with a
// source each, and the provinces of the 2025 reform.
func TestDefaultThesaurus(t *testing.T) {
	th := DefaultThesaurus()
	n := 0
	for _, e := range th.Entries() {
		if e.Source == "" {
			t.Errorf("entry %q has no source", e.Terms)
		}
		if e.Source != unitsSource {
			n++
		}
	}
	if n < 200 {
		t.Errorf("%d entries besides the provinces, want at least 200", n)
	}
	if got := unitsOf(th, "Bắc Giang"); !reflect.DeepEqual(got, []string{"bắc giang{bắc ninh}"}) {
		t.Errorf("units(Bắc Giang) = %q", got)
	}
	if es := UnitEntries("Tỉnh Hà Tĩnh"); len(es) < 100 || !reflect.DeepEqual(UnitEntries("ha tinh"), es) {
		t.Errorf("UnitEntries(Hà Tĩnh): %d entries", len(es))
	}
	if UnitEntries("Atlantis") != nil {
		t.Error("UnitEntries of an unknown province")
	}
}

// TestThesaurusSources: an entry that names a law text (vlc:FILE) has one
// of its terms in that text.
func TestThesaurusSources(t *testing.T) {
	dir := "../../shared/data/vlc"
	if _, err := os.Stat(dir); err != nil {
		dir = "/work/shared/data/vlc"
		if _, err := os.Stat(dir); err != nil {
			t.Skip("the law texts are not here")
		}
	}
	texts := map[string]string{}
	re := regexp.MustCompile(`vlc:(\S+)`)
	for _, e := range DefaultThesaurus().Entries() {
		m := re.FindStringSubmatch(e.Source)
		if m == nil {
			continue
		}
		name := strings.TrimRight(m[1], ",")
		if _, ok := texts[name]; !ok {
			files, _ := filepath.Glob(filepath.Join(dir, name+"*.txt"))
			if len(files) == 0 {
				t.Errorf("%q: no law text %s", e.Terms, name)
				texts[name] = ""
				continue
			}
			b, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			texts[name] = " " + strings.Join(strings.Fields(Fold(clean(strings.ReplaceAll(string(b), ",", " ")))), " ") + " "
		}
		found := false
		for _, term := range e.Terms {
			f := " " + strings.Join(strings.Fields(Fold(strings.ReplaceAll(term, ",", " "))), " ") + " "
			found = found || strings.Contains(texts[name], f)
		}
		if !found && texts[name] != "" {
			t.Errorf("%q: none of the terms is in %s", e.Terms, name)
		}
	}
}

// TestSynonymSearch: on the fixture, the everyday word finds the official
// term, exact words rank above their synonyms, and every word stays
// required.
func TestSynonymSearch(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	docs := append(fixture[:len(fixture):len(fixture)],
		Document{ID: "den-bu", Kind: "notice", URL: "/x/den-bu", Title: "Người dân hỏi về tiền đền bù đường tỉnh 295", Body: "Khi nào được nhận tiền đền bù?", Agency: "x", Category: "hoi-dap"},
		Document{ID: "cap-gcn", Kind: "notice", URL: "/x/cap-gcn", Title: "Thủ tục cấp Giấy chứng nhận quyền sử dụng đất", Body: "Hồ sơ đề nghị cấp Giấy chứng nhận.", Agency: "x", Category: "thu-tuc"},
		Document{ID: "gia-4500", Kind: "row", URL: "/x/r#1", Title: "Đường Nguyễn Du – 4.500", Body: "vt1: 4.500", Agency: "x", Category: "gia-dat"},
	)
	if err := ix.Apply(context.Background(), docs, nil); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query string
		first string
		has   []string
		not   []string
	}{
		{query: "đền bù đường tỉnh 295", first: "den-bu", has: []string{"boi-thuong"}},
		{query: "bồi thường 295", first: "boi-thuong", has: []string{"den-bu"}},
		{query: "den bu", has: []string{"boi-thuong", "den-bu"}},
		{query: "đền bù học bổng", not: []string{"boi-thuong", "den-bu"}}, // every word required
		{query: "cấp sổ đỏ", first: "cap-gcn"},                            // "cấp sổ" and "sổ đỏ" overlap
		{query: "làm sổ đỏ", first: "cap-gcn"},
		{query: "4500", first: "gia-4500"},
		{query: "4 500", first: "gia-4500"},
	} {
		res, err := ix.Search(context.Background(), Request{Query: tt.query, Size: 20})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(res.Hits)
		if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
			t.Errorf("Search(%q) = %v, want %s first", tt.query, got, tt.first)
		}
		for _, id := range tt.has {
			if !contains(got, id) {
				t.Errorf("Search(%q) = %v, want %s in it", tt.query, got, id)
			}
		}
		for _, id := range tt.not {
			if contains(got, id) {
				t.Errorf("Search(%q) = %v, want no %s", tt.query, got, id)
			}
		}
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// TestDeadEnds: the words no document has are named, the query without
// them is offered, and matches with other accents are marked approximate.
func TestDeadEnds(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Apply(context.Background(), fixture, nil); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := ix.Search(ctx, Request{Query: "ngân sách xyzzy"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 || !reflect.DeepEqual(res.Unmatched, []string{"xyzzy"}) || len(res.Relaxed) != 1 || res.Relaxed[0].Query != "ngân sách" || res.Relaxed[0].Total == 0 {
		t.Errorf("ngân sách xyzzy: total %d, unmatched %q, relaxed %+v", res.Total, res.Unmatched, res.Relaxed)
	}
	if len(res.Relaxed) > 0 && !slices.ContainsFunc(res.Relaxed[0].Categories, func(f FacetValue) bool { return f.Value == "ngan-sach" }) {
		t.Errorf("relaxed categories %+v", res.Relaxed[0].Categories)
	}
	// "đạt" is only in "Dat" (a name) and "đạt chuẩn": "đạt" typed with
	// accents finds the latter; "bảng giá đạt" finds only approximations.
	res, err = ix.Search(ctx, Request{Query: "bảng giá đạt"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Approximate || res.Total == 0 || !reflect.DeepEqual(res.Unmatched, []string(nil)) && !contains(res.Unmatched, "đạt") {
		t.Errorf("bảng giá đạt: approximate %v, total %d, unmatched %q", res.Approximate, res.Total, res.Unmatched)
	}
	res, err = ix.Search(ctx, Request{Query: "bảng giá đất"})
	if err != nil || res.Approximate || res.Total == 0 {
		t.Errorf("bảng giá đất: approximate %v, total %d, %v", res.Approximate, res.Total, err)
	}
	// NoAdvice: the same hits, none of the advice.
	for _, q := range []string{"ngân sách xyzzy", "bảng giá đạt", "ngan sach xyzzy"} {
		with, err := ix.Search(ctx, Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		without, err := ix.Search(ctx, Request{Query: q, NoAdvice: true})
		if err != nil {
			t.Fatal(err)
		}
		if with.Total != without.Total || with.Approximate != without.Approximate || len(with.Hits) != len(without.Hits) {
			t.Errorf("%s: NoAdvice total %d approximate %v, want %d %v", q, without.Total, without.Approximate, with.Total, with.Approximate)
		}
		if len(with.Unmatched)+len(with.Relaxed)+len(with.Corrections) == 0 {
			t.Errorf("%s: no advice without NoAdvice", q)
		}
		if len(without.Unmatched)+len(without.Relaxed)+len(without.Corrections) != 0 {
			t.Errorf("%s: NoAdvice gave unmatched %q, relaxed %+v, corrections %q", q, without.Unmatched, without.Relaxed, without.Corrections)
		}
	}
}

// TestQuestionWords: the words of a question and function words are not
// units when other words are typed; alone, they are kept.
func TestQuestionWords(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"thử việc bao lâu", []string{"thử", "việc"}},
		{"thu viec bao lau", []string{"thu", "viec"}},
		{"đi bộ đội mấy tuổi", []string{"đi", "bộ", "đội", "tuổi"}},
		{"lịch tiếp công dân của chủ tịch xã", []string{"lịch", "tiếp", "công", "dân", "chủ", "tịch", "xã"}},
		{"tuổi lái xe may", []string{"tuổi", "lái", "xe", "may"}},
		{"bao lâu", []string{"bao", "lâu"}},
		{"của", []string{"của"}},
		// A request verb that starts the query is dropped, unless it makes
		// a word with the next syllable or is all there is.
		{"làm hộ chiếu", []string{"hộ", "chiếu"}},
		{"xin giấy phép xây nhà", []string{"giấy", "phép", "xây", "nhà"}},
		{"cần đăng ký tạm trú", []string{"đăng", "ký", "tạm", "trú"}},
		{"làm việc ban đêm", []string{"làm", "việc", "ban", "đêm"}},
		{"làm thêm giờ", []string{"làm", "thêm", "giờ"}},
		{"cần thiết", []string{"cần", "thiết"}},
		{"thời giờ làm việc", []string{"thời", "giờ", "làm", "việc"}},
		{"lam ho chieu", []string{"lam", "ho", "chieu"}},
		{"làm", []string{"làm"}},
	} {
		if got := unitsOf(NoThesaurus, tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%q: units %q, want %q", tc.query, got, tc.want)
		}
	}
}

// TestSpellingAlternative: a term whose other spelling folds alike
// ("hàng tháng", "hằng tháng") has it as an alternative.
func TestSpellingAlternative(t *testing.T) {
	th := NewThesaurus([]Entry{{Terms: []string{"hàng tháng", "hằng tháng"}}})
	if got, want := unitsOf(th, "lương hưu hàng tháng"), []string{"lương", "hưu", "hàng tháng{hằng tháng}"}; !slices.Equal(got, want) {
		t.Errorf("units %q, want %q", got, want)
	}
}

// TestHalfAccentedTerm: in a strict search a text typed half with accents
// is looked up in the folded fields too; one typed with every accent in the
// exact fields only.
func TestHalfAccentedTerm(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{{"thủ tuc", false}, {"thủ tục", true}, {"thu tuc", false}} {
		if got := exactOnly(unit{strict: true}, tc.text); got != tc.want {
			t.Errorf("exactOnly(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
