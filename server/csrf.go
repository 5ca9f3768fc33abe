package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// CSRF protection of every form (citizens' and staff's): echo's middleware
// with a double-submit token. The token lives in an HttpOnly, SameSite=Lax
// cookie ("csrf", Secure when the portal is reached over HTTPS) and is
// repeated in each form's hidden "csrf" field (or an X-CSRF-Token header);
// a POST without the pair is refused with 403. Browsers that send
// Sec-Fetch-Site are also judged by it: same-origin passes, cross-site is
// refused. The JSON API for other programs (POST /api/feedback) is exempt: it
// uses no cookie, and a browser page on another site cannot send
// Content-Type: application/json without a CORS preflight, which the portal
// never grants, so it cannot be abused from a visitor's browser.
type csrfGuard struct {
	plain, secure echo.MiddlewareFunc
	secureBase    bool // the public address is https
}

const csrfField = "csrf"

func newCSRFGuard(baseURL string) *csrfGuard {
	cfg := func(secure bool) echo.MiddlewareFunc {
		return middleware.CSRFWithConfig(middleware.CSRFConfig{
			TokenLookup:    "form:" + csrfField + ",header:" + echo.HeaderXCSRFToken,
			ContextKey:     csrfField,
			CookieName:     csrfField,
			CookiePath:     "/",
			CookieMaxAge:   12 * 3600,
			CookieHTTPOnly: true,
			CookieSameSite: http.SameSiteLaxMode,
			CookieSecure:   secure,
			ErrorHandler: func(err error, c echo.Context) error {
				// Missing and wrong tokens alike: 403, with a page that says to reload the form.
				return echo.NewHTTPError(http.StatusForbidden, "Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và gửi lại.")
			},
		})
	}
	return &csrfGuard{plain: cfg(false), secure: cfg(true), secureBase: strings.HasPrefix(baseURL, "https://")}
}

// middleware picks the cookie's Secure flag per request.
func (g *csrfGuard) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	plain, secure := g.plain(next), g.secure(next)
	return func(c echo.Context) error {
		if g.secureBase || isHTTPS(c) {
			return secure(c)
		}
		return plain(c)
	}
}

// isHTTPS reports whether the visitor reached the portal over TLS: directly,
// or through a trusted proxy that says so (X-Forwarded-Proto is only believed
// when the client address came from X-Forwarded-For, i.e. a proxy is
// configured and the peer is one).
func isHTTPS(c echo.Context) bool {
	if c.IsTLS() {
		return true
	}
	r := c.Request()
	if c.RealIP() != directIP(r) {
		return r.Header.Get(echo.HeaderXForwardedProto) == "https"
	}
	return false
}

func directIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// csrfToken is the token to put in the page's forms.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfField).(string)
	return t
}
