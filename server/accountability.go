package server

// The accountability pages: administrative procedures in the open (issue 20).
// The figures come from portal.Accountability (one-stop exports, satisfaction
// results, disclosure obligations) and, for satisfaction, from the citizens'
// ratings in the feedback store. Pages are cached like the others, under the
// accountability build's version and the ratings' digest as well.
//
//	/trach-nhiem                      the province: rankings, fields, months, 766 components
//	/trach-nhiem/<agency>             one agency: months, fields, procedures, satisfaction, obligations
//	/trach-nhiem/qua-han              late dossiers of every agency; /trach-nhiem/<agency>/qua-han one agency's
//	/trach-nhiem/cong-khai            every agency's disclosure obligations and the rules
//	/tra-cuu-ho-so                    the dossier lookup (accountability_lookup.go)
//	…/feed.atom|rss|json              feeds (accountability_feeds.go), /api/trach-nhiem… (accountability_api.go)

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/chart"
	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/dossier"
	"github.com/congkhai/congkhai/portal"
)

// accPrefix is the accountability pages' path.
const accPrefix = "/trach-nhiem"

// lateRowsPerPage is the page size of the late dossiers' list.
const lateRowsPerPage = 50

// ratingsCache keeps the feedback ratings a minute: pages read them often,
// and a rating changes a figure by little.
type ratingsCache struct {
	mu     sync.Mutex
	at     time.Time
	data   dossier.Ratings
	digest string
}

// ratings returns the citizens' ratings per agency and month, and a digest
// that changes with them (part of the pages' cache keys). Without a feedback
// store there are none.
func (s *Server) ratings(ctx context.Context) (dossier.Ratings, string) {
	if s.deps.Feedback == nil {
		return nil, ""
	}
	rc := &s.accRatings
	rc.mu.Lock()
	defer rc.mu.Unlock()
	now := time.Now()
	if rc.data != nil && now.Sub(rc.at) < time.Minute {
		return rc.data, rc.digest
	}
	from := time.Date(now.In(calendar.Location).Year()-3, 1, 1, 0, 0, 0, 0, calendar.Location)
	got, err := s.deps.Feedback.RatingLevels(ctx, from)
	if err != nil {
		s.log.Warn("ratings not read", "err", err)
		if rc.data != nil {
			return rc.data, rc.digest
		}
		return dossier.Ratings{}, ""
	}
	data := dossier.Ratings{}
	var keys []string
	for a, months := range got {
		data[a] = map[string]dossier.Levels{}
		for m, l := range months {
			data[a][m] = dossier.Levels(l)
			keys = append(keys, fmt.Sprintf("%s %s %v", a, m, l))
		}
	}
	slices.Sort(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
	rc.data, rc.digest, rc.at = data, hex.EncodeToString(sum[:8]), now
	return rc.data, rc.digest
}

// accParams are the query parameters the accountability pages read.
var accParams = []string{"ky", "linh-vuc", "xl", "tt", "trang", "co-quan"}

// accPage renders (or takes from the cache) an accountability page. Without
// a build yet, it answers 503 with a page that says the figures are being
// computed.
func (s *Server) accPage(c echo.Context, name string, build func(v *view, a *portal.Accountability, r dossier.Ratings) error) error {
	a := s.deps.Portal.Accountability()
	if a == nil {
		c.Response().Header().Set("Retry-After", "5")
		return s.renderNoStore(c, http.StatusServiceUnavailable, "accountability", func(v *view) {
			v.Section = "accountability"
			v.Title = v.T("acc_title")
			v.Data = &accOverview{Waiting: true}
		})
	}
	r, digest := s.ratings(c.Request().Context())
	snap := s.deps.Portal.Snapshot()
	lang := s.lang(c)
	now := s.now()
	q := c.QueryParams()
	var extra strings.Builder
	fmt.Fprintf(&extra, "acc|%d|%s|", a.Version, digest)
	for _, k := range accParams {
		extra.WriteString(k + "=" + q.Get(k) + "&")
	}
	key := s.cacheKey(c, s.baseURL(c, snap), extra.String(), lang)
	day := startOfDay(now)
	if p, ok := s.cache.get(snap.Gen, day, key); ok {
		return p.write(c, http.StatusOK)
	}
	v := s.newView(c, snap, lang, now)
	v.Section = "accountability"
	if err := build(v, a, r); err != nil {
		return err
	}
	body, err := s.tmpl.render(name, v)
	if err != nil {
		return err
	}
	p := newCachedPage(body, echo.MIMETextHTMLCharsetUTF8)
	s.cache.put(snap.Gen, day, key, p)
	return p.write(c, http.StatusOK)
}

// accRow is one line of figures: an agency, a field, a procedure, a month.
type accRow struct {
	Key, Name, Code, Link string
	dossier.Counts
	Rate, Median, Online, Sat string
	RateVal                   float64
	HasRate                   bool
	SatN                      int
	Tally                     dossier.Tally
	OblRate                   string
}

func pct(v float64, ok bool) string {
	if !ok {
		return "–"
	}
	return formatNumber(math.Round(v*10)/10, 1) + " %"
}

func rowOf(key, name string, c dossier.Counts) accRow {
	r := accRow{Key: key, Name: name, Counts: c}
	r.RateVal, r.HasRate = c.OnTimeRate()
	r.Rate = pct(r.RateVal, r.HasRate)
	r.Online = pct(c.OnlineShare())
	r.Median = "–"
	if m, ok := c.MedianDays(); ok {
		r.Median = formatDecimal(m)
	}
	r.Sat = "–"
	return r
}

func (r *accRow) setSat(l dossier.Levels) {
	r.Sat = pct(l.Rate())
	r.SatN = l.Total()
}

// periodParam reads ?ky= (a year, quarter or month within the figures' range;
// the current year by default).
func periodParam(c echo.Context, a *portal.Accountability) (dossier.Period, error) {
	s := c.QueryParam("ky")
	if s == "" {
		return dossier.PeriodOf(dossier.Year, a.Day), nil
	}
	p, ok := dossier.ParsePeriod(s)
	if !ok || p.First() > a.Day || p.Last() < a.Report.First.First() {
		return p, echo.NewHTTPError(http.StatusNotFound)
	}
	return p, nil
}

type periodChoice struct {
	Value, Label string
	Selected     bool
}

// periodChoices are the periods a reader may choose: years, quarters, months,
// newest first.
func periodChoices(a *portal.Accountability, sel dossier.Period, lang string) []periodChoice {
	var out []periodChoice
	add := func(ps []dossier.Period) {
		for i := len(ps) - 1; i >= 0; i-- {
			out = append(out, periodChoice{ps[i].String(), ps[i].Label(lang), ps[i] == sel})
		}
	}
	add(a.Report.Years())
	add(a.Report.Quarters())
	add(a.Report.Months())
	return out
}

// lastMonths returns the last n months of the report, oldest first.
func lastMonths(a *portal.Accountability, n int) []dossier.Period {
	ms := a.Report.Months()
	return ms[max(0, len(ms)-n):]
}

// satisfaction combines the portal's ratings and the imported results.
func satisfaction(a *portal.Accountability, r dossier.Ratings, agency string, p dossier.Period) (portalL, imported, both dossier.Levels) {
	portalL = r.Of(agency, p)
	imported = a.Sat.Imported(agency, p)
	return portalL, imported, portalL.Plus(imported)
}

// accOverview is the province's page.
type accOverview struct {
	Waiting     bool
	Period      dossier.Period
	PeriodLabel string
	Choices     []periodChoice
	Total       accRow
	Agencies    []accRow
	Fields      []accRow
	Months      []accRow
	ChartRank   template.HTML
	ChartMonths template.HTML
	Components  []compRow
	Tally       dossier.Tally
	OblRate     string
	LateNow     int // overdue today
	NoApology   int // late dossiers of the period without an apology past its due day
	Day         dossier.Day
	Index766    string
}

func (s *Server) accOverview(c echo.Context) error {
	return s.accPage(c, "accountability", func(v *view, a *portal.Accountability, r dossier.Ratings) error {
		p, err := periodParam(c, a)
		if err != nil {
			return err
		}
		v.Title = v.T("acc_title")
		v.Description = v.T("acc_intro")
		v.Feeds = feedLinks(accPrefix+"/qua-han", v.T("acc_feed_late"))
		o := &accOverview{Period: p, PeriodLabel: p.Label(v.Lang), Choices: periodChoices(a, p, v.Lang), Day: a.Day, Index766: dossier.Index766}
		o.Total = rowOf("", v.T("acc_all"), a.Report.Cell("", "", "", p))
		_, _, sat := satisfaction(a, r, "", p)
		o.Total.setSat(sat)
		o.Components = compRows(dossier.Components(o.Total.Counts, sat))
		now := a.Report.Cell("", "", "", dossier.PeriodOf(dossier.Month, a.Day))
		o.LateNow = now.Overdue
		o.NoApology = o.Total.NoApology
		for _, ag := range v.Site.Agencies {
			row := rowOf(ag.Slug, ag.ShortName, a.Report.Cell(ag.Slug, "", "", p))
			row.Link = accPrefix + "/" + ag.Slug
			_, _, ls := satisfaction(a, r, ag.Slug, p)
			row.setSat(ls)
			row.Tally = a.Compliance.Tally(ag.Slug)
			row.OblRate = pct(row.Tally.OnTimeRate())
			if row.Received == 0 && row.Resolved == 0 && row.Pending == 0 && row.Tally.Due() == 0 && row.SatN == 0 {
				continue
			}
			o.Agencies = append(o.Agencies, row)
		}
		rankRows(o.Agencies)
		for _, f := range a.Report.Fields("") {
			name := f
			if name == "" {
				name = v.T("acc_no_field")
			}
			o.Fields = append(o.Fields, rowOf(f, name, a.Report.Cell("", f, "", p)))
		}
		sort.SliceStable(o.Fields, func(i, j int) bool { return o.Fields[i].Received > o.Fields[j].Received })
		for _, m := range lastMonths(a, 12) {
			row := rowOf(m.String(), m.Label(v.Lang), a.Report.Cell("", "", "", m))
			_, _, ls := satisfaction(a, r, "", m)
			row.setSat(ls)
			o.Months = append(o.Months, row)
		}
		o.Tally = a.Compliance.Tally("")
		o.OblRate = pct(o.Tally.OnTimeRate())
		o.ChartRank = s.accChart(rankChart(o.Agencies, p, v.Lang))
		o.ChartMonths = s.accChart(monthsChart("acc-months", v.T("acc_chart_months"), o.Months, v.Lang))
		v.Data = o
		return nil
	})
}

// rankRows orders agencies by on-time rate (those without a rate last), then
// by dossiers resolved.
func rankRows(rows []accRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.HasRate != b.HasRate {
			return a.HasRate
		}
		if a.RateVal != b.RateVal {
			return a.RateVal > b.RateVal
		}
		return a.Resolved > b.Resolved
	})
}

// accChart renders a chart, or nothing when it has nothing to draw.
func (s *Server) accChart(spec chart.Spec, kind string) template.HTML {
	var ch chart.Chart
	var err error
	switch kind {
	case "line":
		ch, err = chart.Line(spec)
	case "columns":
		ch, err = chart.Columns(spec)
	default:
		ch, err = chart.Bar(spec)
	}
	if err != nil {
		return ""
	}
	return ch.HTML()
}

func chartLang(lang string) chart.Lang {
	if lang == "en" {
		return chart.English
	}
	return chart.Vietnamese
}

// rankChart draws the agencies' on-time rates.
func rankChart(rows []accRow, p dossier.Period, lang string) (chart.Spec, string) {
	spec := chart.Spec{ID: "acc-rank", Percent: true, Lang: chartLang(lang), TableID: "acc-rank-table", MaxBars: 100}
	spec.Title = "Tỷ lệ hồ sơ giải quyết đúng hạn và trước hạn theo cơ quan, " + strings.ToLower(p.Label(lang))
	name := "Đúng hạn và trước hạn"
	if lang == "en" {
		spec.Title = "Dossiers resolved on time or early, by agency, " + p.Label(lang)
		name = "On time or early"
	}
	var vals []float64
	for _, r := range rows {
		if r.HasRate {
			spec.Labels = append(spec.Labels, r.Name)
			vals = append(vals, math.Round(r.RateVal*10)/10)
		}
	}
	spec.Series = []chart.Series{{Name: name, Values: vals}}
	return spec, "bar"
}

// monthsChart draws the on-time rate of each month.
func monthsChart(id, title string, rows []accRow, lang string) (chart.Spec, string) {
	spec := chart.Spec{ID: id, Title: title + monthSpan(rows), Percent: true, Lang: chartLang(lang), TableID: id + "-table"}
	var vals []float64
	for _, r := range rows {
		p, _ := dossier.ParsePeriod(r.Key)
		spec.Labels = append(spec.Labels, p.Short(lang))
		v := math.Round(r.RateVal*10) / 10
		if !r.HasRate {
			v = 0
		}
		vals = append(vals, v)
	}
	name := "Đúng hạn và trước hạn"
	if lang == "en" {
		name = "On time or early"
	}
	spec.Series = []chart.Series{{Name: name, Values: vals}}
	return spec, "columns"
}

// monthSpan is ", 12/2025 – 11/2026" for the months of rows.
func monthSpan(rows []accRow) string {
	if len(rows) == 0 {
		return ""
	}
	a, _ := dossier.ParsePeriod(rows[0].Key)
	b, _ := dossier.ParsePeriod(rows[len(rows)-1].Key)
	return ", " + dossier.Span(a, b)
}

// satChart draws the satisfaction rate of each month.
func satChart(rows []satRow, title, lang string) (chart.Spec, string) {
	spec := chart.Spec{ID: "acc-sat", Title: title, Percent: true, Lang: chartLang(lang), TableID: "acc-sat-table"}
	if len(rows) > 0 {
		spec.Title += ", " + dossier.Span(rows[0].Period, rows[len(rows)-1].Period)
	}
	var vals []float64
	any := false
	for _, r := range rows {
		spec.Labels = append(spec.Labels, r.Period.Short(lang))
		v, ok := r.Both.Rate()
		any = any || ok
		vals = append(vals, math.Round(v*10)/10)
	}
	if !any {
		return chart.Spec{}, "columns" // nothing to draw: Columns refuses it
	}
	name := "Hài lòng và rất hài lòng"
	if lang == "en" {
		name = "Satisfied or very satisfied"
	}
	spec.Series = []chart.Series{{Name: name, Values: vals}}
	return spec, "columns"
}

// satRow is the satisfaction of a month.
type satRow struct {
	Period                 dossier.Period
	Label                  string
	Portal, Imported, Both dossier.Levels
	Rate                   string
}

// oblRow is an obligation as a page shows it.
type oblRow struct {
	dossier.Obligation
	AgencyName  string
	PeriodLabel string
	StateKey    string // acc_state_done, …
	StateClass  string
}

func oblRows(v *view, obs []dossier.Obligation) []oblRow {
	var out []oblRow
	for _, o := range obs {
		r := oblRow{Obligation: o}
		if a := v.Agency(o.Agency); a != nil {
			r.AgencyName = a.ShortName
		}
		if o.Period.Kind != 0 {
			r.PeriodLabel = o.Period.Label(v.Lang)
			if o.Rule.ID == "thuc-hien-ngan-sach" && o.Period.Kind == dossier.Quarter && o.Period.Index > 1 {
				r.PeriodLabel = v.Tf(fmt.Sprintf("acc_months_%d", 3*o.Period.Index), "year", o.Period.Year)
			}
		}
		r.StateKey, r.StateClass = stateKey(o.State)
		out = append(out, r)
	}
	return out
}

func stateKey(s dossier.ObligationState) (key, class string) {
	switch s {
	case dossier.StateDone:
		return "acc_state_done", "ok"
	case dossier.StateLate:
		return "acc_state_late", "warn"
	case dossier.StateMissing:
		return "acc_state_missing", "bad"
	case dossier.StateUpcoming:
		return "acc_state_upcoming", "info"
	case dossier.StateShort:
		return "acc_state_short", "bad"
	}
	return "acc_state_unknown", "info"
}

// accAgencyPage is one agency's page.
type accAgencyPage struct {
	Agency      *content.Agency
	Period      dossier.Period
	PeriodLabel string
	Choices     []periodChoice
	Total       accRow
	Months      []accRow
	Fields      []accRow
	Procedures  []accRow
	Components  []compRow
	Sat         []satRow
	SatTotal    satRow
	Obligations []oblRow
	Tally       dossier.Tally
	OblRate     string
	Late        []lateRow
	LateCount   int
	Sources     []portal.Source
	LastUpdate  time.Time
	Stale       bool // the dossier data is older than five working days
	ChartMonths template.HTML
	ChartSat    template.HTML
	HasDossiers bool
	Day         dossier.Day
	Index766    string
	OblFeeds    []feedLink // the feeds of its missed obligations
}

func (s *Server) accAgency(c echo.Context) error {
	slug := c.Param("agency")
	return s.accPage(c, "accountability", func(v *view, a *portal.Accountability, r dossier.Ratings) error {
		ag := v.Agency(slug)
		if ag == nil {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		p, err := periodParam(c, a)
		if err != nil {
			return err
		}
		v.Title = v.Tf("acc_agency_title", "agency", ag.Name)
		v.Feeds = feedLinks(accPrefix+"/"+slug+"/qua-han", v.Tf("acc_feed_late_of", "agency", ag.ShortName))
		pg := &accAgencyPage{OblFeeds: feedLinks(accPrefix+"/"+slug+"/cong-khai", v.Tf("acc_feed_obl_of", "agency", ag.ShortName)), Agency: ag, Period: p, PeriodLabel: p.Label(v.Lang), Choices: periodChoices(a, p, v.Lang), Day: a.Day, Index766: dossier.Index766}
		pg.Total = rowOf(slug, ag.ShortName, a.Report.Cell(slug, "", "", p))
		pl, im, both := satisfaction(a, r, slug, p)
		pg.Total.setSat(both)
		pg.SatTotal = satRow{Period: p, Label: p.Label(v.Lang), Portal: pl, Imported: im, Both: both, Rate: pct(both.Rate())}
		pg.Components = compRows(dossier.Components(pg.Total.Counts, both))
		for _, m := range lastMonths(a, 12) {
			row := rowOf(m.String(), m.Label(v.Lang), a.Report.Cell(slug, "", "", m))
			pm, im, bm := satisfaction(a, r, slug, m)
			row.setSat(bm)
			pg.Months = append(pg.Months, row)
			pg.Sat = append(pg.Sat, satRow{Period: m, Label: m.Label(v.Lang), Portal: pm, Imported: im, Both: bm, Rate: pct(bm.Rate())})
		}
		for _, f := range a.Report.Fields(slug) {
			name := f
			if name == "" {
				name = v.T("acc_no_field")
			}
			pg.Fields = append(pg.Fields, rowOf(f, name, a.Report.Cell(slug, f, "", p)))
		}
		for _, pi := range a.Report.Procedures(slug) {
			row := rowOf(pi.Key(), pi.Name, a.Report.Cell(slug, pi.Field, pi.Key(), p))
			row.Code = pi.Code
			if row.Name == "" {
				row.Name = v.T("acc_no_procedure")
			}
			if row.Received+row.Resolved+row.Pending > 0 {
				pg.Procedures = append(pg.Procedures, row)
			}
		}
		sort.SliceStable(pg.Procedures, func(i, j int) bool { return pg.Procedures[i].Received > pg.Procedures[j].Received })
		pg.Obligations = oblRows(v, a.Compliance.Of(slug))
		pg.Tally = a.Compliance.Tally(slug)
		pg.OblRate = pct(pg.Tally.OnTimeRate())
		late := a.Report.Late(slug)
		pg.LateCount = len(late)
		pg.Late = lateRows(v, late[:min(10, len(late))])
		pg.Sources = a.Sources[slug]
		pg.LastUpdate = a.LastUpdate(slug)
		pg.HasDossiers = len(a.Report.Fields(slug)) > 0
		if !pg.LastUpdate.IsZero() {
			pg.Stale = a.Workdays.Between(dossier.DayOf(pg.LastUpdate), a.Day) > 5
		}
		pg.ChartMonths = s.accChart(monthsChart("acc-months", v.Tf("acc_chart_months_of", "agency", ag.ShortName), pg.Months, v.Lang))
		pg.ChartSat = s.accChart(satChart(pg.Sat, v.Tf("acc_chart_sat_of", "agency", ag.ShortName), v.Lang))
		v.Data = pg
		return nil
	})
}

// lateRow is a late dossier as the list shows it (never its code).
type lateRow struct {
	dossier.LateItem
	AgencyName  string
	Anchor      string
	StateKey    string
	StateClass  string
	ChannelKey  string
	ApologyText string
}

func lateRows(v *view, items []dossier.LateItem) []lateRow {
	out := make([]lateRow, 0, len(items))
	for _, it := range items {
		r := lateRow{LateItem: it, Anchor: "hs-" + anchorOf(it.ID)}
		if a := v.Agency(it.Agency); a != nil {
			r.AgencyName = a.ShortName
		}
		switch it.State {
		case dossier.ApologyOnTime:
			r.StateKey, r.StateClass = "acc_apology_ontime", "ok"
		case dossier.ApologyLate:
			r.StateKey, r.StateClass = "acc_apology_late", "warn"
		case dossier.ApologyMissing:
			r.StateKey, r.StateClass = "acc_apology_missing", "bad"
		default:
			r.StateKey, r.StateClass = "acc_apology_notdue", "info"
		}
		r.ChannelKey = channelKey(it.Channel)
		out = append(out, r)
	}
	return out
}

func channelKey(ch dossier.Channel) string {
	switch ch {
	case dossier.ChannelDirect:
		return "acc_channel_direct"
	case dossier.ChannelOnline:
		return "acc_channel_online"
	case dossier.ChannelPost:
		return "acc_channel_post"
	}
	return "acc_channel_unknown"
}

// anchorOf makes an element id of a late item's id.
func anchorOf(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// accLatePage is the list of late dossiers.
type accLatePage struct {
	Agency  *content.Agency
	Rows    []lateRow
	Total   int // after the filters
	All     int // before them
	Fields  []string
	Field   string
	Apology string // "", "thieu" (missing), "muon" (late)
	Pending bool
	Day     dossier.Day
	Base    string
}

func (s *Server) accLate(c echo.Context) error {
	slug := c.Param("agency")
	return s.accPage(c, "accountability", func(v *view, a *portal.Accountability, _ dossier.Ratings) error {
		var ag *content.Agency
		if slug != "" {
			if ag = v.Agency(slug); ag == nil {
				return echo.NewHTTPError(http.StatusNotFound)
			}
		}
		base := accPrefix + "/qua-han"
		if ag != nil {
			base = accPrefix + "/" + slug + "/qua-han"
			v.Title = v.Tf("acc_late_title_of", "agency", ag.Name)
		} else {
			v.Title = v.T("acc_late_title")
		}
		v.Feeds = feedLinks(base, v.Title)
		lp := &accLatePage{Agency: ag, Field: c.QueryParam("linh-vuc"), Apology: c.QueryParam("xl"), Pending: c.QueryParam("tt") == "dang", Day: a.Day, Base: base}
		if lp.Apology != "" && lp.Apology != "thieu" && lp.Apology != "muon" {
			return echo.NewHTTPError(http.StatusBadRequest, "xl: thieu or muon")
		}
		all := a.Report.Late(slug)
		lp.All = len(all)
		seen := map[string]bool{}
		var kept []dossier.LateItem
		for _, it := range all {
			if !seen[it.Field] {
				seen[it.Field] = true
				lp.Fields = append(lp.Fields, it.Field)
			}
			if lp.Field != "" && it.Field != lp.Field ||
				lp.Apology == "thieu" && it.State != dossier.ApologyMissing ||
				lp.Apology == "muon" && it.State != dossier.ApologyLate ||
				lp.Pending && it.Finished != 0 {
				continue
			}
			kept = append(kept, it)
		}
		slices.Sort(lp.Fields)
		lp.Total = len(kept)
		page, err := paginate(v, kept, pageParam(c), lateRowsPerPage)
		if err != nil {
			return err
		}
		q := url.Values{}
		for _, k := range []string{"linh-vuc", "xl", "tt"} {
			if val := c.QueryParam(k); val != "" {
				q.Set(k, val)
			}
		}
		v.pageURL = func(n int) string {
			q.Set("trang", strconv.Itoa(n))
			return base + "?" + q.Encode()
		}
		lp.Rows = lateRows(v, page)
		v.Data = lp
		return nil
	})
}

// accOblPage is every agency's obligations and the rules.
type accOblPage struct {
	Groups []oblGroup
	Rules  []dossier.Rule
	Tally  dossier.Tally
	Rate   string
	Day    dossier.Day
}

type oblGroup struct {
	Agency *content.Agency
	Rows   []oblRow
	Tally  dossier.Tally
	Rate   string
}

func (s *Server) accObligations(c echo.Context) error {
	return s.accPage(c, "accountability", func(v *view, a *portal.Accountability, _ dossier.Ratings) error {
		v.Title = v.T("acc_obl_title")
		v.Feeds = feedLinks(accPrefix+"/cong-khai", v.T("acc_feed_obl"))
		pg := &accOblPage{Rules: a.Compliance.Rules, Tally: a.Compliance.Tally(""), Day: a.Day}
		pg.Rate = pct(pg.Tally.OnTimeRate())
		for _, ag := range v.Site.Agencies {
			obs := a.Compliance.Of(ag.Slug)
			if len(obs) == 0 {
				continue
			}
			t := a.Compliance.Tally(ag.Slug)
			pg.Groups = append(pg.Groups, oblGroup{Agency: ag, Rows: oblRows(v, obs), Tally: t, Rate: pct(t.OnTimeRate())})
		}
		v.Data = pg
		return nil
	})
}

// WhoLabel names an entry of a rule's agencies: an agency's short name, or
// a kind of agency.
func (v *view) WhoLabel(k string) string {
	if a := v.Agency(k); a != nil {
		return a.ShortName
	}
	return v.T("kind_" + k)
}

// DayDate shows a dossier day as the portal shows dates.
func (v *view) DayDate(d dossier.Day) string { return d.VN() }

// DayISO is a day for a <time datetime>.
func (v *view) DayISO(d dossier.Day) string { return d.String() }

// compRow is a 766 component with its value written for the page.
type compRow struct {
	dossier.Component
	ValueText string
}

func compRows(cs []dossier.Component) []compRow {
	out := make([]compRow, len(cs))
	for i, c := range cs {
		out[i] = compRow{Component: c, ValueText: pct(c.Value, c.OK)}
	}
	return out
}

// Kind names the accountability page a view's data is for: the one
// template (accountability.html) shows each kind.
func (*accOverview) Kind() string   { return "overview" }
func (*accAgencyPage) Kind() string { return "agency" }
func (*accLatePage) Kind() string   { return "late" }
func (*accOblPage) Kind() string    { return "obligations" }
