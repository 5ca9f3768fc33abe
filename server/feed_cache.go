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
	"golang.org/x/sync/singleflight"
)

// Serving: feeds are rendered once per content generation and kept, with an ETag
// (hash of the body) and a Last-Modified date that only moves when the body does.

// feedCache holds rendered feeds of the current generation. Like the page cache
// it is bounded in feeds and in bytes, counting each key as well as each body:
// when the newer half is full it becomes the older half and the older one is
// dropped, so feeds in use survive (a feed found in the older half moves back)
// and no sequence of requests — search feeds with long, random filters, a crawl
// of every list — can make it hold more than two halves. Keys longer than
// feedKeyMax are kept as their hash. A feed larger than a half is served but
// not kept. The versions that give Last-Modified are kept the same way, by
// count (their keys are short). Its zero value is ready to use.
type feedCache struct {
	mu       sync.RWMutex
	gen      uint64
	entries  map[string]*cachedFeed // the newer half
	older    map[string]*cachedFeed
	bytes    int                    // of entries: keys, bodies and feedEntryCost each
	versions map[string]feedVersion // key → last body's ETag and date, across generations
	oldVers  map[string]feedVersion
	group    singleflight.Group

	// Bounds per half; zero means the constants below (tests set small ones).
	max, maxBytes, maxVersions int
}

const (
	feedCacheEntries = 1024     // feeds per half
	feedCacheBytes   = 16 << 20 // bytes per half
	feedVersionsMax  = 4096     // versions per half
	// feedKeyMax is the longest key kept as it is. A longer one (a search
	// feed's query, a host name from the request) is kept as its hash; keys
	// start with the base URL, so a hash ("sha256:…") is never a real key.
	feedKeyMax = 256
	// feedEntryCost is what a cached feed costs besides its key and body:
	// the struct, its header map, the map slot.
	feedEntryCost = 512
	// feedVersionCost bounds what one version costs: a key of at most
	// feedKeyMax bytes, an ETag, a date and the map slot.
	feedVersionCost = feedKeyMax + 256
)

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

// feedKey is key as the cache keeps it: as it is, or hashed when long.
func feedKey(key string) string {
	if len(key) <= feedKeyMax {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + base64.RawURLEncoding.EncodeToString(sum[:])
}

func (fc *feedCache) limits() (maxN, maxBytes, maxVersions int) {
	maxN, maxBytes, maxVersions = fc.max, fc.maxBytes, fc.maxVersions
	if maxN <= 0 {
		maxN = feedCacheEntries
	}
	if maxBytes <= 0 {
		maxBytes = feedCacheBytes
	}
	if maxVersions <= 0 {
		maxVersions = feedVersionsMax
	}
	return maxN, maxBytes, maxVersions
}

// get returns the feed cached under key for generation gen.
func (fc *feedCache) get(gen uint64, key string) (*cachedFeed, bool) {
	key = feedKey(key)
	// The hot path, a feed of the newer half, only reads: many requests at
	// once share the lock.
	fc.mu.RLock()
	if fc.gen != gen {
		fc.mu.RUnlock()
		return nil, false
	}
	if cf, ok := fc.entries[key]; ok {
		fc.mu.RUnlock()
		return cf, true
	}
	fc.mu.RUnlock()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.gen != gen {
		return nil, false
	}
	if cf, ok := fc.entries[key]; ok {
		return cf, true
	}
	cf, ok := fc.older[key]
	if ok {
		delete(fc.older, key)
		fc.add(key, cf)
	}
	return cf, ok
}

// put stores a feed rendered from generation gen and returns the cached form,
// whose Last-Modified is the previous one when the body did not change.
func (fc *feedCache) put(gen uint64, key string, body []byte, mime string, now time.Time) *cachedFeed {
	key = feedKey(key)
	p := newCachedPage(body, mime)
	fc.mu.Lock()
	defer fc.mu.Unlock()
	v, seen := fc.versions[key]
	if !seen {
		v, seen = fc.oldVers[key]
	}
	if !seen || v.etag != p.etag {
		lm := now.UTC().Truncate(time.Second)
		if seen && !lm.After(v.lastMod) {
			lm = v.lastMod.Add(time.Second)
		}
		v = feedVersion{etag: p.etag, lastMod: lm}
	}
	fc.addVersion(key, v)
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
	if gen != fc.gen || fc.entries == nil {
		fc.gen = gen
		fc.entries, fc.older, fc.bytes = map[string]*cachedFeed{}, nil, 0
	}
	fc.add(key, cf)
	return cf
}

func feedCost(key string, cf *cachedFeed) int { return len(key) + len(cf.body) + feedEntryCost }

// add puts cf in the newer half, which first becomes the older half when it
// is full; a feed larger than a half is not kept.
func (fc *feedCache) add(key string, cf *cachedFeed) {
	maxN, maxBytes, _ := fc.limits()
	cost := feedCost(key, cf)
	if old, ok := fc.entries[key]; ok {
		fc.bytes -= feedCost(key, old)
		delete(fc.entries, key)
	}
	if cost > maxBytes {
		return
	}
	if len(fc.entries) >= maxN || fc.bytes+cost > maxBytes {
		fc.older, fc.entries, fc.bytes = fc.entries, map[string]*cachedFeed{}, 0
	}
	delete(fc.older, key)
	fc.entries[key] = cf
	fc.bytes += cost
}

// addVersion records v in the newer half of the versions, which first becomes
// the older half when full.
func (fc *feedCache) addVersion(key string, v feedVersion) {
	_, _, maxVersions := fc.limits()
	if _, ok := fc.versions[key]; fc.versions == nil || (!ok && len(fc.versions) >= maxVersions) {
		fc.oldVers, fc.versions = fc.versions, map[string]feedVersion{}
	}
	delete(fc.oldVers, key)
	fc.versions[key] = v
}

// size is what the cache holds: feeds and the bytes they are counted for, in
// both halves, and versions.
func (fc *feedCache) size() (feeds, bytes, versions int) {
	fc.mu.RLock()
	defer fc.mu.RUnlock()
	for k, cf := range fc.entries {
		bytes += feedCost(k, cf)
	}
	for k, cf := range fc.older {
		bytes += feedCost(k, cf)
	}
	return len(fc.entries) + len(fc.older), bytes, len(fc.versions) + len(fc.oldVers)
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
	fc.entries, fc.older, fc.bytes, fc.versions, fc.oldVers = nil, nil, 0, nil, nil
}
