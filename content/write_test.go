package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			if rel != "." {
				out[rel+"/"] = ""
			}
		case d.Type()&fs.ModeSymlink != 0:
			out[rel] = "->link"
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteItem(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "so-tai-chinh"), 0o755); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		files  map[string]string
		remove []string
		want   map[string]string // the whole tree afterwards
	}{
		{"a dataset in new folders", map[string]string{"so-tai-chinh/gia/index.md": "v1", "so-tai-chinh/gia/gia.csv": "a,b\n", "so-tai-chinh/gia/files/ghi-chu.pdf": "%PDF"}, nil,
			map[string]string{"so-tai-chinh/": "", "so-tai-chinh/gia/": "", "so-tai-chinh/gia/files/": "", "so-tai-chinh/gia/index.md": "v1", "so-tai-chinh/gia/gia.csv": "a,b\n", "so-tai-chinh/gia/files/ghi-chu.pdf": "%PDF"}},
		{"replaced and removed", map[string]string{"so-tai-chinh/gia/index.md": "v2", "so-tai-chinh/gia/moi.csv": "c\n"}, []string{"so-tai-chinh/gia/gia.csv", "so-tai-chinh/gia/files/ghi-chu.pdf", "so-tai-chinh/khong-co.md"},
			map[string]string{"so-tai-chinh/": "", "so-tai-chinh/gia/": "", "so-tai-chinh/gia/index.md": "v2", "so-tai-chinh/gia/moi.csv": "c\n"}},
		{"a notice in a new agency folder", map[string]string{"ubnd-tinh/thong-bao.md": "x"}, nil,
			map[string]string{"so-tai-chinh/": "", "so-tai-chinh/gia/": "", "so-tai-chinh/gia/index.md": "v2", "so-tai-chinh/gia/moi.csv": "c\n", "ubnd-tinh/": "", "ubnd-tinh/thong-bao.md": "x"}},
		{"a withdrawal leaves the agency folder", nil, []string{"so-tai-chinh/gia/index.md", "so-tai-chinh/gia/moi.csv"},
			map[string]string{"so-tai-chinh/": "", "ubnd-tinh/": "", "ubnd-tinh/thong-bao.md": "x"}},
	}
	for _, st := range steps {
		files := map[string][]byte{}
		for k, v := range st.files {
			files[k] = []byte(v)
		}
		if err := WriteItem(dir, files, st.remove); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := readTree(t, dir)
		if fmt.Sprint(got) != fmt.Sprint(st.want) {
			t.Errorf("%s: tree\n%v\nwant\n%v", st.name, got, st.want)
		}
		if info, err := os.Stat(filepath.Join(dir, "ubnd-tinh", "thong-bao.md")); err == nil && info.Mode().Perm()&0o044 == 0 {
			t.Errorf("%s: mode %v: others cannot read the file", st.name, info.Mode())
		}
	}
}

func TestWriteItemRefuses(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	for _, p := range []string{"so-tai-chinh/files", "so-tai-chinh/du-lieu"} {
		if err := os.MkdirAll(filepath.Join(dir, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dir, "so-tai-chinh", "lien-ket")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "bi-mat.md"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "bi-mat.md"), filepath.Join(dir, "so-tai-chinh", "tro.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "ubnd-xa")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		write  string
		remove string
		want   error
	}{
		{"site.yaml", "site.yaml", "", ErrWrite},
		{"outside an agency", "moi.md", "", ErrWrite},
		{"reserved first folder", "api/moi.md", "", ErrWrite},
		{"agency file", "so-tai-chinh/_agency.md", "", ErrWrite},
		{"hidden", "so-tai-chinh/.moi.md", "", ErrWrite},
		{"backup", "so-tai-chinh/moi.md~", "", ErrWrite},
		{"dot dot", "so-tai-chinh/../moi.md", "", ErrWrite},
		{"absolute", "/so-tai-chinh/moi.md", "", ErrWrite},
		{"backslash", `so-tai-chinh\moi.md`, "", ErrWrite},
		{"through a linked folder", "so-tai-chinh/lien-ket/moi.md", "", ErrSymlink},
		{"an agency folder that is a link", "ubnd-xa/moi.md", "", ErrSymlink},
		{"over a link", "so-tai-chinh/tro.md", "", ErrSymlink},
		{"removing through a link", "", "so-tai-chinh/lien-ket/bi-mat.md", ErrSymlink},
		{"removing a folder", "", "so-tai-chinh/files", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string][]byte{}
			var remove []string
			if tt.write != "" {
				files[tt.write] = []byte("x")
			}
			if tt.remove != "" {
				remove = []string{tt.remove}
			}
			err := WriteItem(dir, files, remove)
			if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("WriteItem(%q, remove %q) = %v, want %v", tt.write, tt.remove, err, tt.want)
			}
			if b, _ := os.ReadFile(filepath.Join(outside, "bi-mat.md")); string(b) != "secret" {
				t.Fatalf("the file outside was changed: %q", b)
			}
			if entries, _ := os.ReadDir(outside); len(entries) != 1 {
				t.Fatalf("%d files outside, want 1", len(entries))
			}
		})
	}
	if _, err := os.Lstat(filepath.Join(dir, "so-tai-chinh", "files")); err != nil {
		t.Errorf("the folder was removed: %v", err)
	}
}

// TestWriteItemCrash kills a process that writes two large files over and
// over, each time with new bytes, and checks after every kill that each file
// holds one whole version, never a part.
func TestWriteItemCrash(t *testing.T) {
	if dir := os.Getenv("CONGKHAI_WRITE_CRASH_DIR"); dir != "" {
		writeForever(dir)
		return
	}
	dir := t.TempDir()
	for round := range 8 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWriteItemCrash$")
		cmd.Env = append(os.Environ(), "CONGKHAI_WRITE_CRASH_DIR="+dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+round*37) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		for _, name := range []string{"so-tai-chinh/lon/index.md", "so-tai-chinh/lon/bang.csv"} {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
			if errors.Is(err, fs.ErrNotExist) {
				continue // killed before the first write
			}
			if err != nil {
				t.Fatal(err)
			}
			if !wholeVersion(b) {
				t.Fatalf("round %d: %s holds %d bytes that are not one version (output: %s)", round, name, len(b), out.String())
			}
		}
	}
	removed, err := CleanTemp(dir)
	if err != nil {
		t.Fatal(err)
	}
	for p, v := range readTree(t, dir) {
		if strings.HasPrefix(filepath.Base(p), ".") {
			t.Errorf("%s left after CleanTemp (removed %v)", p, removed)
		}
		_ = v
	}
}

// versionBytes is version n of a test file: a header naming n, the same line
// repeated, and a trailer naming n again.
func versionBytes(n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "v%d\n", n)
	line := fmt.Sprintf("%08d,Đường Hà Huy Tập,1.200.000\n", n)
	for b.Len() < 4<<20 {
		b.WriteString(line)
	}
	fmt.Fprintf(&b, "end %d\n", n)
	return b.Bytes()
}

func wholeVersion(b []byte) bool {
	first, _, _ := bytes.Cut(b, []byte("\n"))
	n, err := strconv.Atoi(strings.TrimPrefix(string(first), "v"))
	return err == nil && bytes.Equal(b, versionBytes(n))
}

func writeForever(dir string) {
	for n := 1; ; n++ {
		v := versionBytes(n)
		if err := WriteItem(dir, map[string][]byte{"so-tai-chinh/lon/index.md": v, "so-tai-chinh/lon/bang.csv": v}, nil); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
	}
}
