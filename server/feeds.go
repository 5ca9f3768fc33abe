package server

// Feeds: every list of the portal in Atom 1.0, RSS 2.0 and JSON Feed 1.1, served
// here (the routes' handlers); the model and its builder are in feed_build.go,
// the three encoders in feed_encode.go, the cache of rendered feeds in
// feed_cache.go, the search and Q&A feeds in search_feed.go.

import (
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
)

// serveFeed answers a request for a feed in the format its path ends with. query
// is the part of the URL the list depends on (nil for lists; the search feed's
// parameters), kept on the self link and in the cache key; other query strings are
// ignored, so they cannot multiply renders. build returns the feed or an error
// (echo.NewHTTPError(404) for an unknown list).
func (s *Server) serveFeed(c echo.Context, query url.Values, build func(b *feedBuilder) (*feed, error)) error {
	return s.serveFeedKeyed(c, query, "", build)
}

// serveFeedKeyed is serveFeed for feeds that depend on more than the content
// snapshot (search results, published Q&A): extra is added to the cache key.
func (s *Server) serveFeedKeyed(c echo.Context, query url.Values, extra string, build func(b *feedBuilder) (*feed, error)) error {
	p := c.Request().URL.Path
	ff, ok := formatOf(p)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	snap := s.deps.Portal.Snapshot()
	key := p
	if len(query) > 0 {
		key += "?" + query.Encode()
	}
	// The base URL may come from the request's host when none is configured.
	key = s.baseURL(c, snap) + key
	if extra != "" {
		key += "#" + extra
	}
	// A long key (a search feed's filters) is kept short in the cache and in
	// the table of renders in flight.
	key = feedKey(key)
	if cf, ok := s.feeds.get(snap.Gen, key); ok {
		return cf.write(c)
	}
	v, err, _ := s.feeds.group.Do(strconv.FormatUint(snap.Gen, 10)+" "+key, func() (any, error) {
		b := s.newFeedBuilder(c, snap)
		f, err := build(b)
		if err != nil {
			return nil, err
		}
		b.finish(f)
		f.SelfURL = b.base + p
		if len(query) > 0 {
			f.SelfURL += "?" + query.Encode()
		}
		body, err := ff.render(f)
		if err != nil {
			return nil, err
		}
		return s.feeds.put(snap.Gen, key, body, ff.mime, s.now()), nil
	})
	if err != nil {
		return err
	}
	return v.(*cachedFeed).write(c)
}

// feedLinks are the <link rel="alternate"> of the HTML list at listPath, whose
// feeds are listPath + "/feed.<ext>" (or "/feed.<ext>" for the home page).
func feedLinks(listPath, title string) []feedLink {
	prefix := strings.TrimSuffix(listPath, "/")
	out := make([]feedLink, 0, len(feedFormats))
	for _, f := range feedFormats {
		out = append(out, feedLink{Type: strings.TrimSuffix(f.mime, "; charset=utf-8"), Title: title + " (" + f.label + ")", URL: prefix + "/feed." + f.ext})
	}
	return out
}

// listFeed builds the feed of the HTML list at listPath ("/", "/du-thao",
// "/danh-muc/gia-dat", "/dia-ban/xa-cam-quan", "/the/boi-thuong", "/<agency>",
// "/<agency>/<dataset>"), for the feed routes and for email alerts. An unknown
// list is an echo 404 error.
func listFeed(b *feedBuilder, listPath string, now time.Time) (*feed, error) {
	notFound := echo.NewHTTPError(http.StatusNotFound)
	segs := strings.Split(strings.Trim(listPath, "/"), "/")
	snap := b.snap
	switch {
	case listPath == "/":
		f := b.newFeed("/", "", snap.Site.Config.Description)
		f.Entries = append(b.listEntries(snap.Site.Notices, snap.Site.Datasets), b.tombEntries("")...)
		return f, nil
	case listPath == "/du-thao":
		// Every draft for comment, whatever its window: a reader learns of a
		// draft when it is published; the window is in the entry.
		open, upcoming, closed := snap.Drafts(now)
		all := append(append(append([]*content.Notice{}, open...), upcoming...), closed...)
		f := b.newFeed("/du-thao", "Dự thảo lấy ý kiến", "")
		f.Entries = b.listEntries(all, nil)
		return f, nil
	case len(segs) == 2 && segs[0] == "danh-muc":
		cat := content.Category(segs[1])
		ci, ok := cat.Info()
		if !ok {
			return nil, notFound
		}
		f := b.newFeed(listPath, ci.NameVI, "")
		f.Entries = b.listEntries(snap.CategoryNotices(cat), snap.CategoryDatasets(cat))
		return f, nil
	case len(segs) == 2 && segs[0] == "dia-ban":
		t, ok := snap.Place(segs[1])
		if !ok {
			return nil, notFound
		}
		f := b.newFeed(listPath, t.Name, "Văn bản và dữ liệu về "+t.Name)
		f.Entries = b.listEntries(t.Notices, t.Datasets)
		return f, nil
	case len(segs) == 2 && segs[0] == "the":
		t, ok := snap.Tag(segs[1])
		if !ok {
			return nil, notFound
		}
		f := b.newFeed(listPath, t.Name, "Văn bản và dữ liệu gắn từ khóa "+t.Name)
		f.Entries = b.listEntries(t.Notices, t.Datasets)
		return f, nil
	case len(segs) == 1:
		a, ok := snap.Site.Agency(segs[0])
		if !ok {
			return nil, notFound
		}
		f := b.newFeed(listPath, a.Name, "Văn bản và dữ liệu do "+a.Name+" công khai")
		f.Entries = append(b.listEntries(snap.AgencyNotices(a.Slug), snap.AgencyDatasets(a.Slug)), b.tombEntries(a.Slug)...)
		return f, nil
	case len(segs) == 2:
		// The versions of a dataset's tables.
		d, ok := snap.Site.Dataset(segs[0] + "/" + segs[1])
		if !ok {
			return nil, notFound
		}
		f := b.newFeed(listPath, d.Title, "Các phiên bản bảng dữ liệu của "+d.Title)
		for _, t := range d.Tables {
			f.Entries = append(f.Entries, b.tableEntry(d, t))
		}
		return f, nil
	}
	return nil, notFound
}

// listFeedHandler serves the feeds of the lists whose path is the request's
// without its last element ("/so-tai-chinh/feed.atom" → "/so-tai-chinh").
func (s *Server) listFeedHandler(c echo.Context) error {
	listPath := path.Dir(c.Request().URL.Path)
	return s.serveFeed(c, nil, func(b *feedBuilder) (*feed, error) {
		return listFeed(b, listPath, s.now())
	})
}

// isFeedName reports whether the last element of a path names a feed
// ("feed.atom", "search.rss"): those are compressed like pages.
func isFeedName(last string) bool {
	name, ext, _ := strings.Cut(last, ".")
	if _, ok := formatOf(last); !ok || strings.Contains(ext, ".") {
		return false
	}
	return name == "feed" || name == "search" || ext != "json"
}

// Label is the format's short name for the visible subscribe links.
func (l feedLink) Label() string {
	for _, f := range feedFormats {
		if strings.HasPrefix(f.mime, l.Type) {
			return f.label
		}
	}
	return l.Type
}
