package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// handleError is the one place where errors become responses. Visitors get a kind
// page in their language with the request id; the log gets the cause, once.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var ge *goneErr // a withdrawn item (history.go)
	if errors.As(err, &ge) {
		if s.gone(c, ge.t) == nil {
			return
		}
	}
	code := http.StatusInternalServerError
	msg := ""
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code = he.Code
		if m, ok := he.Message.(string); ok && code < 500 {
			msg = m
		}
	}
	rid := requestID(c)
	c.Response().Header().Set(echo.HeaderXRequestID, rid)
	if code >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "status", code, "err", err, "request_id", rid)
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		if msg == "" {
			msg = http.StatusText(code)
		}
		c.JSON(code, map[string]any{"error": msg, "status": code, "request_id": rid})
		return
	}
	snap := s.deps.Portal.Snapshot()
	lang := s.lang(c)
	v := s.newView(c, snap, lang, s.now())
	v.Canonical = ""
	titleKey, textKey := "error_title_other", ""
	switch code {
	case http.StatusNotFound:
		titleKey, textKey = "error_title_404", "error_text_404"
	case http.StatusBadRequest, http.StatusForbidden, http.StatusRequestEntityTooLarge:
		titleKey = fmt.Sprintf("error_title_%d", code)
	case http.StatusTooManyRequests:
		titleKey, textKey = "error_title_429", "error_text_429"
	default:
		if code >= 500 {
			titleKey, textKey = "error_title_500", "error_text_500"
		}
	}
	v.Title = v.T(titleKey)
	text := msg
	if textKey != "" {
		text = v.T(textKey)
	}
	v.Data = map[string]any{"Code": code, "Text": text, "RequestID": rid}
	body, rerr := s.tmpl.render("error", v)
	if rerr != nil {
		s.log.Error("error page failed", "err", rerr, "request_id", rid)
		c.String(code, http.StatusText(code))
		return
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	c.HTMLBlob(code, body)
}

// recoverer turns a panic into a 500 through handleError, with the stack in the log.
func (s *Server) recoverer() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					err = fmt.Errorf("panic: %v", r)
					s.log.Error("panic", "err", err, "path", c.Request().URL.Path, "stack", stack())
				}
			}()
			return next(c)
		}
	}
}

func (s *Server) requestLogger() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			req, res := c.Request(), c.Response()
			lvl := slog.LevelDebug
			if res.Status >= 500 {
				lvl = slog.LevelWarn
			}
			if !s.log.Enabled(req.Context(), lvl) {
				return nil
			}
			s.log.Log(req.Context(), lvl, "request", "method", req.Method, "path", req.URL.Path,
				"status", res.Status, "bytes", res.Size, "took_ms", float64(time.Since(start).Microseconds())/1000,
				"request_id", requestID(c))
			return nil
		}
	}
}
