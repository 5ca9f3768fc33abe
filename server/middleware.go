package server

import (
	"crypto/rand"
	"encoding/hex"
	"runtime/debug"
	"strconv"
	"sync/atomic"

	"github.com/labstack/echo/v4"
)

// contentSecurityPolicy allows nothing from other origins and no inline script or style.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// baseHeaders are set on every response. (No X-Frame-Options: the policy's
// frame-ancestors 'none' replaces it in every browser that still gets updates.) The keys are already canonical, so they
// are assigned without Header.Set's canonicalisation, and the value slices are
// shared (net/http only reads them).
var baseHeaders = map[string][]string{
	"Content-Security-Policy":    {contentSecurityPolicy},
	"X-Content-Type-Options":     {"nosniff"},
	"Referrer-Policy":            {"strict-origin-when-cross-origin"},
	"Permissions-Policy":         {"camera=(), microphone=(), geolocation=()"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
}

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		for k, v := range baseHeaders {
			h[k] = v
		}
		return next(c)
	}
}

// requestIDs makes request ids unique within the process and across restarts
// (a random prefix) without a random read per request.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return &requestIDs{prefix: hex.EncodeToString(b[:])}
}

func (r *requestIDs) next() string {
	return r.prefix + "-" + strconv.FormatUint(r.n.Add(1), 36)
}

// middleware gives every request an id, for the log and for error pages (where
// it is also sent as X-Request-Id); successful answers do not carry it.
func (r *requestIDs) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(requestIDKey, r.next())
		return next(c)
	}
}

const requestIDKey = "request_id"

// requestID is the id the middleware gave the request ("" outside it).
func requestID(c echo.Context) string {
	id, _ := c.Get(requestIDKey).(string)
	return id
}

func stack() string { return string(debug.Stack()) }
