package server

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/themes"
)

// Deps is everything the server needs, passed in by main.
type Deps struct {
	Log    *slog.Logger
	Portal *portal.Portal
	Theme  *themes.Theme
	// BaseURL is the public address without trailing slash ("https://congkhai.example.gov.vn").
	// When empty, site.yaml's base_url is used, then the request's own host.
	BaseURL string
	// Version is shown by /healthz.
	Version string

	// Feedback is the citizens' feedback store; nil serves no feedback pages.
	Feedback *feedback.Store
	// RateLimit is how many public submissions (feedback, ratings, staff
	// logins) one client address may send per minute, with a burst of as many;
	// 0 turns the limit off (load tests).
	RateLimit int
	// TrustedProxies are the networks of reverse proxies whose X-Forwarded-For
	// is believed; without them the client address is the TCP peer.
	TrustedProxies []*net.IPNet
	// Secret keys the hash of client addresses stored with submissions; a
	// random key is used when empty (hashes then change at each start).
	Secret []byte
	// Alerts sends email alerts of lists (see AlertsConfig, RunAlerts); nil
	// when mail is not configured: the subscribe form then says alerts are off.
	Alerts *feedback.Alerts
	// PublishMaxFile and PublishMaxRequest bound what the publishing console
	// and API accept: one uploaded file, and a whole request with its files
	// (DefaultPublishMaxFile and DefaultPublishMaxRequest when zero).
	PublishMaxFile, PublishMaxRequest int64
}

// Server is the HTTP side of the portal.
type Server struct {
	deps    Deps
	log     *slog.Logger
	e       *echo.Echo
	handler http.Handler // e, answering HEAD as GET
	tmpl    *renderer
	cache   *pageCache
	feeds   feedCache      // rendered feeds (feeds.go); the zero value is ready
	fb      *feedbackState // feedback and staff console state, set by setupFeedback
	pub     *publishState  // publishing console and API state, set by setupPublishing

	accRatings ratingsCache // citizens' ratings for the accountability pages (accountability.go)
	lookup     *lookupState // the dossier lookup's limit (accountability_lookup.go)
}

// New builds the server and parses every template, so a broken theme fails here,
// at start, rather than in front of a visitor.
func New(d Deps) (*Server, error) {
	if d.Log == nil || d.Portal == nil || d.Theme == nil {
		return nil, errors.New("server: Log, Portal and Theme are required")
	}
	r, err := newRenderer(d.Theme)
	if err != nil {
		return nil, err
	}
	s := &Server{deps: d, log: d.Log, tmpl: r, cache: newPageCache(4096)}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	// Never trust X-Forwarded-For or X-Real-IP unless a proxy is configured: the
	// client address is the TCP peer.
	e.IPExtractor = echo.ExtractIPDirect()
	if len(d.TrustedProxies) > 0 {
		e.IPExtractor = trustedProxyExtractor(d.TrustedProxies)
	}
	e.HTTPErrorHandler = s.handleError
	e.Pre(checkRequest)
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	ids := newRequestIDs()
	e.Use(ids.middleware)
	e.Use(s.recoverer())
	e.Use(s.requestLogger())
	e.Use(securityHeaders)
	// Uploads of the publishing console and API have their own bounds.
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: uploadRoute}))
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 1024, Skipper: skipGzip}))
	s.e = e
	s.handler = headAsGet(e)
	s.routes()
	d.Portal.Accountability() // starts computing the accountability pages' figures
	return s, nil
}

// Handler returns the server as an http.Handler; it answers HEAD like GET
// without the body.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) now() time.Time { return s.deps.Portal.Now() }

// skipGzip leaves files and downloads as they are: compressing a PDF, an XLSX or a
// big table export costs CPU for little gain. Pages, feeds, JSON and theme CSS are
// compressed.
func skipGzip(c echo.Context) bool {
	p := c.Request().URL.Path
	last := p[strings.LastIndex(p, "/")+1:]
	switch path.Ext(last) {
	case ".ttl", ".jsonld", ".rdf": // the DCAT-AP catalog and datasets
		return false
	}
	if last == "datapackage.json" {
		return false
	}
	if strings.HasPrefix(p, "/tai-ve/") {
		return true
	}
	if strings.HasPrefix(p, "/static/") {
		return false
	}
	return strings.Contains(last, ".") && !isFeedName(last) && last != "sitemap.xml"
}
