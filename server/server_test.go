package server

import (
	"context"
	"errors"
	"flag"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/themes"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixedNow is the clock of every test: the demo's open draft is open then.
var fixedNow = time.Date(2026, 11, 26, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

func newTestServer(t testing.TB, fsys fs.FS) *Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := portal.Open(context.Background(), portal.Config{Content: fsys, Log: log, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	th, err := themes.Load("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{Log: log, Portal: p, Theme: th, BaseURL: "https://congkhai.example.vn", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type request struct {
	method, url string
	header      map[string]string
}

func do(t testing.TB, s *Server, r request) *httptest.ResponseRecorder {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodGet
	}
	req := httptest.NewRequest(r.method, r.url, nil)
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// TestRoutes is the table of HTTP scenarios on the demo content.
func TestRoutes(t *testing.T) {
	s := newTestServer(t, demo.FS())
	tests := []struct {
		name       string
		req        request
		status     int
		want       []string
		notWant    []string
		wantHeader map[string]string
	}{
		{"home", request{url: "/"}, 200, []string{`<html lang="vi">`, "Dự thảo đang lấy ý kiến", `href="/danh-muc/gia-dat"`, "31/12/2026"}, nil, map[string]string{"Content-Security-Policy": "default-src 'self'"}},
		{"home in English", request{url: "/", header: map[string]string{"Cookie": "lang=en"}}, 200, []string{`<html lang="en">`, "Drafts open for comment", "Land prices", "Tiếng Việt"}, []string{"Dự thảo đang lấy ý kiến"}, nil},
		{"unknown language cookie falls back to Vietnamese", request{url: "/", header: map[string]string{"Cookie": "lang=xx"}}, 200, []string{`<html lang="vi">`}, nil, nil},
		{"agencies", request{url: "/co-quan"}, 200, []string{"Cấp tỉnh", "Sở, ban, ngành", "Cấp huyện", "Cấp xã"}, nil, nil},
		{"agency", request{url: "/so-tai-chinh"}, 200, []string{"Sở Tài chính", "tel:", "/feedback?agency=so-tai-chinh"}, nil, nil},
		{"agency page past the end", request{url: "/so-tai-chinh?trang=99"}, 404, nil, nil, nil},
		{"unknown agency", request{url: "/so-khong-co"}, 404, []string{"Không tìm thấy trang"}, nil, map[string]string{"Cache-Control": "no-store"}},
		{"category", request{url: "/danh-muc/ngan-sach"}, 200, []string{"Ngân sách", "du-toan-ngan-sach-2026"}, nil, nil},
		{"drafts", request{url: "/du-thao"}, 200, []string{"du-thao-sua-doi-bang-gia-dat-2027", "còn 35 ngày", "Dự thảo đã hết hạn lấy ý kiến"}, nil, nil},
		{"notice", request{url: "/ubnd-tinh/cong-van-6733-ubnd-kstt"}, 200, []string{"6733/UBND-KSTT", "Số, ký hiệu", "Tệp đính kèm", `<article class="notice" lang="vi">`}, nil, nil},
		{"open draft links the comment form", request{url: "/so-tai-nguyen-moi-truong/du-thao-sua-doi-bang-gia-dat-2027"}, 200, []string{"Nhận góp ý đến hết ngày", "/feedback?type=comment&amp;target=so-tai-nguyen-moi-truong%2fdu-thao-sua-doi-bang-gia-dat-2027"}, nil, nil},
		{"closed draft", request{url: "/so-tai-chinh/du-thao-nghi-quyet-phan-cap-nguon-thu-2027"}, 200, []string{"Đã hết hạn lấy ý kiến ngày", "30/06/2026"}, []string{"type=comment"}, nil},
		{"dataset", request{url: "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen"}, 200, []string{"Trần Hưng Đạo", `class="num"`, "Dòng 1–50 trong tổng số 357", "?sx=0#bang", "nghìn đồng/m²"}, nil, nil},
		{"dataset sorted descending", request{url: "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen?sx=5&giam=1"}, 200, []string{`aria-sort="descending"`}, nil, nil},
		{"dataset bad sort column", request{url: "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen?sx=abc"}, 400, nil, nil, nil},
		{"dataset unknown table", request{url: "/so-tai-chinh/du-toan-ngan-sach-2026?bang=khong-co"}, 404, nil, nil, nil},
		{"dataset second table", request{url: "/so-tai-chinh/du-toan-ngan-sach-2026"}, 200, []string{`class="tabs"`}, nil, nil},
		{"attachment", request{url: "/ubnd-tinh/files/6733-ubnd-kstt.pdf"}, 200, []string{"%PDF"}, nil, map[string]string{"Content-Type": "application/pdf", "Content-Security-Policy": "sandbox"}},
		{"path traversal", request{url: "/ubnd-tinh/..%2f..%2fsite.yaml"}, 404, nil, nil, nil},
		{"dot file", request{url: "/ubnd-tinh/.hidden"}, 404, nil, nil, nil},
		{"site.yaml is not served", request{url: "/site.yaml"}, 404, nil, nil, nil},
		{"csv download", request{url: "/tai-ve/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/bang-gia-dat-o.csv"}, 200, []string{"Trần Hưng Đạo", "11650"}, []string{"\uFEFF", "11.650"}, map[string]string{"Content-Type": "text/csv", "Content-Disposition": "attachment"}},
		{"csv download for Excel", request{url: "/tai-ve/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/bang-gia-dat-o.csv?bom=1"}, 200, []string{"\uFEFF", "Trần Hưng Đạo"}, nil, map[string]string{"Content-Type": "text/csv"}},
		{"json download", request{url: "/tai-ve/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/bang-gia-dat-o.json"}, 200, []string{`"ten_duong":"Trần Hưng Đạo"`}, nil, map[string]string{"Content-Type": "application/json"}},
		{"download of an unknown format", request{url: "/tai-ve/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/bang-gia-dat-o.exe"}, 404, nil, nil, nil},
		{"language switch", request{url: "/lang?to=en&next=/co-quan"}, 303, nil, nil, map[string]string{"Location": "/co-quan", "Set-Cookie": "lang=en"}},
		{"language switch refuses open redirects", request{url: "/lang?to=en&next=//evil.example"}, 303, nil, nil, map[string]string{"Location": "/"}},
		{"language switch refuses unknown languages", request{url: "/lang?to=fr"}, 400, nil, nil, nil},
		{"trailing slash", request{url: "/co-quan/"}, 301, nil, nil, map[string]string{"Location": "/co-quan"}},
		{"healthz", request{url: "/healthz"}, 200, []string{`"status":"ok"`, `"notices":48`}, nil, nil},
		{"robots", request{url: "/robots.txt"}, 200, []string{"Disallow: /staff/", "Sitemap: https://congkhai.example.vn/sitemap.xml"}, nil, nil},
		{"sitemap", request{url: "/sitemap.xml"}, 200, []string{"<loc>https://congkhai.example.vn/ubnd-tinh/cong-van-6733-ubnd-kstt</loc>", "<lastmod>", "<loc>https://congkhai.example.vn/trach-nhiem</loc>", "<loc>https://congkhai.example.vn/trach-nhiem/qua-han</loc>"}, nil, map[string]string{"Content-Type": "application/xml"}},
		{"unknown static file", request{url: "/static/style.css"}, 404, nil, nil, nil},
		{"gzip", request{url: "/", header: map[string]string{"Accept-Encoding": "gzip"}}, 200, nil, nil, map[string]string{"Content-Encoding": "gzip"}},
		{"post to a page", request{method: "POST", url: "/co-quan"}, 405, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, tt.req)
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Fatalf("%s %s = %d, want %d\n%.400s", tt.req.method, tt.req.url, rec.Code, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: body lacks %q", tt.req.url, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("%s: body contains %q", tt.req.url, w)
				}
			}
			for h, w := range tt.wantHeader {
				if got := rec.Header().Get(h); !strings.Contains(got, w) {
					t.Errorf("%s: header %s = %q, want it to contain %q", tt.req.url, h, got, w)
				}
			}
		})
	}
}

// TestStaticFingerprint follows the stylesheet link of the home page.
func TestStaticFingerprint(t *testing.T) {
	s := newTestServer(t, demo.FS())
	home := do(t, s, request{url: "/"}).Body.String()
	css := regexp.MustCompile(`/static/style\.[0-9a-f]{10}\.css`).FindString(home)
	if css == "" {
		t.Fatal("no fingerprinted stylesheet on the home page")
	}
	rec := do(t, s, request{url: css})
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") || !strings.Contains(rec.Body.String(), "--brand") {
		t.Errorf("GET %s = %d, Cache-Control %q", css, rec.Code, rec.Header().Get("Cache-Control"))
	}
}

// TestConditionalGet: a page fetched again with its ETag is answered 304, and the
// ETag changes when the content changes.
func TestConditionalGet(t *testing.T) {
	s := newTestServer(t, demo.FS())
	first := do(t, s, request{url: "/co-quan"})
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	second := do(t, s, request{url: "/co-quan", header: map[string]string{"If-None-Match": etag}})
	if second.Code != http.StatusNotModified || second.Body.Len() != 0 {
		t.Errorf("conditional GET = %d with %d bytes, want 304 and no body", second.Code, second.Body.Len())
	}
}

// TestUnsafeFiles: files a browser could run are sent as downloads under a sandbox.
func TestUnsafeFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"site.yaml":               {Data: []byte("title: Thử\n")},
		"so-x/_agency.md":         {Data: []byte("---\nname: Sở X\n---\n")},
		"so-x/files/trang.html":   {Data: []byte("<script>alert(1)</script>")},
		"so-x/files/hinh.svg":     {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)},
		"so-x/files/bien-ban.pdf": {Data: []byte("%PDF-1.4\n")},
	}
	s := newTestServer(t, fsys)
	for _, tt := range []struct {
		url        string
		attachment bool
	}{
		{"/so-x/files/trang.html", true},
		{"/so-x/files/hinh.svg", true},
		{"/so-x/files/bien-ban.pdf", false},
	} {
		rec := do(t, s, request{url: tt.url})
		if rec.Code != 200 {
			t.Fatalf("GET %s = %d", tt.url, rec.Code)
		}
		if got := strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment"); got != tt.attachment {
			t.Errorf("GET %s: attachment = %v, want %v", tt.url, got, tt.attachment)
		}
		if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("GET %s: no sandbox CSP", tt.url)
		}
	}
}

// TestThemeOverride: a file in the override folder replaces the default's, the rest stays.
func TestThemeOverride(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	os.WriteFile(filepath.Join(dir, "templates", "categories.html"), []byte(`{{define "content"}}<h1>Giao diện riêng của tỉnh</h1>{{end}}`), 0o644)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := portal.Open(context.Background(), portal.Config{Content: demo.FS(), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	th, err := themes.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{Log: log, Portal: p, Theme: th})
	if err != nil {
		t.Fatal(err)
	}
	if body := do(t, s, request{url: "/danh-muc"}).Body.String(); !strings.Contains(body, "Giao diện riêng của tỉnh") {
		t.Error("override template not used")
	}
	if body := do(t, s, request{url: "/co-quan"}).Body.String(); !strings.Contains(body, "Cấp tỉnh") {
		t.Error("default template not used where no override exists")
	}
	// A broken override fails at start, not in front of a visitor.
	os.WriteFile(filepath.Join(dir, "templates", "home.html"), []byte(`{{define "content"}}{{.Nope`), 0o644)
	th, _ = themes.Load(dir)
	if _, err := New(Deps{Log: log, Portal: p, Theme: th}); err == nil || !strings.Contains(err.Error(), "home.html") {
		t.Errorf("New with a broken template: err = %v, want one naming home.html", err)
	}
}

// TestGoldenPages compares whole pages of a small fixed site with golden files
// (go test ./server -update rewrites them).
func TestGoldenPages(t *testing.T) {
	fsys := fstest.MapFS{
		"site.yaml":                    {Data: []byte("title: Cổng công khai xã Thử\nbase_url: https://xa-thu.example.vn\n")},
		"ubnd-xa/_agency.md":           {Data: []byte("---\nname: UBND xã Thử\nshort_name: UBND xã\nkind: commune\naddress: Thôn 1\nphone: 0239 123 456\n---\nGiới thiệu <b>xã</b>.\n")},
		"ubnd-xa/thong-bao-hop-dan.md": {Data: []byte("---\ntitle: Thông báo họp dân về \"giải phóng mặt bằng\" & <tái định cư>\ncategory: boi-thuong\npublished: 2026-03-05\nnumber: 12/TB-UBND\nsigner: Nguyễn Văn A\nplaces:\n  - commune: Xã Thử\n---\n## Đất đai & Quy hoạch\n\n| Loại | Đơn giá |\n|---|---:|\n| Lúa | 50.000 |\n\n<script>alert(1)</script>\n\n[bấm](javascript:alert(1))\n")},
		"ubnd-xa/gia-dat/index.md":     {Data: []byte("---\ntitle: Giá đất xã Thử\ncategory: gia-dat\npublished: 2026-01-01\ncolumns:\n  - name: gia\n    title: Giá\n    type: money\n    unit: đồng/m²\n---\nBảng giá.\n")},
		"ubnd-xa/gia-dat/bang.csv":     {Data: []byte("duong,gia\nTrần Phú,12500000\nLê Lợi,9800000.5\n")},
	}
	s := newTestServer(t, fsys)
	for _, tt := range []struct{ name, url string }{
		{"home", "/"},
		{"notice", "/ubnd-xa/thong-bao-hop-dan"},
		{"dataset", "/ubnd-xa/gia-dat"},
		{"agency", "/ubnd-xa"},
		{"404", "/khong-co"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, request{url: tt.url})
			got := regexp.MustCompile(`[0-9a-f]{12}-[0-9a-z]+`).ReplaceAllString(rec.Body.String(), "REQUEST-ID")
			// Fingerprints change with every theme edit; the golden files check the markup.
			got = regexp.MustCompile(`\.[0-9a-f]{10}\.(css|js|svg)`).ReplaceAllString(got, ".FINGERPRINT.$1")
			golden := filepath.Join("testdata", "golden", tt.name+".html")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./server -update)", err)
			}
			if got != string(want) {
				t.Errorf("GET %s differs from %s (run go test ./server -update and review the diff)\n%s", tt.url, golden, firstDiff(got, string(want)))
			}
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + x + "\nwant: " + y
		}
	}
	return ""
}

// TestInternalErrorPage: an unexpected error becomes a kind Vietnamese page with
// the request id; the cause goes to the log, never to the visitor.
func TestInternalErrorPage(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	p, err := portal.Open(context.Background(), portal.Config{Content: demo.FS(), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	th, _ := themes.Load("")
	s, err := New(Deps{Log: log, Portal: p, Theme: th})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		fail func() error
	}{
		{"error", func() error { return errors.New("database password is hunter2") }},
		{"panic", func() error { panic("database password is hunter2") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s.e.GET("/loi-"+tt.name, func(c echo.Context) error { return tt.fail() })
			rec := do(t, s, request{url: "/loi-" + tt.name})
			body := rec.Body.String()
			if rec.Code != 500 || !strings.Contains(body, "Đã có lỗi xảy ra") || !strings.Contains(body, "Mã yêu cầu") {
				t.Errorf("GET /loi-%s = %d\n%.300s", tt.name, rec.Code, body)
			}
			if strings.Contains(body, "hunter2") {
				t.Error("the internal error reached the visitor")
			}
			if !strings.Contains(logs.String(), "hunter2") {
				t.Error("the cause was not logged")
			}
		})
	}
}
