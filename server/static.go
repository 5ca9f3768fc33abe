package server

import (
	"io"
	"io/fs"
	"net/http"
	"path"
	"time"

	"github.com/labstack/echo/v4"
)

// static serves fingerprinted theme files for a year: their name changes with their content.
func (s *Server) static(c echo.Context) error {
	name := c.Param("file")
	p, ok := s.deps.Theme.StaticFile(name)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	f, err := s.deps.Theme.FS().Open(p)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := fs.ReadFile(s.deps.Theme.FS(), p)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, contentTypeOf(p), b)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set(echo.HeaderContentType, contentTypeOf(p))
	http.ServeContent(c.Response(), c.Request(), path.Base(p), time.Time{}, rs)
	return nil
}

func contentTypeOf(p string) string {
	switch path.Ext(p) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".woff2":
		return "font/woff2"
	}
	return "application/octet-stream"
}
