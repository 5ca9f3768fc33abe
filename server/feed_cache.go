package server

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/singleflight"
)

// Serving: feeds are rendered once per content generation and kept, with an ETag
// (hash of the body) and a Last-Modified date that only moves when the body does.

// feedCache holds rendered feeds of the current generation. Its zero value is
// ready to use.
type feedCache struct {
	mu       sync.RWMutex
	gen      uint64
	entries  map[string]*cachedFeed
	versions map[string]feedVersion // key → last body's ETag and date, across generations
	group    singleflight.Group
}

// feedCacheMax bounds both maps: random query strings (search feeds) cannot grow them.
const feedCacheMax = 4096

type cachedFeed struct {
	body    []byte
	header  http.Header // Content-Type, ETag, Last-Modified, Cache-Control, shared read-only
	etag    string
	lastMod time.Time
}

type feedVersion struct {
	etag    string
	lastMod time.Time
}

func (fc *feedCache) get(gen uint64, key string) (*cachedFeed, bool) {
	fc.mu.RLock()
	defer fc.mu.RUnlock()
	if fc.gen != gen {
		return nil, false
	}
	p, ok := fc.entries[key]
	return p, ok
}

// put stores a feed rendered from generation gen and returns the cached form,
// whose Last-Modified is the previous one when the body did not change.
func (fc *feedCache) put(gen uint64, key string, body []byte, mime string, now time.Time) *cachedFeed {
	p := newCachedPage(body, mime)
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.versions == nil || len(fc.versions) >= feedCacheMax {
		fc.versions = map[string]feedVersion{}
	}
	v, seen := fc.versions[key]
	if !seen || v.etag != p.etag {
		lm := now.UTC().Truncate(time.Second)
		if seen && !lm.After(v.lastMod) {
			lm = v.lastMod.Add(time.Second)
		}
		v = feedVersion{etag: p.etag, lastMod: lm}
		fc.versions[key] = v
	}
	cf := &cachedFeed{body: body, etag: p.etag, lastMod: v.lastMod, header: http.Header{
		echo.HeaderContentType:  {mime},
		"Etag":                  {p.etag},
		echo.HeaderLastModified: {v.lastMod.Format(http.TimeFormat)},
		// Readers may keep a feed a minute; after that they ask again and get a 304.
		"Cache-Control": {"public, max-age=60"},
	}}
	if gen < fc.gen {
		return cf // rendered from an older snapshot while a newer one arrived
	}
	if gen != fc.gen || fc.entries == nil || len(fc.entries) >= feedCacheMax {
		fc.gen = gen
		fc.entries = map[string]*cachedFeed{}
	}
	fc.entries[key] = cf
	return cf
}

// write sends the feed, or 304 when the client has it: If-None-Match decides when
// present, If-Modified-Since otherwise (RFC 9110 §13.2.2).
func (cf *cachedFeed) write(c echo.Context) error {
	h := c.Response().Header()
	for k, v := range cf.header {
		h[k] = v
	}
	req := c.Request()
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		if etagMatch(inm, cf.etag) {
			return c.NoContent(http.StatusNotModified)
		}
	} else if ims := req.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !cf.lastMod.After(t) {
			return c.NoContent(http.StatusNotModified)
		}
	}
	if !strings.Contains(req.Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		// One write for the body rather than 2 KB chunks (see cachedPage.write).
		c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(cf.body)))
	}
	return c.Blob(http.StatusOK, cf.header.Get(echo.HeaderContentType), cf.body)
}

// reset empties the cache (benchmarks of the render).
func (fc *feedCache) reset() {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.entries, fc.versions = nil, nil
}
