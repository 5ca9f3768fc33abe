package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/content"
)

// TestFileReplacedAfterLoad serves files from a content folder read through a
// content.Dir, after some were replaced (without a reload) by a link to a file
// outside the folder, a link inside it, or a folder: those answer 404, never the
// content they lead to; the others are still served.
func TestFileReplacedAfterLoad(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "content")
	secret := filepath.Join(base, "congkhai.db")
	files := map[string]string{
		"site.yaml":              "title: Thử\n",
		"so-x/_agency.md":        "---\nname: Sở X\n---\n",
		"so-x/files/ngoai.pdf":   "%PDF-1.4 ngoài",
		"so-x/files/trong.pdf":   "%PDF-1.4 trong",
		"so-x/files/thu-muc.pdf": "%PDF-1.4 thư mục",
		"so-x/files/giu.pdf":     "%PDF-1.4 giữ",
		"so-x/files/khac.pdf":    "%PDF-1.4 khác",
	}
	for p, c := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(secret, []byte("SQLite format 3 bí mật"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := content.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	s := newTestServer(t, d)
	dir := filepath.Join(root, "so-x", "files")
	for _, step := range []func() error{
		func() error { return os.Remove(filepath.Join(dir, "ngoai.pdf")) },
		func() error { return os.Symlink(secret, filepath.Join(dir, "ngoai.pdf")) },
		func() error { return os.Remove(filepath.Join(dir, "trong.pdf")) },
		func() error { return os.Symlink("khac.pdf", filepath.Join(dir, "trong.pdf")) },
		func() error { return os.Remove(filepath.Join(dir, "thu-muc.pdf")) },
		func() error { return os.Mkdir(filepath.Join(dir, "thu-muc.pdf"), 0o755) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		url    string
		status int
		body   string
	}{
		{"/so-x/files/ngoai.pdf", 404, ""},
		{"/so-x/files/trong.pdf", 404, ""},
		{"/so-x/files/thu-muc.pdf", 404, ""},
		{"/so-x/files/giu.pdf", 200, "%PDF-1.4 giữ"},
	} {
		rec := do(t, s, request{url: tt.url})
		if rec.Code != tt.status || (tt.body != "" && rec.Body.String() != tt.body) {
			t.Errorf("GET %s = %d %.40q, want %d %q", tt.url, rec.Code, rec.Body.String(), tt.status, tt.body)
		}
		if b := rec.Body.String(); strings.Contains(b, "bí mật") || strings.Contains(b, "khác") {
			t.Errorf("GET %s served what a link leads to: %.80q", tt.url, b)
		}
	}
}
