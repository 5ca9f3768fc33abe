package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// TestBrokenNoticeKeepsItsPage breaks notice files while the portal serves them
// so badly that they no longer split into front matter and body: the pages stay
// up, with the last good body of a notice edited since the start, and the summary
// of one unchanged since.
func TestBrokenNoticeKeepsItsPage(t *testing.T) {
	dir := binarytest.CopyDir(t, demoDir())
	p := binarytest.Start(t, "--data", t.TempDir(), "--content", dir)
	edited := filepath.Join(dir, "ubnd-tinh", "cong-van-6733-ubnd-kstt.md")
	orig, err := os.ReadFile(edited)
	if err != nil {
		t.Fatal(err)
	}
	const url = "/ubnd-tinh/cong-van-6733-ubnd-kstt"
	// The title changes only when a reload loads the edit (a body is read from
	// the file when a page is rendered).
	v2 := strings.Replace(string(orig), "Kính gửi:", "PHIÊN BẢN HAI. Kính gửi:", 1)
	v2 = strings.Replace(v2, "\ntitle: ", "\ntitle: SỬA ", 1)
	writeAtomic(t, edited, []byte(v2))
	waitFor(t, p, url, func(s int, b string) bool { return s == 200 && strings.Contains(b, "<title>SỬA ") })

	// The closing "---" removed: the file is no notice any more.
	writeAtomic(t, edited, []byte(strings.Replace(v2, "\n---\nPHIÊN", "\nPHIÊN", 1)))
	unchanged := "/ubnd-tinh/lich-tiep-cong-dan-2026"
	_, before := p.Get(t, unchanged)
	writeAtomic(t, filepath.Join(dir, "ubnd-tinh", "lich-tiep-cong-dan-2026.md"), nil)
	waitFor(t, p, "/healthz", func(s int, b string) bool { return strings.Contains(b, `"problems":4`) })
	if status, body := p.Get(t, url); status != 200 || !strings.Contains(body, "PHIÊN BẢN HAI") {
		t.Errorf("GET %s after the break = %d; want 200 with the last good body\n%.300s\nlogs:\n%s", url, status, body, p.Logs())
	}
	status, body := p.Get(t, unchanged)
	if status != 200 {
		t.Errorf("GET %s after the file was emptied = %d; want 200\nlogs:\n%s", unchanged, status, p.Logs())
	}
	if title := between(before, "<h1", "</h1>"); title == "" || !strings.Contains(body, title) {
		t.Errorf("GET %s after the file was emptied lacks its title %q", unchanged, title)
	}
	if !strings.Contains(body, "đang được cập nhật") {
		t.Errorf("GET %s after the file was emptied does not say its text is being updated", unchanged)
	}
}

// between returns what s holds from the first start to the next end.
func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}
