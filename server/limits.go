package server

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"
)

// maxRequestURI bounds the request target (path and query string) in bytes. Every
// URL the portal makes is far shorter; a longer one is refused before routing, so
// it never reaches a handler, a cache key or the log.
const maxRequestURI = 8 << 10

// checkRequest is the first middleware (before routing). It refuses a request
// target longer than maxRequestURI (414) and a query string that does not parse
// (400): bad percent-encoding, or more parameters than net/url accepts (10,000;
// net/url drops them all silently, and a search would then run unfiltered).
func checkRequest(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if len(r.RequestURI) > maxRequestURI || len(r.URL.RawQuery) > maxRequestURI {
			return echo.NewHTTPError(http.StatusRequestURITooLong, "địa chỉ quá dài")
		}
		if r.URL.RawQuery != "" {
			if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
				return echo.NewHTTPError(http.StatusBadRequest, "tham số địa chỉ không hợp lệ")
			}
		}
		return next(c)
	}
}

// localPath returns next when it is a path on this site, re-encoded, and false
// otherwise. Browsers drop tabs and line breaks from URLs and read a backslash
// as a slash, so "/\t/evil.example" or "/\\evil.example" would leave the site:
// control characters, spaces and backslashes are refused anywhere.
func localPath(next string) (string, bool) {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "", false
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return "", false
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "", false
	}
	// The decoded path must not turn into "//..." or "/\..." either.
	for _, r := range u.Path {
		if r < 0x20 || r == 0x7f || r == '\\' || unicode.IsSpace(r) {
			return "", false
		}
	}
	out := u.EscapedPath()
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	return out, true
}

// scheme is the request's scheme: https when it came over TLS, or through a
// trusted proxy that says so (X-Forwarded-Proto); http otherwise. Forwarded
// headers from anyone else are ignored.
func (s *Server) scheme(c echo.Context) string {
	r := c.Request()
	if r.TLS != nil {
		return "https"
	}
	if len(s.deps.TrustedProxies) > 0 && s.fromTrustedProxy(r) {
		if p := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get(echo.HeaderXForwardedProto), ",")[0])); p == "https" || p == "http" {
			return p
		}
	}
	return "http"
}

// fromTrustedProxy tells whether the TCP peer is one of the trusted proxies.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range s.deps.TrustedProxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// requestHost is the request's Host in lower case when it is a plain host name
// or address with an optional port, and "" otherwise.
func requestHost(r *http.Request) string {
	h := strings.ToLower(r.Host)
	if h == "" || len(h) > 255 {
		return ""
	}
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == ':', r == '[', r == ']':
		default:
			return ""
		}
	}
	return h
}

// headAsGet answers HEAD wherever GET works (RFC 9110): the request is routed as
// GET, so the headers are the same (ETag, Last-Modified, Content-Length, 304 to a
// conditional request), and net/http, which still holds the original HEAD
// request, sends no body.
func headAsGet(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			get := r.Clone(r.Context())
			get.Method = http.MethodGet
			r = get
		}
		h.ServeHTTP(w, r)
	})
}
