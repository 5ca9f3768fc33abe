package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes declares every route of the portal, in one place. HEAD is answered
// wherever GET is (headAsGet).
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

	s.setupFeedback()
	s.feedbackRoutes()
	s.alertRoutes()

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

	s.accountabilityRoutes()

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

// feedbackRoutes: the citizens' feedback pages (feedback.go), the JSON API and
// the staff console (staff.go). Forms carry the CSRF guard; posts are bounded
// in size and rate-limited per client address. Without a store there are none.
func (s *Server) feedbackRoutes() {
	if s.fb == nil {
		return
	}
	e := s.e
	csrf := s.fb.csrf.middleware
	post := []echo.MiddlewareFunc{middleware.BodyLimit(maxFeedbackBody)}
	if s.fb.limit != nil {
		post = append(post, s.fb.limit)
	}
	e.GET("/feedback", s.feedbackForm, csrf)
	e.POST("/feedback", s.feedbackSubmit, append(post, csrf)...)
	e.GET("/feedback/stats", s.feedbackStats)
	e.GET("/feedback/qa", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/hoi-dap") })
	e.GET("/hoi-dap", s.feedbackQA)
	e.GET("/hoi-dap/:id", s.feedbackQAItem)
	e.GET("/feedback/:code", s.feedbackTrack, csrf)
	e.POST("/feedback/:code/rate", s.feedbackRate, append(post, csrf)...)
	// JSON only, no cookies: exempt from CSRF (see docs/architecture.md).
	e.POST("/api/feedback", s.apiFeedback, post...)

	g := e.Group("/staff", staffHeaders, csrf)
	g.GET("", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/staff/inbox") })
	g.GET("/login", s.staffLoginForm)
	login := []echo.MiddlewareFunc{middleware.BodyLimit("16K")}
	if s.fb.loginLimit != nil {
		login = append(login, s.fb.loginLimit)
	}
	g.POST("/login", s.staffLogin, login...)
	a := g.Group("", s.requireStaff, middleware.BodyLimit(maxFeedbackBody))
	a.POST("/logout", s.staffLogout)
	a.GET("/inbox", s.staffInbox)
	a.GET("/s/:id", s.staffSubmission)
	a.POST("/s/:id/:action", s.staffAction)
	a.GET("/accounts", s.staffAccounts)
	a.POST("/accounts", s.staffAccountAdd)
	a.POST("/accounts/:id/:action", s.staffAccountAction)
}

// alertRoutes: email alerts of lists (alerts.go), with feedback's CSRF guard
// and rate limit. Without a store or mail, the form says alerts are off.
func (s *Server) alertRoutes() {
	e := s.e
	if s.fb == nil || s.deps.Alerts == nil {
		e.GET("/theo-doi", s.alertForm)
		return
	}
	csrf := s.fb.csrf.middleware
	post := []echo.MiddlewareFunc{middleware.BodyLimit("8K")}
	if s.fb.limit != nil {
		post = append(post, s.fb.limit)
	}
	e.GET("/theo-doi", s.alertForm, csrf)
	e.POST("/theo-doi", s.alertSubscribe, append(post, csrf)...)
	e.GET("/theo-doi/xac-nhan", s.alertTokenPage("confirm"), csrf)
	e.POST("/theo-doi/xac-nhan", s.alertConfirm, append(post, csrf)...)
	e.GET("/theo-doi/huy", s.alertTokenPage("unsubscribe"), csrf)
	e.POST("/theo-doi/huy", s.alertUnsubscribe, append(post, csrf)...)
}

// feedRoutes declares the three feed formats of a list.
func feedRoutes(e *echo.Echo, prefix string, h echo.HandlerFunc) {
	for _, f := range feedFormats {
		e.GET(prefix+"/feed."+f.ext, h)
	}
}
