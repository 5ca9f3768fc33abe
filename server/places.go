package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/portal"
)

// Places and tags: the lists of what concerns one commune, district or province,
// and of what carries one tag, each with its feeds.

func (s *Server) places(c echo.Context) error {
	return s.page(c, "places", func(v *view) error {
		v.Section = "places"
		v.Title = v.T("places")
		var groups []termGroup
		for _, level := range []string{portal.LevelProvince, portal.LevelDistrict, portal.LevelCommune} {
			g := termGroup{Label: "level_" + level}
			for _, t := range v.snap.Places() {
				if t.Level == level {
					g.Terms = append(g.Terms, t)
				}
			}
			if len(g.Terms) > 0 {
				groups = append(groups, g)
			}
		}
		v.Data = map[string]any{"Groups": groups, "Base": "/dia-ban/"}
		return nil
	})
}

func (s *Server) tags(c echo.Context) error {
	return s.page(c, "places", func(v *view) error {
		v.Section = "tags"
		v.Title = v.T("tags")
		v.Data = map[string]any{"Groups": []termGroup{{Terms: v.snap.Tags()}}, "Base": "/the/"}
		return nil
	})
}

type termGroup struct {
	Label string
	Terms []*portal.Term
}

func (s *Server) place(c echo.Context) error {
	slug := c.Param("place")
	return s.page(c, "place", func(v *view) error {
		t, ok := v.snap.Place(slug)
		if !ok {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		return s.termPage(c, v, t, "/dia-ban", v.T("places"))
	})
}

func (s *Server) tag(c echo.Context) error {
	slug := c.Param("tag")
	return s.page(c, "place", func(v *view) error {
		t, ok := v.snap.Tag(slug)
		if !ok {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		return s.termPage(c, v, t, "/the", v.T("tags"))
	})
}

// termPage fills the page of a place or a tag: its notices (paged) and datasets.
func (s *Server) termPage(c echo.Context, v *view, t *portal.Term, parent, parentLabel string) error {
	v.Title = t.Name
	ns, err := paginate(v, t.Notices, pageParam(c), pageSize)
	if err != nil {
		return err
	}
	v.Feeds = feedLinks(parent+"/"+t.Slug, t.Name)
	v.Data = map[string]any{"Term": t, "Notices": ns, "Datasets": t.Datasets, "Parent": parent, "ParentLabel": parentLabel}
	return nil
}

// PlaceURL is the page of the most specific part of a place ("" when it has none).
func (v *view) PlaceURL(p content.Place) string {
	for _, name := range []string{p.Commune, p.District, p.Province} {
		if slug := content.Slugify(name); slug != "" {
			return "/dia-ban/" + slug
		}
	}
	return ""
}

// TagURL is the page of a tag.
func (v *view) TagURL(tag string) string { return "/the/" + content.Slugify(tag) }
