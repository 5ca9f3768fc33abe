package server

import (
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
)

// The staff console at /staff/. Staff log in with a session cookie
// (HttpOnly, SameSite=Lax so that links in notification mails work, Secure
// as every cookie of the portal (secureCookies), no Max-Age: it ends with the
// browser) whose token is checked
// against the store on every request; the session expires after
// sessionTTL without use. Every handler that shows or changes a submission
// or an account first checks Staff.CanAccess on the record's agency and
// answers 404 otherwise, so that staff of one agency cannot even learn that
// another agency's record exists.
const (
	staffCookie = "congkhai_staff"
	sessionTTL  = 8 * time.Hour
	staffKey    = "staff"
	tokenKey    = "staff_token"
)

// staffHeaders keeps console pages out of caches, search engines and referrers.
func staffHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Robots-Tag", "noindex, nofollow")
		h.Set("Referrer-Policy", "same-origin")
		return next(c)
	}
}

// currentStaff is the logged-in member, or nil.
func (s *Server) currentStaff(c echo.Context) (*feedback.Staff, string) {
	ck, err := c.Cookie(staffCookie)
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		return nil, ""
	}
	st, err := s.fb.store.SessionStaff(c.Request().Context(), ck.Value, s.now())
	if err != nil {
		if !errors.Is(err, feedback.ErrNotFound) {
			s.log.Error("staff session lookup failed", "err", err)
		}
		return nil, ""
	}
	return st, ck.Value
}

func (s *Server) requireStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		st, token := s.currentStaff(c)
		if st == nil {
			to := "/staff/login"
			if c.Request().Method == http.MethodGet {
				to += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
			}
			return c.Redirect(http.StatusSeeOther, to)
		}
		c.Set(staffKey, st)
		c.Set(tokenKey, token)
		return next(c)
	}
}

func me(c echo.Context) *feedback.Staff {
	st, _ := c.Get(staffKey).(*feedback.Staff)
	return st
}

func (s *Server) setSessionCookie(c echo.Context, value string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: staffCookie, Value: value, Path: "/staff", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secureCookies(c),
	})
}

// staffPage is what every console page receives.
type staffPage struct {
	Me     *feedback.Staff
	CSRF   string
	Errors map[string]string
	Form   map[string]string // what was typed, by field
	Notice string            // a one-time message (generated password, ...)
	Data   any
	// Publishing is whether the publishing console runs (a content folder
	// with its record; not the embedded demo).
	Publishing bool
}

func (s *Server) renderStaff(c echo.Context, status int, name, title string, p *staffPage) error {
	p.CSRF = csrfToken(c)
	if p.Me == nil {
		p.Me = me(c)
	}
	p.Publishing = s.pub != nil
	return s.renderNoStore(c, status, name, func(v *view) {
		v.Section = "staff"
		v.Title = title
		v.Canonical = ""
		v.HideHeaderSearch = true
		v.Data = p
	})
}

// localNext accepts only console paths as the place to go after login.
func localNext(next string) string {
	if !strings.HasPrefix(next, "/staff/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/staff/inbox"
	}
	return next
}

func (s *Server) staffLoginForm(c echo.Context) error {
	if st, _ := s.currentStaff(c); st != nil {
		return c.Redirect(http.StatusSeeOther, "/staff/inbox")
	}
	return s.renderStaff(c, http.StatusOK, "staff_login", "Đăng nhập cán bộ",
		&staffPage{Form: map[string]string{"next": localNext(c.QueryParam("next"))}})
}

func (s *Server) staffLogin(c echo.Context) error {
	email, password := c.FormValue("email"), c.FormValue("password")
	next := localNext(c.FormValue("next"))
	ctx := c.Request().Context()
	st, err := s.fb.store.Authenticate(ctx, email, password, s.fb.ipHash(c), s.now())
	if err != nil {
		if !errors.Is(err, feedback.ErrBadCredentials) && !errors.Is(err, feedback.ErrThrottled) {
			return err
		}
		// One answer, with one status, for an unknown email, a wrong
		// password, a disabled account and a client that must wait: the page
		// tells nobody which emails have accounts.
		return s.renderStaff(c, http.StatusUnprocessableEntity, "staff_login", "Đăng nhập cán bộ",
			&staffPage{Errors: map[string]string{"login": s.uiText(c, "st_login_failed")}, Form: map[string]string{"email": email, "next": next}})
	}
	token, err := s.fb.store.CreateSession(ctx, st.ID, sessionTTL)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, 0)
	s.fb.csrf.rotate(c)
	return c.Redirect(http.StatusSeeOther, next)
}

// uiText is the theme's text of key in the visitor's language.
func (s *Server) uiText(c echo.Context, key string) string {
	if m, ok := s.tmpl.msgs[s.lang(c)][key]; ok {
		return m
	}
	if m, ok := s.tmpl.msgs[languages[0]][key]; ok {
		return m
	}
	return key
}

func (s *Server) staffLogout(c echo.Context) error {
	token, _ := c.Get(tokenKey).(string)
	if err := s.fb.store.DeleteSession(c.Request().Context(), token); err != nil {
		return err
	}
	s.setSessionCookie(c, "", -1)
	s.fb.csrf.rotate(c)
	return c.Redirect(http.StatusSeeOther, "/staff/login")
}

// inboxPage is the inbox with its filters.
type inboxPage struct {
	Filter  string
	Filters []string
	Inbox   *feedback.Inbox
	Names   map[int64]string
	Now     time.Time
	Prev    string
	Next    string
}

func (s *Server) staffNames(c echo.Context, agency string) (map[int64]string, []*feedback.Staff, error) {
	list, err := s.fb.store.ListStaff(c.Request().Context(), agency)
	if err != nil {
		return nil, nil, err
	}
	names := map[int64]string{}
	for _, st := range list {
		names[st.ID] = st.Name
	}
	return names, list, nil
}

func (s *Server) staffInbox(c echo.Context) error {
	st := me(c)
	filter := c.QueryParam("loc")
	if filter == "" {
		filter = feedback.FilterNew
		if st.Role != feedback.RoleSiteAdmin {
			filter = feedback.FilterAll
		}
	}
	if !slices.Contains(feedback.Filters(), filter) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	page := pageParam(c)
	in, err := s.fb.store.Inbox(c.Request().Context(), feedback.InboxQuery{
		Agency: st.Agencies(), Filter: filter, StaffID: st.ID, Page: page, Now: s.now(),
	})
	if err != nil {
		return err
	}
	scope := st.Agency
	if st.Role == feedback.RoleSiteAdmin {
		scope = ""
	}
	names, _, err := s.staffNames(c, scope)
	if err != nil {
		return err
	}
	ip := &inboxPage{Filter: filter, Filters: feedback.Filters(), Inbox: in, Names: names, Now: s.now()}
	if in.Page > 1 {
		ip.Prev = "/staff/inbox?loc=" + filter + "&trang=" + strconv.Itoa(in.Page-1)
	}
	if in.Page < in.Pages {
		ip.Next = "/staff/inbox?loc=" + filter + "&trang=" + strconv.Itoa(in.Page+1)
	}
	return s.renderStaff(c, http.StatusOK, "staff_inbox", "Hộp thư ý kiến", &staffPage{Data: ip})
}

// submissionFor loads the submission of the :id parameter if the member may
// see it; anything else is a 404, whether the record exists or not.
func (s *Server) submissionFor(c echo.Context) (*feedback.Submission, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	sub, err := s.fb.store.Get(c.Request().Context(), id)
	if errors.Is(err, feedback.ErrNotFound) {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return nil, err
	}
	if !me(c).CanAccess(sub.Agency) {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	return sub, nil
}

// submissionPage is a submission with everything staff need to handle it.
type submissionPage struct {
	Sub        *feedback.Submission
	Messages   []feedback.Message
	Audit      []feedback.AuditEntry
	Staff      []*feedback.Staff // who it can be assigned to
	Assignee   string
	AgencyName string
	Agencies   []*content.Agency // where it can be transferred
	Overdue    bool
	LateNow    bool // a first reply now would be late
	Now        time.Time
}

func (s *Server) renderSubmission(c echo.Context, status int, sub *feedback.Submission, p *staffPage) error {
	ctx := c.Request().Context()
	msgs, err := s.fb.store.Messages(ctx, sub.ID, true)
	if err != nil {
		return err
	}
	audit, err := s.fb.store.Audit(ctx, sub.ID)
	if err != nil {
		return err
	}
	names, list, err := s.staffNames(c, sub.Agency)
	if err != nil {
		return err
	}
	now := s.now()
	snap := s.deps.Portal.Snapshot()
	sp := &submissionPage{Sub: sub, Messages: msgs, Audit: audit, Assignee: names[sub.AssignedTo], Now: now,
		Overdue: sub.Overdue(now), LateNow: sub.AnsweredAt.IsZero() && now.After(sub.DueAt)}
	if sub.AssignedTo != 0 && sp.Assignee == "" {
		if a, err := s.fb.store.GetStaff(ctx, sub.AssignedTo); err == nil {
			sp.Assignee = a.Name
		}
	}
	for _, st := range list {
		if !st.Disabled {
			sp.Staff = append(sp.Staff, st)
		}
	}
	if a, ok := snap.Site.Agency(sub.Agency); ok {
		sp.AgencyName = a.Name
	}
	for _, a := range snap.Site.Agencies {
		if a.Slug != sub.Agency {
			sp.Agencies = append(sp.Agencies, a)
		}
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	// The publish step starts from the citizen's text and the last reply, for
	// staff to rewrite without personal details.
	if _, ok := p.Form["public_question"]; !ok {
		p.Form["public_question"] = sub.PublicQuestion
		if p.Form["public_question"] == "" {
			p.Form["public_question"] = sub.Body
		}
	}
	if _, ok := p.Form["public_answer"]; !ok {
		p.Form["public_answer"] = sub.PublicAnswer
		for _, m := range msgs {
			if m.Kind == feedback.KindReply && sub.PublicAnswer == "" {
				p.Form["public_answer"] = m.Body
			}
		}
	}
	p.Data = sp
	return s.renderStaff(c, status, "staff_submission", sub.Code, p)
}

func (s *Server) staffSubmission(c echo.Context) error {
	sub, err := s.submissionFor(c)
	if err != nil {
		return err
	}
	return s.renderSubmission(c, http.StatusOK, sub, &staffPage{})
}

// staffAction runs one action on a submission: assign, note, reply, publish,
// unpublish, close, reopen, transfer.
func (s *Server) staffAction(c echo.Context) error {
	sub, err := s.submissionFor(c)
	if err != nil {
		return err
	}
	st := me(c)
	ctx := c.Request().Context()
	action := c.Param("action")
	form := map[string]string{}
	field := func(name string) string {
		v := c.FormValue(name)
		form[name] = v
		return v
	}
	anchor := ""
	switch action {
	case "assign":
		to := int64(0)
		switch v := field("assigned_to"); v {
		case "me":
			to = st.ID
		case "", "0":
		default:
			if to, err = strconv.ParseInt(v, 10, 64); err != nil {
				return echo.NewHTTPError(http.StatusBadRequest)
			}
		}
		err = s.fb.store.Assign(ctx, sub.ID, st.ID, to)
	case "note":
		err = s.fb.store.AddNote(ctx, sub.ID, st.ID, field("note"))
		anchor = "#trao-doi"
	case "reply":
		err = s.fb.store.Reply(ctx, sub.ID, st.ID, field("body"), field("late_explanation"), s.now())
		anchor = "#trao-doi"
	case "publish":
		err = s.fb.store.Publish(ctx, sub.ID, st.ID, field("public_question"), field("public_answer"))
		s.deps.Portal.IndexQA()
	case "unpublish":
		err = s.fb.store.Unpublish(ctx, sub.ID, st.ID)
		s.deps.Portal.IndexQA()
	case "close":
		err = s.fb.store.CloseSubmission(ctx, sub.ID, st.ID, field("reason"))
	case "reopen":
		err = s.fb.store.Reopen(ctx, sub.ID, st.ID, field("reason"))
	case "transfer":
		to := field("agency")
		snap := s.deps.Portal.Snapshot()
		if _, ok := snap.Site.Agency(to); !ok {
			err = &feedback.ValidationError{Fields: map[string]string{"agency": "Vui lòng chọn cơ quan nhận chuyển."}}
			break
		}
		err = s.fb.store.Transfer(ctx, sub.ID, st.ID, to, recipients(snap, to))
		if err == nil && !st.CanAccess(to) {
			// Out of this member's reach now.
			return c.Redirect(http.StatusSeeOther, "/staff/inbox")
		}
	default:
		return echo.NewHTTPError(http.StatusNotFound)
	}
	var verr *feedback.ValidationError
	switch {
	case errors.As(err, &verr):
		if msg, ok := verr.Fields["body"]; ok && action == "note" {
			verr.Fields = map[string]string{"note": msg}
		}
		return s.renderSubmission(c, http.StatusUnprocessableEntity, sub, &staffPage{Errors: verr.Fields, Form: form})
	case errors.Is(err, feedback.ErrInvalidState):
		return s.renderSubmission(c, http.StatusConflict, sub, &staffPage{
			Errors: map[string]string{"action": "Không thể thực hiện thao tác này ở trạng thái hiện tại của ý kiến."}, Form: form})
	case errors.Is(err, feedback.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/s/"+strconv.FormatInt(sub.ID, 10)+anchor)
}

// accountsPage lists the accounts an admin manages.
type accountsPage struct {
	Accounts []*feedback.Staff
	Agencies []*content.Agency // site admins choose; agency admins add to their own
	Roles    []feedback.Role
}

func isAdmin(st *feedback.Staff) bool {
	return st.Role == feedback.RoleAgencyAdmin || st.Role == feedback.RoleSiteAdmin
}

// canManage reports whether admin may change the account: their agency's
// accounts (site admins: all), never a site admin unless one themselves.
func canManage(admin, target *feedback.Staff) bool {
	if !isAdmin(admin) {
		return false
	}
	if admin.Role == feedback.RoleSiteAdmin {
		return true
	}
	return target.Role != feedback.RoleSiteAdmin && target.Agency == admin.Agency
}

func (s *Server) renderAccounts(c echo.Context, status int, p *staffPage) error {
	st := me(c)
	scope := st.Agency
	ap := &accountsPage{Roles: []feedback.Role{feedback.RoleStaff, feedback.RoleAgencyAdmin}}
	if st.Role == feedback.RoleSiteAdmin {
		scope = ""
		ap.Agencies = s.deps.Portal.Snapshot().Site.Agencies
		ap.Roles = append(ap.Roles, feedback.RoleSiteAdmin)
	}
	list, err := s.fb.store.ListStaff(c.Request().Context(), scope)
	if err != nil {
		return err
	}
	ap.Accounts = list
	p.Data = ap
	return s.renderStaff(c, status, "staff_accounts", "Tài khoản cán bộ", p)
}

func (s *Server) staffAccounts(c echo.Context) error {
	if !isAdmin(me(c)) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return s.renderAccounts(c, http.StatusOK, &staffPage{})
}

func (s *Server) staffAccountAdd(c echo.Context) error {
	st := me(c)
	if !isAdmin(st) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	form := map[string]string{"email": c.FormValue("email"), "name": c.FormValue("name"), "role": c.FormValue("role"), "agency": c.FormValue("agency")}
	role := feedback.Role(form["role"])
	agency := form["agency"]
	errs := map[string]string{}
	if st.Role != feedback.RoleSiteAdmin {
		agency = st.Agency
		if role == feedback.RoleSiteAdmin {
			errs["role"] = "Vai trò không hợp lệ."
		}
	} else if _, ok := s.deps.Portal.Snapshot().Site.Agency(agency); agency != "" && !ok {
		errs["agency"] = "Vui lòng chọn cơ quan."
	}
	if role == feedback.RoleSiteAdmin {
		agency = ""
	}
	if len(errs) > 0 {
		return s.renderAccounts(c, http.StatusUnprocessableEntity, &staffPage{Errors: errs, Form: form})
	}
	password := rand.Text()
	created, err := s.fb.store.CreateStaff(c.Request().Context(), form["email"], form["name"], agency, role, password)
	var verr *feedback.ValidationError
	if errors.As(err, &verr) {
		return s.renderAccounts(c, http.StatusUnprocessableEntity, &staffPage{Errors: verr.Fields, Form: form})
	}
	if err != nil {
		return err
	}
	return s.renderAccounts(c, http.StatusOK, &staffPage{
		Notice: "Đã tạo tài khoản " + created.Email + ". Mật khẩu (chỉ hiện một lần, hãy gửi cho cán bộ qua kênh an toàn): " + password})
}

func (s *Server) staffAccountAction(c echo.Context) error {
	st := me(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || !isAdmin(st) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	ctx := c.Request().Context()
	target, err := s.fb.store.GetStaff(ctx, id)
	if errors.Is(err, feedback.ErrNotFound) || (err == nil && !canManage(st, target)) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	switch c.Param("action") {
	case "disable":
		if target.ID == st.ID {
			return s.renderAccounts(c, http.StatusUnprocessableEntity, &staffPage{Errors: map[string]string{"account": "Không thể tự khóa tài khoản của mình."}})
		}
		if err := s.fb.store.DisableStaff(ctx, id); err != nil {
			return err
		}
		return s.renderAccounts(c, http.StatusOK, &staffPage{Notice: "Đã khóa tài khoản " + target.Email + "."})
	case "password":
		password := rand.Text()
		if err := s.fb.store.SetPassword(ctx, id, password); err != nil {
			return err
		}
		return s.renderAccounts(c, http.StatusOK, &staffPage{
			Notice: "Mật khẩu mới của " + target.Email + " (chỉ hiện một lần): " + password})
	}
	return echo.NewHTTPError(http.StatusNotFound)
}
