package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckSummary runs congkhai check on small folders: the summary's counts
// agree in number, each problem is printed as path:line: message, and the exit
// code says whether there is any.
func TestCheckSummary(t *testing.T) {
	const (
		site    = "title: Thử\n"
		agency  = "---\nname: Sở X\n---\n"
		notice  = "---\ntitle: A\ncategory: notice\npublished: 2025-01-01\n---\nNội dung.\n"
		broken  = "---\ntitle: Thông báo: lịch họp\ncategory: notice\npublished: 2025-01-01\n---\nNội dung.\n"
		comment = "---\ntitle: Kế hoạch #5\ncategory: notice\npublished: 2025-01-01\n---\nNội dung.\n"
	)
	tests := []struct {
		name    string
		files   map[string]string
		code    int
		summary string
		out     []string // lines of stdout, after the folder's path
	}{
		{"empty", map[string]string{"site.yaml": site}, 0, "0 agencies, 0 notices, 0 datasets, 0 problems", nil},
		{"one of each", map[string]string{"site.yaml": site, "so-x/_agency.md": agency, "so-x/a.md": notice}, 0,
			"1 agency, 1 notice, 0 datasets, 0 problems", nil},
		{"one problem", map[string]string{"site.yaml": site, "so-x/_agency.md": agency, "so-x/a.md": notice, "so-x/b.md": broken}, 1,
			"1 agency, 1 notice, 0 datasets, 1 problem",
			[]string{`/so-x/b.md:2: mapping values are not allowed in this context: a value that contains ": " must be in quotes: title: "Thông báo: lịch họp"`}},
		{"two problems", map[string]string{"site.yaml": site, "so-x/_agency.md": agency, "so-y/_agency.md": agency, "so-x/a.md": notice, "so-x/b.md": broken, "so-x/c.md": comment}, 1,
			"2 agencies, 2 notices, 0 datasets, 2 problems",
			[]string{`/so-x/b.md:2: mapping values`, `/so-x/c.md:2: title ends before "#5"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"check", dir}, &out, &errb)
			if code != tt.code {
				t.Errorf("check exit code = %d, want %d", code, tt.code)
			}
			if got := strings.TrimSpace(errb.String()); got != tt.summary {
				t.Errorf("check summary = %q, want %q", got, tt.summary)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(tt.out) == 0 && out.Len() != 0 || len(tt.out) > 0 && len(lines) != len(tt.out) {
				t.Fatalf("check printed %q, want %d lines", out.String(), len(tt.out))
			}
			for i, want := range tt.out {
				if !strings.HasPrefix(lines[i], dir+want) {
					t.Errorf("line %d = %q, want it to start with %q", i+1, lines[i], dir+want)
				}
			}
		})
	}
}

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 problems"}, {1, "1 problem"}, {2, "2 problems"}, {21, "21 problems"}} {
		if got := count(tt.n, "problem", "problems"); got != tt.want {
			t.Errorf("count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
