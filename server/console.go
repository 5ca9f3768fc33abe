package server

// The publishing console at /staff/xuat-ban (routes in routes.go): an
// agency's notices and datasets with their state, the forms that create and
// correct them, drafts with their preview (the public page's own template)
// and approval, withdrawals, and the agency's API tokens. Server-rendered,
// every form with the CSRF guard; it works without JavaScript. See
// console_core.go for who may do what.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/publish"
	"github.com/congkhai/congkhai/units"
)

// uploadGuard bounds a console or API request that may carry files: at most
// uploadSlots read at once, the request's size, and a read deadline long
// enough for a large file on a slow line (the server's own is 30 s).
func (s *Server) uploadGuard(next echo.HandlerFunc) echo.HandlerFunc {
	limit := middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: strconv.FormatInt(s.pub.maxRequest>>10, 10) + "K"})(next)
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			return next(c)
		}
		select {
		case s.pub.slots <- struct{}{}:
			defer func() { <-s.pub.slots }()
		case <-r.Context().Done():
			return r.Context().Err()
		}
		_ = http.NewResponseController(c.Response().Writer).SetReadDeadline(time.Now().Add(10 * time.Minute))
		return limit(c)
	}
}

// consoleActor is the staff member of a console request as an actor.
func consoleActor(c echo.Context) actor { return actor{staff: me(c)} }

// today is the current day in Asia/Ho_Chi_Minh, as a form date.
func (s *Server) today() string { return s.now().In(calendar.Location).Format("2006-01-02") }

// consoleRow is an item or a draft in the console's lists.
type consoleRow struct {
	Path, Title, Kind, State string // State: draft, pending, rejected, published, withdrawn
	Draft                    int64
	Action                   publish.Action
	When                     time.Time
	Reason                   string
	Versions                 int
}

// consoleList is the list page.
type consoleList struct {
	Tab       string
	Tabs      []string
	Counts    map[string]int
	Rows      []consoleRow
	Agency    string
	Agencies  []*content.Agency // site admins filter by agency
	Page      int
	Pages     int
	CanTokens bool
}

var consoleTabs = []string{"nhap", "cho-duyet", "da-dang", "da-rut"}

// consoleScope is the agency a list shows: the member's own, or for a site
// admin the one asked (?co-quan=, "" for all).
func (s *Server) consoleScope(c echo.Context) (string, error) {
	st := me(c)
	if st.Role != feedback.RoleSiteAdmin {
		return st.Agency, nil
	}
	a := c.QueryParam("co-quan")
	if a == "" {
		return "", nil
	}
	if _, ok := s.deps.Portal.Snapshot().Site.Agency(a); !ok {
		return "", echo.NewHTTPError(http.StatusNotFound)
	}
	return a, nil
}

func (s *Server) consoleList(c echo.Context) error {
	ctx := c.Request().Context()
	scope, err := s.consoleScope(c)
	if err != nil {
		return err
	}
	tab := c.QueryParam("loc")
	if tab == "" {
		tab = "nhap"
	}
	found := false
	for _, t := range consoleTabs {
		found = found || t == tab
	}
	if !found {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	st := me(c)
	snap := s.deps.Portal.Snapshot()
	cl := &consoleList{Tab: tab, Tabs: consoleTabs, Counts: map[string]int{}, Agency: scope, CanTokens: consoleActor(c).canReview(st.Agency) || st.Role == feedback.RoleSiteAdmin}
	if st.Role == feedback.RoleSiteAdmin {
		cl.Agencies = snap.Site.Agencies
	}
	open, err := s.pub.store.Drafts(ctx, publish.DraftFilter{Agency: scope, States: []publish.DraftState{publish.DraftOpen, publish.DraftRejected}, Limit: 500})
	if err != nil {
		return err
	}
	pending, err := s.pub.store.Drafts(ctx, publish.DraftFilter{Agency: scope, States: []publish.DraftState{publish.DraftPending}, Limit: 500})
	if err != nil {
		return err
	}
	var notices []*content.Notice
	var datasets []*content.Dataset
	if scope == "" {
		notices, datasets = snap.Site.Notices, snap.Site.Datasets
	} else {
		notices, datasets = snap.AgencyNotices(scope), snap.AgencyDatasets(scope)
	}
	var tombs []consoleRow
	for _, t := range snap.Tombstones() {
		if scope == "" || t.Agency == scope {
			tombs = append(tombs, consoleRow{Path: t.Path, Title: t.Title, Kind: string(t.Kind), State: "withdrawn", When: t.At, Reason: t.Reason, Versions: t.Version})
		}
	}
	cl.Counts = map[string]int{"nhap": len(open), "cho-duyet": len(pending), "da-dang": len(notices) + len(datasets), "da-rut": len(tombs)}
	var rows []consoleRow
	switch tab {
	case "nhap", "cho-duyet":
		ds := open
		if tab == "cho-duyet" {
			ds = pending
		}
		for _, d := range ds {
			rows = append(rows, consoleRow{Path: d.Path, Kind: string(d.Kind), State: string(d.State), Draft: d.ID, Action: d.Action, When: d.Updated, Reason: d.Reason})
		}
	case "da-dang":
		for _, n := range notices {
			rows = append(rows, consoleRow{Path: n.Path, Title: n.Title, Kind: string(publish.Notice), State: "published", When: n.Updated})
		}
		for _, d := range datasets {
			rows = append(rows, consoleRow{Path: d.Path, Title: d.Title, Kind: string(publish.Dataset), State: "published", When: d.Updated})
		}
	case "da-rut":
		rows = tombs
	}
	const per = 50
	cl.Page, cl.Pages = pageParam(c), max(1, (len(rows)+per-1)/per)
	if cl.Page > cl.Pages {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	rows = rows[(cl.Page-1)*per : min(len(rows), cl.Page*per)]
	for i := range rows {
		r := &rows[i]
		if r.Draft != 0 && r.Title == "" {
			r.Title = s.draftTitle(ctx, r.Draft)
		}
		if rec, ok := snap.Record(r.Path); ok && r.State == "published" {
			r.Versions, r.Action = rec.Versions, rec.Action
		}
	}
	cl.Rows = rows
	return s.renderStaff(c, http.StatusOK, "console_list", "Văn bản và dữ liệu", &staffPage{Data: cl, Notice: flash(c)})
}

// flash is the one-time message a redirect carries (?ok=...).
func flash(c echo.Context) string {
	switch c.QueryParam("ok") {
	case "luu":
		return "Đã lưu bản nháp."
	case "gui":
		return "Đã gửi duyệt. Lãnh đạo cơ quan sẽ xem và duyệt đăng."
	case "dang":
		return "Đã đăng: nội dung đã có trên cổng."
	case "tra":
		return "Đã trả lại bản nháp cho người soạn."
	case "xoa":
		return "Đã xóa bản nháp."
	}
	return ""
}

// draftTitle reads the title of a draft's markdown file ("" when it
// cannot).
func (s *Server) draftTitle(ctx context.Context, id int64) string {
	d, err := s.pub.store.Draft(ctx, id)
	if err != nil {
		return ""
	}
	for _, f := range d.Files {
		if f.Name == d.Path+".md" || f.Name == d.Path+"/index.md" {
			b, err := s.pub.store.Blob(ctx, f.Hash)
			if err != nil {
				return ""
			}
			if d.Kind == publish.Dataset {
				dd, _ := content.DecodeDataset(b)
				return dd.Title
			}
			nd, _ := content.DecodeNotice(b)
			return nd.Title
		}
	}
	return ""
}

// pickOption and pickGroup are the places picker's options.
type pickOption struct{ Value, Label string }
type pickGroup struct {
	Label   string
	Options []pickOption
}

// itemPage is the form's page.
type itemPage struct {
	Form        *itemForm
	New         bool
	Agencies    []*content.Agency // a site admin's choice for a new item
	Categories  []content.CategoryInfo
	ColumnTypes []content.ColumnType
	Picker      []pickGroup
	DocTypes    []docTypeOption
	PlaceRows   []string // the rows' values, one blank row more
	URLRows     []urlRow
	ColumnRows  []columnRow
	TableRows   []tableRow
	CanPublish  bool
	Problems    []content.Problem
	MaxFile     int64
}

// province returns the site's province in its units list (nil when the
// list does not have it) and the name site.yaml gives it.
func (s *Server) province() (*units.Province, string) {
	cfg := s.deps.Portal.Snapshot().Site.Config
	l, err := units.Load(cfg.Units)
	if err != nil {
		return nil, cfg.Province
	}
	p, ok := l.Province(cfg.Province)
	if !ok {
		return nil, cfg.Province
	}
	return p, p.Name
}

// picker lays out the places picker: the whole province, its districts,
// then each district's communes (or the communes alone, after 2025), and
// the places of the rows that the list does not have.
func picker(prov *units.Province, province string, rows []string) []pickGroup {
	first := pickGroup{Label: "Toàn tỉnh, huyện", Options: []pickOption{{"", "— Chọn địa bàn —"}, {"P", "Toàn " + strings.ToLower(province[:1]) + province[1:]}}}
	var groups []pickGroup
	if prov != nil {
		for _, d := range prov.Districts {
			first.Options = append(first.Options, pickOption{"D|" + d.Name, d.Name + " (toàn huyện)"})
			g := pickGroup{Label: d.Name}
			for _, u := range d.Communes {
				g.Options = append(g.Options, pickOption{"C|" + d.Name + "|" + u.Name, u.Name + ", " + d.Name})
			}
			groups = append(groups, g)
		}
		if len(prov.Communes) > 0 {
			g := pickGroup{Label: "Xã, phường"}
			for _, u := range prov.Communes {
				g.Options = append(g.Options, pickOption{"C||" + u.Name, u.Name})
			}
			groups = append(groups, g)
		}
	}
	for _, v := range rows {
		if strings.HasPrefix(v, "X|") {
			parts := strings.Split(v, "|")
			label := content.Place{Province: parts[1], District: parts[2], Commune: parts[3]}.Label()
			first.Options = append(first.Options, pickOption{v, label})
		}
	}
	return append([]pickGroup{first}, groups...)
}

// renderItemForm renders the form with its rows, one blank row of each kind
// more for adding.
func (s *Server) renderItemForm(c echo.Context, status int, f *itemForm, errs map[string]string, notice string, problems []content.Problem) error {
	prov, province := s.province()
	ip := &itemPage{Form: f, New: f.Path == "" && f.Draft == 0, Categories: content.Categories(), ColumnTypes: columnTypes,
		Picker: picker(prov, province, f.Places), PlaceRows: append(append([]string{}, f.Places...), ""),
		URLRows: append(append([]urlRow{}, f.URLs...), urlRow{}), ColumnRows: append(append([]columnRow{}, f.Columns...), columnRow{}),
		TableRows: append(append([]tableRow{}, f.Tables...), tableRow{}), Problems: problems, MaxFile: s.pub.maxFile,
		CanPublish: s.canPublish(consoleActor(c), f.Agency), DocTypes: s.docTypes()}
	if v := strings.TrimSpace(f.Fields["document_type"]); v != "" && !slices.ContainsFunc(ip.DocTypes, func(o docTypeOption) bool { return o.Value == v }) {
		ip.DocTypes = append(ip.DocTypes, docTypeOption{Value: v, Label: v, Unknown: true})
	}
	if ip.New && me(c).Role == feedback.RoleSiteAdmin {
		ip.Agencies = s.deps.Portal.Snapshot().Site.Agencies
	}
	title := "Đăng văn bản mới"
	switch {
	case f.Kind == publish.Dataset && ip.New:
		title = "Đăng bộ dữ liệu mới"
	case f.Action == publish.ActionCorrect:
		title = "Đính chính: " + f.Fields["title"]
	case !ip.New:
		title = "Sửa bản nháp: " + f.Fields["title"]
	}
	if errs == nil {
		errs = map[string]string{}
	}
	return s.renderStaff(c, status, "console_item", title, &staffPage{Errors: errs, Form: f.Fields, Notice: notice, Data: ip})
}

// consoleNew is the form of a new notice (?loai=van-ban) or dataset
// (?loai=du-lieu).
func (s *Server) consoleNew(c echo.Context) error {
	st := me(c)
	f := &itemForm{Kind: publish.Notice, Agency: st.Agency, Action: publish.ActionPublish,
		Fields: map[string]string{"published": s.today(), "category": string(content.CatNotice)}}
	if c.QueryParam("loai") == "du-lieu" {
		f.Kind = publish.Dataset
		f.Fields["category"] = ""
		f.Fields["license"] = ""
	}
	if a := c.QueryParam("co-quan"); a != "" && st.Role == feedback.RoleSiteAdmin {
		f.Agency = a
	}
	return s.renderItemForm(c, http.StatusOK, f, nil, "", nil)
}

// consoleCorrect is the form of a correction of the published item ?path=,
// started from its latest version, whose number the form carries: saving it
// after someone else published is refused, never a silent overwrite.
func (s *Server) consoleCorrect(c echo.Context) error {
	ctx := c.Request().Context()
	p := c.QueryParam("path")
	a := consoleActor(c)
	agency, slug, ok := strings.Cut(p, "/")
	if !ok || !validSlug(agency) || !validSlug(slug) || !a.canEdit(agency) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if _, gone := s.deps.Portal.Snapshot().Tombstone(p); gone {
		return c.Redirect(http.StatusSeeOther, "/staff/xuat-ban/rut?action=restore&path="+url.QueryEscape(p))
	}
	files, base, err := s.deps.Portal.ItemFiles(ctx, p)
	if errors.Is(err, publish.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	if _, err := s.pub.store.PutFiles(ctx, files); err != nil {
		return err
	}
	_, isSet, _ := content.ItemMain(p, files)
	f := &itemForm{Kind: publish.Notice, Path: p, Agency: agency, Slug: slug, Base: base, Action: publish.ActionCorrect}
	if isSet {
		f.Kind = publish.Dataset
	}
	if base == 0 {
		// The folder's first recording is under way: the item is recorded
		// as published once it is done.
		return echo.NewHTTPError(http.StatusConflict, "Cổng đang ghi nhận thư mục nội dung; hãy thử lại sau ít phút.")
	}
	prov, _ := s.province()
	if err := s.fillForm(f, files, me(c).ID, prov); err != nil {
		return err
	}
	f.Fields["updated"] = s.today()
	return s.renderItemForm(c, http.StatusOK, f, nil, "", nil)
}

// consoleEditDraft is the form of an open or rejected draft.
func (s *Server) consoleEditDraft(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.consoleDraft(c)
	if err != nil {
		return err
	}
	if d.State != publish.DraftOpen && d.State != publish.DraftRejected || d.Action == publish.ActionWithdraw || d.Action == publish.ActionRestore {
		return c.Redirect(http.StatusSeeOther, draftURL(d.ID))
	}
	files, err := s.draftFiles(ctx, d)
	if err != nil {
		return err
	}
	agency, slug, _ := strings.Cut(d.Path, "/")
	f := &itemForm{Kind: d.Kind, Draft: d.ID, Path: d.Path, Agency: agency, Slug: slug, Base: d.Base, Action: d.Action, Reason: d.Reason}
	prov, _ := s.province()
	if err := s.fillForm(f, files, me(c).ID, prov); err != nil {
		return err
	}
	return s.renderItemForm(c, http.StatusOK, f, nil, "", nil)
}

func draftURL(id int64) string { return "/staff/xuat-ban/nhap/" + strconv.FormatInt(id, 10) }

// consoleDraft loads the draft of :id that the member may see, else 404.
func (s *Server) consoleDraft(c echo.Context) (*publish.Draft, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	d, err := s.draftFor(c.Request().Context(), consoleActor(c), id)
	if errors.Is(err, publish.ErrNotFound) {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	return d, err
}

// draftFiles reads the files of a draft.
func (s *Server) draftFiles(ctx context.Context, d *publish.Draft) (map[string][]byte, error) {
	files := make(map[string][]byte, len(d.Files))
	for _, f := range d.Files {
		b, err := s.pub.store.Blob(ctx, f.Hash)
		if err != nil {
			return nil, err
		}
		files[f.Name] = b
	}
	return files, nil
}

// consoleSave saves the form: a new draft, a correction's draft, or a draft
// changed; then, as the button asked, submits or publishes it. Errors send
// the form back with what was typed and the files uploaded.
func (s *Server) consoleSave(c echo.Context) error {
	ctx := c.Request().Context()
	st := me(c)
	a := consoleActor(c)
	f := &itemForm{Kind: publish.Kind(c.FormValue("kind")), Action: publish.ActionPublish}
	if f.Kind != publish.Notice && f.Kind != publish.Dataset {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	var draftID int64
	var draft *publish.Draft
	switch id, p := c.FormValue("draft"), c.FormValue("path"); {
	case id != "":
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		d, err := s.draftFor(ctx, a, n)
		if errors.Is(err, publish.ErrNotFound) {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		if err != nil {
			return err
		}
		draft, draftID, f.Draft, f.Path, f.Kind, f.Base, f.Action = d, d.ID, d.ID, d.Path, d.Kind, d.Base, d.Action
		f.Agency, f.Slug, _ = strings.Cut(d.Path, "/")
	case p != "":
		agency, slug, ok := strings.Cut(p, "/")
		if !ok || !validSlug(agency) || !validSlug(slug) || !a.canEdit(agency) {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		base, err := strconv.Atoi(c.FormValue("base"))
		if err != nil || base < 1 {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		f.Path, f.Agency, f.Slug, f.Base, f.Action = p, agency, slug, base, publish.ActionCorrect
	default:
		f.Agency = st.Agency
		if st.Role == feedback.RoleSiteAdmin {
			f.Agency = c.FormValue("agency")
		}
		f.Slug = strings.TrimSpace(c.FormValue("slug"))
		if f.Slug == "" {
			// Where uploads go is known before the form is checked.
			f.Slug = content.Slugify(c.FormValue("title"))
			if len(f.Slug) > 80 {
				f.Slug = strings.TrimRight(f.Slug[:80], "-")
			}
		}
	}
	errs := map[string]string{}
	if f.Path == "" {
		if _, ok := s.deps.Portal.Snapshot().Site.Agency(f.Agency); !ok {
			if st.Role != feedback.RoleSiteAdmin {
				return echo.NewHTTPError(http.StatusNotFound)
			}
			errs["agency"] = "Vui lòng chọn cơ quan."
		} else if !a.canEdit(f.Agency) {
			return echo.NewHTTPError(http.StatusNotFound)
		}
	}
	// What the form does not carry (a records dataset's kind, fields and
	// drop) is taken from the file it started from, not from the request.
	if err := s.loadOrig(ctx, f, draft); errors.Is(err, publish.ErrNotFound) {
		return echo.NewHTTPError(http.StatusBadRequest)
	} else if err != nil {
		return err
	}
	if err := s.readForm(c, f, st.ID, errs); err != nil {
		return err
	}
	op := c.FormValue("op")
	if op == "them-dong" {
		return s.renderItemForm(c, http.StatusOK, f, errs, "", nil)
	}
	prov, province := s.province()
	files := s.buildItem(ctx, f, prov, province, errs)
	if len(errs) > 0 {
		return s.renderItemForm(c, http.StatusUnprocessableEntity, f, errs, "", nil)
	}
	ch := &change{Path: f.Agency + "/" + f.Slug, Kind: f.Kind, Action: f.Action, Base: f.Base, Reason: f.Reason, Files: files}
	d, err := s.saveDraft(ctx, a, draftID, ch)
	if err != nil {
		return s.formError(c, f, err)
	}
	switch op {
	case "gui":
		if _, _, err := s.draftAction(ctx, a, d.ID, "submit", ""); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, draftURL(d.ID)+"?ok=gui")
	case "dang":
		if _, _, err := s.draftAction(ctx, a, d.ID, "approve", ""); err != nil {
			return s.renderDraft(c, d.ID, err)
		}
		return c.Redirect(http.StatusSeeOther, draftURL(d.ID)+"?ok=dang")
	}
	return c.Redirect(http.StatusSeeOther, draftURL(d.ID)+"?ok=luu")
}

// formError sends the form back with the error of a publishing step.
func (s *Server) formError(c echo.Context, f *itemForm, err error) error {
	status, msg := problemStatus(err)
	if status == http.StatusInternalServerError {
		return err
	}
	if status == http.StatusForbidden || status == http.StatusNotFound {
		return echo.NewHTTPError(status, msg)
	}
	errs := map[string]string{"action": msg}
	ps := problemsOf(err)
	for _, p := range ps {
		if !strings.HasSuffix(p.Path, ".md") {
			errs["upload"] = "Có tệp không dùng được: xem danh sách lỗi ở đầu trang."
		}
	}
	return s.renderItemForm(c, status, f, errs, "", ps)
}

// draftPage is a draft with its check and what the member may do with it.
type draftPage struct {
	Draft      *publish.Draft
	Title      string
	Author     string
	Reviewer   string
	Problems   []content.Problem
	Guesses    []content.Problem
	Notes      []content.Problem // the guesses of no table: a records dataset's exports as the accountability pages read them
	Records    string            // a records dataset's kind
	Tables     []tablePreview
	Files      []fileRow
	CanEdit    bool
	CanSubmit  bool
	CanPublish bool
	CanReject  bool
	Published  string // the public page once published
}

// tablePreview is a table of a dataset's draft as the reader detected it:
// what staff confirm before it is published.
type tablePreview struct {
	Table   *content.Table
	Rows    []content.Row
	Guesses []content.Problem
}

func (s *Server) consoleDraftPage(c echo.Context) error {
	d, err := s.consoleDraft(c)
	if err != nil {
		return err
	}
	return s.renderDraft(c, d.ID, nil)
}

// renderDraft renders the draft page, with the error of an action when
// there is one.
func (s *Server) renderDraft(c echo.Context, id int64, actionErr error) error {
	return s.renderDraftWith(c, id, actionErr, http.StatusOK, nil)
}

// renderDraftErrs renders the draft page with form errors.
func (s *Server) renderDraftErrs(c echo.Context, id int64, status int, errs map[string]string) error {
	return s.renderDraftWith(c, id, nil, status, errs)
}

func (s *Server) renderDraftWith(c echo.Context, id int64, actionErr error, status int, errs map[string]string) error {
	ctx := c.Request().Context()
	a := consoleActor(c)
	d, err := s.draftFor(ctx, a, id)
	if err != nil {
		return err
	}
	files, err := s.draftFiles(ctx, d)
	if err != nil {
		return err
	}
	dp := &draftPage{Draft: d, Title: s.draftTitle(ctx, d.ID)}
	dp.Author = s.actorName(ctx, d.Author)
	dp.Reviewer = s.actorName(ctx, d.Reviewer)
	editable := d.State == publish.DraftOpen || d.State == publish.DraftRejected
	dp.CanEdit = editable && d.Action != publish.ActionWithdraw && d.Action != publish.ActionRestore
	dp.CanSubmit = editable
	dp.CanPublish = (editable || d.State == publish.DraftPending) && s.canPublish(a, d.Agency)
	dp.CanReject = d.State == publish.DraftPending && a.canReview(d.Agency)
	if d.State == publish.DraftPublished && d.Action != publish.ActionWithdraw {
		dp.Published = "/" + d.Path
	}
	for _, f := range d.Files {
		if f.Name != d.Path+".md" && f.Name != d.Path+"/index.md" {
			dp.Files = append(dp.Files, fileRow{Name: strings.TrimPrefix(f.Name, d.Agency+"/"), Size: f.Size})
		}
	}
	if len(files) > 0 {
		it, ps := s.deps.Portal.CheckItem(d.Path, files)
		for _, p := range ps {
			if p.Guess {
				dp.Guesses = append(dp.Guesses, p)
			} else {
				dp.Problems = append(dp.Problems, p)
			}
		}
		if it != nil && it.Dataset != nil {
			dp.Records = it.Dataset.Kind
			for _, g := range dp.Guesses {
				if !slices.ContainsFunc(it.Dataset.Tables, func(t *content.Table) bool { return t.File == g.Path }) {
					dp.Notes = append(dp.Notes, g)
				}
			}
			for _, t := range it.Dataset.Tables {
				tp := tablePreview{Table: t}
				tp.Rows, _ = t.Rows(ctx, content.RowQuery{Limit: 5, SortBy: -1})
				for _, g := range dp.Guesses {
					if g.Path == t.File {
						tp.Guesses = append(tp.Guesses, g)
					}
				}
				dp.Tables = append(dp.Tables, tp)
			}
		}
	}
	if errs == nil {
		errs = map[string]string{}
	}
	p := &staffPage{Data: dp, Notice: flash(c), Errors: errs, Form: map[string]string{"note": c.FormValue("note")}}
	if actionErr != nil {
		code, msg := problemStatus(actionErr)
		if code == http.StatusInternalServerError {
			return actionErr
		}
		status = code
		p.Errors["action"] = msg
		if ps := problemsOf(actionErr); ps != nil {
			dp.Problems = ps
		}
	}
	title := dp.Title
	if title == "" {
		title = d.Path
	}
	return s.renderStaff(c, status, "console_draft", "Bản nháp: "+title, p)
}

// actorName is who an actor string names, for staff to read.
func (s *Server) actorName(ctx context.Context, actor string) string {
	kind, id, ok := strings.Cut(actor, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil {
		return actor
	}
	switch kind {
	case "staff":
		if st, err := s.fb.store.GetStaff(ctx, n); err == nil {
			return st.Name
		}
	case "token":
		if t, err := s.pub.store.Token(ctx, n); err == nil {
			return "API: " + t.Name
		}
	}
	return actor
}

// consolePreview shows a draft as its public page will look: the public
// templates themselves, under a banner, never cached.
func (s *Server) consolePreview(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.consoleDraft(c)
	if err != nil {
		return err
	}
	files, err := s.draftFiles(ctx, d)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return c.Redirect(http.StatusSeeOther, draftURL(d.ID))
	}
	it, _ := s.deps.Portal.CheckItem(d.Path, files)
	if it == nil {
		return c.Redirect(http.StatusSeeOther, draftURL(d.ID))
	}
	c.Set(bannerKey, "Bản xem trước, chưa công bố: trang sẽ hiện như dưới đây khi được đăng.")
	c.Set(bannerLinkKey, draftURL(d.ID))
	if it.Notice != nil {
		return s.notice(c, it.Notice)
	}
	return s.dataset(c, it.Dataset)
}

// consoleDraftAction runs an action of the draft page: submit, approve,
// reject (with a note), delete.
func (s *Server) consoleDraftAction(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.consoleDraft(c)
	if err != nil {
		return err
	}
	action := map[string]string{"gui": "submit", "dang": "approve", "tra-lai": "reject", "xoa": "delete"}[c.Param("action")]
	if action == "" {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	note := strings.TrimSpace(c.FormValue("note"))
	if action == "reject" && note == "" {
		return s.renderDraftErrs(c, d.ID, http.StatusUnprocessableEntity, map[string]string{"note": "Vui lòng ghi lý do trả lại để người soạn sửa."})
	}
	if _, _, err := s.draftAction(ctx, consoleActor(c), d.ID, action, note); err != nil {
		if code, _ := problemStatus(err); code == http.StatusForbidden {
			return echo.NewHTTPError(http.StatusForbidden)
		}
		return s.renderDraft(c, d.ID, err)
	}
	switch action {
	case "delete":
		return c.Redirect(http.StatusSeeOther, "/staff/xuat-ban?ok=xoa")
	case "submit":
		return c.Redirect(http.StatusSeeOther, draftURL(d.ID)+"?ok=gui")
	case "reject":
		return c.Redirect(http.StatusSeeOther, draftURL(d.ID)+"?ok=tra")
	}
	return c.Redirect(http.StatusSeeOther, draftURL(d.ID)+"?ok=dang")
}

// withdrawPage is the form to withdraw or restore an item.
type withdrawPage struct {
	Path, Title string
	Action      publish.Action
	Base        int
	CanPublish  bool
}

// consoleWithdrawForm is the form to withdraw a published item, or restore
// a withdrawn one (?action=restore).
func (s *Server) consoleWithdrawForm(c echo.Context) error {
	wp, err := s.withdrawTarget(c, c.QueryParam("path"), c.QueryParam("action"))
	if err != nil {
		return err
	}
	return s.renderStaff(c, http.StatusOK, "console_withdraw", "Rút văn bản: "+wp.Title, &staffPage{Data: wp, Errors: map[string]string{}, Form: map[string]string{}})
}

func (s *Server) withdrawTarget(c echo.Context, p, action string) (*withdrawPage, error) {
	a := consoleActor(c)
	agency, slug, ok := strings.Cut(p, "/")
	if !ok || !validSlug(agency) || !validSlug(slug) || !a.canEdit(agency) {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	latest, err := s.pub.store.Latest(c.Request().Context(), p)
	if errors.Is(err, publish.ErrNotFound) {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return nil, err
	}
	wp := &withdrawPage{Path: p, Action: publish.ActionWithdraw, Base: latest.Number, CanPublish: s.canPublish(a, agency)}
	if action == "restore" {
		wp.Action = publish.ActionRestore
	}
	if latest.Withdrawn() != (wp.Action == publish.ActionRestore) {
		return nil, echo.NewHTTPError(http.StatusConflict, "Nội dung không ở trạng thái cho phép thao tác này.")
	}
	snap := s.deps.Portal.Snapshot()
	if n, d := snap.Lookup(p); n != nil {
		wp.Title = n.Title
	} else if d != nil {
		wp.Title = d.Title
	} else if t, ok := snap.Tombstone(p); ok {
		wp.Title = t.Title
	}
	return wp, nil
}

// consoleWithdraw makes the draft of a withdrawal or restoration, with its
// reason, and submits or publishes it.
func (s *Server) consoleWithdraw(c echo.Context) error {
	ctx := c.Request().Context()
	a := consoleActor(c)
	wp, err := s.withdrawTarget(c, c.FormValue("path"), c.FormValue("action"))
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	if base, err := strconv.Atoi(c.FormValue("base")); err == nil {
		wp.Base = base
	}
	if reason == "" {
		return s.renderStaff(c, http.StatusUnprocessableEntity, "console_withdraw", "Rút văn bản: "+wp.Title,
			&staffPage{Data: wp, Errors: map[string]string{"reason": "Vui lòng nêu lý do."}, Form: map[string]string{}})
	}
	ch := &change{Path: wp.Path, Action: wp.Action, Base: wp.Base, Reason: reason}
	latest, err := s.pub.store.Latest(ctx, wp.Path)
	if err != nil {
		return err
	}
	ch.Kind = latest.Kind
	if wp.Action == publish.ActionRestore {
		if ch.Files, err = s.blobFiles(ctx, latest.Files); err != nil {
			return err
		}
	}
	d, err := s.saveDraft(ctx, a, 0, ch)
	if err != nil {
		status, msg := problemStatus(err)
		if status == http.StatusInternalServerError {
			return err
		}
		return s.renderStaff(c, status, "console_withdraw", "Rút văn bản: "+wp.Title,
			&staffPage{Data: wp, Errors: map[string]string{"action": msg, "reason": ""}, Form: map[string]string{"reason": reason}})
	}
	op := "submit"
	if c.FormValue("op") == "dang" {
		op = "approve"
	}
	if _, _, err := s.draftAction(ctx, a, d.ID, op, ""); err != nil {
		return s.renderDraft(c, d.ID, err)
	}
	if op == "approve" {
		return c.Redirect(http.StatusSeeOther, draftURL(d.ID)+"?ok=dang")
	}
	return c.Redirect(http.StatusSeeOther, draftURL(d.ID)+"?ok=gui")
}

// blobFiles reads files of the record.
func (s *Server) blobFiles(ctx context.Context, fs []publish.File) (map[string][]byte, error) {
	out := make(map[string][]byte, len(fs))
	for _, f := range fs {
		b, err := s.pub.store.Blob(ctx, f.Hash)
		if err != nil {
			return nil, err
		}
		out[f.Name] = b
	}
	return out, nil
}

// tokensPage lists the API tokens an admin manages.
type tokensPage struct {
	Tokens   []publish.Token
	Agencies []*content.Agency // a site admin chooses the agency of a new token
	Names    map[int64]string
}

func (s *Server) tokensScope(c echo.Context) (string, error) {
	st := me(c)
	switch st.Role {
	case feedback.RoleSiteAdmin:
		return "", nil
	case feedback.RoleAgencyAdmin:
		return st.Agency, nil
	}
	return "", echo.NewHTTPError(http.StatusNotFound)
}

func (s *Server) renderTokens(c echo.Context, status int, p *staffPage) error {
	scope, err := s.tokensScope(c)
	if err != nil {
		return err
	}
	ts, err := s.pub.store.Tokens(c.Request().Context(), scope)
	if err != nil {
		return err
	}
	tp := &tokensPage{Tokens: ts, Names: map[int64]string{}}
	if me(c).Role == feedback.RoleSiteAdmin {
		tp.Agencies = s.deps.Portal.Snapshot().Site.Agencies
	}
	names, _, err := s.staffNames(c, scope)
	if err != nil {
		return err
	}
	tp.Names = names
	p.Data = tp
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	return s.renderStaff(c, status, "console_tokens", "Khóa API", p)
}

func (s *Server) consoleTokens(c echo.Context) error {
	return s.renderTokens(c, http.StatusOK, &staffPage{})
}

// consoleTokenCreate makes a token and shows its secret once.
func (s *Server) consoleTokenCreate(c echo.Context) error {
	ctx := c.Request().Context()
	st := me(c)
	if _, err := s.tokensScope(c); err != nil {
		return err
	}
	agency := st.Agency
	if st.Role == feedback.RoleSiteAdmin {
		agency = c.FormValue("agency")
	}
	name := strings.TrimSpace(c.FormValue("name"))
	form := map[string]string{"name": name, "agency": agency}
	errs := map[string]string{}
	if _, ok := s.deps.Portal.Snapshot().Site.Agency(agency); !ok {
		errs["agency"] = "Vui lòng chọn cơ quan."
	}
	if name == "" || len([]rune(name)) > 200 {
		errs["name"] = "Vui lòng đặt tên cho khóa (tối đa 200 ký tự), ví dụ: Phần mềm quản lý văn bản."
	}
	if len(errs) > 0 || !consoleActor(c).canReview(agency) {
		if len(errs) == 0 {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		return s.renderTokens(c, http.StatusUnprocessableEntity, &staffPage{Errors: errs, Form: form})
	}
	t, secret, err := s.pub.store.CreateToken(ctx, agency, name, st.ID)
	if err != nil {
		return err
	}
	s.audit(ctx, consoleActor(c), publish.AuditEntry{Agency: agency, Action: "token_created", Path: agency, Detail: t.Name + " (" + t.Prefix + "…)"})
	return s.renderTokens(c, http.StatusOK, &staffPage{Notice: "Đã tạo khóa “" + t.Name + "”. Khóa chỉ hiện một lần, hãy chép và lưu vào phần mềm ngay: " + secret})
}

// consoleTokenRevoke revokes a token of an agency the admin manages.
func (s *Server) consoleTokenRevoke(c echo.Context) error {
	ctx := c.Request().Context()
	if _, err := s.tokensScope(c); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	t, err := s.pub.store.Token(ctx, id)
	if errors.Is(err, publish.ErrNotFound) || err == nil && !consoleActor(c).canReview(t.Agency) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	if err := s.pub.store.RevokeToken(ctx, id, me(c).ID); err != nil {
		return err
	}
	s.audit(ctx, consoleActor(c), publish.AuditEntry{Agency: t.Agency, Action: "token_revoked", Path: t.Agency, Detail: t.Name + " (" + t.Prefix + "…)"})
	return s.renderTokens(c, http.StatusOK, &staffPage{Notice: "Đã thu hồi khóa “" + t.Name + "”."})
}
