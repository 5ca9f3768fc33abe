package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// waitSynced polls /healthz until the search index has caught up.
func waitSynced(t *testing.T, p *binarytest.Process) {
	t.Helper()
	waitFor(t, p, "/healthz", func(s int, b string) bool { return strings.Contains(b, `"synced":true`) })
}

// TestSearchEndToEnd: the running binary answers searches, follows content edits
// in its index, refuses a second process on the same index, and the offline
// rebuild command works.
func TestSearchEndToEnd(t *testing.T) {
	dir := binarytest.CopyDir(t, demoDir())
	data := t.TempDir()
	p := binarytest.Start(t, "--data", data, "--content", dir)
	waitSynced(t, p)

	status, body := p.Get(t, "/search?q=gia+dat+tran+hung+dao")
	if status != 200 || !strings.Contains(body, "<mark>Trần</mark>") {
		t.Fatalf("search page = %d, no highlighted row", status)
	}

	// A new word in a notice is searchable within a second or so.
	notice := filepath.Join(dir, "ubnd-tinh", "lich-tiep-cong-dan-2026.md")
	b, err := os.ReadFile(notice)
	if err != nil {
		t.Fatal(err)
	}
	writeAtomic(t, notice, []byte(strings.Replace(string(b), "\n---\n", "\n---\nTừ khóa thử nghiệm: xuyenkhongthoigian.\n\n", 1)))
	took := waitFor(t, p, "/api/search?q=xuyenkhongthoigian", func(s int, b string) bool {
		return s == 200 && strings.Contains(b, "lich-tiep-cong-dan-2026")
	})
	t.Logf("edit searchable after %v", took)

	// A second portal on the same data folder stops with a clear error instead of hanging.
	start := time.Now()
	cmd := exec.Command(binarytest.Binary(t), "serve", "--addr", "127.0.0.1:0", "--data", data, "--content", dir)
	out, err := cmd.CombinedOutput()
	if err == nil || !regexp.MustCompile(`locked`).Match(out) {
		t.Errorf("second serve on the same data: err %v, output:\n%s", err, out)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("second serve took %v to give up", d)
	}
	p.Stop(t)

	// Offline rebuild, which writes the content cache too (the one the
	// portal wrote on stopping is removed first).
	if err := os.Remove(filepath.Join(data, "content.cache")); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(binarytest.Binary(t), "index", "--rebuild", "--data", data, "--content", dir).CombinedOutput()
	if err != nil || !regexp.MustCompile(`indexed \d+ documents`).Match(out) {
		t.Fatalf("index --rebuild: %v\n%s", err, out)
	}
	// The start after it parses no file.
	p = binarytest.Start(t, "--data", data, "--content", dir)
	waitSynced(t, p)
	if logs := p.Logs(); !strings.Contains(logs, "content cache read") || !regexp.MustCompile(`content loaded.* parsed=0 `).MatchString(logs) {
		t.Errorf("start after index --rebuild parsed the content again:\n%s", logs)
	}
}
