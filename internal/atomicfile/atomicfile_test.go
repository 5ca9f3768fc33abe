package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	for _, tc := range []struct {
		name    string
		write   func(io.Writer) error
		want    string // content afterwards
		wantErr bool
	}{
		{"new file", func(w io.Writer) error { _, err := io.WriteString(w, "one"); return err }, "one", false},
		{"replaced", func(w io.Writer) error { _, err := io.WriteString(w, "two"); return err }, "two", false},
		{"failed write keeps the old bytes", func(w io.Writer) error {
			_, _ = io.WriteString(w, "half")
			return errors.New("disk full")
		}, "two", true},
	} {
		err := Write(name, tc.write)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: error %v, want error %v", tc.name, err, tc.wantErr)
		}
		if b, _ := os.ReadFile(name); string(b) != tc.want {
			t.Errorf("%s: file holds %q, want %q", tc.name, b, tc.want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("%s: %d files in the folder, want 1 (no temporary file left)", tc.name, len(entries))
		}
	}
	if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
}
