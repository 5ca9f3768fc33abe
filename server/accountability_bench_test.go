package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkDossierLookup measures a lookup of a known and of an unknown code
// (rendered every time: lookups are never cached). The two must cost about
// the same: an unknown code is searched and answered with the same page.
func BenchmarkDossierLookup(b *testing.B) {
	s := accServer(b)
	for _, bb := range []struct{ name, code string }{
		{"known", "000.00.11.H23-260105-0003"},
		{"unknown", "000.00.11.H23-260105-9999"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/tra-cuu-ho-so?ma="+bb.code, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("lookup = %d", rec.Code)
				}
			}
		})
	}
}

// BenchmarkAccountabilityPage measures the district's accountability page,
// from the cache and rendered.
func BenchmarkAccountabilityPage(b *testing.B) {
	s := accServer(b)
	req := httptest.NewRequest(http.MethodGet, "/trach-nhiem/ubnd-huyen-cam-xuyen", nil)
	for _, cached := range []bool{true, false} {
		name := map[bool]string{true: "cached", false: "rendered"}[cached]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !cached {
					s.cache = newPageCache(4096)
				}
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET = %d", rec.Code)
				}
			}
		})
	}
}
