package e2e

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/internal/binarytest"
)

func demoDir() string { return filepath.Join(binarytest.Root(), "demo", "site") }

// TestPages walks the bundled demo as a visitor: every kind of page answers with
// the expected status and content.
func TestPages(t *testing.T) {
	p := binarytest.Start(t, "--data", t.TempDir())
	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{`<html lang="vi">`, "Ngân sách", "Bảng giá đất", "Dự thảo đang lấy ý kiến", `role="search"`}},
		{"/co-quan", 200, []string{"Sở Tài chính", "Cấp xã"}},
		{"/danh-muc", 200, []string{"Bồi thường, hỗ trợ, tái định cư"}},
		{"/danh-muc/gia-dat", 200, []string{"Bảng giá đất"}},
		{"/danh-muc/khong-co", 404, []string{"Không tìm thấy trang"}},
		{"/du-thao", 200, []string{"Nhận góp ý đến hết ngày"}},
		{"/ubnd-tinh", 200, []string{"Ủy ban nhân dân", "Liên hệ"}},
		{"/ubnd-tinh/cong-van-6733-ubnd-kstt", 200, []string{"6733/UBND-KSTT", "09/2019/QĐ-UBND", "Số, ký hiệu"}},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen", 200, []string{"Trần Hưng Đạo", `?sx=0#bang`, "/tai-ve/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/"}},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen?trang=2", 200, []string{"Dòng 51–100"}},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen?sx=0&giam=1", 200, []string{`aria-sort="descending"`}},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen?trang=9999", 404, nil},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen?sx=99", 400, nil},
		{"/khong-co-trang-nay", 404, []string{"Không tìm thấy trang", "Mã yêu cầu"}},
		{"/ubnd-tinh/../site.yaml", 404, nil},
		{"/healthz", 200, []string{`"status":"ok"`}},
		{"/robots.txt", 200, []string{"Sitemap:"}},
		{"/sitemap.xml", 200, []string{"<urlset", "/ubnd-tinh/cong-van-6733-ubnd-kstt</loc>"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, body := p.Get(t, tt.path)
			if status != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%.500s", tt.path, status, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %q", tt.path, w)
				}
			}
		})
	}
}

// TestSecurityHeaders checks the headers every page carries and that static files
// are fingerprinted and cached for a year.
func TestSecurityHeaders(t *testing.T) {
	p := binarytest.Start(t, "--data", t.TempDir())
	res, err := http.Get(p.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"Content-Type":            "text/html; charset=UTF-8",
	} {
		if got := res.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", h, got, want)
		}
	}
	_, body := p.Get(t, "/")
	css := regexp.MustCompile(`/static/style\.[0-9a-f]{10}\.css`).FindString(body)
	if css == "" {
		t.Fatal("home page links no fingerprinted stylesheet")
	}
	res, err = http.Get(p.URL + css)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s = %d, Cache-Control %q", css, res.StatusCode, res.Header.Get("Cache-Control"))
	}
	// A page fetched again with its ETag is not sent again.
	res, _ = http.Get(p.URL + "/co-quan")
	res.Body.Close()
	req, _ := http.NewRequest("GET", p.URL+"/co-quan", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	res2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET = %d, want 304", res2.StatusCode)
	}
}

// TestDownloads fetches a table converted to CSV and JSON and its original file.
func TestDownloads(t *testing.T) {
	p := binarytest.Start(t, "--data", t.TempDir())
	base := "/tai-ve/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/"
	_, page := p.Get(t, "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen")
	m := regexp.MustCompile(regexp.QuoteMeta(base) + `([a-z0-9-]+)\.csv`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("dataset page has no CSV download link")
	}
	status, csv := p.Get(t, base+m[1]+".csv")
	if status != 200 || strings.HasPrefix(csv, "\uFEFF") || strings.Count(csv, "\n") < 301 {
		t.Errorf("CSV download: status %d, %d lines (UTF-8 without BOM)", status, strings.Count(csv, "\n"))
	}
	if status, excel := p.Get(t, base+m[1]+".csv?bom=1"); status != 200 || !strings.HasPrefix(excel, "\uFEFF") {
		t.Errorf("CSV download for Excel: status %d, no BOM", status)
	}
	status, js := p.Get(t, base+m[1]+".json")
	if status != 200 || !strings.HasPrefix(js, "[") || !strings.Contains(js, "Trần Hưng Đạo") {
		t.Errorf("JSON download: status %d, %.200s", status, js)
	}
	if status, _ := p.Get(t, base+"khong-co.csv"); status != 404 {
		t.Errorf("unknown table = %d, want 404", status)
	}
}

// waitFor polls path until body satisfies ok, for at most 5 s, and returns how long it took.
func waitFor(t *testing.T, p *binarytest.Process, path string, ok func(status int, body string) bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		status, body := p.Get(t, path)
		if ok(status, body) {
			return time.Since(start)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("GET %s: change not visible after 5 s (status %d)\nlogs:\n%s", path, status, p.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLiveReload edits, breaks, deletes, renames and adds files in a content folder
// while the portal serves it.
func TestLiveReload(t *testing.T) {
	dir := binarytest.CopyDir(t, demoDir())
	p := binarytest.Start(t, "--data", t.TempDir(), "--content", dir)
	notice := filepath.Join(dir, "ubnd-tinh", "cong-van-6733-ubnd-kstt.md")
	orig, err := os.ReadFile(notice)
	if err != nil {
		t.Fatal(err)
	}
	const url = "/ubnd-tinh/cong-van-6733-ubnd-kstt"

	t.Run("edit", func(t *testing.T) {
		edited := regexp.MustCompile(`(?m)^title: ("?)`).ReplaceAllString(string(orig), `title: ${1}ĐÃ SỬA `)
		writeAtomic(t, notice, []byte(edited))
		took := waitFor(t, p, url, func(s int, b string) bool { return s == 200 && strings.Contains(b, "ĐÃ SỬA") })
		t.Logf("edit visible after %v", took)
	})
	t.Run("broken front matter keeps the last good version", func(t *testing.T) {
		broken := strings.Replace(string(orig), "\ntitle:", "\ntitle: [unclosed", 1)
		writeAtomic(t, notice, []byte(broken))
		waitFor(t, p, "/healthz", func(s int, b string) bool { return !strings.Contains(b, `"problems":0`) })
		status, body := p.Get(t, url)
		if status != 200 || !strings.Contains(body, "ĐÃ SỬA") {
			t.Errorf("after a broken edit GET %s = %d; want the last good version\n%s\nlogs:\n%s", url, status, body, p.Logs())
		}
		if !strings.Contains(p.Logs(), "ubnd-tinh/cong-van-6733-ubnd-kstt.md:") {
			t.Errorf("log does not name the broken file with its line:\n%s", p.Logs())
		}
		out, err := exec.Command(binarytest.Binary(t), "check", dir).CombinedOutput()
		if code := exitCode(err); code != 1 {
			t.Errorf("congkhai check exit code %d, want 1\n%s", code, out)
		}
		if !regexp.MustCompile(`cong-van-6733-ubnd-kstt\.md:\d+: `).Match(out) {
			t.Errorf("congkhai check output lacks path:line:\n%s", out)
		}
		writeAtomic(t, notice, orig)
		waitFor(t, p, url, func(s int, b string) bool { return s == 200 && !strings.Contains(b, "ĐÃ SỬA") })
	})
	t.Run("rename", func(t *testing.T) {
		renamed := filepath.Join(dir, "ubnd-tinh", "cong-van-6733.md")
		if err := os.Rename(notice, renamed); err != nil {
			t.Fatal(err)
		}
		waitFor(t, p, "/ubnd-tinh/cong-van-6733", func(s int, b string) bool { return s == 200 })
		// The record takes the old name's removal for a withdrawal: 410 Gone
		// with its reason.
		waitFor(t, p, url, func(s int, b string) bool {
			return s == 410 && strings.Contains(b, "Xóa tệp khỏi thư mục nội dung")
		})
	})
	t.Run("delete", func(t *testing.T) {
		if err := os.Remove(filepath.Join(dir, "ubnd-tinh", "cong-van-6733.md")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, p, "/ubnd-tinh/cong-van-6733", func(s int, b string) bool { return s == 410 })
	})
	t.Run("a whole agency folder copied in", func(t *testing.T) {
		tmp := filepath.Join(t.TempDir(), "ubnd-xa-moi")
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(tmp, "_agency.md"), []byte("---\nname: UBND xã Mới\nshort_name: UBND xã Mới\nkind: commune\n---\nXã mới thành lập.\n"), 0o644)
		os.WriteFile(filepath.Join(tmp, "thong-bao-1.md"), []byte("---\ntitle: Thông báo số một của xã Mới\ncategory: thong-bao\npublished: 2026-11-20\n---\nNội dung thông báo.\n"), 0o644)
		if err := os.Rename(tmp, filepath.Join(dir, "ubnd-xa-moi")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, p, "/ubnd-xa-moi/thong-bao-1", func(s int, b string) bool { return s == 200 && strings.Contains(b, "Thông báo số một") })
	})
}

// TestCheck runs `congkhai check` on the clean demo and on a broken folder.
func TestCheck(t *testing.T) {
	bin := binarytest.Binary(t)
	out, err := exec.Command(bin, "check", demoDir()).CombinedOutput()
	if code := exitCode(err); code != 0 {
		t.Fatalf("check demo: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Thử\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "so-x"), 0o755)
	os.WriteFile(filepath.Join(dir, "so-x", "_agency.md"), []byte("---\nname: Sở X\n---\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "so-x", "a.md"), []byte("---\ntitle: A\ncategory: khong-biet\npublished: 2025-01-01\n---\nx\n"), 0o644)
	out, err = exec.Command(bin, "check", dir).CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Fatalf("check broken: exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(string(out), "so-x/a.md:3: ") {
		t.Errorf("check output does not name so-x/a.md:3:\n%s", out)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// writeAtomic saves a file the way editors do (a temporary file renamed over the
// old one), so that the watcher never sees it half written.
func writeAtomic(t *testing.T, path string, b []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestRestart stops the portal, edits a notice while it is down and starts it
// again: the content cache in the data folder spares every unchanged file, and
// the edit is served.
func TestRestart(t *testing.T) {
	dir := binarytest.CopyDir(t, demoDir())
	data := t.TempDir()
	p := binarytest.Start(t, "--data", data, "--content", dir)
	p.Stop(t)
	if _, err := os.Stat(filepath.Join(data, "content.cache")); err != nil {
		t.Fatalf("no content cache after a stop: %v\nlogs:\n%s", err, p.Logs())
	}
	notice := filepath.Join(dir, "ubnd-tinh", "cong-van-6733-ubnd-kstt.md")
	orig, err := os.ReadFile(notice)
	if err != nil {
		t.Fatal(err)
	}
	edited := regexp.MustCompile(`(?m)^title: ("?)`).ReplaceAllString(string(orig), `title: ${1}SỬA KHI DỪNG `)
	writeAtomic(t, notice, []byte(edited))

	p = binarytest.Start(t, "--data", data, "--content", dir)
	if status, body := p.Get(t, "/ubnd-tinh/cong-van-6733-ubnd-kstt"); status != 200 || !strings.Contains(body, "SỬA KHI DỪNG") {
		t.Errorf("edit made while stopped not served: status %d\nlogs:\n%s", status, p.Logs())
	}
	logs := p.Logs()
	if !strings.Contains(logs, "content cache read") || !regexp.MustCompile(`generation=1 .*parsed=1 `).MatchString(logs) {
		t.Errorf("restart did not use the cache, or parsed more than the edited file:\n%s", logs)
	}
}

// TestDebugListener checks that --debug-addr serves Go's profiles on a listener
// of its own and that the public address does not.
func TestDebugListener(t *testing.T) {
	p := binarytest.Start(t, "--data", t.TempDir(), "--debug-addr", "127.0.0.1:0")
	if code, _ := p.Get(t, "/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("public GET /debug/pprof/ = %d, want 404", code)
	}
	m := regexp.MustCompile(`profiles addr=(http://127\.0\.0\.1:\d+)/debug/pprof/`).FindStringSubmatch(p.Logs())
	if m == nil {
		t.Fatalf("no profiles address in the log:\n%s", p.Logs())
	}
	res, err := http.Get(m[1] + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "heap profile") {
		t.Errorf("GET heap profile = %d %.80q", res.StatusCode, b)
	}
}
