package content

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// linkCase is a symbolic link put in a content folder.
type linkCase struct {
	name    string
	link    string // slash path of the link in the content folder
	target  string // what it points to: relative to the link's folder, or "OUT/..." for the folder beside the content folder
	replace bool   // link replaces the folder at link (removed first)
}

var linkCases = []linkCase{
	{name: "file to outside", link: "so-tai-chinh/files/leak.txt", target: "OUT/secret.txt"},
	{name: "file inside the root", link: "so-tai-chinh/files/ban-sao.pdf", target: "125-qd.pdf"},
	{name: "folder to outside", link: "so-tai-chinh/du-lieu", target: "OUT/data"},
	{name: "folder inside the root", link: "so-tai-chinh/bang-gia-2", target: "bang-gia"},
	{name: "agency folder to outside", link: "so-ngoai", target: "OUT/agency"},
	{name: "notice to outside", link: "so-tai-chinh/bi-mat.md", target: "OUT/notice.md"},
	{name: "table to outside", link: "so-tai-chinh/bang-gia/ngoai.csv", target: "OUT/table.csv"},
	{name: "folder replaced by a link", link: "so-tai-chinh/files", target: "OUT/files", replace: true},
}

// linkTree writes the base site in base/content and, beside it in base/ngoai,
// files a link could lead to. It returns the content folder.
func linkTree(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "content")
	writeTree(t, root, baseSite())
	writeTree(t, filepath.Join(base, "ngoai"), map[string]string{
		"secret.txt":        "root:x:0:0:root:/root:/bin/bash\n",
		"data/congkhai.db":  "SQLite format 3\x00",
		"agency/_agency.md": agencyMD,
		"agency/bi-mat.md":  "---\ntitle: Bí mật\ncategory: notice\npublished: 2025-01-01\n---\nBí mật.\n",
		"notice.md":         "---\ntitle: Bí mật\ncategory: notice\npublished: 2025-01-01\n---\nBí mật.\n",
		"table.csv":         csvData,
		"files/125-qd.pdf":  "%PDF-1.4 bí mật",
	})
	return root
}

// makeLink puts the link of c in the content folder root.
func makeLink(t *testing.T, root string, c linkCase) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(c.link))
	target := filepath.FromSlash(c.target)
	if rest, ok := strings.CutPrefix(c.target, "OUT/"); ok {
		target = filepath.Join(filepath.Dir(root), "ngoai", filepath.FromSlash(rest))
	}
	if c.replace {
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// testFS opens the content folder root as os.DirFS or as a Dir.
func testFS(t *testing.T, name, root string) fs.FS {
	t.Helper()
	if name == "Dir" {
		return openDir(t, root)
	}
	return os.DirFS(root)
}

func openDir(t *testing.T, root string) *Dir {
	t.Helper()
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// checkLinkLeftOut checks that nothing at or below link is published, that the
// link is reported, and that the rest of the site is served.
func checkLinkLeftOut(t *testing.T, s *Site, ps []Problem, link string) {
	t.Helper()
	if !hasProblem(ps, link, 0, "is a symbolic link; not published") {
		t.Errorf("no problem for the link %s; got:\n%s", link, problemsString(ps))
	}
	under := func(p string) bool { return p == link || strings.HasPrefix(p, link+"/") }
	for p := range s.Files {
		if under(p) {
			t.Errorf("file %s is published through the link %s", p, link)
		}
	}
	for _, a := range s.Agencies {
		if under(a.Source) {
			t.Errorf("agency %s is published through the link %s", a.Slug, link)
		}
	}
	for _, n := range s.Notices {
		if under(n.Source) {
			t.Errorf("notice %s is published through the link %s", n.Path, link)
		}
	}
	for _, d := range s.Datasets {
		if under(d.IndexSource) {
			t.Errorf("dataset %s is published through the link %s", d.Path, link)
		}
		for _, tb := range d.Tables {
			if under(tb.File) {
				t.Errorf("table %s is published through the link %s", tb.File, link)
			}
		}
	}
	for _, p := range []string{"so-tai-chinh/du-toan-2025", "ubnd-tinh/thong-bao-lich-hop"} {
		if _, ok := s.Notice(p); !ok {
			t.Errorf("notice %s is not served beside the link", p)
		}
	}
	if _, ok := s.Dataset("so-tai-chinh/bang-gia"); !ok {
		t.Errorf("dataset so-tai-chinh/bang-gia is not served beside the link")
	}
}

// A link is never followed when the folder is loaded: neither a link to a file
// nor to a folder, to outside the folder or inside it, at any depth.
func TestSymlinksAtStart(t *testing.T) {
	for _, c := range linkCases {
		for _, fsName := range []string{"os.DirFS", "Dir"} {
			t.Run(c.name+"/"+fsName, func(t *testing.T) {
				root := linkTree(t)
				makeLink(t, root, c)
				fsys := testFS(t, fsName, root)
				s, ps := Load(context.Background(), fsys, nil)
				checkLinkLeftOut(t, s, ps, c.link)
			})
		}
	}
}

// A link added while the portal serves is never followed by Reload, told of the
// link itself or of a path below it, and Reload agrees with a full Load.
func TestSymlinksOnReload(t *testing.T) {
	for _, c := range linkCases {
		for _, tc := range []struct{ fsName, reported string }{
			{"os.DirFS", c.link}, {"os.DirFS", c.link + "/congkhai.db"},
			{"Dir", c.link}, {"Dir", c.link + "/congkhai.db"},
		} {
			t.Run(c.name+"/"+tc.fsName+"/"+tc.reported, func(t *testing.T) {
				root := linkTree(t)
				ctx := context.Background()
				fsys := testFS(t, tc.fsName, root)
				prev, ps := Load(ctx, fsys, nil)
				if len(ps) != 0 {
					t.Fatalf("problems before the link:\n%s", problemsString(ps))
				}
				makeLink(t, root, c)
				got, ps := Reload(ctx, fsys, prev, []string{tc.reported})
				checkLinkLeftOut(t, got, ps, c.link)
				want, wps := Load(ctx, fsys, prev)
				if g, w := viewOf(t, got, ps), viewOf(t, want, wps); !reflect.DeepEqual(g, w) {
					t.Errorf("Reload differs from Load:\n got %+v\nwant %+v", g, w)
				}
			})
		}
	}
}

// The same, with the paths the watcher reports.
func TestSymlinksThroughWatch(t *testing.T) {
	for _, c := range linkCases {
		for _, fsName := range []string{"os.DirFS", "Dir"} {
			t.Run(c.name+"/"+fsName, func(t *testing.T) {
				root := linkTree(t)
				fsys := testFS(t, fsName, root)
				prev, _ := Load(context.Background(), fsys, nil)
				paths := watchWhile(t, root, c.link, func() { makeLink(t, root, c) })
				s, ps := Reload(context.Background(), fsys, prev, paths)
				checkLinkLeftOut(t, s, ps, c.link)
			})
		}
	}
}

// watchWhile watches root while change runs, and returns the paths reported
// until want is among them.
func watchWhile(t *testing.T, root, want string, change func()) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := make(chan []string, 100)
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, root, 20*time.Millisecond, func(p []string) { changes <- p }) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	}()
	select {
	case first := <-changes:
		if !slices.Equal(first, []string{"."}) {
			t.Fatalf("first call of Watch = %q, want [.]", first)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no first call from Watch")
	}
	change()
	var paths []string
	deadline := time.After(10 * time.Second)
	for !slices.Contains(paths, want) {
		select {
		case p := <-changes:
			paths = append(paths, p...)
		case <-deadline:
			t.Fatalf("the watcher did not report %s; reported %q", want, paths)
		}
	}
	return paths
}

// A file, a notice or a table replaced by a link after the load is not read
// through the Dir: downloads, bodies and rows fail as if the file were gone.
func TestDirRefusesLinkSwappedInAfterLoad(t *testing.T) {
	for _, walk := range []bool{false, true} {
		t.Run(dirMode(walk), func(t *testing.T) { testLinkSwappedIn(t, walk) })
	}
}

// dirMode names how a Dir opens names: with openat2 (Linux), or walking them.
func dirMode(walk bool) string {
	if walk {
		return "walk"
	}
	return "openat2"
}

func testLinkSwappedIn(t *testing.T, walk bool) {
	root := linkTree(t)
	fsys := openDir(t, root)
	fsys.walk.Store(walk)
	s, ps := Load(context.Background(), fsys, nil)
	if len(ps) != 0 {
		t.Fatalf("problems:\n%s", problemsString(ps))
	}
	out := filepath.Join(filepath.Dir(root), "ngoai")
	swap := func(p, target string) {
		t.Helper()
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.Remove(full); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, full); err != nil {
			t.Fatal(err)
		}
	}
	swap("so-tai-chinh/files/125-qd.pdf", filepath.Join(out, "secret.txt"))
	if f, err := fsys.Open(s.Files["so-tai-chinh/files/125-qd.pdf"].Path); err == nil || !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrSymlink) {
		if f != nil {
			f.Close()
		}
		t.Errorf("open of an attachment swapped for a link: err = %v, want fs.ErrNotExist and ErrSymlink", err)
	}
	swap("so-tai-chinh/bang-gia/gia.csv", filepath.Join(out, "table.csv"))
	d, _ := s.Dataset("so-tai-chinh/bang-gia")
	if _, err := d.Tables[0].Rows(context.Background(), RowQuery{SortBy: -1}); !errors.Is(err, ErrStale) {
		t.Errorf("rows of a table swapped for a link: err = %v, want ErrStale", err)
	}
}

// Dir opens files and folders, and refuses every name that is or goes through
// a link, wherever it leads.
func TestDir(t *testing.T) {
	for _, walk := range []bool{false, true} {
		t.Run(dirMode(walk), func(t *testing.T) { testDir(t, walk) })
	}
}

func testDir(t *testing.T, walk bool) {
	root := linkTree(t)
	for _, c := range linkCases {
		if !c.replace {
			makeLink(t, root, c)
		}
	}
	fsys := openDir(t, root)
	fsys.walk.Store(walk)
	tests := []struct {
		name string
		want string // content, "dir", or "" for an error wrapping fs.ErrNotExist and ErrSymlink
	}{
		{".", "dir"},
		{"site.yaml", siteYAML},
		{"so-tai-chinh", "dir"},
		{"so-tai-chinh/files/125-qd.pdf", "%PDF-1.4 fake"},
		{"so-tai-chinh/bang-gia/gia.csv", csvData},
		{"so-tai-chinh/files/leak.txt", ""},
		{"so-tai-chinh/files/ban-sao.pdf", ""},
		{"so-tai-chinh/du-lieu", ""},
		{"so-tai-chinh/du-lieu/congkhai.db", ""},
		{"so-tai-chinh/bang-gia-2", ""},
		{"so-tai-chinh/bang-gia-2/gia.csv", ""},
		{"so-ngoai/_agency.md", ""},
		{"so-tai-chinh/bi-mat.md", ""},
		{"so-tai-chinh/bang-gia/ngoai.csv", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := fsys.Open(tt.name)
			if tt.want == "" {
				if err == nil {
					f.Close()
				}
				if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrSymlink) {
					t.Errorf("Open(%q) error = %v, want fs.ErrNotExist and ErrSymlink", tt.name, err)
				}
				if _, err := fsys.Stat(tt.name); !errors.Is(err, ErrSymlink) {
					t.Errorf("Stat(%q) error = %v, want ErrSymlink", tt.name, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.name, err)
			}
			defer f.Close()
			info, err := f.Stat()
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "dir" {
				if !info.IsDir() {
					t.Errorf("Open(%q) is not a folder", tt.name)
				}
				return
			}
			b, err := fs.ReadFile(fsys, tt.name)
			if err != nil || string(b) != tt.want {
				t.Errorf("ReadFile(%q) = %q, %v; want %q", tt.name, b, err, tt.want)
			}
		})
	}
	for _, name := range []string{"../content/site.yaml", "/etc/passwd", "so-tai-chinh/../site.yaml", ""} {
		if f, err := fsys.Open(name); err == nil {
			f.Close()
			t.Errorf("Open(%q) succeeded; want an invalid path", name)
		}
	}
	// Lstat describes a link without following it; a link on the way is refused.
	if info, err := fs.Lstat(fsys, "so-tai-chinh/du-lieu"); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat(a link) = %v, %v; want a link", info, err)
	}
	if _, err := fs.Lstat(fsys, "so-tai-chinh/du-lieu/congkhai.db"); !errors.Is(err, ErrSymlink) {
		t.Errorf("Lstat(below a link) error = %v, want ErrSymlink", err)
	}
	// Walking lists links as links.
	var links []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			links = append(links, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"so-ngoai", "so-tai-chinh/bang-gia/ngoai.csv", "so-tai-chinh/bang-gia-2", "so-tai-chinh/bi-mat.md", "so-tai-chinh/du-lieu", "so-tai-chinh/files/ban-sao.pdf", "so-tai-chinh/files/leak.txt"}
	if !slices.Equal(links, want) {
		t.Errorf("links walked = %q, want %q", links, want)
	}
}

// site.yaml replaced by a link is not read: the previous configuration stays
// (the default at start), and the link is reported.
func TestSiteYAMLLink(t *testing.T) {
	for _, fsName := range []string{"os.DirFS", "Dir"} {
		t.Run(fsName, func(t *testing.T) {
			root := linkTree(t)
			out := filepath.Join(filepath.Dir(root), "ngoai", "site.yaml")
			if err := os.WriteFile(out, []byte("title: Bí mật\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			fsys := testFS(t, fsName, root)
			prev, _ := Load(context.Background(), fsys, nil)
			if err := os.Remove(filepath.Join(root, "site.yaml")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(out, filepath.Join(root, "site.yaml")); err != nil {
				t.Fatal(err)
			}
			for _, tt := range []struct {
				name string
				prev *Site
				want string
			}{{"start", nil, DefaultTitle}, {"reload", prev, prev.Config.Title}} {
				var s *Site
				var ps []Problem
				if tt.prev == nil {
					s, ps = Load(context.Background(), fsys, nil)
				} else {
					s, ps = Reload(context.Background(), fsys, tt.prev, []string{"site.yaml"})
				}
				if s.Config.Title != tt.want {
					t.Errorf("%s: title = %q, want %q", tt.name, s.Config.Title, tt.want)
				}
				if !hasProblem(ps, "site.yaml", 0, "is a symbolic link") || hasProblem(ps, "site.yaml", -1, "missing") {
					t.Errorf("%s: problems:\n%s", tt.name, problemsString(ps))
				}
			}
		})
	}
}
