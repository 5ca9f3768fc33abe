package server

// The dossier lookup: a citizen types the code on her appointment slip and
// sees where her dossier stands. It answers exact codes only, lists none,
// is rate-limited per client address, and answers an unknown code with the
// same page, status and work as a known one (one binary search in the sorted
// codes, one render of the same template), so that trying codes teaches
// nothing but what the rate limit allows. Nothing personal is shown: the
// exports' personal columns were never read.

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/dossier"
)

// lookupState is the lookup's rate limit.
type lookupState struct {
	limit echo.MiddlewareFunc // nil when off
}

// lookupPerMinute is the lookups one client may make per minute: a citizen
// tries her code a few times; a program trying codes gets 10 a minute.
func lookupPerMinute(submissions int) int {
	if submissions <= 0 {
		return 0
	}
	return max(10, 2*submissions)
}

// lookupLimit applies the rate limit to requests that carry a code; the
// empty form costs nothing.
func (s *Server) lookupLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.lookup.limit == nil || lookupCode(c) == "" {
			return next(c)
		}
		return s.lookup.limit(next)(c)
	}
}

// lookupCode is the code a request asks for: ?ma= or the form's ma.
func lookupCode(c echo.Context) string {
	code := c.QueryParam("ma")
	if c.Request().Method == http.MethodPost {
		code = c.FormValue("ma")
	}
	return strings.TrimSpace(code)
}

// lookupView is what the lookup page shows.
type lookupView struct {
	CSRF     string // the form's token
	Asked    bool   // a code was given
	Code     string // as typed, for the form
	Invalid  bool   // not a code at all (empty after normalising, too long)
	Found    []lookupItem
	Waiting  bool // the figures are being computed
	Day      dossier.Day
	Apology  int // working days from the due date the apology is due
	TooShort bool
}

// lookupItem is a dossier as the lookup shows it.
type lookupItem struct {
	dossier.Dossier
	AgencyName  string
	StatusKey   string
	ChannelKey  string
	Late        bool
	DaysLate    int
	ApologyDue  dossier.Day
	ApologyKey  string
	ApologyCls  string
	PendingLate bool // still without a result, past its due date
}

// minCodeLen is the shortest code looked up: shorter input cannot be a
// one-stop code and would make guessing cheap.
const minCodeLen = 6

func (s *Server) lookupPage(c echo.Context) error {
	lv, status := s.doLookup(c)
	lv.CSRF = csrfToken(c)
	return s.renderNoStore(c, status, "dossier_lookup", func(v *view) {
		v.Section = "accountability"
		v.Title = v.T("lookup_title")
		v.Description = v.T("lookup_intro")
		for i := range lv.Found {
			if a := v.Agency(lv.Found[i].Agency); a != nil {
				lv.Found[i].AgencyName = a.Name
			}
		}
		v.Data = lv
	})
}

// doLookup finds the dossiers with the request's code. The status is 200
// whether or not any is found; 503 while the figures are computed.
func (s *Server) doLookup(c echo.Context) (*lookupView, int) {
	lv := &lookupView{Code: lookupCode(c)}
	if len(lv.Code) > 100 {
		lv.Code = lv.Code[:100]
	}
	lv.Asked = lv.Code != ""
	a := s.deps.Portal.Accountability()
	if a == nil {
		lv.Waiting = true
		c.Response().Header().Set("Retry-After", "5")
		return lv, http.StatusServiceUnavailable
	}
	lv.Day, lv.Apology = a.Day, a.Report.ApologyDays
	if !lv.Asked {
		return lv, http.StatusOK
	}
	norm := dossier.NormalizeCode(lv.Code)
	switch {
	case norm == "":
		lv.Invalid = true
	case len(norm) < minCodeLen:
		lv.TooShort = true
	}
	// The search runs for every code, so that a refused one costs the same.
	found := a.Set.Lookup(norm)
	if lv.Invalid || lv.TooShort {
		return lv, http.StatusOK
	}
	for _, d := range found {
		lv.Found = append(lv.Found, lookupItemOf(a.Workdays, d, a.Day, a.Report.ApologyDays))
	}
	return lv, http.StatusOK
}

func lookupItemOf(w *dossier.Workdays, d dossier.Dossier, today dossier.Day, apologyDays int) lookupItem {
	it := lookupItem{Dossier: d, ChannelKey: channelKey(d.Channel)}
	switch d.Status {
	case dossier.StatusFinished:
		it.StatusKey = "lookup_status_finished"
	case dossier.StatusReturned:
		it.StatusKey = "lookup_status_returned"
	case dossier.StatusWithdrawn:
		it.StatusKey = "lookup_status_withdrawn"
	case dossier.StatusSuspended:
		it.StatusKey = "lookup_status_suspended"
	default:
		it.StatusKey = "lookup_status_pending"
	}
	resolved := d.Resolved() && d.Finished != 0
	switch {
	case resolved && d.Finished > d.Due:
		it.Late, it.DaysLate = true, max(1, w.Between(d.Due, d.Finished))
	case !resolved && d.Status != dossier.StatusWithdrawn && d.Status != dossier.StatusSuspended && d.Due < today:
		it.Late, it.PendingLate, it.DaysLate = true, true, max(1, w.Between(d.Due, today))
	}
	if it.Late {
		it.ApologyDue = w.Add(d.Due, apologyDays)
		switch {
		case d.Apology != 0 && d.Apology <= it.ApologyDue:
			it.ApologyKey, it.ApologyCls = "acc_apology_ontime", "ok"
		case d.Apology != 0:
			it.ApologyKey, it.ApologyCls = "acc_apology_late", "warn"
		case today > it.ApologyDue:
			it.ApologyKey, it.ApologyCls = "acc_apology_missing", "bad"
		default:
			it.ApologyKey, it.ApologyCls = "acc_apology_notdue", "info"
		}
	}
	return it
}

// apiLookup is the lookup as JSON: {"ma": …, "ho_so": [...]}, the list
// empty for an unknown code, with the same status.
func (s *Server) apiLookup(c echo.Context) error {
	lv, status := s.doLookup(c)
	c.Response().Header().Set("Cache-Control", "no-store")
	if status != http.StatusOK {
		return c.JSON(status, map[string]any{"error": "the figures are being computed; try again in a few seconds", "status": status})
	}
	out := map[string]any{"ma": lv.Code, "ho_so": []any{}}
	if lv.Invalid || lv.TooShort {
		out["loi"] = "not a dossier code"
	}
	var items []any
	snap := s.deps.Portal.Snapshot()
	for _, it := range lv.Found {
		m := map[string]any{
			"ma":           it.Code,
			"co_quan":      it.Agency,
			"thu_tuc":      it.Procedure,
			"ma_thu_tuc":   it.ProcedureCode,
			"linh_vuc":     it.Field,
			"hinh_thuc":    channelName(it.Channel),
			"trang_thai":   statusName(it.Status),
			"ngay_nhan":    dayJSON(it.Received),
			"ngay_hen_tra": dayJSON(it.Due),
			"ngay_tra":     dayJSON(it.Finished),
			"qua_han":      it.Late,
			"so_ngay_lam_viec_qua_han": func() any {
				if it.Late {
					return it.DaysLate
				}
				return nil
			}(),
			"ly_do":           nilIfEmpty(it.Reason),
			"ngay_xin_loi":    dayJSON(it.Apology),
			"van_ban_xin_loi": nilIfEmpty(it.Letter),
			"ngay_hen_moi":    dayJSON(it.NewDue),
			"han_xin_loi":     dayJSON(it.ApologyDue),
		}
		if a, ok := snap.Site.Agency(it.Agency); ok {
			m["ten_co_quan"] = a.Name
		}
		items = append(items, m)
	}
	if items != nil {
		out["ho_so"] = items
	}
	return c.JSON(http.StatusOK, out)
}

func dayJSON(d dossier.Day) any {
	if d == 0 {
		return nil
	}
	return d.String()
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func channelName(ch dossier.Channel) string {
	switch ch {
	case dossier.ChannelDirect:
		return "truc-tiep"
	case dossier.ChannelOnline:
		return "truc-tuyen"
	case dossier.ChannelPost:
		return "buu-chinh"
	}
	return ""
}

func statusName(st dossier.Status) string {
	switch st {
	case dossier.StatusFinished:
		return "da-giai-quyet"
	case dossier.StatusReturned:
		return "tra-lai"
	case dossier.StatusWithdrawn:
		return "rut-ho-so"
	case dossier.StatusSuspended:
		return "tam-dung"
	}
	return "dang-giai-quyet"
}
