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
	// Open data: the CKAN API, DCAT-AP, Data Package (opendata_routes.go).
	od := s.openDataRoutes()

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

	s.historyRoutes()
	s.setupPublishing()
	s.consoleRoutes()
	s.publishRoutes()

	// Content paths mirror the content folder; declared last so that every fixed
	// route above wins (echo matches static segments before parameters).
	e.GET("/:agency", s.agency)
	e.GET("/:agency/*", od.datasetRDF(s.contentPath))
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

// historyRoutes: the public record of every notice and dataset (history.go).
// Static segments under the content paths' parameters, so they win over
// them; without a record there are none (the paths answer 404).
func (s *Server) historyRoutes() {
	if s.deps.Portal.Publisher() == nil {
		return
	}
	e := s.e
	e.GET("/:agency/:dataset/lich-su", s.history)
	e.GET("/:agency/:dataset/lich-su/so-sanh", s.historyDiff)
	e.GET("/:agency/:dataset/lich-su/:n/*", s.versionFile)
}

// consoleRoutes: the publishing console (console.go), for signed-in staff,
// with the CSRF guard; the session is checked before a request's body is
// read, and uploads have their own bounds (uploadGuard). Without a record
// or staff accounts there is none.
func (s *Server) consoleRoutes() {
	if s.pub == nil {
		return
	}
	g := s.e.Group("/staff/xuat-ban", staffHeaders, s.requireStaff, s.uploadGuard, s.fb.csrf.middleware)
	g.GET("", s.consoleList)
	g.GET("/moi", s.consoleNew)
	g.GET("/sua", s.consoleCorrect)
	g.POST("/luu", s.consoleSave)
	g.GET("/rut", s.consoleWithdrawForm)
	g.POST("/rut", s.consoleWithdraw)
	g.GET("/nhap/:id", s.consoleDraftPage)
	g.GET("/nhap/:id/sua", s.consoleEditDraft)
	g.GET("/nhap/:id/xem-truoc", s.consolePreview)
	g.POST("/nhap/:id/:action", s.consoleDraftAction)
	g.GET("/khoa", s.consoleTokens)
	g.POST("/khoa", s.consoleTokenCreate)
	g.POST("/khoa/:id/thu-hoi", s.consoleTokenRevoke)
	g.GET("/nhat-ky", s.consoleAudit)
}

// publishRoutes: the OpenAPI document, and the publishing API
// (api_publish.go) for agencies' API tokens: no cookies, so no CSRF guard;
// rate-limited per client address before the token is looked up; uploads
// bounded (uploadGuard). Without a record there is no API.
func (s *Server) publishRoutes() {
	s.e.GET("/api/openapi.json", s.openAPI)
	if s.pub == nil {
		return
	}
	mw := []echo.MiddlewareFunc{s.apiErrors}
	if s.pub.apiLimit != nil {
		mw = append(mw, s.pub.apiLimit)
	}
	mw = append(mw, s.tokenAuth, s.uploadGuard)
	g := s.e.Group("/api/publish/v1", mw...)
	g.GET("/items", s.apiItems)
	g.GET("/items/:agency/:slug", s.apiItem)
	g.POST("/items/:agency/:slug/:action", s.apiChange)
	g.GET("/drafts/:id", s.apiGetDraft)
	g.PUT("/drafts/:id", s.apiUpdateDraft)
	g.DELETE("/drafts/:id", s.apiDeleteDraft)
	g.POST("/drafts/:id/:action", s.apiDraftAction)
}

// accountabilityRoutes declares the accountability pages, feeds and API.
func (s *Server) accountabilityRoutes() {
	e := s.e
	e.GET(accPrefix, s.accOverview)
	e.GET(accPrefix+"/qua-han", s.accLate)
	e.GET(accPrefix+"/cong-khai", s.accObligations)
	e.GET(accPrefix+"/:agency", s.accAgency)
	e.GET(accPrefix+"/:agency/qua-han", s.accLate)
	feedRoutes(e, accPrefix+"/qua-han", s.accFeed)
	feedRoutes(e, accPrefix+"/cong-khai", s.accFeed)
	feedRoutes(e, accPrefix+"/:agency/qua-han", s.accFeed)
	feedRoutes(e, accPrefix+"/:agency/cong-khai", s.accFeed)
	s.lookupRoutes()
	e.GET("/api/trach-nhiem", s.apiAccountability)
	e.GET("/api/trach-nhiem/qua-han", s.apiLate)
	e.GET("/api/trach-nhiem/:agency", s.apiAccountability)
}

// lookupRoutes: the dossier lookup, by exact code, rate-limited per client
// address when a code is asked (accountability_lookup.go).
func (s *Server) lookupRoutes() {
	s.lookup = &lookupState{limit: rateLimiter(lookupPerMinute(s.deps.RateLimit))}
	mw := []echo.MiddlewareFunc{middleware.BodyLimit("4K"), s.lookupLimit}
	page := mw
	if s.fb != nil {
		page = append(page[:len(page):len(page)], s.fb.csrf.middleware) // the form carries a token
	}
	s.e.GET("/tra-cuu-ho-so", s.lookupPage, page...)
	s.e.POST("/tra-cuu-ho-so", s.lookupPage, page...)
	s.e.GET("/api/ho-so", s.apiLookup, mw...)
}
