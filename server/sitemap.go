package server

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"time"

	"github.com/congkhai/congkhai/calendar"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
)

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
	base := s.baseURL(c, snap)
	key := s.cacheKey(c, base, "sitemap", "")
	day := startOfDay(s.now())
	if p, ok := s.cache.get(snap.Gen, day, key); ok {
		return p.write(c, http.StatusOK)
	}
	lastmod := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(calendar.Location).Format("2006-01-02")
	}
	urls := []sitemapURL{{Loc: base + "/"}, {Loc: base + "/co-quan"}, {Loc: base + "/danh-muc"}, {Loc: base + "/du-thao"}}
	for _, ci := range content.Categories() {
		urls = append(urls, sitemapURL{Loc: base + "/danh-muc/" + string(ci.Slug)})
	}
	urls = append(urls, sitemapURL{Loc: base + accPrefix}, sitemapURL{Loc: base + accPrefix + "/qua-han"}, sitemapURL{Loc: base + accPrefix + "/cong-khai"})
	for _, a := range snap.Site.Agencies {
		urls = append(urls, sitemapURL{Loc: base + "/" + a.Slug}, sitemapURL{Loc: base + accPrefix + "/" + a.Slug})
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
