package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/congkhai/congkhai/demo"
)

// headFeedRoutes answers HEAD on the feed routes with their GET handlers, as
// the routes do when HEAD is registered beside GET.
func headFeedRoutes(s *Server) {
	for _, f := range feedFormats {
		s.e.HEAD("/search."+f.ext, s.searchFeed)
		for _, prefix := range []string{"", "/du-thao", "/danh-muc/:category", "/dia-ban/:place", "/the/:tag", "/:agency", "/:agency/:dataset"} {
			s.e.HEAD(prefix+"/feed."+f.ext, s.listFeedHandler)
		}
	}
}

// TestFeedHead: through net/http, HEAD on a feed answers what GET answers —
// status and headers (type, validators, length, encoding) — without a body,
// whether the feed is rendered by the HEAD or comes from the cache, and a HEAD
// that renders a feed leaves the whole feed in the cache for the next GET.
func TestFeedHead(t *testing.T) {
	s := newSearchServer(t)
	headFeedRoutes(s)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	send := func(t *testing.T, method, path string, header map[string]string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}
	gzip := map[string]string{"Accept-Encoding": "gzip"}
	tests := []struct {
		name   string
		path   string
		header map[string]string
		status int
	}{
		{"site atom", "/feed.atom", nil, 200},
		{"agency rss", "/so-tai-chinh/feed.rss", nil, 200},
		{"category json", "/danh-muc/gia-dat/feed.json", nil, 200},
		{"dataset atom, gzip", "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/feed.atom", gzip, 200},
		{"place rss, gzip", "/dia-ban/huyen-cam-xuyen/feed.rss", gzip, 200},
		{"search atom", "/search.atom?q=boi+thuong", nil, 200},
		{"search json, gzip", "/search.json?q=gia+dat", gzip, 200},
		{"unknown agency", "/so-khong-co/feed.atom", nil, 404},
		{"search without a query", "/search.rss", nil, 400},
	}
	compared := []string{"Content-Type", "Etag", "Last-Modified", "Cache-Control", "Content-Length", "Content-Encoding", "Vary"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// HEAD first: it renders the feed and fills the cache.
			head, hbody := send(t, http.MethodHead, tt.path, tt.header)
			get, gbody := send(t, http.MethodGet, tt.path, tt.header)
			again, abody := send(t, http.MethodHead, tt.path, tt.header)
			if head.StatusCode != tt.status || get.StatusCode != tt.status || again.StatusCode != tt.status {
				t.Fatalf("HEAD, GET, HEAD %s = %d, %d, %d, want %d", tt.path, head.StatusCode, get.StatusCode, again.StatusCode, tt.status)
			}
			if len(hbody) != 0 || len(abody) != 0 {
				t.Errorf("HEAD %s: a body of %d and %d bytes", tt.path, len(hbody), len(abody))
			}
			if tt.status != http.StatusOK {
				return
			}
			if len(gbody) == 0 {
				t.Fatalf("GET %s after a HEAD: empty body", tt.path)
			}
			if cl := get.Header.Get("Content-Length"); tt.header == nil && cl == "" {
				t.Errorf("GET %s: no Content-Length", tt.path)
			}
			if ce := get.Header.Get("Content-Encoding"); (tt.header != nil) != (ce == "gzip") {
				t.Errorf("GET %s with %v: Content-Encoding %q", tt.path, tt.header, ce)
			}
			for _, h := range compared {
				if g := get.Header.Get(h); head.Header.Get(h) != g || again.Header.Get(h) != g {
					t.Errorf("%s: HEAD %q, GET %q, HEAD from the cache %q", h, head.Header.Get(h), g, again.Header.Get(h))
				}
			}
			// A conditional HEAD is a 304 like a conditional GET.
			cond := map[string]string{"If-None-Match": get.Header.Get("Etag")}
			for k, v := range tt.header {
				cond[k] = v
			}
			if resp, body := send(t, http.MethodHead, tt.path, cond); resp.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("HEAD %s with its ETag = %d with %d bytes, want 304 without a body", tt.path, resp.StatusCode, len(body))
			}
		})
	}

	t.Run("list feeds", func(t *testing.T) {
		s := newTestServer(t, demo.FS())
		headFeedRoutes(s)
		for _, p := range oneOfEachKind(allFeedPaths(s)) {
			for _, f := range feedFormats {
				rec := do(t, s, request{method: http.MethodHead, url: p + "." + f.ext})
				if rec.Code != http.StatusOK || rec.Header().Get("Etag") == "" {
					t.Errorf("HEAD %s.%s = %d, ETag %q", p, f.ext, rec.Code, rec.Header().Get("Etag"))
				}
			}
		}
	})
}
