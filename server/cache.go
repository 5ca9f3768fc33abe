package server

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// pageCache keeps rendered pages of the current content generation. Pages are
// rendered once per content change (and per day, since drafts open and close by
// date), not once per request. It is bounded in pages and in bytes (a crawler
// visiting a hundred thousand notices must not keep them all): when the newer
// half is full it becomes the older half and the older one is dropped, so pages
// in use survive (a page found in the older half moves back to the newer) and
// random query strings cannot exhaust memory.
type pageCache struct {
	mu       sync.RWMutex
	gen      uint64
	day      time.Time
	entries  map[string]*cachedPage // the newer half
	older    map[string]*cachedPage
	bytes    int // of entries
	max      int // pages per half
	maxBytes int // bytes per half
}

// pageCacheBytes bounds the bytes of pages kept per half of the cache.
const pageCacheBytes = 16 << 20

// entryOverhead is what an entry costs besides its body: the 32-byte key, the
// map slot, the struct and its headers. It is counted against maxBytes so that
// many small pages cannot exceed the bound either.
const entryOverhead = 256

type cachedPage struct {
	body        []byte
	etag        string
	contentType string
}

func newPageCache(max int) *pageCache {
	return &pageCache{entries: map[string]*cachedPage{}, max: max, maxBytes: pageCacheBytes}
}

func (pc *pageCache) get(gen uint64, day time.Time, key string) (*cachedPage, bool) {
	// The hot path, a page of the newer half, only reads: many requests at
	// once share the lock.
	pc.mu.RLock()
	if pc.gen != gen || !pc.day.Equal(day) {
		pc.mu.RUnlock()
		return nil, false
	}
	if p, ok := pc.entries[key]; ok {
		pc.mu.RUnlock()
		return p, true
	}
	pc.mu.RUnlock()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.gen != gen || !pc.day.Equal(day) {
		return nil, false
	}
	if p, ok := pc.entries[key]; ok {
		return p, true
	}
	p, ok := pc.older[key]
	if ok {
		delete(pc.older, key)
		pc.add(key, p)
	}
	return p, ok
}

func (pc *pageCache) put(gen uint64, day time.Time, key string, p *cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.gen != gen || !pc.day.Equal(day) {
		if gen < pc.gen {
			return // rendered from an older snapshot while a newer one arrived
		}
		pc.gen, pc.day = gen, day
		pc.entries, pc.older, pc.bytes = map[string]*cachedPage{}, nil, 0
	}
	pc.add(key, p)
}

// add puts p in the newer half, which first becomes the older half when full.
func (pc *pageCache) add(key string, p *cachedPage) {
	size := len(p.body) + len(key) + entryOverhead
	if old, ok := pc.entries[key]; ok {
		pc.bytes -= len(old.body) + len(key) + entryOverhead
	} else if len(pc.entries) >= pc.max || pc.bytes+size > pc.maxBytes {
		pc.older, pc.entries, pc.bytes = pc.entries, map[string]*cachedPage{}, 0
	}
	pc.entries[key] = p
	pc.bytes += size
}

// pageParams are the query parameters that cached answers read. Any other
// parameter is left out of the cache key: it changes nothing on the page, so it
// must not make a new entry either.
var pageParams = map[string]bool{
	"trang": true, "page": true, "size": true, "q": true, "sort": true,
	"agency": true, "category": true, "year": true, "place": true, "kind": true,
	"bang": true, "sx": true, "giam": true, "ngay": true, "tu": true, "den": true,
}

// cacheKey names a cached answer: its kind, the base URL its links are built
// with (the request's own Host when no base URL is configured, so that what was
// built for one Host is never served for another), the language, the path and
// the query parameters that answers read. It is a SHA-256 digest: 32 bytes
// however long the URL.
func (s *Server) cacheKey(c echo.Context, base, kind, lang string) string {
	r := c.Request()
	h := sha256.New()
	for _, part := range [...]string{kind, base, lang, r.URL.Path} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	if r.URL.RawQuery != "" {
		q := r.URL.Query()
		for k := range q {
			if !pageParams[k] {
				delete(q, k)
			}
		}
		h.Write([]byte(q.Encode())) // sorted by name
	}
	return string(h.Sum(nil))
}

func newCachedPage(body []byte, contentType string) *cachedPage {
	sum := sha256.Sum256(body)
	return &cachedPage{body: body, contentType: contentType, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
}

// write sends the page, or 304 when the client already has it.
func (p *cachedPage) write(c echo.Context, status int) error {
	h := c.Response().Header()
	h.Set("ETag", p.etag)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Cookie")
	if status == http.StatusOK && etagMatch(c.Request().Header.Get("If-None-Match"), p.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	// With the length known, net/http sends headers and body in two writes
	// instead of chunking the page into 2 KB pieces (one syscall each).
	// Compressed answers get no length: the gzip middleware sets its own.
	if !strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		h.Set(echo.HeaderContentLength, strconv.Itoa(len(p.body)))
	}
	return c.Blob(status, p.contentType, p.body)
}

func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		part = strings.TrimPrefix(part, "W/")
		if part == etag || part == "*" {
			return true
		}
	}
	return false
}
