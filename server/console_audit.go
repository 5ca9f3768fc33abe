package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/publish"
)

// auditPer is how many audit entries a page of the log shows.
const auditPer = 100

// auditPage is the publishing audit log of an agency (a site admin: of all,
// or of the agency chosen).
type auditPage struct {
	Entries  []auditRow
	Agency   string            // the agency shown; "" for all
	Agencies []*content.Agency // a site admin chooses one
	Next     int64             // the id to page from; 0 on the last page
}

// auditRow is an entry with who did it, in words.
type auditRow struct {
	publish.AuditEntry
	Who   string // the staff member's name, or the token's name
	Token bool
}

// consoleAudit lists the publishing actions: agency admins see their
// agency's, site admins everyone's; staff have none (404).
func (s *Server) consoleAudit(c echo.Context) error {
	ctx := c.Request().Context()
	scope, err := s.tokensScope(c)
	if err != nil {
		return err
	}
	ap := &auditPage{Agency: scope}
	snap := s.deps.Portal.Snapshot()
	if me(c).Role == feedback.RoleSiteAdmin {
		ap.Agencies = snap.Site.Agencies
		if a := c.QueryParam("co-quan"); a != "" {
			if _, ok := snap.Site.Agency(a); !ok {
				return echo.NewHTTPError(http.StatusNotFound)
			}
			ap.Agency = a
		}
	}
	var before int64
	if v := c.QueryParam("truoc"); v != "" {
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before < 1 {
			return echo.NewHTTPError(http.StatusBadRequest, "truoc: not an entry number")
		}
	}
	entries, err := s.pub.store.AuditLog(ctx, ap.Agency, before, auditPer+1)
	if err != nil {
		return err
	}
	if len(entries) > auditPer {
		entries = entries[:auditPer]
		ap.Next = entries[auditPer-1].ID
	}
	// Names of every account (a site admin may act on any agency) and of
	// the tokens of the agencies shown.
	names, _, err := s.staffNames(c, "")
	if err != nil {
		return err
	}
	tokens, err := s.pub.store.Tokens(ctx, ap.Agency)
	if err != nil {
		return err
	}
	tokenNames := map[string]string{}
	for _, t := range tokens {
		tokenNames[publish.TokenActor(t.ID)] = t.Name
	}
	for _, e := range entries {
		r := auditRow{AuditEntry: e, Who: e.Actor}
		if kind, id, ok := strings.Cut(e.Actor, ":"); ok {
			n, _ := strconv.ParseInt(id, 10, 64)
			switch kind {
			case "staff":
				if name, ok := names[n]; ok {
					r.Who = name
				}
			case "token":
				r.Token = true
				if name, ok := tokenNames[e.Actor]; ok {
					r.Who = name
				}
			}
		}
		ap.Entries = append(ap.Entries, r)
	}
	return s.renderStaff(c, http.StatusOK, "console_audit", "Nhật ký xuất bản", &staffPage{Data: ap})
}
