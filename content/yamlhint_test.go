package content

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/msg"
)

// TestYAMLSyntaxHints loads front matter and site.yaml with the common YAML
// mistakes: each problem names its line and says what to write.
func TestYAMLSyntaxHints(t *testing.T) {
	const notice = "so-tai-chinh/x.md"
	fm := func(fields string) string {
		return "---\n" + fields + "\n---\nNội dung.\n"
	}
	tests := []struct {
		name string
		path string // the file written
		file string
		line int
		want string // in the message
	}{
		{"colon in the first field", notice, fm("title: Thông báo: lịch họp tháng 5\ncategory: notice\npublished: 2025-01-01"),
			2, `a value that contains ": " must be in quotes: title: "Thông báo: lịch họp tháng 5"`},
		{"colon in a later field", notice, fm("title: A\ncategory: notice\nsummary: Nội dung: họp\npublished: 2025-01-01"),
			4, `must be in quotes: summary: "Nội dung: họp"`},
		{"colon in a list item", notice, fm("title: A\ncategory: notice\npublished: 2025-01-01\nattachments:\n  - title: Quyết định: số 5\n    file: a.pdf"),
			6, `must be in quotes:   - title: "Quyết định: số 5"`},
		{"colon ending a value", notice, fm("title: Kính gửi:\ncategory: notice\npublished: 2025-01-01"),
			-1, `must be in quotes: title: "Kính gửi:"`},
		{"quote inside a value", notice, fm("title: A\ncategory: notice\npublished: 2025-01-01\nsummary: Nội dung: \"mới\""),
			5, `must be in quotes: summary: "Nội dung: \"mới\""`},
		{"indented field", notice, fm("title: A\n  category: notice\npublished: 2025-01-01"),
			3, "check the indentation of this line"},
		{"tab", notice, fm("title: A\n\tcategory: notice\npublished: 2025-01-01"),
			3, "indent with spaces, not tabs"},
		{"unclosed double quote", notice, fm("title: \"Thông báo lịch họp\ncategory: notice\npublished: 2025-01-01"),
			2, `the quote that opens the value of title is never closed: end the value with "`},
		{"unclosed single quote", notice, fm("title: A\nsummary: 'Nội dung\ncategory: notice\npublished: 2025-01-01"),
			3, `the quote that opens the value of summary is never closed: end the value with '`},
		{"text after the closing quote", notice, fm("title: \"Luật\" Đất đai 2024\ncategory: notice\npublished: 2025-01-01"),
			2, `text follows the closing quote: put the whole value in quotes and write each quote inside as \": title: "\"Luật\" Đất đai 2024"`},
		{"value starting with a bracket", notice, fm("title: [Dự thảo] Quy định\ncategory: notice\npublished: 2025-01-01"),
			2, `a value starting with "[" is read as a list: to write text, put it in quotes: title: "[Dự thảo] Quy định"`},
		{"value starting with @", notice, fm("title: A\ncategory: notice\npublished: 2025-01-01\nsigner: @Lê Văn A"),
			5, `a value starting with "@" must be in quotes: signer: "@Lê Văn A"`},
		{"site.yaml colon", "site.yaml", "title: Cổng thông tin: tỉnh Hà Tĩnh\n",
			1, `must be in quotes: title: "Cổng thông tin: tỉnh Hà Tĩnh"`},
		{"site.yaml unclosed quote", "site.yaml", "title: Cổng\ndescription: \"Công khai\nlanguages: [vi]\n",
			2, "the quote that opens the value of description is never closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := baseSite()
			files[tt.path] = tt.file
			_, ps := mustLoad(t, mapFS(files), nil)
			if !hasProblem(ps, tt.path, tt.line, tt.want) {
				t.Errorf("problems lack %s:%d: …%s…; got:\n%s", tt.path, tt.line, tt.want, problemsString(ps))
			}
		})
	}
}

// TestYAMLHint covers yamlHint on its own: lines without a hint get none.
func TestYAMLHint(t *testing.T) {
	tests := []struct {
		msg, yaml string
		line      int
		hint      string
		at        int
	}{
		{"mapping values are not allowed in this context", "url: http://example.vn/a: b\n", 1, `a value that contains ": " must be in quotes: url: "http://example.vn/a: b"`, 1},
		{"mapping values are not allowed in this context", "a: 'x: y'\n", 1, "", 1},
		{"did not find expected key", "a: b\n", 1, "", 1},
		{"found unexpected end of stream", "a: \"x \\\" y\n", 2, "the quote that opens the value of a is never closed: end the value with \"", 1},
		{"found character that cannot start any token", "a: `x`\n", 1, "a value starting with \"`\" must be in quotes: a: \"`x`\"", 1},
	}
	for _, tt := range tests {
		hint, at := yamlHint(tt.msg, []byte(tt.yaml), tt.line)
		if hint.String() != tt.hint || at != tt.at {
			t.Errorf("yamlHint(%q, %q, %d) = %q, %d; want %q, %d", tt.msg, tt.yaml, tt.line, hint, at, tt.hint, tt.at)
		}
	}
}

// TestCommentCuts: a " #" in an unquoted title or document number starts a
// comment; the file loads with the value cut short, and every load reports it,
// from the cache too.
func TestCommentCuts(t *testing.T) {
	files := baseSite()
	files["site.yaml"] = "title: Cổng thông tin #1 của tỉnh\nlanguages: [vi] # và en sau\n"
	files["so-tai-chinh/ke-hoach.md"] = "---\ntitle: Kế hoạch #5 về cải cách hành chính\nnumber: 12/KH-UBND #3\ncategory: notice # ghi chú\npublished: 2025-01-01\nsummary: \"Tóm tắt #1\"\n---\nNội dung.\n"
	files["so-tai-chinh/bang-gia/index.md"] = strings.Replace(datasetMD, "title: Bảng giá đất 2025", "title: Bảng giá đất #2025", 1)
	files["ubnd-tinh/_agency.md"] = "---\nname: UBND tỉnh #1\nkind: province\n---\n"
	want := []struct {
		Path string
		Line int
		Msg  string
	}{
		{Path: "site.yaml", Line: 1, Msg: `title ends before "#1 của tỉnh": in YAML " #" starts a comment, so the rest of the line is not part of the value; put the whole value in quotes (title: "Cổng thông tin #1 của tỉnh"), or move a comment to a line of its own`},
		{Path: "so-tai-chinh/bang-gia/index.md", Line: 2, Msg: `title ends before "#2025"`},
		{Path: "so-tai-chinh/ke-hoach.md", Line: 2, Msg: `title ends before "#5 về cải cách hành chính"`},
		{Path: "so-tai-chinh/ke-hoach.md", Line: 3, Msg: `number ends before "#3"`},
		{Path: "ubnd-tinh/_agency.md", Line: 2, Msg: `name ends before "#1"`},
	}
	check := func(t *testing.T, s *Site, ps []Problem) {
		t.Helper()
		if len(ps) != len(want) {
			t.Errorf("%d problems, want %d:\n%s", len(ps), len(want), problemsString(ps))
		}
		for _, w := range want {
			if !hasProblem(ps, w.Path, w.Line, w.Msg) {
				t.Errorf("problems lack %v; got:\n%s", w, problemsString(ps))
			}
		}
		if n, ok := s.Notice("so-tai-chinh/ke-hoach"); !ok || n.Title != "Kế hoạch" || n.Number != "12/KH-UBND" || n.Summary != "Tóm tắt #1" {
			t.Errorf("notice = %+v, %v; want it loaded with its values cut short", n, ok)
		}
	}
	dir := t.TempDir()
	writeTree(t, dir, files)
	ctx := context.Background()
	s, ps := Load(ctx, os.DirFS(dir), nil)
	check(t, s, ps)
	t.Run("reload", func(t *testing.T) {
		s2, ps := Reload(ctx, os.DirFS(dir), s, []string{"so-tai-chinh/ke-hoach.md"})
		check(t, s2, ps)
	})
	t.Run("cache", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteCache(&buf, s, dir); err != nil {
			t.Fatal(err)
		}
		cached, err := ReadCache(bytes.NewReader(buf.Bytes()), dir)
		if err != nil {
			t.Fatal(err)
		}
		s3, ps3 := Load(ctx, os.DirFS(dir), cached)
		check(t, s3, ps3)
		// The cache keeps each message as it reads in both languages.
		if problemsString(ps3) != problemsString(ps) || problemsIn(ps3, msg.VI) != problemsIn(ps, msg.VI) {
			t.Errorf("problems after a start from the cache differ:\n%s\nwant:\n%s", problemsString(ps3), problemsString(ps))
		}
	})
	t.Run("broken file reports its break, not the last good version's warnings", func(t *testing.T) {
		writeFile(t, dir, "so-tai-chinh/ke-hoach.md", "---\ntitle: [\n---\n")
		_, ps := Reload(ctx, os.DirFS(dir), s, []string{"so-tai-chinh/ke-hoach.md"})
		if hasProblem(ps, "so-tai-chinh/ke-hoach.md", -1, "ends before") || !hasProblem(ps, "so-tai-chinh/ke-hoach.md", -1, "last good version") {
			t.Errorf("problems:\n%s", problemsString(ps))
		}
	})
}
