package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// healthProblems bounds the content problems /healthz lists (all are counted).
const healthProblems = 50

// healthz answers whether the portal serves, and what it refused or repaired:
// the content problems (files not published as they are, each as
// "path:line: message"; the paths are the content folder's, public anyway),
// the search index's state, repair and checks, and how far the portal follows
// the publishing record.
func (s *Server) healthz(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	ix := s.deps.Portal.IndexStatus()
	ih := s.deps.Portal.IndexHealth()
	index := map[string]any{
		"enabled": ix.Enabled, "synced": ix.Synced, "docs": ix.Docs, "error": ix.Err,
		"repaired": ih.Repaired, "damaged": ih.Damaged, "fallbacks": ih.Fallbacks,
		"checked_segments": ih.Checked.Segments, "check_ms": ih.Checked.Took.Milliseconds(),
	}
	// Guesses (what the table reader was not sure of, published as shown) are
	// counted apart from the problems.
	problems := []string{}
	errs, guesses := 0, 0
	for _, p := range snap.Problems {
		if p.Guess {
			guesses++
			continue
		}
		if errs++; len(problems) < healthProblems {
			problems = append(problems, p.String())
		}
	}
	// The publishing record: whether the portal follows it, has caught up
	// once, and the last version it applied to the folder.
	rs := s.deps.Portal.RecordStatus()
	record := map[string]any{"enabled": rs.Enabled, "ready": rs.Ready, "version": rs.Version, "items": rs.Items}
	return c.JSON(http.StatusOK, map[string]any{
		"status":       "ok",
		"index":        index,
		"record":       record,
		"version":      s.deps.Version,
		"generation":   snap.Gen,
		"notices":      len(snap.Site.Notices),
		"datasets":     len(snap.Site.Datasets),
		"problems":     errs,
		"guesses":      guesses,
		"problem_list": problems,
	})
}
