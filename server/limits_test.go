package server

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/themes"
)

// hostSite is a site without base_url: links are built from the request's Host.
func hostSite() fstest.MapFS {
	return fstest.MapFS{
		"site.yaml":             {Data: []byte("title: Cổng công khai xã Thử\n")},
		"ubnd-xa/_agency.md":    {Data: []byte("---\nname: UBND xã Thử\nkind: commune\n---\n")},
		"ubnd-xa/thong-bao.md":  {Data: []byte("---\ntitle: Thông báo lịch tiếp công dân\ncategory: notice\npublished: 2026-03-01\n---\nNội dung.\n")},
		"ubnd-xa/thong-bao2.md": {Data: []byte("---\ntitle: Thông báo thu phí chợ\ncategory: notice\npublished: 2026-03-02\n---\nNội dung.\n")},
	}
}

func newServerNoBase(t testing.TB) *Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := portal.Open(context.Background(), portal.Config{Content: hostSite(), Log: log, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	th, err := themes.Load("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{Log: log, Portal: p, Theme: th, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Finding 1: long or unknown query parameters cannot make the page cache hold
// gigabytes. A target over 8 KiB is refused; parameters no page reads make no
// new entries; and however many distinct pages are asked, the heap stays
// within the cache's bound.
func TestPageCacheBounded(t *testing.T) {
	s := newTestServer(t, demo.FS())
	if rec := do(t, s, request{url: "/co-quan?x=1&y=" + strings.Repeat("a", 1<<20)}); rec.Code != http.StatusRequestURITooLong {
		t.Fatalf("1 MB query: status %d, want 414", rec.Code)
	}
	do(t, s, request{url: "/co-quan"})
	before := heapAfterGC()
	pad := strings.Repeat("a", 7000)
	for i := range 1400 {
		rec := do(t, s, request{url: "/co-quan?x=" + strconv.Itoa(i) + "&y=" + pad})
		if rec.Code != http.StatusOK {
			t.Fatalf("request %d: status %d", i, rec.Code)
		}
	}
	s.cache.mu.RLock()
	entries := len(s.cache.entries) + len(s.cache.older)
	s.cache.mu.RUnlock()
	if entries != 1 {
		t.Errorf("1,400 requests with unknown parameters made %d cache entries, want 1", entries)
	}
	// Known parameters with distinct values: each is a page of its own, and the
	// cache's bound (two halves of pageCacheBytes) holds.
	for i := range 3000 {
		do(t, s, request{url: "/search?q=" + strconv.Itoa(i) + "&place=" + strings.Repeat("x", 150)})
	}
	if grown := int64(heapAfterGC()) - int64(before); grown > 2*pageCacheBytes+16<<20 {
		t.Errorf("heap grew by %d MB, want at most the cache bound (%d MB) and some slack", grown>>20, (2*pageCacheBytes)>>20)
	}
}

// Finding 2 (filters): oversized or too many search filters are refused.
func TestSearchFilterLimits(t *testing.T) {
	s := newTestServer(t, demo.FS())
	many := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString("&place=p" + strconv.Itoa(i))
		}
		return b.String()
	}
	tests := []struct {
		name   string
		url    string
		status int
	}{
		{"500 KB filter", "/search.atom?q=dat&place=N" + strings.Repeat("a", 500<<10), http.StatusRequestURITooLong},
		{"filter of 201 bytes", "/search?q=dat&place=" + strings.Repeat("a", 201), http.StatusBadRequest},
		{"filter of 200 bytes", "/search?q=dat&place=" + strings.Repeat("a", 200), 0},
		{"21 filters", "/api/search?q=dat" + many(21), http.StatusBadRequest},
		{"20 filters", "/api/search?q=dat" + many(20), 0},
		{"invalid UTF-8 query", "/api/search?q=%ff%fe", http.StatusBadRequest},
		{"bad percent-encoding", "/search?q=%zz", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// 0: accepted (this server has no index: 503).
			rec := do(t, s, request{url: tt.url})
			if tt.status == 0 && (rec.Code == http.StatusBadRequest || rec.Code == http.StatusRequestURITooLong) || tt.status != 0 && rec.Code != tt.status {
				t.Errorf("GET %.80s…: status %d, want %d", tt.url, rec.Code, tt.status)
			}
		})
	}
}

// Finding 8: more parameters than net/url accepts (10,000) are refused, not
// dropped (the search would run unfiltered). They cannot fit in the 8 KiB
// target: 414. A query string that net/url cannot parse is 400.
func TestTooManyParameters(t *testing.T) {
	s := newTestServer(t, demo.FS())
	tests := []struct {
		name, query string
		status      int
	}{
		{"10,002 parameters", "q=dat" + strings.Repeat("&a", 10001), http.StatusRequestURITooLong},
		{"a semicolon separator", "q=dat;place=x", http.StatusBadRequest},
		{"4,001 parameters in 8 KB", "q=dat" + strings.Repeat("&a", 4000), 0},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/search", nil)
		req.URL.RawQuery = tt.query
		req.RequestURI = "/search?" + tt.query
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if tt.status == 0 && (rec.Code == http.StatusBadRequest || rec.Code == http.StatusRequestURITooLong) || tt.status != 0 && rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d (0: accepted)", tt.name, rec.Code, tt.status)
		}
	}
}

// Finding 4: only same-site paths are accepted as where to go back to.
func TestLocalPath(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"/co-quan", "/co-quan", true},
		{"/search?q=%C4%91%E1%BA%A5t&trang=2", "/search?q=%C4%91%E1%BA%A5t&trang=2", true},
		{"/danh-muc/gia-dat#bang", "/danh-muc/gia-dat#bang", true},
		{"/so-tai-chinh/dự-toán", "/so-tai-chinh/d%E1%BB%B1-to%C3%A1n", true},
		{"", "", false},
		{"co-quan", "", false},
		{"//evil.example", "", false},
		{"/\t/evil.example", "", false},
		{"/\n/evil.example", "", false},
		{"/\r/evil.example", "", false},
		{"/\\evil.example", "", false},
		{"/ /evil.example", "", false},
		{"/%09/evil.example", "", false},
		{"/%5Cevil.example", "", false},
		{"/%2F/evil.example", "", false},
		{"https://evil.example", "", false},
		{"/\u00a0/evil.example", "", false},
		{"/\u2028/evil.example", "", false},
	}
	for _, tt := range tests {
		got, ok := localPath(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("localPath(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	s := newTestServer(t, demo.FS())
	for _, next := range []string{"/%09/evil.com", "/%0a/evil.com", "%2F%2Fevil.com", "/%5C/evil.com"} {
		rec := do(t, s, request{url: "/lang?to=en&next=" + next})
		if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || loc != "/" {
			t.Errorf("/lang next=%s: %d Location %q, want 303 to /", next, rec.Code, loc)
		}
	}
}

// Finding 5: without a configured base URL, links are built from the request's
// Host, and what was built for one Host is never served to another.
func TestHostHeaderNotShared(t *testing.T) {
	s := newServerNoBase(t)
	evil := map[string]string{"X-Forwarded-Proto": "javascript"}
	for _, url := range []string{"/", "/ubnd-xa/thong-bao", "/sitemap.xml", "/robots.txt", "/api/search?q=thong+bao", "/feed.atom"} {
		req := httptest.NewRequest(http.MethodGet, url, nil)
		req.Host = "evil.example"
		for k, v := range evil {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if strings.Contains(rec.Body.String(), "javascript:") {
			t.Errorf("%s: a forwarded scheme from an untrusted peer was used", url)
		}
		req = httptest.NewRequest(http.MethodGet, url, nil)
		req.Host = "xa-thu.gov.vn"
		rec = httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		body := rec.Body.String()
		if strings.Contains(body, "evil.example") {
			t.Errorf("%s for xa-thu.gov.vn after a request for evil.example holds evil.example", url)
		}
		if rec.Code == http.StatusOK && url != "/api/search?q=thong+bao" && !strings.Contains(body, "http://xa-thu.gov.vn/") {
			t.Errorf("%s: no absolute link to http://xa-thu.gov.vn/ in\n%.400s", url, body)
		}
	}
	// A Host that is not a host name is not used at all.
	req := httptest.NewRequest(http.MethodGet, "/robots.txt", nil)
	req.Host = "evil.example/x?"
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if strings.Contains(rec.Body.String(), "evil") {
		t.Errorf("robots.txt with a malformed Host: %q", rec.Body.String())
	}
}

// Finding 7: HEAD is answered wherever GET is, with GET's headers and no body;
// a conditional HEAD answers 304. Run through a real HTTP server, which is what
// drops the body.
func TestHead(t *testing.T) {
	s := newTestServer(t, demo.FS())
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, path := range []string{"/", "/co-quan", "/so-tai-chinh", "/ubnd-tinh/cong-van-6733-ubnd-kstt", "/feed.atom", "/so-tai-chinh/feed.rss",
		"/feed.json", "/healthz", "/robots.txt", "/sitemap.xml", "/search?q=dat", "/ubnd-tinh/files/6733-ubnd-kstt.pdf",
		"/tai-ve/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/bang-gia-dat-o.csv", "/khong-co"} {
		get, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, get.Body)
		get.Body.Close()
		head, err := http.Head(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(head.Body)
		head.Body.Close()
		if head.StatusCode != get.StatusCode || len(body) != 0 {
			t.Errorf("HEAD %s: %d with %d bytes, want %d and no body", path, head.StatusCode, len(body), get.StatusCode)
		}
		for _, h := range []string{"Content-Type", "ETag", "Last-Modified", "Cache-Control"} {
			if head.Header.Get(h) != get.Header.Get(h) {
				t.Errorf("HEAD %s: %s %q, GET has %q", path, h, head.Header.Get(h), get.Header.Get(h))
			}
		}
		if get.ContentLength > 0 && head.ContentLength != get.ContentLength {
			t.Errorf("HEAD %s: Content-Length %d, GET has %d", path, head.ContentLength, get.ContentLength)
		}
		if etag := get.Header.Get("ETag"); etag != "" {
			req, _ := http.NewRequest(http.MethodHead, ts.URL+path, nil)
			req.Header.Set("If-None-Match", etag)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNotModified {
				t.Errorf("conditional HEAD %s: %d, want 304", path, res.StatusCode)
			}
		}
	}
}

// Finding 8: a CSV download never hands a spreadsheet a formula.
func TestCSVCellNeutralisesFormulas(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://evil.example\",\"Bấm\")", "'=HYPERLINK(\"http://evil.example\",\"Bấm\")"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"-1.250,5", "-1.250,5"},
		{"+84", "+84"},
		{"-", "-"},
		{"Trần Hưng Đạo", "Trần Hưng Đạo"},
		{"1.824.866", "1.824.866"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := csvCell(content.Value{Raw: tt.in}); got != tt.want {
			t.Errorf("csvCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	fsys := fstest.MapFS{
		"site.yaml":                {Data: []byte("title: Thử\n")},
		"ubnd-xa/_agency.md":       {Data: []byte("---\nname: UBND xã Thử\nkind: commune\n---\n")},
		"ubnd-xa/ds/index.md":      {Data: []byte("---\ntitle: Danh sách\ncategory: notice\npublished: 2026-01-01\n---\n")},
		"ubnd-xa/ds/danh-sach.csv": {Data: []byte("ten,so\n\"=HYPERLINK(\"\"http://evil.example\"\")\",-5\n")},
	}
	s := newTestServer(t, fsys)
	rec := do(t, s, request{url: "/tai-ve/ubnd-xa/ds/danh-sach.csv"})
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("download: %v %q", err, rec.Body.String())
	}
	if recs[1][0] != `'=HYPERLINK("http://evil.example")` || recs[1][1] != "-5" {
		t.Errorf("row = %q", recs[1])
	}
}
