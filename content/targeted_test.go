package content

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Reload, told which paths changed, gives the same site as a full Load, reading
// only the changed files.
func TestReloadTargeted(t *testing.T) {
	notice2 := "---\ntitle: Thông báo 2\ncategory: notice\npublished: 2025-02-02\n---\nHai.\n"
	agency2 := "---\nname: Sở Xây dựng\nkind: department\n---\nSở Xây dựng.\n"
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
		paths  []string // what the watcher reports
		read   []string // files Reload must read (.md and tables)
		check  func(t *testing.T, s *Site, ps []Problem)
	}{
		{
			name: "edit a notice",
			change: func(t *testing.T, dir string) {
				writeFile(t, dir, "so-tai-chinh/du-toan-2025.md", strings.Replace(noticeMD, "Công khai dự toán", "Công khai sửa dự toán", 1))
			},
			paths: []string{"so-tai-chinh/du-toan-2025.md"},
			read:  []string{"so-tai-chinh/du-toan-2025.md"},
			check: func(t *testing.T, s *Site, _ []Problem) {
				if n, ok := s.Notice("so-tai-chinh/du-toan-2025"); !ok || !strings.Contains(n.Title, "sửa") {
					t.Errorf("edit not seen: %+v", n)
				}
			},
		},
		{
			name:   "delete a notice",
			change: func(t *testing.T, dir string) { remove(t, dir, "ubnd-tinh/thong-bao-lich-hop.md") },
			paths:  []string{"ubnd-tinh/thong-bao-lich-hop.md"},
			check: func(t *testing.T, s *Site, _ []Problem) {
				if _, ok := s.Notice("ubnd-tinh/thong-bao-lich-hop"); ok {
					t.Errorf("deleted notice still there")
				}
			},
		},
		{
			name: "rename a notice",
			change: func(t *testing.T, dir string) {
				rename(t, dir, "ubnd-tinh/thong-bao-lich-hop.md", "ubnd-tinh/lich-hop-moi.md")
			},
			paths: []string{"ubnd-tinh/lich-hop-moi.md", "ubnd-tinh/thong-bao-lich-hop.md"},
			read:  []string{"ubnd-tinh/lich-hop-moi.md"},
			check: func(t *testing.T, s *Site, _ []Problem) {
				_, old := s.Notice("ubnd-tinh/thong-bao-lich-hop")
				_, cur := s.Notice("ubnd-tinh/lich-hop-moi")
				if old || !cur {
					t.Errorf("after rename: old name %v, new name %v", old, cur)
				}
			},
		},
		{
			name: "new agency folder copied in whole",
			change: func(t *testing.T, dir string) {
				writeFile(t, dir, "so-xay-dung/_agency.md", agency2)
				writeFile(t, dir, "so-xay-dung/thong-bao-2.md", notice2)
			},
			// The watcher may report only the folder (its files raised no event).
			paths: []string{"so-xay-dung"},
			read:  []string{"so-xay-dung/_agency.md", "so-xay-dung/thong-bao-2.md"},
			check: func(t *testing.T, s *Site, _ []Problem) {
				if _, ok := s.Notice("so-xay-dung/thong-bao-2"); !ok {
					t.Errorf("notice of the new agency missing")
				}
			},
		},
		{
			name: "file in a new folder reported alone",
			change: func(t *testing.T, dir string) {
				writeFile(t, dir, "so-xay-dung/_agency.md", agency2)
				writeFile(t, dir, "so-xay-dung/thong-bao-2.md", notice2)
			},
			paths: []string{"so-xay-dung/thong-bao-2.md"},
			read:  []string{"so-xay-dung/_agency.md", "so-xay-dung/thong-bao-2.md"},
		},
		{
			name:   "delete a dataset folder",
			change: func(t *testing.T, dir string) { remove(t, dir, "so-tai-chinh/bang-gia") },
			paths:  []string{"so-tai-chinh/bang-gia"},
			check: func(t *testing.T, s *Site, ps []Problem) {
				if len(s.Datasets) != 0 || !hasProblem(ps, "so-tai-chinh/du-toan-2025.md", -1, "related") {
					t.Errorf("dataset still there, or the related path to it not reported:\n%s", problemsString(ps))
				}
			},
		},
		{
			name:   "rename an agency folder",
			change: func(t *testing.T, dir string) { rename(t, dir, "ubnd-tinh", "ubnd-thanh-pho") },
			paths:  []string{"ubnd-thanh-pho", "ubnd-tinh"},
			read:   []string{"ubnd-thanh-pho/_agency.md", "ubnd-thanh-pho/thong-bao-lich-hop.md"},
			check: func(t *testing.T, s *Site, _ []Problem) {
				if _, ok := s.Notice("ubnd-thanh-pho/thong-bao-lich-hop"); !ok {
					t.Errorf("notice not under the new agency name")
				}
				if _, ok := s.Agency("ubnd-tinh"); ok {
					t.Errorf("old agency name still there")
				}
			},
		},
		{
			name: "edit an agency",
			change: func(t *testing.T, dir string) {
				writeFile(t, dir, "ubnd-tinh/_agency.md", "---\nname: UBND tỉnh Bắc Giang\nkind: province\n---\n")
			},
			paths: []string{"ubnd-tinh/_agency.md"},
			read:  []string{"ubnd-tinh/_agency.md"},
			check: func(t *testing.T, s *Site, _ []Problem) {
				if a, ok := s.Agency("ubnd-tinh"); !ok || a.Name != "UBND tỉnh Bắc Giang" {
					t.Errorf("agency edit not seen: %+v", a)
				}
			},
		},
		{
			name: "broken edit keeps the last good version",
			change: func(t *testing.T, dir string) {
				writeFile(t, dir, "ubnd-tinh/thong-bao-lich-hop.md", "---\ntitle: [\n---\n")
			},
			paths: []string{"ubnd-tinh/thong-bao-lich-hop.md"},
			read:  []string{"ubnd-tinh/thong-bao-lich-hop.md"},
			check: func(t *testing.T, s *Site, ps []Problem) {
				if n, ok := s.Notice("ubnd-tinh/thong-bao-lich-hop"); !ok || n.Title != "Thông báo lịch họp" {
					t.Errorf("last good version not kept: %+v", n)
				}
				if !hasProblem(ps, "ubnd-tinh/thong-bao-lich-hop.md", -1, "last good version") {
					t.Errorf("problem not reported:\n%s", problemsString(ps))
				}
			},
		},
		{
			name: "edit a table",
			change: func(t *testing.T, dir string) {
				writeFile(t, dir, "so-tai-chinh/bang-gia/gia.csv", csvData+"4,Đường D,700.000,2025-01-18\n")
			},
			paths: []string{"so-tai-chinh/bang-gia/gia.csv"},
			read:  []string{"so-tai-chinh/bang-gia/gia.csv"},
			check: func(t *testing.T, s *Site, _ []Problem) {
				if d, ok := s.Dataset("so-tai-chinh/bang-gia"); !ok || d.Tables[0].RowCount != 4 {
					t.Errorf("table edit not seen")
				}
			},
		},
		{
			name: "site.yaml",
			change: func(t *testing.T, dir string) {
				writeFile(t, dir, "site.yaml", siteYAML+"markdown:\n  unsafe_html: true\n")
			},
			paths: []string{"site.yaml"},
			// Another markdown mode: every markdown file is parsed again.
			read: []string{"so-tai-chinh/_agency.md", "so-tai-chinh/bang-gia/index.md", "so-tai-chinh/du-toan-2025.md", "ubnd-tinh/_agency.md", "ubnd-tinh/thong-bao-lich-hop.md"},
		},
		{
			name:   "ignored and unknown paths",
			change: func(t *testing.T, dir string) { writeFile(t, dir, "so-tai-chinh/.ghi-chu.md.swp", "x") },
			paths:  []string{"so-tai-chinh/.ghi-chu.md.swp", "khong-co/gi-ca.md", "../ngoai.md"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, baseSite())
			ctx := context.Background()
			prev, _ := Load(ctx, os.DirFS(dir), nil)
			tt.change(t, dir)
			cfs := newCountingFS(dir)
			got, ps := Reload(ctx, cfs, prev, tt.paths)
			var read []string
			for _, p := range cfs.read() {
				if p != "so-tai-chinh/bang-gia/gia.csv" || tt.name == "edit a table" {
					read = append(read, p) // a table is hashed only when its size or time changed
				}
			}
			if !reflect.DeepEqual(read, tt.read) && !(len(read) == 0 && len(tt.read) == 0) {
				t.Errorf("Reload read %q, want %q", read, tt.read)
			}
			want, wps := Load(ctx, os.DirFS(dir), prev)
			if g, w := viewOf(t, got, ps), viewOf(t, want, wps); !reflect.DeepEqual(g, w) {
				t.Errorf("Reload differs from Load:\n got %+v\nwant %+v", g, w)
			}
			if tt.check != nil {
				tt.check(t, got, ps)
			}
		})
	}
}

// Nothing changed: Load and Reload return the previous site itself.
func TestReloadUnchanged(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, baseSite())
	ctx := context.Background()
	prev, _ := Load(ctx, os.DirFS(dir), nil)
	if s, _ := Load(ctx, os.DirFS(dir), prev); s != prev {
		t.Errorf("Load of an unchanged folder returned a new site")
	}
	if s, _ := Reload(ctx, os.DirFS(dir), prev, []string{"so-tai-chinh/du-toan-2025.md"}); s != prev {
		t.Errorf("Reload of an unchanged file returned a new site")
	}
	writeFile(t, dir, "so-tai-chinh/du-toan-2025.md", noticeMD+"\nThêm.\n")
	if s, _ := Reload(ctx, os.DirFS(dir), prev, []string{"so-tai-chinh/du-toan-2025.md"}); s == prev {
		t.Errorf("Reload of a changed file returned the previous site")
	}
}

func remove(t *testing.T, dir, p string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
		t.Fatal(err)
	}
}

func rename(t *testing.T, dir, from, to string) {
	t.Helper()
	if err := os.Rename(filepath.Join(dir, filepath.FromSlash(from)), filepath.Join(dir, filepath.FromSlash(to))); err != nil {
		t.Fatal(err)
	}
}

// A reload shares the notices it did not change with the previous site (one
// copy of each in memory), and copies a notice whose references resolve
// differently, leaving the previous site's notice as it was.
func TestReloadSharesNotices(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, baseSite())
	ctx := context.Background()
	fsys := os.DirFS(dir)
	s1, _ := Load(ctx, fsys, nil)
	n1, ok := s1.Notice("so-tai-chinh/du-toan-2025")
	if !ok || len(n1.Attachments) != 2 || n1.Hash == "" {
		t.Fatalf("notice before: %+v", n1)
	}
	writeFile(t, dir, "ubnd-tinh/thong-bao-lich-hop.md", "---\ntitle: Lịch họp mới\ncategory: notice\npublished: 2025-03-01\n---\nHọp.\n")
	s2, _ := Reload(ctx, fsys, s1, []string{"ubnd-tinh/thong-bao-lich-hop.md"})
	if s2 == s1 {
		t.Fatal("reload of a changed file returned the same site")
	}
	if n2, _ := s2.Notice("so-tai-chinh/du-toan-2025"); n2 != n1 {
		t.Errorf("unchanged notice copied: %p, was %p", n2, n1)
	}
	remove(t, dir, "so-tai-chinh/files/125-qd.pdf")
	s3, ps := Reload(ctx, fsys, s2, []string{"so-tai-chinh/files/125-qd.pdf"})
	n3, _ := s3.Notice("so-tai-chinh/du-toan-2025")
	if n3 == n1 || len(n3.Attachments) != 1 || n3.Hash != n1.Hash || len(ps) == 0 {
		t.Errorf("after the attachment was removed: same %v, attachments %d, hash %q, problems %v", n3 == n1, len(n3.Attachments), n3.Hash, ps)
	}
	if len(n1.Attachments) != 2 {
		t.Errorf("the previous site's notice changed: %+v", n1.Attachments)
	}
	if _, err := n3.Body(); err != nil {
		t.Errorf("copied notice cannot render its body: %v", err)
	}
}
