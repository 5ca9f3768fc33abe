package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// TestServesDespiteDamage starts the portal on a content folder holding a
// symbolic link and a broken notice, with a search index whose segments were
// damaged while it was down: every other page serves, searches answer, and
// /healthz and the log say what was refused and what was repaired.
func TestServesDespiteDamage(t *testing.T) {
	dir := binarytest.CopyDir(t, demoDir())
	data := t.TempDir()
	p := binarytest.Start(t, "--data", data, "--content", dir)
	waitSynced(t, p)
	p.Stop(t)

	segs, _ := filepath.Glob(filepath.Join(data, "index", "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment files")
	}
	for _, seg := range segs { // some may be left over from merges: damage them all
		overwrite(t, seg)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "ubnd-tinh", "files", "leak.txt")); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "ubnd-tinh", "lich-tiep-cong-dan-2026.md")
	if err := os.WriteFile(broken, []byte("---\ntitle: [không đóng\n---\nNội dung.\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	p = binarytest.Start(t, "--data", data, "--content", dir)
	waitSynced(t, p)
	status, body := p.Get(t, "/healthz")
	var h struct {
		Problems    int      `json:"problems"`
		ProblemList []string `json:"problem_list"`
		Index       struct {
			Synced   bool   `json:"synced"`
			Repaired string `json:"repaired"`
		} `json:"index"`
	}
	if err := json.Unmarshal([]byte(body), &h); status != 200 || err != nil {
		t.Fatalf("/healthz = %d %v\n%s", status, err, body)
	}
	if !h.Index.Synced || !strings.Contains(h.Index.Repaired, ".zap is damaged") {
		t.Errorf("/healthz index = %+v, want synced and the damaged segment named", h.Index)
	}
	list := strings.Join(h.ProblemList, "\n")
	for _, want := range []string{"ubnd-tinh/files/leak.txt: is a symbolic link", "ubnd-tinh/lich-tiep-cong-dan-2026.md:3:"} {
		if !strings.Contains(list, want) {
			t.Errorf("/healthz problems lack %q:\n%s", want, list)
		}
	}
	logs := p.Logs()
	for _, want := range []string{"leak.txt", "lich-tiep-cong-dan-2026.md", ".zap is damaged"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log does not mention %q", want)
		}
	}
	for path, want := range map[string]int{
		"/ubnd-tinh/files/leak.txt":           404,
		"/ubnd-tinh/cong-van-6733-ubnd-kstt":  200,
		"/ubnd-tinh/lich-tiep-cong-dan-2026":  200, // its last good version
		"/":                                   200,
		"/so-tai-chinh":                       200,
		"/feed.atom":                          200,
		"/search?q=cam+xuy%C3%AAn":            200,
		"/ubnd-tinh/files/6733-ubnd-kstt.pdf": 200,
	} {
		if got, body := p.Get(t, path); got != want || strings.Contains(body, "root:x:0:0") {
			t.Errorf("GET %s = %d, want %d", path, got, want)
		}
	}
	if a := apiSearch(t, p, "/api/search?q=cam+xuy%C3%AAn"); a.Total == 0 {
		t.Error("no hits for cam xuyên after the repair")
	}
}
