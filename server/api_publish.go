package server

// The publishing API under /api/publish/v1 (routes in routes.go): an
// agency's software publishes, corrects, withdraws and restores notices and
// datasets as its staff do in the console, with an API token of the agency
// ("Authorization: Bearer ckp_…", made by its admins in the console). Bodies
// are JSON, or multipart with a "meta" part of JSON and "file" parts. Errors
// are RFC 9457 problem details (application/problem+json). The requests use
// no cookie and so no CSRF token; they are rate-limited per client address
// and bounded in size like the console's uploads. The OpenAPI document at
// /api/openapi.json describes every endpoint (openapi.json).

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/publish"
)

//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves the OpenAPI 3.1 document of the portal's public and
// publishing endpoints.
func (s *Server) openAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, "application/json", openAPIDoc)
}

const tokenCtxKey = "api_token"

// problemJSON is an RFC 9457 problem details object.
type problemJSON struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []problemEntry `json:"errors,omitempty"`
}

// problemEntry is one problem of the content (a file, a line, a message).
type problemEntry struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// problem writes a problem details answer.
func (s *Server) problem(c echo.Context, status int, detail string, errs []problemEntry) error {
	p := problemJSON{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail,
		Instance: c.Request().URL.Path, RequestID: requestID(c), Errors: errs}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(status, "application/problem+json", b)
}

// apiErrors turns what the API's handlers and middleware return into
// problem details: HTTP errors with their status, the steps' errors with
// theirs (problemStatus), anything else a 500 logged once.
func (s *Server) apiErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		var he *echo.HTTPError
		if errors.As(err, &he) && he.Code < 500 {
			msg, _ := he.Message.(string)
			if msg == "" || msg == http.StatusText(he.Code) {
				msg = ""
			}
			return s.problem(c, he.Code, msg, nil)
		}
		status, msg := problemStatus(err)
		if status == http.StatusInternalServerError {
			s.log.Error("publishing API failed", "path", c.Request().URL.Path, "err", err, "request_id", requestID(c))
			return s.problem(c, status, "", nil)
		}
		var entries []problemEntry
		for _, p := range problemsOf(err) {
			entries = append(entries, problemEntry{File: p.Path, Line: p.Line, Message: p.Msg.String()})
		}
		if len(entries) == 0 && status == http.StatusUnprocessableEntity {
			entries = []problemEntry{{Message: err.Error()}}
		}
		return s.problem(c, status, msg, entries)
	}
}

// tokenAuth finds the request's API token; without a valid one, 401.
func (s *Server) tokenAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="congkhai"`)
			return s.problem(c, http.StatusUnauthorized, "Thiếu khóa API: gửi Authorization: Bearer ckp_…", nil)
		}
		t, err := s.pub.store.LookupToken(c.Request().Context(), strings.TrimSpace(secret))
		if errors.Is(err, publish.ErrBadToken) {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="congkhai", error="invalid_token"`)
			return s.problem(c, http.StatusUnauthorized, "Khóa API không hợp lệ hoặc đã bị thu hồi.", nil)
		}
		if err != nil {
			return err
		}
		c.Set(tokenCtxKey, t)
		return next(c)
	}
}

func apiActor(c echo.Context) actor {
	t, _ := c.Get(tokenCtxKey).(*publish.Token)
	return actor{token: t}
}

// apiItemPath reads :agency/:slug, which must be the token's agency (404
// otherwise: an agency never learns of another's items).
func apiItemPath(c echo.Context) (string, error) {
	a, s := c.Param("agency"), c.Param("slug")
	if !validSlug(a) || !validSlug(s) || !apiActor(c).canEdit(a) {
		return "", echo.NewHTTPError(http.StatusNotFound, "Không có văn bản, dữ liệu này trong cơ quan của khóa API.")
	}
	return a + "/" + s, nil
}

// apiFile is a file of the API: its name relative to the item's folder (the
// agency folder for a notice, the dataset's folder for a dataset), its size
// and SHA-256.
type apiFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// apiVersion is a version of the record.
type apiVersion struct {
	Number  int       `json:"number"`
	Action  string    `json:"action"`
	At      time.Time `json:"at"`
	Reason  string    `json:"reason,omitempty"`
	URL     string    `json:"url"`
	History string    `json:"history"`
}

// apiDraft is a draft.
type apiDraft struct {
	ID       int64          `json:"id"`
	Path     string         `json:"path"`
	Kind     string         `json:"kind"`
	Action   string         `json:"action"`
	State    string         `json:"state"`
	Base     int            `json:"base"`
	Reason   string         `json:"reason,omitempty"`
	Note     string         `json:"review_note,omitempty"`
	Created  time.Time      `json:"created"`
	Updated  time.Time      `json:"updated"`
	Files    []apiFile      `json:"files"`
	Problems []problemEntry `json:"problems,omitempty"`
}

// apiResult is the answer of a change: the draft, and the version when it
// was published.
type apiResult struct {
	Path    string      `json:"path"`
	State   string      `json:"state"` // draft, pending, published, withdrawn
	Draft   *apiDraft   `json:"draft,omitempty"`
	Version *apiVersion `json:"version,omitempty"`
}

// apiItem is an item as the API shows it.
type apiItem struct {
	Path    string      `json:"path"`
	Kind    string      `json:"kind"`
	Title   string      `json:"title"`
	State   string      `json:"state"` // published or withdrawn
	URL     string      `json:"url"`
	Version *apiVersion `json:"version,omitempty"`
	Files   []apiFile   `json:"files,omitempty"`
	Drafts  []apiDraft  `json:"drafts,omitempty"`
}

func (s *Server) versionJSON(c echo.Context, v *publish.Version) *apiVersion {
	base := s.baseURL(c, s.deps.Portal.Snapshot())
	return &apiVersion{Number: v.Number, Action: string(v.Action), At: v.At, Reason: v.Reason, URL: base + filePath(v.Path), History: base + filePath(v.Path) + "/lich-su"}
}

// itemRel is a file's name relative to the item's folder.
func itemRel(p string, kind publish.Kind, name string) string {
	if kind == publish.Dataset {
		return strings.TrimPrefix(name, p+"/")
	}
	return strings.TrimPrefix(name, agencyOf(p)+"/")
}

func (s *Server) draftJSON(d *publish.Draft, problems []content.Problem) *apiDraft {
	out := &apiDraft{ID: d.ID, Path: d.Path, Kind: string(d.Kind), Action: string(d.Action), State: string(d.State), Base: d.Base,
		Reason: d.Reason, Note: d.ReviewNote, Created: d.Created, Updated: d.Updated, Files: []apiFile{}}
	for _, f := range d.Files {
		out.Files = append(out.Files, apiFile{Name: itemRel(d.Path, d.Kind, f.Name), Size: f.Size, SHA256: f.Hash})
	}
	for _, p := range problems {
		out.Problems = append(out.Problems, problemEntry{File: p.Path, Line: p.Line, Message: p.Msg.String()})
	}
	return out
}

// apiItems lists the token's agency's items: published and withdrawn.
func (s *Server) apiItems(c echo.Context) error {
	a := apiActor(c)
	snap := s.deps.Portal.Snapshot()
	base := s.baseURL(c, snap)
	agency := a.token.Agency
	out := []apiItem{}
	for _, n := range snap.AgencyNotices(agency) {
		out = append(out, apiItem{Path: n.Path, Kind: string(publish.Notice), Title: n.Title, State: "published", URL: base + filePath(n.Path)})
	}
	for _, d := range snap.AgencyDatasets(agency) {
		out = append(out, apiItem{Path: d.Path, Kind: string(publish.Dataset), Title: d.Title, State: "published", URL: base + filePath(d.Path)})
	}
	for _, t := range snap.Tombstones() {
		if t.Agency == agency {
			out = append(out, apiItem{Path: t.Path, Kind: string(t.Kind), Title: t.Title, State: "withdrawn", URL: base + filePath(t.Path)})
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"agency": agency, "items": out})
}

// apiItem shows an item: its latest version, files and open drafts.
func (s *Server) apiItem(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := apiItemPath(c)
	if err != nil {
		return err
	}
	v, err := s.pub.store.Latest(ctx, p)
	if err != nil {
		return err
	}
	snap := s.deps.Portal.Snapshot()
	it := apiItem{Path: p, Kind: string(v.Kind), State: "published", URL: s.baseURL(c, snap) + filePath(p), Version: s.versionJSON(c, v)}
	if v.Withdrawn() {
		it.State = "withdrawn"
	}
	if n, d := snap.Lookup(p); n != nil {
		it.Title = n.Title
	} else if d != nil {
		it.Title = d.Title
	} else if t, ok := snap.Tombstone(p); ok {
		it.Title = t.Title
	}
	for _, f := range v.Files {
		it.Files = append(it.Files, apiFile{Name: itemRel(p, v.Kind, f.Name), Size: f.Size, SHA256: f.Hash})
	}
	ds, err := s.pub.store.Drafts(ctx, publish.DraftFilter{Path: p, States: []publish.DraftState{publish.DraftOpen, publish.DraftPending, publish.DraftRejected}})
	if err != nil {
		return err
	}
	for i := range ds {
		it.Drafts = append(it.Drafts, *s.draftJSON(&ds[i], nil))
	}
	return c.JSON(http.StatusOK, it)
}

// apiChangeBody is the body of a change: the item's metadata (notice or
// dataset, or its markdown file whole), its files, and what to remove.
type apiChangeBody struct {
	Base         *int            `json:"base"`
	Reason       string          `json:"reason"`
	Notice       *apiNotice      `json:"notice"`
	Dataset      *apiDataset     `json:"dataset"`
	Markdown     *string         `json:"markdown"`
	Files        []apiUploadFile `json:"files"`
	Remove       []string        `json:"remove"`
	ReplaceFiles bool            `json:"replace_files"`
	Submit       *bool           `json:"submit"`
}

type apiUploadFile struct {
	Name          string `json:"name"`
	ContentBase64 string `json:"content_base64"`
}

type apiPlace struct {
	Province string `json:"province,omitempty"`
	District string `json:"district,omitempty"`
	Commune  string `json:"commune,omitempty"`
}

type apiAttachment struct {
	Title string `json:"title"`
	File  string `json:"file,omitempty"`
	URL   string `json:"url,omitempty"`
}

type apiNotice struct {
	Title       string          `json:"title"`
	Category    string          `json:"category"`
	Published   string          `json:"published"`
	Updated     string          `json:"updated"`
	Number      string          `json:"number"`
	Signer      string          `json:"signer"`
	SignerTitle string          `json:"signer_title"`
	Effective   string          `json:"effective"`
	Expires     string          `json:"expires"`
	Summary     string          `json:"summary"`
	Places      []apiPlace      `json:"places"`
	Tags        []string        `json:"tags"`
	Attachments []apiAttachment `json:"attachments"`
	Related     []string        `json:"related"`
	Comment     *struct {
		Opens  string `json:"opens"`
		Closes string `json:"closes"`
	} `json:"comment"`
	apiDisclosure
	Body string `json:"body"`
}

// apiDisclosure is the disclosure fields of a notice or dataset. A field
// absent from the JSON (or null) keeps the value of the item's current file
// in a correction; an empty string clears it.
type apiDisclosure struct {
	DocumentType *string `json:"document_type"`
	Period       *string `json:"period"`
	Approved     *string `json:"approved"`
}

type apiColumn struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Type        string `json:"type"`
	Unit        string `json:"unit"`
	Description string `json:"description"`
}

type apiTable struct {
	File       string   `json:"file"`
	Sheet      string   `json:"sheet"`
	Sheets     []string `json:"sheets"`
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	HeaderRows *int     `json:"header_rows"`
	SkipRows   *int     `json:"skip_rows"`
	Unit       string   `json:"unit"`
	Numbers    string   `json:"numbers"`
	Exclude    bool     `json:"exclude"`
	Chart      *bool    `json:"chart"`
}

type apiDataset struct {
	Title     string      `json:"title"`
	Category  string      `json:"category"`
	Published string      `json:"published"`
	Updated   string      `json:"updated"`
	Summary   string      `json:"summary"`
	License   string      `json:"license"`
	Source    string      `json:"source"`
	Frequency string      `json:"frequency"`
	Places    []apiPlace  `json:"places"`
	Tags      []string    `json:"tags"`
	Columns   []apiColumn `json:"columns"`
	Tables    []apiTable  `json:"tables"`
	apiDisclosure
	// PeriodStart and PeriodEnd are the span the data covers, for a
	// dataset whose period is no year, quarter or month (Period empty).
	PeriodStart *string `json:"period_start"`
	PeriodEnd   *string `json:"period_end"`
	// Kind, Fields and Drop are a records dataset's (content.KindDossiers,
	// content.KindSatisfaction); absent, they keep the current file's.
	Kind   *string            `json:"kind"`
	Fields *map[string]string `json:"fields"`
	Drop   *[]string          `json:"drop"`
	Body   string             `json:"body"`
}

// invalid is a 422 of the API with one message per field.
func invalid(msgs ...string) error {
	return echo.NewHTTPError(http.StatusUnprocessableEntity, strings.Join(msgs, " "))
}

// apiDate reads a date of the API: 2025-01-10, 2025-01-10T08:30:00+07:00
// or 10/01/2025 ("" is zero).
func apiDate(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if t, ok := parseFormDate(v); ok {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, invalid(fmt.Sprintf("%s: ngày %q không hợp lệ (viết 2025-01-10).", field, v))
}

func places(ps []apiPlace) []content.Place {
	var out []content.Place
	for _, p := range ps {
		out = append(out, content.Place{Province: strings.TrimSpace(p.Province), District: strings.TrimSpace(p.District), Commune: strings.TrimSpace(p.Commune)})
	}
	return out
}

// readChange reads the body of a change, JSON or multipart: the metadata
// and the files it uploads (names relative to the item's folder).
func (s *Server) readChange(c echo.Context) (*apiChangeBody, map[string][]byte, error) {
	var body apiChangeBody
	files := map[string][]byte{}
	ct := c.Request().Header.Get(echo.HeaderContentType)
	switch {
	case strings.HasPrefix(ct, echo.MIMEApplicationJSON):
		dec := json.NewDecoder(c.Request().Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			return nil, nil, invalid("JSON không hợp lệ: " + err.Error())
		}
	case strings.HasPrefix(ct, echo.MIMEMultipartForm):
		mf, err := c.MultipartForm()
		if err != nil {
			return nil, nil, invalid("Dữ liệu multipart không hợp lệ: " + err.Error())
		}
		if meta := mf.Value["meta"]; len(meta) > 0 {
			dec := json.NewDecoder(strings.NewReader(meta[0]))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&body); err != nil {
				return nil, nil, invalid("Phần meta không phải JSON hợp lệ: " + err.Error())
			}
		}
		for _, fh := range mf.File["file"] {
			if fh.Size > s.pub.maxFile {
				return nil, nil, echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("Tệp %q lớn hơn giới hạn %s.", fh.Filename, formatBytes(s.pub.maxFile)))
			}
			name, err := apiFileName(fh.Filename)
			if err != nil {
				return nil, nil, err
			}
			b, err := readUpload(fh)
			if err != nil {
				return nil, nil, err
			}
			files[name] = b
		}
	default:
		return nil, nil, echo.NewHTTPError(http.StatusUnsupportedMediaType, "Gửi application/json hoặc multipart/form-data.")
	}
	for _, f := range body.Files {
		name, err := apiFileName(f.Name)
		if err != nil {
			return nil, nil, err
		}
		b, err := base64.StdEncoding.DecodeString(f.ContentBase64)
		if err != nil {
			return nil, nil, invalid(fmt.Sprintf("Tệp %q: content_base64 không phải base64.", f.Name))
		}
		if int64(len(b)) > s.pub.maxFile {
			return nil, nil, echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("Tệp %q lớn hơn giới hạn %s.", f.Name, formatBytes(s.pub.maxFile)))
		}
		files[name] = b
	}
	return &body, files, nil
}

// apiFileName checks a file name of the API, relative to the item's folder:
// each element as the console would name an upload (fileName), no "..", no
// hidden element, a known type.
func apiFileName(name string) (string, error) {
	name = strings.TrimSpace(name)
	parts := strings.Split(name, "/")
	for _, p := range parts {
		if p == "" || p == "." || p == ".." || fileName(p) != p {
			return "", invalid(fmt.Sprintf("Tên tệp %q không dùng được: mỗi phần của tên là chữ, số, dấu cách; không bắt đầu bằng dấu chấm; không có ký tự điều khiển, \\ hoặc ..", name))
		}
	}
	if !uploadTypes[strings.ToLower(path.Ext(name))] || strings.EqualFold(path.Ext(name), ".md") {
		return "", invalid(fmt.Sprintf("Không nhận loại tệp %q: chỉ nhận PDF, Word, Excel, ODS, CSV, ảnh và ZIP.", name))
	}
	return name, nil
}

// buildChange makes the change a request asks for: the item's files are
// those of its latest version (unless replace_files), less those removed,
// with the files uploaded, and its markdown file from markdown, notice or
// dataset (kept as it is when none is given). The fields notice or dataset
// leave out that apiDisclosure and apiDataset keep come from the item's
// current markdown file: draft's, when a draft is updated, else the latest
// version's.
func (s *Server) buildChange(ctx context.Context, p string, action publish.Action, body *apiChangeBody, uploads map[string][]byte, draft *publish.Draft) (*change, error) {
	ch := &change{Path: p, Action: action, Reason: strings.TrimSpace(body.Reason)}
	agency := agencyOf(p)
	var current map[string][]byte
	var origFiles []publish.File
	if draft != nil {
		origFiles = draft.Files
	}
	latest, err := s.pub.store.Latest(ctx, p)
	switch {
	case errors.Is(err, publish.ErrNotFound):
		if action != publish.ActionPublish {
			return nil, fmt.Errorf("%w: %s was never published", publish.ErrNotFound, p)
		}
	case err != nil:
		return nil, err
	default:
		ch.Kind = latest.Kind
		ch.Base = latest.Number
		if draft == nil {
			origFiles = latest.Files
		}
		if action == publish.ActionRestore || !body.ReplaceFiles && action == publish.ActionCorrect {
			if current, err = s.blobFiles(ctx, latest.Files); err != nil {
				return nil, err
			}
		}
	}
	if body.Base != nil {
		ch.Base = *body.Base
	} else if action == publish.ActionCorrect || action == publish.ActionWithdraw {
		return nil, invalid("Cần base: số phiên bản mới nhất mà thay đổi dựa trên (xem GET /items/{agency}/{slug}).")
	} else if action == publish.ActionPublish {
		ch.Base = 0
	}
	if action == publish.ActionWithdraw {
		if len(uploads) > 0 || body.Notice != nil || body.Dataset != nil || body.Markdown != nil {
			return nil, invalid("Rút văn bản không kèm tệp hay nội dung: chỉ cần reason và base.")
		}
		return ch, nil
	}
	switch {
	case body.Notice != nil && body.Dataset != nil:
		return nil, invalid("Gửi notice hoặc dataset, không gửi cả hai.")
	case body.Dataset != nil:
		ch.Kind = publish.Dataset
	case body.Notice != nil:
		ch.Kind = publish.Notice
	case body.Markdown != nil:
		if ch.Kind == "" {
			ch.Kind = publish.Notice
			if strings.Contains(*body.Markdown, "\ncolumns:") || strings.Contains(*body.Markdown, "\ntables:") || len(uploads) > 0 && hasTable(uploads) {
				ch.Kind = publish.Dataset
			}
		}
	case ch.Kind == "":
		return nil, invalid("Cần notice, dataset hoặc markdown để đăng mới.")
	}
	main := p + ".md"
	prefix := agency + "/"
	if ch.Kind == publish.Dataset {
		main, prefix = p+"/index.md", p+"/"
	}
	files := map[string][]byte{}
	for name, b := range current {
		files[name] = b
	}
	for _, r := range body.Remove {
		delete(files, prefix+strings.TrimSpace(r))
	}
	var added []string
	for name, b := range uploads {
		files[prefix+name] = b
		added = append(added, name)
	}
	slices.Sort(added)
	orig, err := s.origMain(ctx, origFiles, main)
	if err != nil {
		return nil, err
	}
	switch {
	case body.Markdown != nil:
		files[main] = []byte(*body.Markdown)
	case body.Notice != nil:
		var o *content.NoticeDraft
		if orig != nil && ch.Kind == publish.Notice {
			nd, _ := content.DecodeNotice(orig)
			o = &nd
		}
		raw, err := s.encodeAPINotice(body.Notice, action, files, prefix, added, o)
		if err != nil {
			return nil, err
		}
		files[main] = raw
	case body.Dataset != nil:
		var o *content.DatasetDraft
		if orig != nil {
			dd, _ := content.DecodeDataset(orig)
			o = &dd
		}
		raw, err := s.encodeAPIDataset(body.Dataset, action, o)
		if err != nil {
			return nil, err
		}
		files[main] = raw
	}
	if _, ok := files[main]; !ok {
		return nil, invalid("Thiếu nội dung văn bản (notice, dataset hoặc markdown).")
	}
	if err := keepsRestricted(ch.Kind, orig, files[main]); err != nil {
		return nil, err
	}
	ch.Files = files
	return ch, nil
}

// origMain is the markdown file main among files (nil when there is none).
func (s *Server) origMain(ctx context.Context, files []publish.File, main string) ([]byte, error) {
	for _, f := range files {
		if f.Name == main {
			return s.pub.store.Blob(ctx, f.Hash)
		}
	}
	return nil, nil
}

// keepsRestricted refuses a change that would make one-stop exports
// public: a dataset of kind content.KindDossiers stays of that kind (its
// files are never served; open data is published as a new dataset).
func keepsRestricted(kind publish.Kind, orig, raw []byte) error {
	if kind != publish.Dataset || orig == nil {
		return nil
	}
	o, _ := content.DecodeDataset(orig)
	if content.DatasetKind(o.Kind) != content.KindDossiers {
		return nil
	}
	n, ps := content.DecodeDataset(raw)
	if n.Title == "" && len(ps) > 0 {
		return nil // a file that does not load: the content check refuses it
	}
	if content.DatasetKind(n.Kind) != content.KindDossiers {
		return invalid(fmt.Sprintf("kind: bộ dữ liệu này là hồ sơ thủ tục hành chính (%s), tệp xuất của nó không bao giờ được công khai: không đổi được loại. Dữ liệu mở hãy đăng thành bộ dữ liệu mới.", content.KindDossiers))
	}
	return nil
}

func hasTable(files map[string][]byte) bool {
	for name := range files {
		if tableTypes[strings.ToLower(path.Ext(name))] {
			return true
		}
	}
	return false
}

// apiDates returns a reader of the JSON's dates that adds each bad one's
// message to errs.
func apiDates(errs *[]string) func(field, v string) time.Time {
	return func(field, v string) time.Time {
		t, err := apiDate(field, v)
		if err != nil {
			*errs = append(*errs, err.(*echo.HTTPError).Message.(string))
		}
		return t
	}
}

// apiHead reads the fields every item has: its title and publication date
// (required), category and update date. A correction without an update date
// is dated now.
func (s *Server) apiHead(title, category, published, updated string, action publish.Action, date func(field, v string) time.Time, errs *[]string) (string, content.Category, time.Time, time.Time) {
	title = strings.TrimSpace(title)
	if title == "" {
		*errs = append(*errs, "title: bắt buộc.")
	}
	cat, ok := content.ParseCategory(category)
	if !ok {
		*errs = append(*errs, fmt.Sprintf("category: %q không phải lĩnh vực (ngan-sach, quy-hoach, gia-dat, boi-thuong, thong-bao, du-thao, thu-tuc).", category))
	}
	pub, upd := date("published", published), date("updated", updated)
	if pub.IsZero() {
		*errs = append(*errs, "published: bắt buộc.")
	}
	if action == publish.ActionCorrect && upd.IsZero() {
		upd = s.now()
	}
	return title, cat, pub, upd
}

// encodeAPINotice writes a notice's file; the files uploaded that no
// attachment names become attachments titled by their names. A correction
// without an updated date is dated today. The disclosure fields n leaves
// out are orig's (the current file; nil for a new item).
func (s *Server) encodeAPINotice(n *apiNotice, action publish.Action, files map[string][]byte, prefix string, added []string, orig *content.NoticeDraft) ([]byte, error) {
	var errs []string
	date := apiDates(&errs)
	title, cat, published, updated := s.apiHead(n.Title, n.Category, n.Published, n.Updated, action, date, &errs)
	d := content.NoticeDraft{Title: title, Category: cat, Published: published, Updated: updated,
		Number: n.Number, Signer: n.Signer, SignerTitle: n.SignerTitle, Effective: date("effective", n.Effective), Expires: date("expires", n.Expires),
		Summary: n.Summary, Places: places(n.Places), Tags: n.Tags, Related: n.Related, Body: n.Body}
	var keep content.Disclosure
	if orig != nil {
		keep = orig.Disclosure
	}
	d.Disclosure = s.apiDisclosure(n.apiDisclosure, keep, date, &errs)
	if n.Comment != nil {
		d.Comment = &content.CommentWindow{Opens: date("comment.opens", n.Comment.Opens), Closes: date("comment.closes", n.Comment.Closes)}
		if !d.Comment.Closes.IsZero() {
			d.Comment.Closes = d.Comment.Closes.Add(24*time.Hour - time.Nanosecond)
		}
	}
	named := map[string]bool{}
	for _, a := range n.Attachments {
		d.Attachments = append(d.Attachments, content.AttachmentDraft{Title: a.Title, File: a.File, URL: a.URL})
		named[path.Clean(a.File)] = true
	}
	for _, name := range added {
		if !named[name] {
			d.Attachments = append(d.Attachments, content.AttachmentDraft{Title: strings.TrimSuffix(path.Base(name), path.Ext(name)), File: name})
		}
	}
	// The item's files are its markdown file and its attachments: a file
	// of the previous version that no attachment names any more goes.
	for name := range files {
		if !named[strings.TrimPrefix(name, prefix)] && !slices.Contains(added, strings.TrimPrefix(name, prefix)) {
			delete(files, name)
		}
	}
	if len(errs) > 0 {
		return nil, invalid(errs...)
	}
	return content.EncodeNotice(d)
}

// encodeAPIDataset writes a dataset's index.md. The disclosure fields, the
// span and a records dataset's kind, fields and drop that n leaves out are
// orig's (the current file; nil for a new item).
func (s *Server) encodeAPIDataset(n *apiDataset, action publish.Action, orig *content.DatasetDraft) ([]byte, error) {
	var errs []string
	date := apiDates(&errs)
	title, cat, published, updated := s.apiHead(n.Title, n.Category, n.Published, n.Updated, action, date, &errs)
	d := content.DatasetDraft{Title: title, Category: cat, Published: published, Updated: updated,
		Summary: n.Summary, License: n.License, Source: n.Source, Frequency: n.Frequency, Places: places(n.Places), Tags: n.Tags, Body: n.Body}
	if orig == nil {
		orig = &content.DatasetDraft{}
	}
	d.Disclosure = s.apiDisclosure(n.apiDisclosure, orig.Disclosure, date, &errs)
	d.PeriodStart, d.PeriodEnd = orig.PeriodStart, orig.PeriodEnd
	if n.Period != nil || n.PeriodStart != nil || n.PeriodEnd != nil {
		// The period and its span go together: given one, the others
		// absent are empty.
		d.PeriodStart, d.PeriodEnd = time.Time{}, time.Time{}
		if n.Period == nil {
			d.Period = ""
		}
		if n.PeriodStart != nil {
			d.PeriodStart = date("period_start", *n.PeriodStart)
		}
		if n.PeriodEnd != nil {
			d.PeriodEnd = date("period_end", *n.PeriodEnd)
		}
		switch problem, spanStart, spanEnd := content.CheckSpan(d.Period, d.PeriodStart, d.PeriodEnd); problem {
		case content.SpanReversed:
			errs = append(errs, "period_end: ngày kết thúc không được trước ngày bắt đầu (period_start).")
		case content.SpanDisagrees:
			errs = append(errs, fmt.Sprintf("period_start, period_end: kỳ công khai %s là từ ngày %s đến ngày %s; bỏ period_start và period_end, hoặc ghi đúng như vậy.",
				d.Period, spanStart.Format("2006-01-02"), spanEnd.Format("2006-01-02")))
		}
	}
	d.Kind, d.Fields, d.Drop = orig.Kind, orig.Fields, orig.Drop
	if n.Kind != nil {
		d.Kind = ""
		if k := strings.TrimSpace(*n.Kind); k != "" {
			if d.Kind = content.DatasetKind(k); d.Kind == "" {
				errs = append(errs, fmt.Sprintf("kind: %q không phải loại bộ dữ liệu (%s: hồ sơ thủ tục hành chính xuất từ phần mềm Một cửa; %s: kết quả đánh giá sự hài lòng; \"\" cho dữ liệu mở).",
					k, content.KindDossiers, content.KindSatisfaction))
			}
		}
	}
	if n.Fields != nil {
		d.Fields = nil
		for k, v := range *n.Fields {
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if k == "" || v == "" {
				errs = append(errs, "fields: mỗi mục là \"trường\": \"tiêu đề cột\", không để trống.")
				continue
			}
			if d.Fields == nil {
				d.Fields = map[string]string{}
			}
			d.Fields[k] = v
		}
	}
	if n.Drop != nil {
		d.Drop = nil
		for _, c := range *n.Drop {
			if c = strings.TrimSpace(c); c != "" {
				d.Drop = append(d.Drop, c)
			}
		}
	}
	if d.Kind == "" && (len(d.Fields) > 0 || len(d.Drop) > 0) {
		errs = append(errs, fmt.Sprintf("fields, drop: chỉ dành cho bộ dữ liệu loại %s hoặc %s (gửi \"fields\": {} và \"drop\": [] để xóa).", content.KindDossiers, content.KindSatisfaction))
	}
	for _, c := range n.Columns {
		d.Columns = append(d.Columns, content.Column{Name: c.Name, Title: c.Title, Type: content.ColumnType(c.Type), Unit: c.Unit, Description: c.Description})
	}
	for _, t := range n.Tables {
		td := content.TableDecl{File: t.File, Sheet: t.Sheet, Sheets: t.Sheets, Name: t.Name, Title: t.Title, HeaderRows: t.HeaderRows, SkipRows: t.SkipRows,
			Unit: t.Unit, Numbers: t.Numbers, Exclude: t.Exclude}
		if t.Chart != nil {
			td.Chart = &content.ChartDecl{Off: !*t.Chart}
		}
		d.Tables = append(d.Tables, td)
	}
	if len(errs) > 0 {
		return nil, invalid(errs...)
	}
	return content.EncodeDataset(d)
}

// apiDisclosure reads the disclosure fields of a notice or dataset, checked
// as the console checks them: a document type of the site's disclosure rules
// (or keep's, the current file's), a period the loader reads. A field n
// leaves out is keep's.
func (s *Server) apiDisclosure(n apiDisclosure, keep content.Disclosure, date func(field, v string) time.Time, errs *[]string) content.Disclosure {
	d := keep
	if n.DocumentType != nil {
		d.DocumentType = strings.TrimSpace(*n.DocumentType)
		if v := d.DocumentType; v != "" && v != keep.DocumentType {
			types := s.docTypes()
			if !slices.ContainsFunc(types, func(o docTypeOption) bool { return o.Value == v }) {
				names := make([]string, len(types))
				for i, o := range types {
					names[i] = o.Value
				}
				*errs = append(*errs, fmt.Sprintf("document_type: %q không có trong danh mục nghĩa vụ công khai (%s).", v, strings.Join(names, ", ")))
			}
		}
	}
	if n.Period != nil {
		d.Period = strings.TrimSpace(*n.Period)
		if d.Period != "" {
			if _, _, _, ok := content.ParsePeriod(d.Period); !ok {
				*errs = append(*errs, fmt.Sprintf("period: %q không phải kỳ công khai: viết năm (2026), quý (2026-Q1, quý I/2026), 6 hoặc 9 tháng (2026-6T, 6 tháng 2026) hoặc tháng (2026-03).", d.Period))
			}
		}
	}
	if n.Approved != nil {
		d.Approved = date("approved", *n.Approved)
	}
	return d
}

// apiChange is POST /items/{agency}/{slug}/{action}: publish (a new item),
// correct, withdraw or restore. The change becomes a draft, which is
// published at once when the agency publishes without approval (201), and
// otherwise submitted for approval in the console (202); "submit": false
// leaves it a draft.
func (s *Server) apiChange(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := apiItemPath(c)
	if err != nil {
		return err
	}
	action := publish.Action(c.Param("action"))
	switch action {
	case publish.ActionPublish, publish.ActionCorrect, publish.ActionWithdraw, publish.ActionRestore:
	default:
		return echo.NewHTTPError(http.StatusNotFound, "Thao tác là publish, correct, withdraw hoặc restore.")
	}
	body, uploads, err := s.readChange(c)
	if err != nil {
		return err
	}
	ch, err := s.buildChange(ctx, p, action, body, uploads, nil)
	if err != nil {
		return err
	}
	if (action == publish.ActionCorrect || action == publish.ActionWithdraw || action == publish.ActionRestore) && ch.Reason == "" {
		return invalid("reason: bắt buộc khi đính chính, rút hoặc công bố lại.")
	}
	a := apiActor(c)
	d, err := s.saveDraft(ctx, a, 0, ch)
	if err != nil {
		return err
	}
	return s.apiAfterSave(c, a, d, body.Submit)
}

// apiAfterSave publishes, submits or keeps a saved draft, and answers.
func (s *Server) apiAfterSave(c echo.Context, a actor, d *publish.Draft, submit *bool) error {
	ctx := c.Request().Context()
	if submit != nil && !*submit {
		return c.JSON(http.StatusCreated, apiResult{Path: d.Path, State: string(d.State), Draft: s.draftJSON(d, nil)})
	}
	if s.canPublish(a, d.Agency) {
		d2, v, err := s.draftAction(ctx, a, d.ID, "approve", "")
		if err != nil {
			return err
		}
		state := "published"
		if v.Withdrawn() {
			state = "withdrawn"
		}
		return c.JSON(http.StatusCreated, apiResult{Path: d.Path, State: state, Draft: s.draftJSON(d2, nil), Version: s.versionJSON(c, v)})
	}
	d2, _, err := s.draftAction(ctx, a, d.ID, "submit", "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, apiResult{Path: d.Path, State: string(d2.State), Draft: s.draftJSON(d2, nil)})
}

// apiDraftID reads :id as a draft of the token's agency.
func (s *Server) apiDraftID(c echo.Context) (*publish.Draft, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	return s.draftFor(c.Request().Context(), apiActor(c), id)
}

// apiGetDraft shows a draft with the problems of its files.
func (s *Server) apiGetDraft(c echo.Context) error {
	d, err := s.apiDraftID(c)
	if err != nil {
		return err
	}
	var problems []content.Problem
	if len(d.Files) > 0 {
		files, err := s.draftFiles(c.Request().Context(), d)
		if err != nil {
			return err
		}
		_, problems = s.deps.Portal.CheckItem(d.Path, files)
	}
	return c.JSON(http.StatusOK, s.draftJSON(d, problems))
}

// apiUpdateDraft replaces the content of an open or rejected draft (as
// apiChange builds it, from the item's latest version), and publishes or
// submits it as apiChange does.
func (s *Server) apiUpdateDraft(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.apiDraftID(c)
	if err != nil {
		return err
	}
	body, uploads, err := s.readChange(c)
	if err != nil {
		return err
	}
	base := d.Base // a draft keeps the version it was made from
	body.Base = &base
	ch, err := s.buildChange(ctx, d.Path, d.Action, body, uploads, d)
	if err != nil {
		return err
	}
	a := apiActor(c)
	d, err = s.saveDraft(ctx, a, d.ID, ch)
	if err != nil {
		return err
	}
	return s.apiAfterSave(c, a, d, body.Submit)
}

// apiDraftAction is POST /drafts/{id}/{submit|publish}.
func (s *Server) apiDraftAction(c echo.Context) error {
	d, err := s.apiDraftID(c)
	if err != nil {
		return err
	}
	a := apiActor(c)
	switch c.Param("action") {
	case "submit":
		d2, _, err := s.draftAction(c.Request().Context(), a, d.ID, "submit", "")
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, apiResult{Path: d.Path, State: string(d2.State), Draft: s.draftJSON(d2, nil)})
	case "publish":
		d2, v, err := s.draftAction(c.Request().Context(), a, d.ID, "approve", "")
		if err != nil {
			return err
		}
		state := "published"
		if v.Withdrawn() {
			state = "withdrawn"
		}
		return c.JSON(http.StatusOK, apiResult{Path: d.Path, State: state, Draft: s.draftJSON(d2, nil), Version: s.versionJSON(c, v)})
	}
	return echo.NewHTTPError(http.StatusNotFound)
}

// apiDeleteDraft deletes an open or rejected draft.
func (s *Server) apiDeleteDraft(c echo.Context) error {
	d, err := s.apiDraftID(c)
	if err != nil {
		return err
	}
	if _, _, err := s.draftAction(c.Request().Context(), apiActor(c), d.ID, "delete", ""); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
