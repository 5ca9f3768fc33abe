package content

import (
	"slices"
	"strings"
	"testing"
)

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name  string
		edit  map[string]string // added or replaced files; "" content with del=true removes
		del   []string
		path  string
		line  int // -1: any
		want  string
		gone  string // a notice or dataset path that must not be loaded
		check func(t *testing.T, s *Site)
	}{
		{name: "broken yaml line", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: ngan-sach\npublished: 2025-01-01\ntags: [a, b\n---\nBody\n"},
			path: "so-tai-chinh/x.md", line: -1, want: "", gone: "so-tai-chinh/x"},
		{name: "yaml mapping error line", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: ngan-sach\n  published: 2025-01-01\n---\n"},
			path: "so-tai-chinh/x.md", line: 4, want: "", gone: "so-tai-chinh/x"},
		{name: "unknown key", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: ngan-sach\npublished: 2025-01-01\ntitel: B\n---\n"},
			path: "so-tai-chinh/x.md", line: 5, want: `unknown field "titel"`, gone: "so-tai-chinh/x"},
		{name: "unknown nested key", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: ngan-sach\npublished: 2025-01-01\nplaces:\n  - provinse: X\n---\n"},
			path: "so-tai-chinh/x.md", line: 6, want: `unknown field "provinse"`},
		{name: "unknown category", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: tin-tuc\npublished: 2025-01-01\n---\n"},
			path: "so-tai-chinh/x.md", line: 3, want: "ngan-sach (budget, Ngân sách)", gone: "so-tai-chinh/x"},
		{name: "missing title", edit: map[string]string{"so-tai-chinh/x.md": "---\ncategory: budget\npublished: 2025-01-01\n---\n"},
			path: "so-tai-chinh/x.md", line: -1, want: "title is required"},
		{name: "missing published", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: budget\n---\n"},
			path: "so-tai-chinh/x.md", line: -1, want: "published"},
		{name: "bad date", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: budget\npublished: 31/02/2025\n---\n"},
			path: "so-tai-chinh/x.md", line: 4, want: "bad date"},
		{name: "no front matter", edit: map[string]string{"so-tai-chinh/x.md": "# Title\n"},
			path: "so-tai-chinh/x.md", line: 1, want: "no front matter"},
		{name: "unclosed front matter", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\n"},
			path: "so-tai-chinh/x.md", line: 1, want: "not closed"},
		{name: "draft without window", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: draft\npublished: 2025-01-01\n---\n"},
			path: "so-tai-chinh/x.md", line: 3, want: "comment window"},
		{name: "closes before opens", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: du-thao\npublished: 2025-01-01\ncomment:\n  opens: 2025-03-10\n  closes: 2025-03-01\n---\n"},
			path: "so-tai-chinh/x.md", line: 7, want: "before opens"},
		{name: "comment on non-draft", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: budget\npublished: 2025-01-01\ncomment:\n  opens: 2025-03-01\n  closes: 2025-03-10\n---\n"},
			path: "so-tai-chinh/x.md", line: 6, want: "only for drafts"},
		{name: "bad notice slug", edit: map[string]string{"so-tai-chinh/Du_Toan.md": "---\ntitle: A\ncategory: budget\npublished: 2025-01-01\n---\n"},
			path: "so-tai-chinh/Du_Toan.md", line: -1, want: "lower-case"},
		{name: "reserved agency slug", edit: map[string]string{"api/_agency.md": "---\nname: API\n---\n"},
			path: "api", line: -1, want: "reserved"},
		{name: "agency without name", edit: map[string]string{"so-xay-dung/_agency.md": "---\nshort_name: SXD\n---\n", "so-xay-dung/a.md": "---\ntitle: A\ncategory: budget\npublished: 2025-01-01\n---\n"},
			path: "so-xay-dung/_agency.md", line: -1, want: "name is required", gone: "so-xay-dung/a"},
		{name: "agency folder without _agency.md", edit: map[string]string{"so-xay-dung/a.md": "---\ntitle: A\ncategory: budget\npublished: 2025-01-01\n---\n"},
			path: "so-xay-dung", line: -1, want: "no _agency.md", gone: "so-xay-dung/a"},
		{name: "notice outside agency", edit: map[string]string{"thong-bao.md": "---\ntitle: A\ncategory: budget\npublished: 2025-01-01\n---\n"},
			path: "thong-bao.md", line: -1, want: "inside an agency folder"},
		{name: "duplicate path", edit: map[string]string{"so-tai-chinh/bang-gia.md": "---\ntitle: A\ncategory: budget\npublished: 2025-01-01\n---\n"},
			path: "so-tai-chinh/bang-gia/index.md", line: -1, want: "already used by so-tai-chinh/bang-gia.md"},
		{name: "empty markdown file", edit: map[string]string{"so-tai-chinh/x.md": ""},
			path: "so-tai-chinh/x.md", line: -1, want: "empty", gone: "so-tai-chinh/x"},
		{name: "empty attachment", edit: map[string]string{"so-tai-chinh/files/empty.pdf": ""},
			path: "so-tai-chinh/files/empty.pdf", line: -1, want: "empty"},
		{name: "non-UTF-8 markdown", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: budget\npublished: 2025-01-01\n---\nD\xf9 to\xe1n\n"},
			path: "so-tai-chinh/x.md", line: 6, want: "UTF-8", gone: "so-tai-chinh/x"},
		{name: "non-UTF-8 csv", edit: map[string]string{"so-tai-chinh/bang-gia/gia.csv": "a,b\n1,\xe1\n"},
			path: "so-tai-chinh/bang-gia/gia.csv", line: -1, want: "UTF-8"},
		{name: "attachment escapes", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: budget\npublished: 2025-01-01\nattachments:\n  - file: ../ubnd-tinh/_agency.md\n---\n"},
			path: "so-tai-chinh/x.md", line: 6, want: `".."`,
			check: func(t *testing.T, s *Site) {
				n, ok := s.Notice("so-tai-chinh/x")
				if !ok || len(n.Attachments) != 0 {
					t.Errorf("notice with a bad attachment: %v, %+v; want loaded without it", ok, n)
				}
			}},
		{name: "attachment missing", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: budget\npublished: 2025-01-01\nattachments:\n  - title: T\n    file: files/nope.pdf\n---\n"},
			path: "so-tai-chinh/x.md", line: 7, want: "does not exist"},
		{name: "related to nothing", edit: map[string]string{"so-tai-chinh/x.md": "---\ntitle: A\ncategory: budget\npublished: 2025-01-01\nrelated: [so-tai-chinh/khong-co]\n---\n"},
			path: "so-tai-chinh/x.md", line: 5, want: "not a notice or dataset"},
		{name: "unknown parent", edit: map[string]string{"so-tai-chinh/_agency.md": "---\nname: STC\nparent: ubnd-huyen\n---\n"},
			path: "so-tai-chinh/_agency.md", line: 3, want: "parent"},
		{name: "csv short row", edit: map[string]string{"so-tai-chinh/bang-gia/gia.csv": "stt,ten,gia\n1,A,100\n2,B,\n\n3,C,300\n"},
			path: "", line: -1, want: "",
			check: func(t *testing.T, s *Site) {
				d, _ := s.Dataset("so-tai-chinh/bang-gia")
				if d.Tables[0].RowCount != 3 {
					t.Errorf("RowCount = %d, want 3 (a short row is a row)", d.Tables[0].RowCount)
				}
			}},
		{name: "csv long row line", edit: map[string]string{"so-tai-chinh/bang-gia/gia.csv": "stt,ten,gia\n" + strings.Repeat("1,A,100\n", 250) + "3,C,300,x\n"},
			path: "so-tai-chinh/bang-gia/gia.csv", line: 252, want: "right of the last column"},
		{name: "csv bare quote", edit: map[string]string{"so-tai-chinh/bang-gia/gia.csv": "stt,ten,gia\n1,A\"b,100\n2,B,200\n"},
			path: "so-tai-chinh/bang-gia/gia.csv", line: 2, want: "quote"},
		{name: "declared type mismatch", edit: map[string]string{"so-tai-chinh/bang-gia/gia.csv": "stt,ten,gia\n1,A,100\n2,B,abc\n"},
			path: "so-tai-chinh/bang-gia/gia.csv", line: -1, want: `column "gia" is declared money: 1 value is not a number (first at line 3: "abc")`},
		{name: "declared column missing", edit: map[string]string{"so-tai-chinh/bang-gia/gia.csv": "stt,ten\n1,A\n"},
			path: "so-tai-chinh/bang-gia/index.md", line: 7, want: `declared column "gia"`},
		{name: "empty table", edit: map[string]string{"so-tai-chinh/bang-gia/gia.csv": ""},
			path: "so-tai-chinh/bang-gia/gia.csv", line: -1, want: "empty"},
		{name: "site.yaml missing", del: []string{"site.yaml"}, path: "site.yaml", line: -1, want: "missing",
			check: func(t *testing.T, s *Site) {
				if s.Config.Title != DefaultTitle || len(s.Config.Languages) != 1 || s.Config.Languages[0] != "vi" {
					t.Errorf("default config = %+v", s.Config)
				}
			}},
		{name: "site.yaml unknown key", edit: map[string]string{"site.yaml": "title: T\nlanguage: [vi]\n"}, path: "site.yaml", line: 2, want: `unknown field "language"`},
		{name: "site.yaml bad holiday", edit: map[string]string{"site.yaml": "title: T\nfeedback:\n  holidays:\n    - 2026-02-30\n"}, path: "site.yaml", line: 4, want: "bad date"},
		{name: "unknown column type", edit: map[string]string{"so-tai-chinh/bang-gia/index.md": "---\ntitle: A\ncategory: gia-dat\npublished: 2025-01-01\ncolumns:\n  - name: gia\n    type: tien\n---\n"},
			path: "so-tai-chinh/bang-gia/index.md", line: 7, want: "unknown column type", gone: "so-tai-chinh/bang-gia"},
		{name: "a table file named as agencies name them", edit: map[string]string{"so-tai-chinh/bang-gia/Bảng giá 2 (bản cuối).csv": "a\n1\n"},
			path: "", line: -1, want: "",
			check: func(t *testing.T, s *Site) {
				d, _ := s.Dataset("so-tai-chinh/bang-gia")
				names := []string{}
				for _, tb := range d.Tables {
					names = append(names, tb.Name+"|"+tb.Title)
				}
				if !slices.Contains(names, "bang-gia-2-ban-cuoi|Bảng giá 2 (bản cuối)") {
					t.Errorf("tables = %q, want bang-gia-2-ban-cuoi titled by its file name", names)
				}
			}},
		{name: "md in wrong place", edit: map[string]string{"so-tai-chinh/files/ghi-chu.md": "x"},
			path: "so-tai-chinh/files/ghi-chu.md", line: -1, want: "wrong place"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := baseSite()
			for p, c := range tt.edit {
				files[p] = c
			}
			for _, p := range tt.del {
				delete(files, p)
			}
			s, ps := mustLoad(t, mapFS(files), nil)
			if tt.path != "" && !hasProblem(ps, tt.path, tt.line, tt.want) {
				t.Errorf("problems lack %s:%d: %q; got:\n%s", tt.path, tt.line, tt.want, problemsString(ps))
			}
			if tt.gone != "" {
				_, n := s.Notice(tt.gone)
				_, d := s.Dataset(tt.gone)
				if n || d {
					t.Errorf("%s is loaded, want it left out", tt.gone)
				}
			}
			// The rest of the site still loads.
			if _, ok := s.Notice("ubnd-tinh/thong-bao-lich-hop"); !ok {
				t.Errorf("an unrelated notice is missing")
			}
			if tt.check != nil {
				tt.check(t, s)
			}
			for _, p := range ps {
				if strings.Contains(p.Msg.String(), "internal error") {
					t.Errorf("internal error: %s", p)
				}
			}
		})
	}
}

// TestExportedListsUnmodifiable changes what Categories and ReservedSlugs return
// and checks that the next call is unchanged.
func TestExportedListsUnmodifiable(t *testing.T) {
	for _, tt := range []struct {
		name   string
		get    func() []string
		change func()
	}{
		{"Categories", func() []string {
			var s []string
			for _, c := range Categories() {
				s = append(s, string(c.Slug)+"|"+c.NameVI)
			}
			return s
		}, func() { c := Categories(); c[0].Slug, c[0].NameVI = "x", "x" }},
		{"ReservedSlugs", ReservedSlugs, func() { r := ReservedSlugs(); r[0] = "x" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.get()
			tt.change()
			if after := tt.get(); !slices.Equal(before, after) {
				t.Errorf("%s() after changing its result = %q, want %q", tt.name, after, before)
			}
		})
	}
	if !isReserved("api") || !isReserved("feed.xml") || isReserved("so-tai-chinh") {
		t.Errorf("isReserved(api, feed.xml, so-tai-chinh) = %v, %v, %v; want true, true, false", isReserved("api"), isReserved("feed.xml"), isReserved("so-tai-chinh"))
	}
}

func TestThesaurusLines(t *testing.T) {
	files := baseSite()
	files["site.yaml"] = "title: T\nsearch:\n  thesaurus:\n    - \"đường tránh = đường Võ Nguyên Giáp ; tên mới\"\n    - \"QL1A > Quốc lộ 1A\"\n    - \"chỉ một từ\"\n    - \"a = b > c\"\n"
	s, ps := mustLoad(t, mapFS(files), nil)
	if got := s.Config.Search.Thesaurus; len(got) != 2 || got[1] != "QL1A > Quốc lộ 1A" {
		t.Errorf("thesaurus = %q, want the two good lines", got)
	}
	for _, line := range []int{6, 7} {
		if !hasProblem(ps, "site.yaml", line, "thesaurus entry") {
			t.Errorf("no problem on line %d:\n%s", line, problemsString(ps))
		}
	}
}
