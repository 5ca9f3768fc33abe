package server

// The public record of every notice and dataset (package publish, through the
// portal): the history page of an item (/<agency>/<slug>/lich-su), the diff of
// two of its versions (/lich-su/so-sanh?tu=1&den=2), the files of a version
// (/lich-su/<n>/<file>), the 410 page of a withdrawn item, a dataset as it was
// in force on a date (?ngay=2025-06-30, its downloads too), and what the notice
// and dataset pages say of corrections ("Đã sửa đổi N lần").
//
// A withdrawn item's history lists its versions (time, agency, action,
// reason) but shows neither their diffs nor their files: withdrawing is how an
// agency takes a text off the site, and the record keeps it for the
// authorities, not for the public.

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/publish"
)

// Bounds of a diff page: what it shows of the changes, never the whole of a
// huge table or text.
const (
	diffMaxOps    = 4000 // pieces of text shown, fields and body together
	diffEqualKeep = 160  // characters kept at each end of a long unchanged piece
	diffMaxRows   = 200  // added, removed and changed rows shown per table
)

// Record is what the public record says of the item at path once it changed
// after its first version (nil otherwise): "Đã sửa đổi N lần" on its page.
func (v *view) Record(path string) *portal.ItemRecord {
	if r, ok := v.snap.Record(path); ok {
		return &r
	}
	return nil
}

// DateTime shows a time as dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh.
func (v *view) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Location).Format("02/01/2006 15:04")
}

// itemPath reads the :agency and :dataset parameters as an item path.
func itemPath(c echo.Context) (string, bool) {
	a, s := c.Param("agency"), c.Param("dataset")
	if !validSlug(a) || !validSlug(s) {
		return "", false
	}
	return a + "/" + s, true
}

// validSlug is the rule of agency folders and item names (docs/content.md).
func validSlug(s string) bool {
	if s == "" || len(s) > 200 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// historyVersion is a version as the history page lists it.
type historyVersion struct {
	publish.Version
	ActionKey string // i18n key of its action
	ActorKey  string // i18n key of who: staff, API, the content folder
	Agency    string // the agency's name
}

// historyPage is the history of an item.
type historyPage struct {
	Path, Title string
	Agency      string // its slug
	Kind        publish.Kind
	Withdrawn   bool
	Restricted  bool             // one-stop exports: versions listed, files never offered
	Versions    []historyVersion // newest first
	Latest      int
	History     *portal.History
}

func (s *Server) versionView(v *view, pv publish.Version) historyVersion {
	hv := historyVersion{Version: pv, ActionKey: "hist_action_" + string(pv.Action), ActorKey: "hist_actor_staff"}
	switch {
	case pv.Actor == publish.ActorFile:
		hv.ActorKey = "hist_actor_file"
	case strings.HasPrefix(pv.Actor, "token:"):
		hv.ActorKey = "hist_actor_token"
	}
	hv.Agency = pv.Agency
	if a := v.Agency(pv.Agency); a != nil {
		hv.Agency = a.Name
	}
	return hv
}

// loadHistory returns the item's history and its title, or a 404.
func (s *Server) loadHistory(ctx context.Context, v *view, p string) (*portal.History, string, error) {
	h, err := s.deps.Portal.History(ctx, p)
	if errors.Is(err, publish.ErrNotFound) || errors.Is(err, portal.ErrNoRecord) {
		return nil, "", echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return nil, "", err
	}
	title := ""
	if n, d := v.snap.Lookup(p); n != nil {
		title = n.Title
	} else if d != nil {
		title = d.Title
	} else if t, ok := v.snap.Tombstone(p); ok {
		title = t.Title
	}
	if title == "" {
		last := h.Versions[len(h.Versions)-1]
		if iv, err := s.deps.Portal.VersionItem(ctx, p, last.Number); err == nil && iv.Item != nil {
			title = iv.Item.Title()
		}
	}
	return h, title, nil
}

// history is /<agency>/<slug>/lich-su: every version of the item, newest first.
func (s *Server) history(c echo.Context) error {
	p, ok := itemPath(c)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return s.page(c, "history", func(v *view) error {
		h, title, err := s.loadHistory(c.Request().Context(), v, p)
		if err != nil {
			return err
		}
		agency, _, _ := strings.Cut(p, "/")
		hp := &historyPage{Path: p, Agency: agency, Title: title, Kind: h.Kind, Withdrawn: h.Withdrawn, History: h, Latest: len(h.Versions),
			Restricted: s.restricted(c.Request().Context(), p)}
		for i := len(h.Versions) - 1; i >= 0; i-- {
			hp.Versions = append(hp.Versions, s.versionView(v, h.Versions[i]))
		}
		v.Title = v.T("hist_title") + ": " + title
		v.Data = hp
		return nil
	})
}

// diffPage is the comparison of two versions.
type diffPage struct {
	Path, Title string
	A, B        historyVersion
	Latest      int
	Numbers     []int
	Fields      []diffField
	Body        []diffPiece
	BodyCut     int // pieces of the body left out past the bound
	Tables      []diffTable
	Files       []portal.FileChange
	Same        bool
}

type diffField struct {
	Name   string // i18n key "field_<name>"
	Pieces []diffPiece
}

// diffPiece is a piece of a text diff: "=" kept, "-" removed, "+" added.
type diffPiece struct {
	Op   string
	Text string
}

type diffTable struct {
	Name, Title, Only      string
	Key                    string
	AddedColumns           []string
	RemovedColumns         []string
	Added, Removed         []diffRow
	Changed                []diffChanged
	NAdded, NRemoved       int
	NChanged, Unchanged    int
	MoreAdded, MoreRemoved int
	MoreChanged            int
}

type diffRow struct {
	N     int // 1-based row number in its version
	Cells []string
}

type diffChanged struct {
	A, B  int // 1-based
	Label string
	Cells []publish.CellChange
}

// pieces turns ops into pieces, long unchanged ones cut in the middle, and
// counts down budget; past it the rest is left out (the count returned).
func pieces(ops []publish.Op, budget *int) ([]diffPiece, int) {
	var out []diffPiece
	for i, op := range ops {
		if *budget <= 0 {
			return out, len(ops) - i
		}
		*budget--
		text := op.Text
		if op.Kind == publish.Equal && utf8.RuneCountInString(text) > 3*diffEqualKeep {
			r := []rune(text)
			switch {
			case i == 0:
				text = "… " + string(r[len(r)-diffEqualKeep:])
			case i == len(ops)-1:
				text = string(r[:diffEqualKeep]) + " …"
			default:
				text = string(r[:diffEqualKeep]) + " … " + string(r[len(r)-diffEqualKeep:])
			}
		}
		out = append(out, diffPiece{Op: op.Kind.String(), Text: text})
	}
	return out, 0
}

// versionNumber reads a version number parameter: def when empty, else a
// number from 1 to latest (anything else is a 400).
func versionNumber(c echo.Context, name string, def, latest int) (int, error) {
	s := c.QueryParam(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > latest {
		return 0, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("Phiên bản %q không có: chọn từ 1 đến %d.", s, latest))
	}
	return n, nil
}

// historyDiff is /<agency>/<slug>/lich-su/so-sanh?tu=A&den=B: what changed
// from version A to version B (default: the latest and the one before).
func (s *Server) historyDiff(c echo.Context) error {
	p, ok := itemPath(c)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return s.page(c, "history_diff", func(v *view) error {
		ctx := c.Request().Context()
		h, title, err := s.loadHistory(ctx, v, p)
		if err != nil {
			return err
		}
		if h.Withdrawn {
			t, _ := v.snap.Tombstone(p)
			return goneError(t)
		}
		latest := len(h.Versions)
		b, err := versionNumber(c, "den", latest, latest)
		if err != nil {
			return err
		}
		a, err := versionNumber(c, "tu", max(1, b-1), latest)
		if err != nil {
			return err
		}
		d, err := s.deps.Portal.Diff(ctx, p, a, b)
		if err != nil {
			return err
		}
		dp := &diffPage{Path: p, Title: title, A: s.versionView(v, *d.A), B: s.versionView(v, *d.B), Latest: latest, Files: d.Files}
		for i := 1; i <= latest; i++ {
			dp.Numbers = append(dp.Numbers, i)
		}
		budget := diffMaxOps
		for _, f := range d.Fields {
			ps, _ := pieces(f.Ops, &budget)
			dp.Fields = append(dp.Fields, diffField{Name: "field_" + f.Name, Pieces: ps})
		}
		dp.Body, dp.BodyCut = pieces(d.Body, &budget)
		if s.restricted(ctx, p, a, b) {
			d.Tables = nil // the rows of one-stop exports are private records
		}
		for _, tc := range d.Tables {
			dp.Tables = append(dp.Tables, tableDiffView(tc))
		}
		dp.Same = len(d.Fields) == 0 && len(d.Body) == 0 && len(d.Tables) == 0 && len(d.Files) == 0
		v.Title = v.T("hist_compare") + ": " + title
		v.Data = dp
		return nil
	})
}

// tableDiffView bounds a table's diff to diffMaxRows rows of each kind.
func tableDiffView(tc portal.TableChange) diffTable {
	d := tc.Diff
	t := diffTable{Name: tc.Name, Title: tc.Title, Only: tc.Only, Key: d.Key, AddedColumns: d.AddedColumns, RemovedColumns: d.RemovedColumns,
		NAdded: len(d.Added), NRemoved: len(d.Removed), NChanged: len(d.Changed), Unchanged: d.Unchanged}
	row := func(tb publish.Table, i int) diffRow {
		r := diffRow{N: i + 1}
		if i < len(tb.Rows) {
			r.Cells = tb.Rows[i]
		}
		return r
	}
	if tc.Only != "" {
		// A table one version lacks: its row count, not its rows.
		return t
	}
	for _, i := range d.Added[:min(len(d.Added), diffMaxRows)] {
		t.Added = append(t.Added, row(tc.B, i))
	}
	for _, i := range d.Removed[:min(len(d.Removed), diffMaxRows)] {
		t.Removed = append(t.Removed, row(tc.A, i))
	}
	for _, ch := range d.Changed[:min(len(d.Changed), diffMaxRows)] {
		label := ""
		if ch.B < len(tc.B.Rows) {
			label = rowLabel(tc.B.Rows[ch.B])
		}
		t.Changed = append(t.Changed, diffChanged{A: ch.A + 1, B: ch.B + 1, Label: label, Cells: ch.Cells})
	}
	t.MoreAdded, t.MoreRemoved, t.MoreChanged = len(d.Added)-len(t.Added), len(d.Removed)-len(t.Removed), len(d.Changed)-len(t.Changed)
	return t
}

// rowLabel names a row by its first non-empty text cells (at most two).
func rowLabel(cells []string) string {
	var parts []string
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			parts = append(parts, c)
			if len(parts) == 2 {
				break
			}
		}
	}
	return strings.Join(parts, " – ")
}

// versionFile is /<agency>/<slug>/lich-su/<n>/<file>: a file of version n of
// the item, named relative to the agency folder, served as the content
// folder's files are (as a download unless a PDF, a plain image or text, under
// a sandboxing policy).
func (s *Server) versionFile(c echo.Context) error {
	p, ok := itemPath(c)
	n, err := strconv.Atoi(c.Param("n"))
	rest := c.Param("*")
	if !ok || err != nil || n < 1 || rest == "" {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if _, gone := s.deps.Portal.Snapshot().Tombstone(p); gone {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	iv, err := s.deps.Portal.VersionItem(c.Request().Context(), p, n)
	if errors.Is(err, publish.ErrNotFound) || errors.Is(err, portal.ErrNoRecord) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	agency, _, _ := strings.Cut(p, "/")
	name := agency + "/" + rest
	if name != p+"/index.md" && name != p+".md" && s.restricted(c.Request().Context(), p, n) {
		return echo.NewHTTPError(http.StatusNotFound) // an export: a private record
	}
	b, ok := iv.Files[name]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	typ := "text/plain; charset=utf-8" // the markdown file
	if iv.Item != nil {
		if f, ok := iv.Item.Files[name]; ok {
			typ = f.Type
		}
	}
	if typ == "" {
		typ = "application/octet-stream"
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
	if !inlineSafe(typ) {
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, strings.ReplaceAll(path.Base(name), `"`, "")))
	}
	h.Set("Cache-Control", "public, max-age=86400") // a version never changes
	return c.Blob(http.StatusOK, typ, b)
}

// restricted reports whether the item at p is a dataset of one-stop exports
// (content.Dataset.Restricted) now or in any of the versions given: their
// files and rows are private records, kept by the record for the replicas
// and never shown.
func (s *Server) restricted(ctx context.Context, p string, versions ...int) bool {
	if d, ok := s.deps.Portal.Snapshot().Site.Dataset(p); ok && d.Restricted() {
		return true
	}
	for _, n := range versions {
		if iv, err := s.deps.Portal.VersionItem(ctx, p, n); err == nil && iv.Item != nil && iv.Item.Dataset != nil && iv.Item.Dataset.Restricted() {
			return true
		}
	}
	return false
}

// VersionFileURL is the address of a file of version n of the item at p.
func (v *view) VersionFileURL(p string, n int, name string) string { return versionFileURL(p, n, name) }

// RelName is a file's name relative to the agency folder of the item at p.
func (v *view) RelName(p, name string) string {
	agency, _, _ := strings.Cut(p, "/")
	return strings.TrimPrefix(name, agency+"/")
}

// versionFileURL is the address of a file of version n of the item at p.
func versionFileURL(p string, n int, name string) string {
	agency, _, _ := strings.Cut(p, "/")
	rel := strings.TrimPrefix(name, agency+"/")
	return filePath(p) + "/lich-su/" + strconv.Itoa(n) + filePath(rel)
}

// FileURL is the link of a file of the dataset shown: the content folder's
// file, or the file of the version in force on the date asked (?ngay=).
func (t *tableView) FileURL(name string) template.URL {
	if t.Version > 0 {
		return template.URL(versionFileURL(t.Dataset.Path, t.Version, name))
	}
	return template.URL(filePath(name))
}

// OnQuery is the query the dataset's downloads carry: "?ngay=2025-06-30"
// for a dataset as in force on a date, else "".
func (t *tableView) OnQuery() template.URL {
	if t.On.IsZero() {
		return ""
	}
	return template.URL("?ngay=" + t.On.Format("2006-01-02"))
}

// OnParam is "&ngay=2025-06-30" for links that add to a query of their own
// (the tables' tabs), "" for the current dataset.
func (t *tableView) OnParam() template.URL {
	if t.On.IsZero() {
		return ""
	}
	return template.URL("&ngay=" + t.On.Format("2006-01-02"))
}

// BOMQuery is the query of the CSV download for Excel.
func (t *tableView) BOMQuery() template.URL {
	if t.On.IsZero() {
		return "?bom=1"
	}
	return template.URL("?ngay=" + t.On.Format("2006-01-02") + "&bom=1")
}

// parseDay reads ?ngay=: 2025-06-30 or 30/06/2025, a day in Asia/Ho_Chi_Minh.
func parseDay(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "02/01/2006"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), calendar.Location); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// datasetAt returns the dataset at p as in force on the day of ?ngay=, with
// its version number. Errors are HTTP errors: 400 for a bad date, 404 when
// the record has no dataset at p that day (or no record), 410 when it was
// withdrawn then.
func (s *Server) datasetAt(c echo.Context, p string) (*content.Dataset, time.Time, int, error) {
	day, ok := parseDay(c.QueryParam("ngay"))
	if !ok {
		return nil, day, 0, echo.NewHTTPError(http.StatusBadRequest, "Ngày không hợp lệ: viết ngay=2025-06-30.")
	}
	iv, err := s.deps.Portal.ItemAt(c.Request().Context(), p, day)
	if errors.Is(err, publish.ErrNotFound) || errors.Is(err, portal.ErrNoRecord) {
		return nil, day, 0, echo.NewHTTPError(http.StatusNotFound, "Chưa có dữ liệu này vào ngày "+formatDate(day)+".")
	}
	if err != nil {
		return nil, day, 0, err
	}
	if iv.Version.Withdrawn() {
		agency, _, _ := strings.Cut(p, "/")
		return nil, day, 0, goneError(portal.Tombstone{Path: p, Kind: iv.Version.Kind, Agency: agency, At: iv.Version.At, Reason: iv.Version.Reason})
	}
	if iv.Item == nil || iv.Item.Dataset == nil {
		return nil, day, 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return iv.Item.Dataset, day, iv.Version.Number, nil
}

// datasetOn serves the dataset page at p as in force on the day of ?ngay=.
func (s *Server) datasetOn(c echo.Context, p string) error {
	d, day, n, err := s.datasetAt(c, p)
	if err != nil {
		return err
	}
	c.Set(onKey, onDay{day, n})
	return s.dataset(c, d)
}

// onKey holds the onDay of a dataset page asked for a date.
const onKey = "dataset_on"

type onDay struct {
	day     time.Time
	version int
}

// setOn marks a dataset page as showing the version in force on a date.
func setOn(c echo.Context, tv *tableView) {
	if on, ok := c.Get(onKey).(onDay); ok {
		tv.On, tv.Version = on.day, on.version
		tv.base.Set("ngay", on.day.Format("2006-01-02"))
	}
}

// goneErr is the error of a withdrawn item: a 410 page with its date and
// reason, JSON under /api/ (handleError).
type goneErr struct{ t portal.Tombstone }

func (e *goneErr) Error() string { return "withdrawn: " + e.t.Path }

func goneError(t portal.Tombstone) error { return &goneErr{t} }

// gone answers 410 Gone for a withdrawn item: a page with the date and
// reason and a link to its history, or JSON when the request asks for JSON
// or is under /api/.
func (s *Server) gone(c echo.Context, t portal.Tombstone) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	if strings.HasPrefix(c.Request().URL.Path, "/api/") || wantsJSON(c) {
		return c.JSON(http.StatusGone, map[string]any{
			"status": http.StatusGone, "error": "Nội dung đã được rút khỏi cổng.", "path": t.Path,
			"withdrawn": t.At.In(calendar.Location).Format(time.RFC3339), "reason": t.Reason, "title": t.Title,
			"history": "/" + t.Path + "/lich-su",
		})
	}
	snap := s.deps.Portal.Snapshot()
	v := s.newView(c, snap, s.lang(c), s.now())
	v.Canonical = ""
	v.Title = v.T("gone_title")
	if t.Title != "" {
		v.Title += ": " + t.Title
	}
	v.Data = map[string]any{"Tomb": t, "Agency": v.Agency(t.Agency)}
	body, err := s.tmpl.render("gone", v)
	if err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusGone, body)
}

// wantsJSON reports whether the request prefers JSON to HTML.
func wantsJSON(c echo.Context) bool {
	acc := c.Request().Header.Get(echo.HeaderAccept)
	return strings.Contains(acc, "application/json") && !strings.Contains(acc, "text/html")
}
