package server

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/portal"
)

const pageSize = 20

// page renders (or takes from the cache) the page `name` built by build.
func (s *Server) page(c echo.Context, name string, build func(v *view) error) error {
	snap := s.deps.Portal.Snapshot()
	lang := s.lang(c)
	now := s.now()
	day := startOfDay(now)
	key := s.cacheKey(c, s.baseURL(c, snap), "page", lang)
	// A preview of a draft (console.go) is a public page under a banner,
	// never cached.
	banner, preview := c.Get(bannerKey).(string)
	if p, ok := s.cache.get(snap.Gen, day, key); ok && !preview {
		return p.write(c, http.StatusOK)
	}
	v := s.newView(c, snap, lang, now)
	v.Banner = banner
	v.BannerLink, _ = c.Get(bannerLinkKey).(string)
	if err := build(v); err != nil {
		return err
	}
	body, err := s.tmpl.render(name, v)
	if err != nil {
		return err
	}
	p := newCachedPage(body, echo.MIMETextHTMLCharsetUTF8)
	if preview {
		return p.write(c, http.StatusOK)
	}
	s.cache.put(snap.Gen, day, key, p)
	return p.write(c, http.StatusOK)
}

func (s *Server) newView(c echo.Context, snap *portal.Snapshot, lang string, now time.Time) *view {
	site := snap.Site
	title := site.Config.Title
	if lang == "en" && site.Config.TitleEN != "" {
		title = site.Config.TitleEN
	}
	return &view{
		Lang:      lang,
		Path:      c.Request().URL.Path,
		Canonical: s.baseURL(c, snap) + c.Request().URL.Path,
		SiteTitle: title,
		Site:      site,
		snap:      snap,
		now:       now,
		msgs:      s.tmpl.msgs[lang],
		fallback:  s.tmpl.msgs[languages[0]],
	}
}

// baseURL is the public address: the configured one, else site.yaml's, else the
// request's own scheme and Host (a well-formed one; "localhost" otherwise). Every
// cache key includes it, so an answer built from a visitor's Host header is never
// served to anyone who asked with another.
func (s *Server) baseURL(c echo.Context, snap *portal.Snapshot) string {
	if s.deps.BaseURL != "" {
		return s.deps.BaseURL
	}
	if b := strings.TrimSuffix(snap.Site.Config.BaseURL, "/"); b != "" {
		return b
	}
	h := requestHost(c.Request())
	if h == "" {
		h = "localhost"
	}
	return s.scheme(c) + "://" + h
}

// lang is the visitor's UI language: the "lang" cookie when it names a known language.
func (s *Server) lang(c echo.Context) string {
	if ck, err := c.Cookie("lang"); err == nil {
		for _, l := range languages {
			if ck.Value == l {
				return l
			}
		}
	}
	return languages[0]
}

// setLanguage stores the visitor's choice and returns them to the page they were on.
func (s *Server) setLanguage(c echo.Context) error {
	to := c.QueryParam("to")
	known := false
	for _, l := range languages {
		known = known || l == to
	}
	if !known {
		return echo.NewHTTPError(http.StatusBadRequest, "unknown language")
	}
	c.SetCookie(&http.Cookie{Name: "lang", Value: to, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secureCookies(c)})
	next, ok := localPath(c.QueryParam("next"))
	if !ok {
		next = "/"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// pageParam reads ?trang=N (1-based); anything else is page 1.
func pageParam(c echo.Context) int {
	n, err := strconv.Atoi(c.QueryParam("trang"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// paginate cuts xs to page n of size per, setting v.Page and v.Pages. A page
// past the end is a 404, so that crawlers do not index empty pages.
func paginate[T any](v *view, xs []T, n, per int) ([]T, error) {
	pages := (len(xs) + per - 1) / per
	if pages == 0 {
		pages = 1
	}
	if n > pages {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	v.Page, v.Pages = n, pages
	from := (n - 1) * per
	to := min(from+per, len(xs))
	return xs[from:to], nil
}

type categoryCount struct {
	Slug  content.Category
	Name  string
	Count int
}

func (s *Server) categoryCounts(v *view) []categoryCount {
	var out []categoryCount
	for _, ci := range content.Categories() {
		out = append(out, categoryCount{
			Slug:  ci.Slug,
			Name:  v.CategoryName(ci.Slug),
			Count: len(v.snap.CategoryNotices(ci.Slug)) + len(v.snap.CategoryDatasets(ci.Slug)),
		})
	}
	return out
}

func (s *Server) home(c echo.Context) error {
	return s.page(c, "home", func(v *view) error {
		v.Section = "home"
		v.Feeds = feedLinks("/", v.SiteTitle)
		v.HideHeaderSearch = true
		v.Description = v.Site.Config.Description
		type latest struct {
			Slug     content.Category
			Name     string
			Notices  []*content.Notice
			Datasets []*content.Dataset
		}
		var ls []latest
		for _, ci := range content.Categories() {
			ns := v.snap.CategoryNotices(ci.Slug)
			ds := v.snap.CategoryDatasets(ci.Slug)
			if len(ns) == 0 && len(ds) == 0 {
				continue
			}
			ls = append(ls, latest{ci.Slug, v.CategoryName(ci.Slug), ns[:min(5, len(ns))], ds[:min(3, len(ds))]})
		}
		open, _, _ := v.snap.Drafts(v.now)
		v.Data = map[string]any{
			"Categories": s.categoryCounts(v),
			"Latest":     ls,
			"OpenDrafts": open,
		}
		return nil
	})
}

func (s *Server) agencies(c echo.Context) error {
	return s.page(c, "agencies", func(v *view) error {
		v.Section = "agencies"
		v.Title = v.T("agencies")
		type row struct {
			Agency            *content.Agency
			Notices, Datasets int
		}
		type group struct {
			Kind, Label string
			Agencies    []row
		}
		var groups []group
		for _, kind := range []string{"province", "department", "district", "commune", "other"} {
			g := group{Kind: kind, Label: "kind_" + kind}
			for _, a := range v.Site.Agencies {
				k := a.Kind
				if k != "province" && k != "department" && k != "district" && k != "commune" {
					k = "other"
				}
				if k == kind {
					g.Agencies = append(g.Agencies, row{a, len(v.snap.AgencyNotices(a.Slug)), len(v.snap.AgencyDatasets(a.Slug))})
				}
			}
			if len(g.Agencies) > 0 {
				groups = append(groups, g)
			}
		}
		v.Data = map[string]any{"Groups": groups}
		return nil
	})
}

func (s *Server) agency(c echo.Context) error {
	slug := c.Param("agency")
	return s.page(c, "agency", func(v *view) error {
		a, ok := v.Site.Agency(slug)
		if !ok {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		v.Section = "agencies"
		v.Title = a.Name
		v.Feeds = feedLinks("/"+a.Slug, a.Name)
		ns, err := paginate(v, v.snap.AgencyNotices(slug), pageParam(c), pageSize)
		if err != nil {
			return err
		}
		var parent *content.Agency
		if a.Parent != "" {
			parent, _ = v.Site.Agency(a.Parent)
		}
		v.Data = map[string]any{
			"Agency":   a,
			"Notices":  ns,
			"Datasets": v.snap.AgencyDatasets(slug),
			"Parent":   parent,
			"Children": v.snap.Children(slug),
		}
		return nil
	})
}

func (s *Server) categories(c echo.Context) error {
	return s.page(c, "categories", func(v *view) error {
		v.Section = "categories"
		v.Title = v.T("categories")
		v.Data = map[string]any{"Categories": s.categoryCounts(v)}
		return nil
	})
}

func (s *Server) category(c echo.Context) error {
	cat := content.Category(c.Param("category"))
	return s.page(c, "category", func(v *view) error {
		if _, ok := cat.Info(); !ok {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		v.Section = "categories"
		v.Title = v.CategoryName(cat)
		v.Feeds = feedLinks("/danh-muc/"+string(cat), v.Title)
		ns, err := paginate(v, v.snap.CategoryNotices(cat), pageParam(c), pageSize)
		if err != nil {
			return err
		}
		v.Data = map[string]any{"Notices": ns, "Datasets": v.snap.CategoryDatasets(cat)}
		return nil
	})
}

func (s *Server) drafts(c echo.Context) error {
	return s.page(c, "drafts", func(v *view) error {
		v.Section = "drafts"
		v.Title = v.T("drafts")
		v.Feeds = feedLinks("/du-thao", v.Title)
		open, upcoming, closed := v.snap.Drafts(v.now)
		v.Data = map[string]any{"Open": open, "Upcoming": upcoming, "Closed": closed}
		return nil
	})
}

// contentPath serves what a path below an agency names: a notice, a dataset, or a file.
func (s *Server) contentPath(c echo.Context) error {
	p, ok := cleanContentPath(c.Param("agency") + "/" + c.Param("*"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	snap := s.deps.Portal.Snapshot()
	n, d := snap.Lookup(p)
	tomb, gone := snap.Tombstone(p)
	if n == nil && (d != nil || gone) && c.QueryParam("ngay") != "" {
		return s.datasetOn(c, p) // history.go
	}
	switch {
	case n != nil:
		return s.notice(c, n)
	case d != nil:
		return s.dataset(c, d)
	}
	if f, ok := snap.Site.Files[p]; ok {
		return s.file(c, f)
	}
	if gone {
		return s.gone(c, tomb)
	}
	return echo.NewHTTPError(http.StatusNotFound)
}

// cleanContentPath accepts only canonical slash paths inside the content folder.
func cleanContentPath(p string) (string, bool) {
	if p == "" || strings.Contains(p, "\\") || strings.Contains(p, "\x00") {
		return "", false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") {
			return "", false
		}
	}
	return p, true
}

// noticeView is a notice with its body, as the notice template sees it
// ({{.Data.Notice.HTML}}, {{.Data.Notice.Headings}} and every field of the notice):
// bodies are rendered when a page is, not kept in memory.
type noticeView struct {
	*content.Notice
	HTML     template.HTML
	Headings []content.Heading
	Partial  bool // the body is only the summary (content.Body.Partial)
}

type relatedItem struct {
	Path, Title, KindLabel string
	Date                   time.Time
}

func (s *Server) notice(c echo.Context, n *content.Notice) error {
	return s.page(c, "notice", func(v *view) error {
		a := v.Agency(n.Agency)
		if a == nil {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		body, err := n.Body()
		if errors.Is(err, fs.ErrNotExist) {
			// Deleted since the last reload, which is about to drop it.
			return echo.NewHTTPError(http.StatusNotFound)
		}
		if err != nil {
			return fmt.Errorf("notice %s: %w", n.Path, err)
		}
		v.Title = n.Title
		v.Description = n.Summary
		var rel []relatedItem
		for _, r := range n.Related {
			if rn, rd := v.snap.Lookup(r); rn != nil {
				rel = append(rel, relatedItem{rn.Path, rn.Title, "kind_notice", rn.Published})
			} else if rd != nil {
				rel = append(rel, relatedItem{rd.Path, rd.Title, "kind_dataset", rd.Updated})
			}
		}
		open := n.Comment.OpenAt(v.now)
		v.Data = map[string]any{
			"Notice":          noticeView{Notice: n, HTML: body.HTML, Headings: body.Headings, Partial: body.Partial},
			"Agency":          a,
			"Related":         rel,
			"CommentOpen":     open,
			"CommentUpcoming": n.Comment != nil && v.now.Before(n.Comment.Opens),
		}
		return nil
	})
}
