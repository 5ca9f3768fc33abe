package server

import (
	"crypto/rand"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// CSRF protection of every form (citizens' and staff's): echo's middleware
// with a double-submit token. The token lives in an HttpOnly, SameSite=Lax
// cookie ("csrf", Secure as every cookie of the portal, see secureCookies)
// and is repeated in each form's hidden "csrf" field (or an X-CSRF-Token
// header); a POST without the pair is refused with 403. Browsers that send
// Sec-Fetch-Site are also judged by it: same-origin passes, cross-site is
// refused. The token is replaced at sign-in and sign-out (rotate), so that a
// token planted or seen before either is worth nothing after it. The JSON API
// for other programs (POST /api/feedback) is exempt: it uses no cookie, and a
// browser page on another site cannot send Content-Type: application/json
// without a CORS preflight, which the portal never grants, so it cannot be
// abused from a visitor's browser.
type csrfGuard struct {
	plain, secure echo.MiddlewareFunc
	isSecure      func(c echo.Context) bool // whether the request's cookies are Secure
}

const (
	csrfField  = "csrf"
	csrfMaxAge = 12 * time.Hour
)

func newCSRFGuard(isSecure func(c echo.Context) bool) *csrfGuard {
	cfg := func(secure bool) echo.MiddlewareFunc {
		return middleware.CSRFWithConfig(middleware.CSRFConfig{
			TokenLookup:    "form:" + csrfField + ",header:" + echo.HeaderXCSRFToken,
			ContextKey:     csrfField,
			CookieName:     csrfField,
			CookiePath:     "/",
			CookieMaxAge:   int(csrfMaxAge / time.Second),
			CookieHTTPOnly: true,
			CookieSameSite: http.SameSiteLaxMode,
			CookieSecure:   secure,
			ErrorHandler: func(err error, c echo.Context) error {
				// Missing and wrong tokens alike: 403, with a page that says to reload the form.
				return echo.NewHTTPError(http.StatusForbidden, "Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và gửi lại.")
			},
		})
	}
	return &csrfGuard{plain: cfg(false), secure: cfg(true), isSecure: isSecure}
}

// middleware picks the cookie's Secure flag per request.
func (g *csrfGuard) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	plain, secure := g.plain(next), g.secure(next)
	return func(c echo.Context) error {
		if g.isSecure(c) {
			return secure(c)
		}
		return plain(c)
	}
}

// rotate gives the visitor a new token: the cookie set by the middleware for
// this response (the old token) is replaced by one with a new random token,
// which the page rendered next (after the redirect) puts in its forms.
func (g *csrfGuard) rotate(c echo.Context) {
	h := c.Response().Header()
	cookies := h.Values(echo.HeaderSetCookie)
	h.Del(echo.HeaderSetCookie)
	for _, v := range cookies {
		if !strings.HasPrefix(v, csrfField+"=") {
			h.Add(echo.HeaderSetCookie, v)
		}
	}
	token := rand.Text()
	c.SetCookie(&http.Cookie{
		Name: csrfField, Value: token, Path: "/", Expires: time.Now().Add(csrfMaxAge),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: g.isSecure(c),
	})
	c.Set(csrfField, token)
}

// secureCookies reports whether the cookies set in answer to the request
// (session, CSRF, language) must be Secure: when the portal's public address
// is https — --base-url, else site.yaml's base_url — or the request came
// over TLS, directly or through a trusted proxy (Server.scheme). Behind a TLS-terminating proxy that is not listed in
// --trusted-proxies, the public address is what tells.
func (s *Server) secureCookies(c echo.Context) bool {
	base := s.deps.BaseURL
	if base == "" {
		base = s.deps.Portal.Snapshot().Site.Config.BaseURL
	}
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(base)), "https://") || s.scheme(c) == "https"
}

// csrfToken is the token to put in the page's forms.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfField).(string)
	return t
}
