package server

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"
)

// trustedProxyExtractor takes the client address from X-Forwarded-For, but
// only the hops added by the configured proxies: walking the header from the
// right, the first address that is not one of them is the client. Loopback
// and private networks are not trusted unless listed, so a visitor who
// reaches the server directly and forges the header is still seen as the TCP
// peer.
func trustedProxyExtractor(nets []*net.IPNet) echo.IPExtractor {
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range nets {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// ParseProxies reads a comma-separated list of CIDR networks or single
// addresses ("10.0.0.0/8, 192.0.2.7"), for --trusted-proxies.
func ParseProxies(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			ip := net.ParseIP(part)
			if ip == nil {
				return nil, &net.ParseError{Type: "IP address", Text: part}
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// clientKey is the rate-limit identity of a request: its client address
// (see Deps.TrustedProxies), IPv6 addresses grouped by /64 since one
// subscriber usually holds a whole /64.
func clientKey(c echo.Context) string {
	ip := net.ParseIP(c.RealIP())
	if ip == nil {
		return c.RealIP()
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}

// rateLimiter allows perMinute requests a minute per client, with a burst of
// as many; nil (no limit) when perMinute ≤ 0. Refused requests get 429 with
// Retry-After, through the error handler (JSON under /api/).
func rateLimiter(perMinute int) echo.MiddlewareFunc {
	if perMinute <= 0 {
		return nil
	}
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate:      rate.Limit(float64(perMinute) / 60),
		Burst:     perMinute,
		ExpiresIn: 3 * time.Minute,
	})
	retry := strconv.Itoa(max(1, 60/perMinute))
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               store,
		IdentifierExtractor: func(c echo.Context) (string, error) { return clientKey(c), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", retry)
			return echo.NewHTTPError(http.StatusTooManyRequests, "too many requests, try again later")
		},
	})
}
