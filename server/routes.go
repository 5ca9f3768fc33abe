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

	// Content paths mirror the content folder; declared last so that every fixed
	// route above wins (echo matches static segments before parameters).
	e.GET("/:agency", s.agency)
	e.GET("/:agency/*", s.contentPath)
}
