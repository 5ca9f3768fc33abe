package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/congkhai/congkhai/demo"
)

// BenchmarkNoticePage measures a notice page served from the page cache, the
// common case (a page is rendered once per content change).
func BenchmarkNoticePage(b *testing.B) {
	benchPage(b, "/ubnd-tinh/cong-van-6733-ubnd-kstt", true)
}

// BenchmarkNoticeRender measures rendering a notice page without the cache.
func BenchmarkNoticeRender(b *testing.B) {
	benchPage(b, "/ubnd-tinh/cong-van-6733-ubnd-kstt", false)
}

// BenchmarkDatasetDeepPage measures a page deep in the land price table, sorted.
func BenchmarkDatasetDeepPage(b *testing.B) {
	benchPage(b, "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen?sx=4&giam=1&trang=7", false)
}

func benchPage(b *testing.B, url string, cached bool) {
	s := newTestServer(b, demo.FS())
	req := httptest.NewRequest(http.MethodGet, url, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !cached {
			s.cache = newPageCache(4096)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", url, rec.Code)
		}
	}
}
