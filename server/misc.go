package server

import (
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
)

func (s *Server) healthz(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	ix := s.deps.Portal.IndexStatus()
	return c.JSON(http.StatusOK, map[string]any{
		"status":     "ok",
		"index":      map[string]any{"enabled": ix.Enabled, "synced": ix.Synced, "docs": ix.Docs, "error": ix.Err},
		"version":    s.deps.Version,
		"generation": snap.Gen,
		"notices":    len(snap.Site.Notices),
		"datasets":   len(snap.Site.Datasets),
		"problems":   len(snap.Problems),
	})
}

func (s *Server) robots(c echo.Context) error {
	base := s.baseURL(c, s.deps.Portal.Snapshot())
	body := "User-agent: *\nDisallow: /staff/\nDisallow: /api/\nDisallow: /search\nDisallow: /tai-ve/\nDisallow: /lang\n\nSitemap: " + base + "/sitemap.xml\n"
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.String(http.StatusOK, body)
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func (s *Server) sitemap(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	key := "sitemap"
	day := startOfDay(s.now())
	if p, ok := s.cache.get(snap.Gen, day, key); ok {
		return p.write(c, http.StatusOK)
	}
	base := s.baseURL(c, snap)
	lastmod := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(content.Location).Format("2006-01-02")
	}
	urls := []sitemapURL{{Loc: base + "/"}, {Loc: base + "/co-quan"}, {Loc: base + "/danh-muc"}, {Loc: base + "/du-thao"}}
	for _, ci := range content.Categories() {
		urls = append(urls, sitemapURL{Loc: base + "/danh-muc/" + string(ci.Slug)})
	}
	for _, a := range snap.Site.Agencies {
		urls = append(urls, sitemapURL{Loc: base + "/" + a.Slug})
	}
	for _, n := range snap.Site.Notices {
		urls = append(urls, sitemapURL{Loc: base + "/" + n.Path, LastMod: lastmod(n.Updated)})
	}
	for _, d := range snap.Site.Datasets {
		urls = append(urls, sitemapURL{Loc: base + "/" + d.Path, LastMod: lastmod(d.Updated)})
	}
	doc := struct {
		XMLName xml.Name     `xml:"urlset"`
		NS      string       `xml:"xmlns,attr"`
		URLs    []sitemapURL `xml:"url"`
	}{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: urls}
	b, err := xml.MarshalIndent(doc, "", " ")
	if err != nil {
		return fmt.Errorf("server: sitemap: %w", err)
	}
	p := newCachedPage(append([]byte(xml.Header), b...), "application/xml; charset=utf-8")
	s.cache.put(snap.Gen, day, key, p)
	return p.write(c, http.StatusOK)
}

// static serves fingerprinted theme files for a year: their name changes with their content.
func (s *Server) static(c echo.Context) error {
	name := c.Param("file")
	p, ok := s.deps.Theme.StaticFile(name)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	f, err := s.deps.Theme.FS().Open(p)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := fs.ReadFile(s.deps.Theme.FS(), p)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, contentTypeOf(p), b)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set(echo.HeaderContentType, contentTypeOf(p))
	http.ServeContent(c.Response(), c.Request(), path.Base(p), time.Time{}, rs)
	return nil
}

func contentTypeOf(p string) string {
	switch path.Ext(p) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".woff2":
		return "font/woff2"
	}
	return "application/octet-stream"
}
