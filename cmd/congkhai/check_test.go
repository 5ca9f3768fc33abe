package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckSummary runs congkhai check on small folders, in Vietnamese (the
// default) and in English (--lang en): the summary's counts agree in number,
// each problem is printed as path:line: message, and the exit code says
// whether there is any.
func TestCheckSummary(t *testing.T) {
	const (
		site    = "title: Thử\n"
		agency  = "---\nname: Sở X\n---\n"
		notice  = "---\ntitle: A\ncategory: notice\npublished: 2025-01-01\n---\nNội dung.\n"
		broken  = "---\ntitle: Thông báo: lịch họp\ncategory: notice\npublished: 2025-01-01\n---\nNội dung.\n"
		comment = "---\ntitle: Kế hoạch #5\ncategory: notice\npublished: 2025-01-01\n---\nNội dung.\n"
	)
	type output struct {
		summary string
		out     []string // lines of stdout, after the folder's path
	}
	tests := []struct {
		name   string
		files  map[string]string
		code   int
		vi, en output
	}{
		{"empty", map[string]string{"site.yaml": site}, 0,
			output{"0 cơ quan, 0 văn bản, 0 bộ dữ liệu, 0 lỗi", nil},
			output{"0 agencies, 0 notices, 0 datasets, 0 problems", nil}},
		{"one of each", map[string]string{"site.yaml": site, "so-x/_agency.md": agency, "so-x/a.md": notice}, 0,
			output{"1 cơ quan, 1 văn bản, 0 bộ dữ liệu, 0 lỗi", nil},
			output{"1 agency, 1 notice, 0 datasets, 0 problems", nil}},
		{"one problem", map[string]string{"site.yaml": site, "so-x/_agency.md": agency, "so-x/a.md": notice, "so-x/b.md": broken}, 1,
			output{"1 cơ quan, 1 văn bản, 0 bộ dữ liệu, 1 lỗi",
				[]string{`/so-x/b.md:2: không được viết cặp "tên: giá trị" ở vị trí này: giá trị có chứa ": " phải đặt trong dấu ngoặc kép: title: "Thông báo: lịch họp"`}},
			output{"1 agency, 1 notice, 0 datasets, 1 problem",
				[]string{`/so-x/b.md:2: mapping values are not allowed in this context: a value that contains ": " must be in quotes: title: "Thông báo: lịch họp"`}}},
		{"two problems", map[string]string{"site.yaml": site, "so-x/_agency.md": agency, "so-y/_agency.md": agency, "so-x/a.md": notice, "so-x/b.md": broken, "so-x/c.md": comment}, 1,
			output{"2 cơ quan, 2 văn bản, 0 bộ dữ liệu, 2 lỗi",
				[]string{`/so-x/b.md:2: không được viết cặp`, `/so-x/c.md:2: title bị cắt trước “#5”: trong YAML, " #" mở đầu một ghi chú`}},
			output{"2 agencies, 2 notices, 0 datasets, 2 problems",
				[]string{`/so-x/b.md:2: mapping values`, `/so-x/c.md:2: title ends before "#5"`}}},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		for p, c := range tt.files {
			full := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, run1 := range []struct {
			lang string
			args []string
			want output
		}{
			{"vi", []string{"check", dir}, tt.vi},
			{"vi flag", []string{"check", "--lang", "vi", dir}, tt.vi},
			{"en", []string{"check", "--lang", "en", dir}, tt.en},
			{"en after the folder", []string{"check", dir, "--lang=en"}, tt.en},
		} {
			t.Run(tt.name+"/"+run1.lang, func(t *testing.T) {
				var out, errb bytes.Buffer
				code := run(context.Background(), run1.args, &out, &errb)
				if code != tt.code {
					t.Errorf("check exit code = %d, want %d", code, tt.code)
				}
				if got := strings.TrimSpace(errb.String()); got != run1.want.summary {
					t.Errorf("check summary = %q, want %q", got, run1.want.summary)
				}
				lines := strings.Split(strings.TrimSpace(out.String()), "\n")
				if len(run1.want.out) == 0 && out.Len() != 0 || len(run1.want.out) > 0 && len(lines) != len(run1.want.out) {
					t.Fatalf("check printed %q, want %d lines", out.String(), len(run1.want.out))
				}
				for i, want := range run1.want.out {
					if !strings.HasPrefix(lines[i], dir+want) {
						t.Errorf("line %d = %q, want it to start with %q", i+1, lines[i], dir+want)
					}
				}
			})
		}
	}
}

// TestCheckLang: --lang takes vi or en, and the usage errors exit 2.
func TestCheckLang(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Thử\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args    []string
		code    int
		wantErr string
	}{
		{[]string{"check", "--lang", "EN", dir}, 0, "0 agencies, 0 notices, 0 datasets, 0 problems"},
		{[]string{"check", "--lang", "fr", dir}, 2, "write vi (Vietnamese) or en (English)"},
		{[]string{"check"}, 2, "usage: congkhai check [--lang vi|en] DIR"},
		{[]string{"check", dir, dir}, 2, "usage: congkhai check"},
		{[]string{"check", filepath.Join(dir, "site.yaml")}, 2, "site.yaml không phải là thư mục"},
		{[]string{"check", "--lang", "en", filepath.Join(dir, "site.yaml")}, 2, "site.yaml is not a folder"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), tt.args, &out, &errb); code != tt.code || !strings.Contains(errb.String(), tt.wantErr) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tt.args, code, errb.String(), tt.code, tt.wantErr)
		}
	}
}
