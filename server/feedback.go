package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/congkhai/congkhai/calendar"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/portal"
)

// feedbackState is what the feedback pages and the staff console share.
type feedbackState struct {
	store      *feedback.Store
	csrf       *csrfGuard
	limit      echo.MiddlewareFunc // public submissions; nil when off
	loginLimit echo.MiddlewareFunc // staff logins; nil when off
	secret     []byte
}

// maxFeedbackBody bounds a feedback request: 5,000 characters of text are at
// most 20 KB of UTF-8, percent-encoding triples that.
const maxFeedbackBody = "96K"

// honeypotField is a form field people never see (hidden by the stylesheet,
// out of the tab order, no autocomplete); a program that fills every field
// fills it, and the submission is refused.
const honeypotField = "homepage"

// setupFeedback prepares what the feedback pages, alerts and the staff console
// share: their store, CSRF guard, rate limits and the key of client hashes.
// Without a store there are none (s.fb stays nil).
func (s *Server) setupFeedback() {
	if s.deps.Feedback == nil {
		return
	}
	secret := s.deps.Secret
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
	}
	s.fb = &feedbackState{
		store:      s.deps.Feedback,
		csrf:       newCSRFGuard(s.secureCookies),
		limit:      rateLimiter(s.deps.RateLimit),
		loginLimit: rateLimiter(2 * s.deps.RateLimit),
		secret:     secret,
	}
}

// renderNoStore renders a page that must not be cached anywhere: forms (they
// carry the visitor's CSRF token), tracking pages, the staff console.
func (s *Server) renderNoStore(c echo.Context, status int, name string, build func(v *view)) error {
	snap := s.deps.Portal.Snapshot()
	v := s.newView(c, snap, s.lang(c), s.now())
	build(v)
	body, err := s.tmpl.render(name, v)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Cookie")
	return c.HTMLBlob(status, body)
}

// feedbackForm is what the form shows and sends back.
type feedbackForm struct {
	Type, Target, Agency                       string
	Subject, Body, Name, Phone, Email, Address string

	TargetTitle   string // the notice or dataset, or ""
	TargetKind    string // "kind_notice", "kind_dataset"
	AgencyName    string
	CommentOpen   bool // the target is a draft open for comment now
	CommentCloses time.Time
	CommentClosed bool // ?type=comment was asked for a draft not open now
	Types         []feedback.Type
	Agencies      []*content.Agency // for general feedback
	Errors        map[string]string
	CSRF          string
}

// target is what a submission is about, resolved from the content snapshot.
type target struct {
	path, title, kind, agency string
	comment                   *content.CommentWindow
}

// resolveTarget finds the notice or dataset at path, or the agency slug, in
// the snapshot. It returns the field ("target" or "agency") and a message
// when neither exists.
func resolveTarget(snap *portal.Snapshot, path, agency string) (target, string, string) {
	if path != "" {
		p, ok := cleanContentPath(strings.Trim(path, "/"))
		if ok {
			n, d := snap.Lookup(p)
			switch {
			case n != nil:
				return target{path: n.Path, title: n.Title, kind: "kind_notice", agency: n.Agency, comment: n.Comment}, "", ""
			case d != nil:
				return target{path: d.Path, title: d.Title, kind: "kind_dataset", agency: d.Agency}, "", ""
			}
		}
		return target{}, "target", "Không tìm thấy văn bản hoặc dữ liệu được góp ý."
	}
	if agency != "" {
		if _, ok := snap.Site.Agency(agency); !ok {
			return target{}, "agency", "Vui lòng chọn cơ quan nhận ý kiến."
		}
		return target{agency: agency}, "", ""
	}
	return target{}, "", ""
}

// fill completes the form's display fields from the target.
func (f *feedbackForm) fill(snap *portal.Snapshot, t target, now time.Time) {
	f.Target, f.TargetTitle, f.TargetKind = t.path, t.title, t.kind
	if t.path != "" {
		f.Agency = t.agency
	}
	if a, ok := snap.Site.Agency(f.Agency); ok {
		f.AgencyName = a.Name
	}
	f.CommentOpen = t.comment.OpenAt(now)
	if t.comment != nil {
		f.CommentCloses = t.comment.Closes
	}
	f.Types = []feedback.Type{feedback.TypeQuestion, feedback.TypeComplaint, feedback.TypeSuggestion}
	if f.CommentOpen {
		f.Types = append([]feedback.Type{feedback.TypeComment}, f.Types...)
	}
	if f.Target == "" {
		f.Agencies = snap.Site.Agencies
	}
}

func (s *Server) feedbackForm(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	now := s.now()
	f := &feedbackForm{Type: c.QueryParam("type"), Agency: c.QueryParam("agency"), CSRF: csrfToken(c)}
	t, field, _ := resolveTarget(snap, c.QueryParam("target"), f.Agency)
	if field != "" {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	f.fill(snap, t, now)
	if f.Type == string(feedback.TypeComment) && !f.CommentOpen {
		f.CommentClosed, f.Type = true, string(feedback.TypeQuestion)
	}
	if f.Type == "" {
		f.Type = string(f.Types[0])
	}
	return s.renderFeedbackForm(c, http.StatusOK, f)
}

func (s *Server) renderFeedbackForm(c echo.Context, status int, f *feedbackForm) error {
	return s.renderNoStore(c, status, "feedback", func(v *view) {
		v.Section = "feedback"
		v.Title = v.T("fb_form_title")
		if f.TargetTitle != "" {
			v.Title = v.T("fb_form_title") + ": " + f.TargetTitle
		}
		v.Canonical = ""
		v.Data = f
	})
}

// ipHash is a keyed hash of the client address, stored with a submission so
// that abuse from one address can be recognised without keeping addresses.
func (fb *feedbackState) ipHash(c echo.Context) string {
	m := hmac.New(sha256.New, fb.secret)
	m.Write([]byte(clientKey(c)))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// recipients are the agency's feedback addresses from the content folder.
func recipients(snap *portal.Snapshot, agency string) []string {
	if a, ok := snap.Site.Agency(agency); ok {
		return a.Staff
	}
	return nil
}

// submit checks the target and stores the submission. A *feedback.ValidationError
// is returned for anything the citizen must correct.
func (s *Server) submit(c echo.Context, snap *portal.Snapshot, f *feedbackForm) (*feedback.Submission, error) {
	now := s.now()
	t, field, msg := resolveTarget(snap, f.Target, f.Agency)
	f.fill(snap, t, now)
	if field != "" {
		return nil, &feedback.ValidationError{Fields: map[string]string{field: msg}}
	}
	n := feedback.NewSubmission{
		Type: feedback.Type(f.Type), Agency: t.agency, TargetPath: t.path, TargetTitle: t.title,
		Subject: f.Subject, Body: f.Body, Name: f.Name, Phone: f.Phone, Email: f.Email, Address: f.Address,
		IPHash: s.fb.ipHash(c), Recipients: recipients(snap, t.agency), Now: now,
	}
	if t.comment != nil {
		n.CommentOpens, n.CommentCloses = t.comment.Opens, t.comment.Closes
	}
	return s.fb.store.Submit(c.Request().Context(), n)
}

func (s *Server) feedbackSubmit(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	f := &feedbackForm{
		Type: c.FormValue("type"), Target: c.FormValue("target"), Agency: c.FormValue("agency"),
		Subject: c.FormValue("subject"), Body: c.FormValue("body"), Name: c.FormValue("name"),
		Phone: c.FormValue("phone"), Email: c.FormValue("email"), Address: c.FormValue("address"),
		CSRF: csrfToken(c),
	}
	if c.FormValue(honeypotField) != "" {
		s.log.Info("feedback refused: honeypot filled", "request_id", requestID(c))
		t, _, _ := resolveTarget(snap, f.Target, f.Agency)
		f.fill(snap, t, s.now())
		f.Errors = map[string]string{honeypotField: "Vui lòng để trống ô này."}
		return s.renderFeedbackForm(c, http.StatusUnprocessableEntity, f)
	}
	sub, err := s.submit(c, snap, f)
	var verr *feedback.ValidationError
	if errors.As(err, &verr) {
		f.Errors = verr.Fields
		return s.renderFeedbackForm(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/feedback/"+sub.Code+"?moi=1")
}

// apiSubmission is the body of POST /api/feedback.
type apiSubmission struct {
	Type    string `json:"type"`
	Target  string `json:"target"` // "agency/slug" of a notice or dataset
	Agency  string `json:"agency"` // agency slug, when there is no target
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
	Address string `json:"address"`
}

func apiError(c echo.Context, status int, msg string, fields map[string]string) error {
	body := map[string]any{"error": msg}
	if fields != nil {
		body["fields"] = fields
	}
	return c.JSON(status, body)
}

// apiFeedback is POST /api/feedback: the form's rules, JSON in and out.
func (s *Server) apiFeedback(c echo.Context) error {
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if ct != echo.MIMEApplicationJSON {
		return apiError(c, http.StatusUnsupportedMediaType, "Content-Type must be application/json", nil)
	}
	var in apiSubmission
	dec := json.NewDecoder(c.Request().Body)
	if err := dec.Decode(&in); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apiError(c, http.StatusRequestEntityTooLarge, "request body too large", nil)
		}
		return apiError(c, http.StatusBadRequest, "invalid JSON body", nil)
	}
	f := &feedbackForm{Type: in.Type, Target: in.Target, Agency: in.Agency, Subject: in.Subject, Body: in.Body,
		Name: in.Name, Phone: in.Phone, Email: in.Email, Address: in.Address}
	sub, err := s.submit(c, s.deps.Portal.Snapshot(), f)
	var verr *feedback.ValidationError
	if errors.As(err, &verr) {
		return apiError(c, http.StatusUnprocessableEntity, "Dữ liệu chưa hợp lệ.", verr.Fields)
	}
	if err != nil {
		return err
	}
	url := s.baseURL(c, s.deps.Portal.Snapshot()) + "/feedback/" + sub.Code
	c.Response().Header().Set(echo.HeaderLocation, url)
	return c.JSON(http.StatusCreated, map[string]any{
		"code":   sub.Code,
		"url":    url,
		"status": sub.Status,
		"type":   sub.Type,
		"agency": sub.Agency,
		"due_at": sub.DueAt.Format(time.DateOnly),
	})
}

// trackPage is what the tracking page shows: nothing of the citizen's
// personal data but masked hints, so that anyone holding the code learns
// only what the citizen wrote and what the agency answered.
type trackPage struct {
	Code, Type, Status, StatusLabel  string
	Agency, AgencyName               string
	TargetPath, TargetTitle          string
	Subject, Body                    string
	CreatedAt, DueAt, AnsweredAt     time.Time
	Overdue, AnsweredLate            bool
	LateExplanation                  string
	Replies                          []feedback.Message
	Rating                           int
	CanRate                          bool
	NameGiven                        bool
	EmailHint, PhoneHint             string
	Public                           bool
	Sent                             bool // just submitted
	Errors                           map[string]string
	RatingValue, RatingComment, CSRF string
	Ratings                          []int
	ClosedAt                         time.Time
	Closed                           bool
	DeadlineDays                     int
}

// maskEmail keeps the first letter of the mailbox and the domain: "n***@gmail.com".
func maskEmail(e string) string {
	at := strings.LastIndexByte(e, '@')
	if at < 1 {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(e)
	return string(r) + "***" + e[at:]
}

// maskPhone keeps the last two digits: "********78".
func maskPhone(p string) string {
	if len(p) < 4 {
		return ""
	}
	return strings.Repeat("•", len(p)-2) + p[len(p)-2:]
}

func (s *Server) loadTrack(c echo.Context) (*feedback.Submission, *trackPage, error) {
	code, ok := feedback.NormalizeCode(c.Param("code"))
	if !ok {
		return nil, nil, echo.NewHTTPError(http.StatusNotFound)
	}
	ctx := c.Request().Context()
	sub, err := s.fb.store.ByCode(ctx, code)
	if errors.Is(err, feedback.ErrNotFound) {
		return nil, nil, echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return nil, nil, err
	}
	replies, err := s.fb.store.Messages(ctx, sub.ID, false)
	if err != nil {
		return nil, nil, err
	}
	snap := s.deps.Portal.Snapshot()
	tp := &trackPage{
		Code: sub.Code, Type: string(sub.Type), Status: string(sub.Status), StatusLabel: sub.Status.Label(),
		Agency: sub.Agency, TargetPath: sub.TargetPath, TargetTitle: sub.TargetTitle,
		Subject: sub.Subject, Body: sub.Body, CreatedAt: sub.CreatedAt, DueAt: sub.DueAt, AnsweredAt: sub.AnsweredAt,
		Overdue: sub.Overdue(s.now()), AnsweredLate: sub.AnsweredLate(), LateExplanation: sub.LateExplanation,
		Replies: replies, Rating: sub.Rating, CanRate: !sub.AnsweredAt.IsZero() && sub.Rating == 0,
		NameGiven: sub.Name != "", EmailHint: maskEmail(sub.Email), PhoneHint: maskPhone(sub.Phone),
		Public: sub.Public, Sent: c.QueryParam("moi") == "1", CSRF: csrfToken(c), Ratings: []int{5, 4, 3, 2, 1},
		ClosedAt: sub.ClosedAt, Closed: sub.Status == feedback.StatusClosed, DeadlineDays: s.fb.store.DeadlineDays(sub.Type),
	}
	if a, ok := snap.Site.Agency(sub.Agency); ok {
		tp.AgencyName = a.Name
	}
	// Replies carry the staff member's name: the agency answers, not a person.
	for i := range tp.Replies {
		tp.Replies[i].AuthorName, tp.Replies[i].AuthorID = "", 0
	}
	return sub, tp, nil
}

func (s *Server) renderTrack(c echo.Context, status int, tp *trackPage) error {
	return s.renderNoStore(c, status, "feedback_track", func(v *view) {
		v.Section = "feedback"
		v.Title = v.T("fb_track_title") + " " + tp.Code
		v.Canonical = ""
		v.Data = tp
		// The code in the address is the key to the page: keep it out of referrers and indexes.
		h := c.Response().Header()
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Robots-Tag", "noindex, nofollow")
	})
}

func (s *Server) feedbackTrack(c echo.Context) error {
	_, tp, err := s.loadTrack(c)
	if err != nil {
		return err
	}
	if tp.Code != c.Param("code") {
		return c.Redirect(http.StatusMovedPermanently, "/feedback/"+tp.Code)
	}
	return s.renderTrack(c, http.StatusOK, tp)
}

func (s *Server) feedbackRate(c echo.Context) error {
	_, tp, err := s.loadTrack(c)
	if err != nil {
		return err
	}
	rating, _ := strconv.Atoi(c.FormValue("rating"))
	err = s.fb.store.Rate(c.Request().Context(), tp.Code, rating, c.FormValue("comment"))
	var verr *feedback.ValidationError
	if errors.As(err, &verr) {
		tp.Errors, tp.RatingValue, tp.RatingComment = verr.Fields, c.FormValue("rating"), c.FormValue("comment")
		return s.renderTrack(c, http.StatusUnprocessableEntity, tp)
	}
	if errors.Is(err, feedback.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/feedback/"+tp.Code+"#danh-gia")
}

// qaPage is the public list of published questions and answers.
type qaPage struct {
	Items      []feedback.PublicQA
	Total      int
	Agency     string
	AgencyName string
	Agencies   []*content.Agency
	Single     bool // one item, at /hoi-dap/<id>
}

func (s *Server) feedbackQA(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	agency := c.QueryParam("co-quan")
	if agency != "" {
		if _, ok := snap.Site.Agency(agency); !ok {
			return echo.NewHTTPError(http.StatusNotFound)
		}
	}
	page := pageParam(c)
	items, total, err := s.fb.store.PublicQA(c.Request().Context(), agency, page)
	if err != nil {
		return err
	}
	pages := max(1, (total+feedback.PageSize-1)/feedback.PageSize)
	if page > pages {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	qp := &qaPage{Items: items, Total: total, Agency: agency, Agencies: snap.Site.Agencies}
	if a, ok := snap.Site.Agency(agency); ok {
		qp.AgencyName = a.Name
	}
	return s.renderPublic(c, "feedback_qa", func(v *view) {
		v.Section = "feedback"
		v.Title = v.T("fb_qa_title")
		v.Page, v.Pages = page, pages
		v.pageURL = func(n int) string {
			u := "/hoi-dap?trang=" + strconv.Itoa(n)
			if agency != "" {
				u += "&co-quan=" + agency
			}
			return u
		}
		v.Data = qp
	})
}

// feedbackQAItem shows one published question and answer (search hits link here).
func (s *Server) feedbackQAItem(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	qa, err := s.fb.store.PublishedQA(c.Request().Context(), id)
	if errors.Is(err, feedback.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	snap := s.deps.Portal.Snapshot()
	qp := &qaPage{Items: []feedback.PublicQA{*qa}, Total: 1, Agencies: snap.Site.Agencies, Single: true}
	return s.renderPublic(c, "feedback_qa", func(v *view) {
		v.Section = "feedback"
		v.Title = qa.Question
		v.Data = qp
	})
}

// renderPublic renders a public page built from the database, which the page
// cache (keyed by content generation) cannot hold: browsers may keep it a minute.
func (s *Server) renderPublic(c echo.Context, name string, build func(v *view)) error {
	snap := s.deps.Portal.Snapshot()
	v := s.newView(c, snap, s.lang(c), s.now())
	build(v)
	body, err := s.tmpl.render(name, v)
	if err != nil {
		return err
	}
	p := newCachedPage(body, echo.MIMETextHTMLCharsetUTF8)
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return p.write(c, http.StatusOK)
}

// statsRow is a StatsRow formatted for the page.
type statsRow struct {
	feedback.StatsRow
	Name, Month                      string
	OnTime, Median, Rating, Answered string
}

func fmtStats(r feedback.StatsRow, name string) statsRow {
	out := statsRow{StatsRow: r, Name: name, OnTime: "–", Median: "–", Rating: "–", Answered: formatNumber(float64(r.Answered), 0)}
	if r.Month != "" {
		if t, err := time.Parse("2006-01", r.Month); err == nil {
			out.Month = t.Format("01/2006")
		}
	}
	if r.Answered > 0 {
		out.OnTime = formatNumber(r.OnTimeShare*100, 1) + " %"
		out.Median = formatDecimal(r.MedianDays)
	}
	if r.Rated > 0 {
		out.Rating = formatNumber(r.MeanRating, 2) + " / 5"
	}
	return out
}

type statsPage struct {
	From, To   time.Time
	Total      statsRow
	Agencies   []statsRow // whole period, one per agency
	Months     []statsRow // overall, or of Agency, per month
	Agency     string
	AgencyName string
}

// feedbackStats is the public accountability page: per agency and overall by
// month over the last twelve months.
func (s *Server) feedbackStats(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	agency := c.QueryParam("co-quan")
	if agency != "" {
		if _, ok := snap.Site.Agency(agency); !ok {
			return echo.NewHTTPError(http.StatusNotFound)
		}
	}
	now := s.now().In(calendar.Location)
	from := time.Date(now.Year(), now.Month()-11, 1, 0, 0, 0, 0, calendar.Location)
	st, err := s.fb.store.Stats(c.Request().Context(), feedback.StatsQuery{From: from})
	if err != nil {
		return err
	}
	sp := &statsPage{From: from, To: now, Total: fmtStats(st.Total, ""), Agency: agency}
	for _, a := range snap.Site.Agencies {
		r, ok := st.Totals[a.Slug]
		if !ok {
			r = feedback.StatsRow{Agency: a.Slug}
		}
		sp.Agencies = append(sp.Agencies, fmtStats(r, a.Name))
	}
	months := st.Overall
	if agency != "" {
		months = st.Agencies[agency]
		a, _ := snap.Site.Agency(agency)
		sp.AgencyName = a.Name
		sp.Total = fmtStats(st.Totals[agency], a.Name)
	}
	for i := len(months) - 1; i >= 0; i-- {
		sp.Months = append(sp.Months, fmtStats(months[i], ""))
	}
	return s.renderPublic(c, "feedback_stats", func(v *view) {
		v.Section = "feedback"
		v.Title = v.T("fb_stats_title")
		v.Data = sp
	})
}
