package server

import (
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// heapAfterGC is the live heap once garbage is collected.
func heapAfterGC() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// feedCacheSlack is what a test allows the heap to grow by beyond the cache's
// own bound: the rest of the server warming up (templates, the search index's
// caches, the last response).
const feedCacheSlack = 16 << 20

// TestFeedCacheHeap sends many requests for feeds with long, distinct query
// strings — each a key and a body of about a megabyte — and measures the
// process's heap: it must stay within the cache's bound however many requests
// come. A cache bounded in entries only would keep every one of them.
func TestFeedCacheHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("renders hundreds of large feeds")
	}
	// Each query value is as long as a request target may be; the cache gets
	// small bounds of its own so that a few hundred feeds overflow it.
	const (
		requests = 1200
		filler   = maxRequestURI - 200 // bytes of each query value
		maxBytes = 2 << 20
		maxVers  = 512
	)
	bound := uint64(2*maxBytes + 2*maxVers*feedVersionCost + feedCacheSlack)
	// Unbounded, the cache would hold far more than the bound (a body carries
	// its query four times or more): the test proves something only if so.
	if unbounded := uint64(requests * 4 * filler); unbounded < bound*3/2 {
		t.Fatalf("test too small: %d bytes unbounded against a bound of %d", unbounded, bound)
	}
	small := func(s *Server) { s.feeds.maxBytes, s.feeds.maxVersions = maxBytes, maxVers }

	t.Run("any feed keyed by its query", func(t *testing.T) {
		// A feed that, like the search feed, carries its parameter in its
		// id, title and links, so that the body is several times the key.
		s := newTestServer(t, feedFS())
		small(s)
		h := func(c echo.Context) error {
			q := url.Values{"q": {c.QueryParam("q")}}
			return s.serveFeed(c, q, func(b *feedBuilder) (*feed, error) {
				return b.newFeed("/search?"+q.Encode(), "Tìm kiếm: "+q.Get("q"), ""), nil
			})
		}
		for _, f := range feedFormats {
			s.e.GET("/thu-tim."+f.ext, h)
		}
		checkHeap(t, s, bound, requests, func(i int) string {
			return "/thu-tim." + feedFormats[i%3].ext + "?q=" + strconv.Itoa(i) + strings.Repeat("x", filler)
		})
	})

	t.Run("search feed with a long filter", func(t *testing.T) {
		if raceEnabled {
			t.Skip("the same cache as above; seconds under -race")
		}
		// The request of the finding, as long as a target may be: refused
		// (400) or searched, the heap stays within the bound.
		s := newSearchServer(t)
		small(s)
		checkHeap(t, s, bound, requests, func(i int) string {
			return "/search." + feedFormats[i%3].ext + "?place=" + strconv.Itoa(i) + strings.Repeat("x", filler)
		})
	})
}

func checkHeap(t *testing.T, s *Server, bound uint64, n int, url func(i int) string) {
	t.Helper()
	do(t, s, request{url: url(n)}) // warm up everything but the cache's growth
	s.feeds.reset()
	before := heapAfterGC()
	for i := range n {
		if rec := do(t, s, request{url: url(i)}); rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("GET #%d = %d", i, rec.Code)
		}
	}
	after := heapAfterGC()
	runtime.KeepAlive(s) // the server, and its cache, are live until measured
	grown := int64(after) - int64(before)
	t.Logf("heap %d MB → %d MB after %d requests (bound %d MB)", before>>20, after>>20, n, bound>>20)
	if grown > int64(bound) {
		t.Errorf("heap grew by %d MB over %d feed requests, want at most %d MB", grown>>20, n, bound>>20)
	}
}

// TestFeedCacheBound: whatever is put in the cache, it never holds more than
// two halves of feeds, bytes and versions, and a feed in use survives.
func TestFeedCacheBound(t *testing.T) {
	const maxN, maxBytes, maxVersions = 8, 64 << 10, 16
	long := strings.Repeat("k", 100<<10)
	tests := []struct {
		name string
		key  func(i int) string
		body int // bytes of each feed
		n    int
	}{
		{"many small feeds", func(i int) string { return "https://x/" + strconv.Itoa(i) + "/feed.atom" }, 100, 200},
		{"large feeds", func(i int) string { return "https://x/" + strconv.Itoa(i) + "/feed.atom" }, 20 << 10, 50},
		{"long keys", func(i int) string { return "https://x/search.atom?place=" + strconv.Itoa(i) + long }, 100, 200},
		{"feeds larger than a half", func(i int) string { return "https://x/" + strconv.Itoa(i) }, 2 * maxBytes, 10},
		{"one key again and again", func(int) string { return "https://x/feed.atom" }, 30 << 10, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := &feedCache{max: maxN, maxBytes: maxBytes, maxVersions: maxVersions}
			for i := range tt.n {
				body := []byte(strings.Repeat("x", tt.body-len(strconv.Itoa(i))) + strconv.Itoa(i))
				if cf := fc.put(1, tt.key(i), body, "application/atom+xml", fixedNow); string(cf.body) != string(body) {
					t.Fatalf("put #%d returned another body", i)
				}
				n, b, v := fc.size()
				if n > 2*maxN || b > 2*maxBytes || v > 2*maxVersions {
					t.Fatalf("after %d puts: %d feeds, %d bytes, %d versions; want at most %d, %d, %d", i+1, n, b, v, 2*maxN, 2*maxBytes, 2*maxVersions)
				}
				for k := range fc.entries {
					if len(k) > feedKeyMax {
						t.Fatalf("key of %d bytes kept", len(k))
					}
				}
			}
			if tt.body > maxBytes {
				if n, _, _ := fc.size(); n != 0 {
					t.Errorf("%d feeds larger than a half kept", n)
				}
				return
			}
			if _, ok := fc.get(1, tt.key(tt.n-1)); !ok {
				t.Errorf("the last feed put is not cached")
			}
		})
	}

	t.Run("a feed in use survives", func(t *testing.T) {
		fc := &feedCache{max: maxN, maxBytes: maxBytes, maxVersions: maxVersions}
		const hot = "https://x/feed.atom"
		fc.put(1, hot, []byte("hot"), "application/atom+xml", fixedNow)
		for i := range 10 * maxN {
			fc.put(1, "https://x/"+strconv.Itoa(i)+"/feed.atom", []byte("cold"), "application/atom+xml", fixedNow)
			if _, ok := fc.get(1, hot); !ok {
				t.Fatalf("the feed read after every put was dropped after %d others", i+1)
			}
		}
	})

	t.Run("a long key is its own", func(t *testing.T) {
		fc := &feedCache{}
		a, b := "https://x/search.atom?place="+long+"a", "https://x/search.atom?place="+long+"b"
		fc.put(1, a, []byte("A"), "application/atom+xml", fixedNow)
		fc.put(1, b, []byte("B"), "application/atom+xml", fixedNow)
		for key, want := range map[string]string{a: "A", b: "B"} {
			if cf, ok := fc.get(1, key); !ok || string(cf.body) != want {
				t.Errorf("get(…%s) = %v, want %s", key[len(key)-1:], ok, want)
			}
		}
	})
}
