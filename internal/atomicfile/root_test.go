package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteIn(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	outside := filepath.Join(t.TempDir(), "outside")
	if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	for _, tc := range []struct {
		name, file, content string
		write               func(io.Writer) error
		wantErr             bool
	}{
		{"new file", "f", "one", write("one"), false},
		{"replaced", "f", "two", write("two"), false},
		{"failed write keeps the old bytes", "f", "two", func(w io.Writer) error { _, _ = io.WriteString(w, "half"); return errors.New("disk full") }, true},
		{"a path is refused", "sub/f", "", write("x"), true},
		{"a link is replaced, not followed", "link", "new", write("new"), false},
	} {
		err := WriteIn(root, tc.file, 0o644, tc.write)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: error %v, want error %v", tc.name, err, tc.wantErr)
		}
		if tc.content != "" {
			if b, _ := os.ReadFile(filepath.Join(dir, tc.file)); string(b) != tc.content {
				t.Errorf("%s: file holds %q, want %q", tc.name, b, tc.content)
			}
		}
	}
	if b, _ := os.ReadFile(outside); string(b) != "keep" {
		t.Errorf("the file behind the link holds %q", b)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if IsTemp(e.Name()) {
			t.Errorf("temporary file %s left", e.Name())
		}
	}
}

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{
		".bang.csv.1a2b3c4d5e6f.tmp": true,
		".content.cache.123456.tmp":  true,
		".bang.csv":                  false,
		"bang.csv.tmp":               false,
		".tmp":                       false,
		"..tmp":                      false,
	} {
		if got := IsTemp(name); got != want {
			t.Errorf("IsTemp(%q) = %v, want %v", name, got, want)
		}
	}
}
