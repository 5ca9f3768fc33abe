package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// routes declares every route of the portal in one place.
func (s *Server) routes() {
	e := s.e
	e.GET("/healthz", s.healthz)
	e.GET("/robots.txt", s.robots)
	e.GET("/sitemap.xml", s.sitemap)
	e.GET("/static/:file", s.static)
	e.GET("/favicon.ico", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, s.deps.Theme.StaticURL("favicon.svg"))
	})
	e.GET("/lang", s.setLanguage)

	e.GET("/", s.home)
	e.GET("/co-quan", s.agencies)
	e.GET("/danh-muc", s.categories)
	e.GET("/danh-muc/:category", s.category)
	e.GET("/du-thao", s.drafts)
	e.GET("/tai-ve/:agency/:dataset/:file", s.download)
	s.feedbackRoutes()
	s.alertRoutes() // after feedbackRoutes: alerts use its CSRF guard and rate limit

	e.GET("/search", s.searchPage)
	e.GET("/tim-kiem", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, "/search?"+c.QueryString())
	})
	e.GET("/api/search", s.apiSearch)
	e.GET("/api/suggest", s.apiSuggest)
	for _, f := range feedFormats {
		e.GET("/search."+f.ext, s.searchFeed)
	}
	feedRoutes(e, "/hoi-dap", s.qaFeed)

	// Places and tags (places.go), and the feeds of every list (feeds.go). The
	// feed routes of agencies and datasets are static segments under parameters,
	// so they win over the content paths below.
	e.GET("/dia-ban", s.places)
	e.GET("/dia-ban/:place", s.place)
	e.GET("/the", s.tags)
	e.GET("/the/:tag", s.tag)
	feedRoutes(e, "", s.listFeedHandler)
	feedRoutes(e, "/du-thao", s.listFeedHandler)
	feedRoutes(e, "/danh-muc/:category", s.listFeedHandler)
	feedRoutes(e, "/dia-ban/:place", s.listFeedHandler)
	feedRoutes(e, "/the/:tag", s.listFeedHandler)
	feedRoutes(e, "/:agency", s.listFeedHandler)
	feedRoutes(e, "/:agency/:dataset", s.listFeedHandler)

	// Content paths mirror the content folder; declared last so that every fixed
	// route above wins (echo matches static segments before parameters).
	e.GET("/:agency", s.agency)
	e.GET("/:agency/*", s.contentPath)
}
