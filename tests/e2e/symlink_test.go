package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// TestSymlinksWhileServing adds symbolic links to the content folder while the
// portal serves it — one to a file outside the folder, one to the portal's own
// data folder (its database) — and checks that neither is served, that each is
// a problem on /healthz and in the log, and that the rest is still served.
func TestSymlinksWhileServing(t *testing.T) {
	dir := binarytest.CopyDir(t, demoDir())
	data := t.TempDir()
	p := binarytest.Start(t, "--data", data, "--content", dir)
	if _, err := os.Stat(filepath.Join(data, "congkhai.db")); err != nil {
		t.Fatalf("the portal has no database in its data folder: %v", err)
	}
	if _, body := p.Get(t, "/healthz"); !strings.Contains(body, `"problems":0`) {
		t.Fatalf("/healthz before the links: %s", body)
	}
	// A notice added first shows the watcher is running: the links are then
	// seen by a reload, not by the first load.
	added := filepath.Join(dir, "so-tai-chinh", "thong-bao-them.md")
	if err := os.WriteFile(added, []byte("---\ntitle: Thông báo thêm\ncategory: thong-bao\npublished: 2026-11-20\n---\nNội dung.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, "/so-tai-chinh/thong-bao-them", func(s int, _ string) bool { return s == 200 })
	secret := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(secret, []byte("root:x:0:0:root:/root:/bin/bash\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"so-tai-chinh/files/leak.txt": secret,
		"so-tai-chinh/du-lieu":        data,
	}
	for link, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, p, "/healthz", func(s int, b string) bool { return strings.Contains(b, `"problems":2`) })
	for _, path := range []string{"/so-tai-chinh/files/leak.txt", "/so-tai-chinh/du-lieu/congkhai.db", "/so-tai-chinh/du-lieu"} {
		if status, body := p.Get(t, path); status != 404 || strings.Contains(body, "root:x:0:0") || strings.Contains(body, "SQLite format") {
			t.Errorf("GET %s = %d, want 404\n%.300q", path, status, body)
		}
	}
	for link := range links {
		if want := link + ": is a symbolic link; not published"; !strings.Contains(p.Logs(), want) {
			t.Errorf("log lacks %q:\n%s", want, p.Logs())
		}
	}
	if status, _ := p.Get(t, "/ubnd-tinh/cong-van-6733-ubnd-kstt"); status != 200 {
		t.Errorf("a notice beside the links = %d, want 200", status)
	}
}
