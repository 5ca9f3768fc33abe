package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) healthz(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	ix := s.deps.Portal.IndexStatus()
	return c.JSON(http.StatusOK, map[string]any{
		"status":     "ok",
		"index":      map[string]any{"enabled": ix.Enabled, "synced": ix.Synced, "docs": ix.Docs, "error": ix.Err},
		"version":    s.deps.Version,
		"generation": snap.Gen,
		"notices":    len(snap.Site.Notices),
		"datasets":   len(snap.Site.Datasets),
		"problems":   len(snap.Problems),
	})
}
