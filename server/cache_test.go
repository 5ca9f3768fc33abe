package server

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// The page cache stays within its bounds in pages and bytes, keeps the pages in
// use, and forgets everything at a new content generation.
func TestPageCacheBounds(t *testing.T) {
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	page := func(n int) *cachedPage { return newCachedPage([]byte(strings.Repeat("x", n)), "text/html") }
	tests := []struct {
		name      string
		max       int // pages per half
		maxBytes  int
		pages     int // pages put, "p0", "p1", ...
		size      int // bytes each
		touch     string
		wantAll   int    // at most this many pages kept
		wantBytes int    // at most this many bytes kept
		wantKept  string // a page that must still be there
	}{
		{name: "by count", max: 10, maxBytes: 1 << 20, pages: 1000, size: 100, wantAll: 20, wantBytes: 20 * 100},
		{name: "by bytes", max: 100000, maxBytes: 10000, pages: 1000, size: 1000, wantAll: 20, wantBytes: 20000},
		{name: "a page in use survives", max: 10, maxBytes: 1 << 20, pages: 1000, size: 10, touch: "p0", wantAll: 20, wantBytes: 200, wantKept: "p0"},
		{name: "a page larger than the bound", max: 10, maxBytes: 100, pages: 5, size: 1000, wantAll: 2, wantBytes: 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc := newPageCache(tt.max)
			pc.maxBytes = tt.maxBytes
			for i := 0; i < tt.pages; i++ {
				pc.put(1, day, "p"+strconv.Itoa(i), page(tt.size))
				if tt.touch != "" {
					if _, ok := pc.get(1, day, tt.touch); !ok && i > 0 {
						t.Fatalf("get(%q) after %d puts: not found", tt.touch, i+1)
					}
				}
			}
			n, b := len(pc.entries)+len(pc.older), 0
			for _, m := range []map[string]*cachedPage{pc.entries, pc.older} {
				for _, p := range m {
					b += len(p.body)
				}
			}
			if n > tt.wantAll || b > tt.wantBytes {
				t.Errorf("cache holds %d pages, %d bytes; want at most %d, %d", n, b, tt.wantAll, tt.wantBytes)
			}
			if _, ok := pc.get(1, day, "p"+strconv.Itoa(tt.pages-1)); !ok {
				t.Errorf("the newest page is not cached")
			}
			if tt.wantKept != "" {
				if _, ok := pc.get(1, day, tt.wantKept); !ok {
					t.Errorf("get(%q) = not found, want kept", tt.wantKept)
				}
			}
			if _, ok := pc.get(2, day, "p"+strconv.Itoa(tt.pages-1)); ok {
				t.Errorf("a page of generation 1 served for generation 2")
			}
		})
	}
}
