package content

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestKeptBodies puts, replaces, evicts and retains bodies in a store of 10 bytes.
func TestKeptBodies(t *testing.T) {
	type op struct {
		put        string // "path hash body"
		retainOnly string // keep only this path (version "v") when set
	}
	tests := []struct {
		name string
		ops  []op
		want []string // "path hash body" of what get finds
		size int
	}{
		{"put and get", []op{{put: "a v1 xxx"}}, []string{"a v1 xxx"}, 3},
		{"replaced by a newer version", []op{{put: "a v1 xxx"}, {put: "a v2 yy"}}, []string{"a v2 yy"}, 2},
		{"oldest evicted past the bound", []op{{put: "a v xxxx"}, {put: "b v xxxx"}, {put: "c v xxxx"}}, []string{"b v xxxx", "c v xxxx"}, 8},
		{"replacing refreshes", []op{{put: "a v xxxx"}, {put: "b v xxxx"}, {put: "a v2 xxxx"}, {put: "c v xxxx"}}, []string{"a v2 xxxx", "c v xxxx"}, 8},
		{"too large for the store", []op{{put: "a v xxxxxxxxxxx"}}, nil, 0},
		{"retain drops what the site does not hold", []op{{put: "a v xx"}, {put: "b v xx"}, {put: "c w xx"}, {retainOnly: "b"}}, []string{"b v xx"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newKeptBodies(10)
			var all []string
			for _, o := range tt.ops {
				if o.put != "" {
					f := strings.Fields(o.put)
					k.put(f[0], f[1], []byte(f[2]))
					all = append(all, o.put)
					continue
				}
				s := newSite(defaultConfig())
				for _, p := range []string{"a", "b", "c"} {
					if p == o.retainOnly {
						s.parsed[p] = &parsedFile{hash: "v", notice: &Notice{}}
					} else {
						s.parsed[p] = &parsedFile{hash: "v"} // not a notice
					}
				}
				k.retain(s)
			}
			var got []string
			for _, e := range all {
				f := strings.Fields(e)
				if b, ok := k.get(f[0], f[1]); ok && string(b) == f[2] {
					got = append(got, e)
				}
			}
			slices.Sort(got)
			got = slices.Compact(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("kept = %q, want %q", got, tt.want)
			}
			if n, size := k.len(); size != tt.size || n != len(tt.want) {
				t.Errorf("len() = %d, %d bytes; want %d, %d bytes", n, size, len(tt.want), tt.size)
			}
		})
	}
	var nilStore *keptBodies
	nilStore.put("a", "v", []byte("x"))
	if _, ok := nilStore.get("a", "v"); ok {
		t.Errorf("a nil store kept a body")
	}
}

// A notice whose file breaks while the portal serves keeps its page: its last
// good metadata, and the last good body when the portal kept it (the notice
// changed since the start), else the body section of the file (only the front
// matter broke), else its summary. Each case goes through Reload.
func TestBodyWhenFileBreaks(t *testing.T) {
	const path = "so-tai-chinh/du-toan-2025.md"
	v2 := strings.Replace(noticeMD, "Dự toán thu, chi ngân sách", "Phiên bản hai: dự toán thu, chi", 1)
	noClose := strings.Replace(noticeMD, "\n---\nDự toán", "\nDự toán", 1) // no closing "---"
	yamlBroken := strings.Replace(noticeMD, "\ntitle: ", "\ntitle: [ ", 1)
	yamlBrokenNewBody := strings.Replace(yamlBroken, "Dự toán thu, chi ngân sách", "Thân mới: dự toán", 1)
	utf16File := string(utf16LE(noticeMD))
	tests := []struct {
		name    string
		edited  bool   // a good second version is loaded by a reload first (and kept)
		broken  string // the file's bytes after the break
		title   string // of the notice after the break
		body    string // the body shows this
		partial bool
	}{
		{"front matter YAML, unchanged since start", false, yamlBrokenNewBody, "Công khai dự toán ngân sách tỉnh năm 2025", "Thân mới: dự toán", false},
		{"no closing line, unchanged since start", false, noClose, "Công khai dự toán ngân sách tỉnh năm 2025", "Dự toán thu, chi ngân sách địa phương năm 2025.", true},
		{"UTF-16, unchanged since start", false, utf16File, "Công khai dự toán ngân sách tỉnh năm 2025", "Dự toán thu, chi ngân sách địa phương năm 2025.", true},
		{"emptied, unchanged since start", false, "", "Công khai dự toán ngân sách tỉnh năm 2025", "Dự toán thu, chi ngân sách địa phương năm 2025.", true},
		{"front matter YAML, after an edit", true, yamlBrokenNewBody, "Công khai dự toán ngân sách tỉnh năm 2025", "Phiên bản hai", false},
		{"no closing line, after an edit", true, noClose, "Công khai dự toán ngân sách tỉnh năm 2025", "Phiên bản hai", false},
		{"UTF-16, after an edit", true, utf16File, "Công khai dự toán ngân sách tỉnh năm 2025", "Phiên bản hai", false},
		{"emptied, after an edit", true, "", "Công khai dự toán ngân sách tỉnh năm 2025", "Phiên bản hai", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, baseSite())
			fsys := openDir(t, root)
			ctx := context.Background()
			s, ps := Load(ctx, fsys, nil)
			if len(ps) != 0 {
				t.Fatalf("problems:\n%s", problemsString(ps))
			}
			if tt.edited {
				writeFile(t, root, path, v2)
				s, _ = Reload(ctx, fsys, s, []string{path})
			}
			writeFile(t, root, path, tt.broken)
			s, ps = Reload(ctx, fsys, s, []string{path})
			if !hasProblem(ps, path, -1, "last good version") {
				t.Errorf("the break is not reported:\n%s", problemsString(ps))
			}
			n, ok := s.Notice("so-tai-chinh/du-toan-2025")
			if !ok || n.Title != tt.title {
				t.Fatalf("notice after the break = %v, %v; want its last good metadata", n, ok)
			}
			body, err := n.Body()
			if err != nil {
				t.Fatalf("Body() error: %v", err)
			}
			if !strings.Contains(string(body.HTML), tt.body) || !strings.Contains(body.Text, tt.body) || body.Partial != tt.partial {
				t.Errorf("Body() = %.200q (text %.100q), Partial %v; want it to show %q, Partial %v", body.HTML, body.Text, body.Partial, tt.body, tt.partial)
			}
			// Fixed: the new version, in full.
			writeFile(t, root, path, strings.Replace(noticeMD, "Dự toán thu, chi", "Đã sửa: thu, chi", 1))
			s, _ = Reload(ctx, fsys, s, []string{path})
			n, _ = s.Notice("so-tai-chinh/du-toan-2025")
			if body, err := n.Body(); err != nil || !strings.Contains(body.Text, "Đã sửa") || body.Partial {
				t.Errorf("Body() once fixed = %.100q, Partial %v, %v", body.Text, body.Partial, err)
			}
		})
	}
}

// Until the next reload, a notice whose file changed shows the body of the
// version loaded when the portal kept it, else what the file holds; a deleted
// file is gone.
func TestBodyBeforeReload(t *testing.T) {
	const path = "so-tai-chinh/du-toan-2025.md"
	root := t.TempDir()
	writeTree(t, root, baseSite())
	fsys := openDir(t, root)
	ctx := context.Background()
	s, _ := Load(ctx, fsys, nil)
	n, _ := s.Notice("so-tai-chinh/du-toan-2025")
	writeFile(t, root, path, strings.Replace(noticeMD, "Dự toán thu, chi", "Chưa nạp lại: thu, chi", 1))
	if body, err := n.Body(); err != nil || !strings.Contains(body.Text, "Chưa nạp lại") {
		t.Errorf("Body() of a file changed since a first load = %.100q, %v; want what the file holds", body.Text, err)
	}
	s, _ = Reload(ctx, fsys, s, []string{path}) // kept
	n, _ = s.Notice("so-tai-chinh/du-toan-2025")
	writeFile(t, root, path, strings.Replace(noticeMD, "Dự toán thu, chi", "Lần ba: thu, chi", 1))
	if body, err := n.Body(); err != nil || !strings.Contains(body.Text, "Chưa nạp lại") {
		t.Errorf("Body() of a file changed since a reload = %.100q, %v; want the kept body of the version loaded", body.Text, err)
	}
	if err := os.Remove(filepath.Join(root, filepath.FromSlash(path))); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Body(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Body() of a deleted file: err = %v, want fs.ErrNotExist", err)
	}
}

// utf16LE encodes s as UTF-16 little endian with a byte order mark, as Windows
// editors save "Unicode" text.
func utf16LE(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}
