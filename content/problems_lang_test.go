package content

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/msg"
)

// TestProblemsInBothLanguages loads files with common mistakes and reads each
// problem in Vietnamese and in English: the same path and line, file names,
// values and headings as written.
func TestProblemsInBothLanguages(t *testing.T) {
	const money = "---\ntitle: Chi trả\ncategory: boi-thuong\npublished: 2025-01-01\ncolumns:\n  - name: Số tiền\n    type: money\n---\nx\n"
	tests := []struct {
		name  string
		files map[string]string
		path  string
		line  int
		vi    string
		en    string
	}{
		{"no title", map[string]string{"so-x/a.md": "---\ncategory: notice\npublished: 2025-01-01\n---\nx\n"},
			"so-x/a.md", 2, "thiếu title (tiêu đề)", "title is required"},
		{"unknown category", map[string]string{"so-x/a.md": "---\ntitle: A\ncategory: xyz\npublished: 2025-01-01\n---\nx\n"},
			"so-x/a.md", 3, "không có lĩnh vực (category) “xyz”; các giá trị được chấp nhận: ", `unknown category "xyz"; accepted: `},
		{"bad date", map[string]string{"so-x/a.md": "---\ntitle: A\ncategory: notice\npublished: 2025-13-45\n---\nx\n"},
			"so-x/a.md", 4, "published: ngày “2025-13-45” không hợp lệ: hãy viết 2025-01-15 hoặc 15/01/2025",
			`published: bad date "2025-13-45": write 2025-01-15 or 15/01/2025`},
		{"unknown field", map[string]string{"so-x/a.md": "---\ntitle: A\ncategory: notice\npublished: 2025-01-01\ntieu_de: B\n---\nx\n"},
			"so-x/a.md", 5, "không có trường “tieu_de”", `unknown field "tieu_de"`},
		{"YAML", map[string]string{"so-x/a.md": "---\ntitle: Thông báo: lịch họp\ncategory: notice\npublished: 2025-01-01\n---\nx\n"},
			"so-x/a.md", 2, `không được viết cặp "tên: giá trị" ở vị trí này: giá trị có chứa ": " phải đặt trong dấu ngoặc kép: title: "Thông báo: lịch họp"`,
			`mapping values are not allowed in this context: a value that contains ": " must be in quotes: title: "Thông báo: lịch họp"`},
		{"folder name", map[string]string{"So_X/a.md": "---\ntitle: A\n---\n"},
			"So_X", 0, "tên thư mục cơ quan “So_X” chỉ được gồm chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ so-tai-chinh)",
			`agency folder name "So_X" must be lower-case ASCII letters, digits and hyphens (e.g. so-tai-chinh)`},
		{"not a number", map[string]string{"so-x/chi-tra/index.md": money, "so-x/chi-tra/chi-tra.csv": "Hộ,Số tiền\nHộ A,1500000\nHộ B,2000000\nHộ C,3 triệu\n"},
			"so-x/chi-tra/chi-tra.csv", 0,
			"cột “Số tiền” được khai báo kiểu money: 1 giá trị không phải là số (gặp đầu tiên ở dòng 4: “3 triệu”): hãy viết số theo dạng 1.234.567,5; nếu tệp viết số kiểu tiếng Anh (1,234,567.5) thì khai báo numbers: en",
			`column "Số tiền" is declared money: 1 value is not a number (first at line 4: "3 triệu"): write numbers as 1.234.567,5, or declare numbers: en`},
		{"not UTF-8", map[string]string{"so-x/chi-tra/index.md": money, "so-x/chi-tra/chi-tra.csv": "Hộ,Số tiền\nH\xf4 A,1000\n"},
			"so-x/chi-tra/chi-tra.csv", 0, `không phải văn bản UTF-8 (dòng 2): hãy lưu tệp dưới dạng "CSV UTF-8"`,
			`not UTF-8 text (line 2): save the file as "CSV UTF-8"`},
		{"no table", map[string]string{"so-x/chi-tra/index.md": money},
			"so-x/chi-tra/index.md", 0, "bộ dữ liệu chưa có bảng: hãy thêm tệp .csv, .xlsx, .xls hoặc .ods vào thư mục của bộ dữ liệu",
			"the dataset has no table: add a .csv, .xlsx, .xls or .ods file to its folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"site.yaml": "title: Thử\n", "so-x/_agency.md": "---\nname: Sở X\n---\n"}
			for p, c := range tt.files {
				files[p] = c
			}
			writeTree(t, dir, files)
			_, ps := Load(context.Background(), os.DirFS(dir), nil)
			var found *Problem
			for i, p := range ps {
				if p.Path == tt.path && p.Line == tt.line && strings.Contains(p.Msg.String(), tt.en) {
					found = &ps[i]
				}
			}
			if found == nil {
				t.Fatalf("no problem %s:%d: %s…; got:\n%s", tt.path, tt.line, tt.en, problemsString(ps))
			}
			prefix := tt.path + ":"
			if tt.line > 0 {
				prefix += strconv.Itoa(tt.line) + ":"
			}
			for _, c := range []struct{ lang, want string }{{msg.VI, tt.vi}, {msg.EN, tt.en}} {
				if got := found.In(c.lang); !strings.HasPrefix(got, prefix+" "+c.want) {
					t.Errorf("In(%s) = %q, want it to start with %q", c.lang, got, prefix+" "+c.want)
				}
			}
			if got := found.String(); got != found.In(msg.EN) {
				t.Errorf("String() = %q, want the English %q", got, found.In(msg.EN))
			}
		})
	}
}
